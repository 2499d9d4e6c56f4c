"""Writes of the meta table (township facts and settings kept with the data); reads are
:meth:`cockpit.store.Store.meta`."""

from __future__ import annotations

__all__ = ["set_meta"]


def set_meta(con, values: dict[str, str]) -> None:
    """Set the meta ``values`` (key -> text) through the writable cursor ``con``, in its transaction."""
    for key, value in values.items():
        con.execute("DELETE FROM meta WHERE key = ?", [key])
        con.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [key, value])
