"""The data page's record of imports (with undo and the quarantine) and its export panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit.importer import ImportFailed, export_table, undo
from cockpit.importer.exporting import export_changes, mask_quarantine
from cockpit.text.privacy import GRID_DEG
from cockpit.text.literal import literal
from cockpit.store import StoreError
from cockpit.store import imports as imports_sql
from cockpit.ui.import_view import user_name
from cockpit.ui.downloads import made_on_click
from cockpit.ui.shell import PageContext, translated_radio

__all__ = ["history_panel", "export_panel", "history_frame", "run_undo", "export_bytes", "UNDO_DONE"]

UNDO_DONE = "imp_undo_result"
_SHOWN = ("batch_id", "finished_at", "user_name", "direction", "kind", "file_name", "status", "rows_in",
          "rows_loaded", "rows_rejected", "rows_flagged", "sha256")
_MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


def _kind_label(t, kind: str) -> str:
    return t(f"import.kind.{kind}") if t.has(f"import.kind.{kind}") else kind


def history_frame(t, batches: pd.DataFrame) -> pd.DataFrame:
    """The batches as shown: translated headers, directions, kinds and statuses."""
    frame = batches[list(_SHOWN)].copy()
    frame["direction"] = [t(f"data.direction.{d}") for d in frame["direction"]]
    frame["kind"] = [_kind_label(t, k) for k in frame["kind"]]
    frame["status"] = [t(f"data.status.{s}") if t.has(f"data.status.{s}") else s for s in frame["status"]]
    frame["sha256"] = frame["sha256"].fillna("").str[:16]
    return frame.rename(columns={c: t(f"data.col.{c}") for c in _SHOWN})


def _label(t, row) -> str:
    return t("data.batch_label", batch=row["batch_id"], kind=_kind_label(t, row["kind"]),
             file=row["file_name"] or "", when=str(row["finished_at"])[:16])


def run_undo(ctx: PageContext, batch_id: int) -> tuple[bool, str]:
    t = ctx.t
    try:
        with ctx.data.writer() as con:
            result = undo(con, batch_id, user_name(ctx))
    except ImportFailed as exc:
        return False, t("data.undo_failed", error=exc.problem.text(t))
    except StoreError as exc:
        return False, t("import.write_unavailable", error=str(exc))
    return True, t("data.undone", batch=batch_id, deleted=f"{result.inserted:,}", restored=f"{result.updated:,}")


def history_panel(ctx: PageContext) -> None:
    t = ctx.t
    done = st.session_state.pop(UNDO_DONE, None)
    if done:
        (st.success if done[0] else st.error)(done[1])
    with ctx.data.reader() as con:
        batches = imports_sql.batches(con)
    if batches.empty:
        st.info(t("data.history_empty"))
        return
    st.dataframe(history_frame(t, batches), hide_index=True, width="stretch", key="data_history")
    undoable = batches[(batches["direction"] == "import") & (batches["status"] == "loaded")]
    if not _can(ctx, "import"):
        pass
    elif undoable.empty:
        st.caption(t("data.undo_none"))
    else:
        labels = {int(r["batch_id"]): _label(t, r) for _, r in undoable.iterrows()}
        chosen = st.selectbox(t("data.undo_select"), list(labels), key="data_undo_batch", format_func=labels.get)
        sure = st.checkbox(t("data.undo_confirm"), key="data_undo_confirm")
        if st.button(t("data.undo_button"), key="data_undo", disabled=not sure):
            st.session_state[UNDO_DONE] = run_undo(ctx, int(chosen))
            st.session_state.pop("data_undo_confirm", None)
            st.rerun()
    with_rejects = batches[(batches["direction"] == "import") & (batches["rows_rejected"].fillna(0) > 0)
                           & (batches["status"].isin(["loaded", "undone"]))]
    if not with_rejects.empty:
        st.subheader(t("data.quarantine"))
        labels = {int(r["batch_id"]): _label(t, r) for _, r in with_rejects.iterrows()}
        chosen = st.selectbox(t("data.quarantine_select"), list(labels), key="data_quarantine_batch",
                              format_func=labels.get)
        with ctx.data.reader() as con:
            rows = imports_sql.quarantine(con, int(chosen))
        if rows.empty:
            st.caption(t("data.quarantine_empty"))
        else:
            shown = mask_quarantine(rows)[["line", "problems", "raw_row"]]
            st.dataframe(shown.rename(columns={"line": t("import.report.line"),
                                               "problems": t("import.report.problem")}),
                         hide_index=True, width="stretch", key="data_quarantine")


def export_bytes(ctx: PageContext, table: str, fmt: str, personal: bool = False) -> bytes:
    """The export, recorded under the write lock; personal data masked unless ``personal`` and the
    user may see personal data."""
    allowed = personal and _can(ctx, "see_personal_data")
    with ctx.data.writer(data_changed=False) as con:
        return export_table(con, table, fmt, allow_personal=allowed, user=user_name(ctx))


def _can(ctx: PageContext, capability: str) -> bool:
    check = getattr(ctx, "can", None)
    return bool(check and check(capability))


def export_changes_note(t, table: str, personal: bool) -> None:
    """Say what the export of ``table`` masks and generalises (cockpit.importer.exporting)."""
    changes = export_changes(table, personal)
    lines = []
    if changes["masked"]:
        lines.append(t("data.export_masked", columns=", ".join(literal(c) for c in changes["masked"])))
    if changes["generalised"]:
        lines.append(t("data.export_generalised", columns=", ".join(literal(c) for c in changes["generalised"]),
                       grid=literal(f"{GRID_DEG:g}")))
    if lines:
        st.info("\n\n".join(lines), icon=":material/shield_person:")


def export_panel(ctx: PageContext) -> None:
    t = ctx.t
    if not _can(ctx, "export"):
        st.info(t("data.no_export_right"))
        return
    table = st.selectbox(t("data.export_table"), imports_sql.EXPORT_TABLES, key="data_export_table")
    fmt = translated_radio(t.lang, t("data.export_format"), ("csv", "parquet"), "data_export_format", str.upper,
                           horizontal=True)
    personal = False
    if _can(ctx, "see_personal_data"):
        personal = st.checkbox(t("data.export_personal"), key="data_export_personal")
    st.caption(t("data.export_note_personal") if personal else t("data.export_note"))
    export_changes_note(t, table, personal)
    file_name = f"{table}.{fmt}"
    st.download_button(t("data.export_button", file=literal(file_name)),
                       data=made_on_click(ctx, lambda: export_bytes(ctx, table, fmt, personal)),
                       file_name=file_name, mime=_MIME[fmt], key="data_export_download", on_click="ignore")
