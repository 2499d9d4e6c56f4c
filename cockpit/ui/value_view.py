"""The Data page's value translations: what the file's own codes mean here, kept with its source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit.importer.translations import allowed, coded_fields, untranslated, value_options
from cockpit.text.literal import LABEL, literal
from cockpit.store import imports as imports_sql
from cockpit.ui.shell import PageContext

__all__ = ["value_translations"]

_REFERENCE_NAMES = {"category_id": "categories", "department_id": "departments", "domain_id": "domains"}
_ENUM_LABELS = {"channel": "cases.channel.", "status": "close.status.", "kind": "kind.", "area_group": "group."}


def _labels(ctx: PageContext, name: str, codes: list[str]) -> dict[str, str]:
    """What each code of field ``name`` is called in the user's language ("roads · 道路交通")."""
    table = _REFERENCE_NAMES.get(name)
    if table:
        frame = getattr(ctx.data, table)()
        names = dict(zip(frame[frame.columns[0]], frame[f"name_{ctx.lang}"]))
    else:
        prefix = _ENUM_LABELS.get(name, "")
        names = {c: ctx.t(prefix + c) for c in codes if prefix and ctx.t.has(prefix + c)}
    return {c: f"{c} · {literal(names[c], LABEL)}" if c in names else c for c in codes}


def value_translations(ctx: PageContext, upload, mapping: dict, saved: dict[str, dict[str, str]]) -> tuple:
    """For each mapped coded field: the file's values that do not read as a code (and those the
    source already translates), each with the code it means here; return the translations as
    :class:`cockpit.importer.validate.Options` ``values``."""
    t = ctx.t
    with ctx.data.reader() as con:
        checking = imports_sql.context(con)
    unknown = untranslated(upload.raw, upload.kind, mapping, checking)
    fields = [f for f in coded_fields(upload.kind) if f.name in unknown or saved.get(f.name)]
    if not fields:
        return value_options(saved)
    st.markdown(f"**{t('values.title')}**")
    st.caption(t("values.help"))
    tables: dict[str, dict[str, str]] = {}
    for f in fields:
        codes = allowed(upload.kind, f, checking)
        labels = _labels(ctx, f.name, codes)
        kept = {k: v for k, v in (saved.get(f.name) or {}).items() if v in codes}
        counts = dict(unknown.get(f.name, []))
        rows = list(dict.fromkeys([*counts, *kept]))
        frame = pd.DataFrame({"theirs": rows, "rows": [counts.get(v, 0) for v in rows],
                              "ours": [kept.get(v) for v in rows]})
        edited = st.data_editor(frame, hide_index=True, width="stretch", num_rows="fixed",
                                key=f"values_{upload.sha256[:10]}_{f.name}", column_config={
                                    "theirs": st.column_config.TextColumn(
                                        t("values.theirs", field=t(f"import.field.{f.name}")), disabled=True),
                                    "rows": st.column_config.NumberColumn(t("values.rows"), disabled=True),
                                    "ours": st.column_config.SelectboxColumn(t("values.ours"), options=codes,
                                                                             format_func=labels.get)})
        tables[f.name] = {theirs: ours for theirs, ours in zip(edited["theirs"], edited["ours"])
                          if isinstance(ours, str) and ours}
    return value_options({**saved, **tables})
