"""How a value becomes text a person reads: numbers formatted, data text kept literal, personal
fields masked, CSV that Excel opens safely.

Import each module by its own name; this package imports nothing."""
