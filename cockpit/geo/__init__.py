"""Maps without drawing: village boundaries (load, check, shape, dissolve), class breaks and
colours, the map's colours, legends and tooltips, which names a map can print.

Import each module by its own name; this package imports nothing."""
