"""Value types every layer shares, below the store: calendar months, the case filter, a
longitude/latitude box, what an imported file is checked against. Nothing here reads the database.

Import each module by its own name; this package imports nothing."""
