"""A longitude/latitude box, and China's: what a coordinate is checked against."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BBox", "CHINA"]


@dataclass(frozen=True)
class BBox:
    """A longitude/latitude box."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat

    def expanded(self, degrees: float) -> "BBox":
        return BBox(self.min_lon - degrees, self.min_lat - degrees,
                    self.max_lon + degrees, self.max_lat + degrees)

    def __str__(self) -> str:
        return f"{self.min_lon:.3f}–{self.max_lon:.3f} E, {self.min_lat:.3f}–{self.max_lat:.3f} N"


CHINA = BBox(73.0, 3.0, 136.0, 54.0)
