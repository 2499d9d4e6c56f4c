"""The store layer: the only place with SQL. Build the database, then query it through `Store`."""

from cockpit.store.build import BuildError, build_database
from cockpit.store.store import Store, StoreError

__all__ = ["BuildError", "build_database", "Store", "StoreError"]
