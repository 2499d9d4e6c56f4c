"""Metrics computed from store query results: pure functions on numbers and DataFrames."""
