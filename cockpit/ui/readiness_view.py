"""The page an unfinished township sees: what its data holds, what each page needs, where to add it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from cockpit import settings
from cockpit.i18n import Translator
from cockpit.metrics.readiness import Item, checklist, missing_for
from cockpit.ui.data import Data
from cockpit.ui.pages import PAGES, page_spec

__all__ = ["boundary_count", "township_checklist", "checklist_table", "township_parts", "not_ready"]


@st.cache_data(ttl=3600, max_entries=4, show_spinner=False)
def _features(path: str, mtime: int) -> int:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    return len(doc.get("features") or []) if isinstance(doc, dict) else 0


def boundary_count() -> int:
    """Polygons in the app's boundary file (0 when there is none or it cannot be read)."""
    path: Path = settings.path("geodata_path")
    return _features(str(path), path.stat().st_mtime_ns) if path.is_file() else 0


def township_checklist(data: Data) -> list[Item]:
    return checklist(data.contents(), boundary_count())


def checklist_table(t: Translator, items: list[Item]) -> None:
    """What the township's data holds, part by part: how much, how to import it, which pages need it."""
    titles = {p.name: t(p.title_key) for p in PAGES}
    st.dataframe(pd.DataFrame({
        t("ready.col.part"): [t(f"ready.part.{i.part.key}") for i in items],
        t("ready.col.have"): [t(f"ready.have.{i.part.unit}", n=i.count) if i.ready else t("ready.none")
                              for i in items],
        t("ready.col.kind"): [t(f"import.kind.{i.part.kind}") for i in items],
        t("ready.col.pages"): [t("punct.list").join(titles[p] for p in i.pages) for i in items],
    }), hide_index=True, width="stretch")


def township_parts(t: Translator, data: Data) -> None:
    """On the Data page while a part of the township's data is missing: the checklist, open when
    the township has no villages or no month yet."""
    items = township_checklist(data)
    if all(i.ready for i in items):
        return
    contents = data.contents()
    starting = not contents["villages"] or not any(contents[k] for k in ("coverage", "allocations", "cases"))
    with st.expander(t("ready.data_title"), expanded=starting, icon=":material/checklist:"):
        st.caption(t("ready.data_help"))
        checklist_table(t, items)


def not_ready(t: Translator, name: str, data: Data, may_import: bool) -> bool:
    """When page ``name`` lacks data it needs: say what is missing and where to add it, show the
    township's checklist and return True (the caller stops the page)."""
    contents = data.contents()
    needs_boundaries = "boundaries" in missing_for(name, checklist(contents, 1))
    items = checklist(contents, boundary_count() if name == "map" or not needs_boundaries else 1)
    missing = missing_for(name, items)
    if not missing:
        return False
    st.title(t(page_spec(name).title_key))
    st.info(t("ready.missing", parts=t("punct.list").join(t(f"ready.part.{m}") for m in missing)),
            icon=":material/info:")
    checklist_table(t, items)
    if may_import:
        st.page_link("pages/data.py", label=t("ready.go_data"), icon=":material/upload_file:")
    else:
        st.caption(t("ready.ask"))
    return True
