"""What the database already holds that an imported file is checked against: built by the store
(:func:`cockpit.store.imports.context`), read by the importer's checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cockpit.values.bbox import CHINA, BBox

__all__ = ["Context"]


@dataclass
class Context:
    """What the database already holds that a file is checked against."""

    ids: dict[str, set[str]] = field(default_factory=dict)                  # table -> ids
    names: dict[str, dict[str, list[str]]] = field(default_factory=dict)    # table -> name -> ids
    categories: dict[str, tuple[str, int]] = field(default_factory=dict)    # id -> (dept, days)
    box: BBox = CHINA
    boundaries: Any = None                                                   # GeoDataFrame or None
