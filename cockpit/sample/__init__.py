"""The synthetic sample township (青溪镇 / Qingxi Town): a seeded generator of CSV and GeoJSON files.

Entry point: :func:`cockpit.sample.generate.generate` (``python -m cockpit generate``). The true
parameters of every embedded relation live in :mod:`cockpit.sample.truth`.
"""

__all__: list[str] = []
