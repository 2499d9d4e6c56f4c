"""From township to county: the data package a township publishes for its county (package.py)."""
