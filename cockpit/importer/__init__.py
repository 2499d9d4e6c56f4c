"""Bring your own township: read, map, validate, load (and undo) data files; export tables.

Pure Python, no Streamlit. The steps, in order (see :mod:`cockpit.importer.pipeline`):

- :mod:`~cockpit.importer.reading`: bytes → cells (encodings, delimiters, Excel, Open311 JSON);
- :mod:`~cockpit.importer.mapping`: which header feeds which field (suggested, saved per source);
- :mod:`~cockpit.importer.validate`: typed rows, rejected rows with line and reason, flags;
  cell parsers in :mod:`~cockpit.importer.values`, :mod:`~cockpit.importer.dates` and
  :mod:`~cockpit.importer.coords` (also GCJ-02 → WGS84);
- :mod:`~cockpit.importer.boundaries`: GeoJSON village polygons;
- :mod:`~cockpit.importer.report`: the validation report;
- :mod:`~cockpit.importer.pipeline`: load in one transaction, undo;
- :mod:`~cockpit.importer.exporting`: exports with personal data masked.
"""

from cockpit.importer.kinds import KIND_NAMES, KINDS
from cockpit.importer.mapping import source_name, suggest
from cockpit.importer.exporting import export_table
from cockpit.importer.pipeline import MODES, Result, Upload, check, load, open_upload, saved_for, suggested_mapping, \
    undo
from cockpit.importer.problems import ImportFailed, Problem
from cockpit.importer.validate import Checked, Options

__all__ = ["KIND_NAMES", "KINDS", "MODES", "Checked", "ImportFailed", "Options", "Problem", "Result", "Upload", "saved_for",
           "check", "export_table", "load", "open_upload", "source_name", "suggest", "suggested_mapping", "undo"]
