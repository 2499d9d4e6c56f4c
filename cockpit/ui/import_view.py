"""The import panel of the data page: upload, kind, column mapping, preview, check, report, load.

Per-user state (st.session_state, keys starting ``imp_``): the opened upload (by checksum), the
last check (with the mapping and options it was made with), the uploader's generation (bumped
after a load, which empties the uploader) and the last result message. The work is done by
cockpit.importer; this module only draws widgets and calls it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from cockpit import settings
from cockpit.text.literal import LONG, NAME, SHORT, literal
from cockpit.importer import KIND_NAMES, KINDS, MODES, ImportFailed, Options, check, load, open_upload, \
    saved_for, source_name, suggested_mapping
from cockpit.importer.kinds import UPDATES_BY_KEY
from cockpit.importer.mapping import missing_required
from cockpit.importer.report import report_csv, report_frame, summary
from cockpit.importer.validate import Checked
from cockpit.store import StoreError
from cockpit.ui.downloads import made_on_click
from cockpit.ui.shell import PageContext, translated_radio
from cockpit.ui.value_view import value_translations

__all__ = ["import_panel", "upload_limit_mb", "user_name", "mapping_widgets", "read_summary", "run_load",
           "REPORT_ROWS_SHOWN"]

UPLOAD, CHECKED, RESULT, GENERATION = "imp_upload", "imp_checked", "imp_result", "imp_generation"
REPORT_ROWS_SHOWN = 500
PREVIEW_ROWS = 20
_NOT_MAPPED = ""
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "json", "geojson"]  # .xls only to say why not


def user_name(ctx: PageContext) -> str:
    """Who acts: the signed-in user's name once sign-in exists, else "local"."""
    user = getattr(ctx, "user", None)
    return getattr(user, "name", None) or (user if isinstance(user, str) else None) or "local"


def read_summary(ctx: PageContext, upload) -> str:
    raw = upload.raw
    return ctx.t("import.read_summary", rows=f"{len(raw.rows):,}", encoding=literal(raw.encoding or "—", SHORT),
                 delimiter=ctx.t(f"import.delimiter.{_DELIMITERS.get(raw.delimiter, 'none')}"),
                 format=literal(raw.source_format.upper(), SHORT))


def _opened(ctx: PageContext, data: bytes, filename: str, kind: str):
    sig = (hashlib.sha256(data).hexdigest(), filename, kind)
    cached = st.session_state.get(UPLOAD)
    if cached and cached[0] == sig:
        return cached[1]
    upload = open_upload(data, filename, kind)
    st.session_state[UPLOAD] = (sig, upload)
    st.session_state.pop(CHECKED, None)
    return upload


def mapping_widgets(ctx: PageContext, upload, suggested: dict) -> dict[str, str | None]:
    """One selectbox per target field (required ones marked *), defaulting to the suggestion."""
    t, kind = ctx.t, upload.kind
    options = [_NOT_MAPPED, *upload.raw.headers]
    mapping: dict[str, str | None] = {}
    # shown: what a file must or does give, and what new rows of a table updated by key need
    shown = [f for f in kind.fields if f.required or suggested.get(f.name)
             or (f.not_null and kind.table in UPDATES_BY_KEY)]
    more = [f for f in kind.fields if f not in shown]
    _selectboxes(ctx, upload, shown, options, suggested, mapping)
    if more:
        with st.expander(t("import.more_fields", count=len(more))):
            _selectboxes(ctx, upload, more, options, suggested, mapping)
    return mapping


def _selectboxes(ctx: PageContext, upload, fields, options, suggested: dict, mapping: dict) -> None:
    t = ctx.t
    cols = st.columns(3)
    for n, f in enumerate(fields):
        default = suggested.get(f.name)
        label = t(f"import.field.{f.name}") + (" *" if f.required else "")
        with cols[n % 3]:
            choice = st.selectbox(label, options, index=options.index(default) if default in options else 0,
                                  key=f"imp_map_{upload.sha256[:10]}_{upload.kind.name}_{f.name}",
                                  format_func=lambda h: t("import.not_in_file") if h == _NOT_MAPPED else h,
                                  help=literal(f.name))
        mapping[f.name] = choice or None


def _options(ctx: PageContext, upload) -> Options:
    t, kind = ctx.t, upload.kind
    has_coords = kind.name == "boundaries" or any(f.name == "lon" for f in kind.fields)
    gcj = st.checkbox(t("import.gcj02"), key="imp_gcj02") if has_coords else False
    village, create = None, False
    if kind.name == "boundaries":
        create = st.checkbox(t("import.create_villages"), value=ctx.data.villages().empty,
                             key="imp_create_villages", help=t("import.create_villages_help"))
    if kind.name == "boundaries" and not upload.raw.headers:
        villages = ctx.data.villages()
        names = dict(zip(villages["village_id"], villages[f"name_{ctx.lang}"]))
        village = st.selectbox(t("import.bare_village"), list(names), key="imp_bare_village",
                               format_func=lambda v: f"{names[v]} ({v})")
    return Options(gcj02=bool(gcj), village_id=village, create_villages=bool(create))


def _preview(ctx: PageContext, upload, mapping: dict) -> None:
    raw = upload.raw
    if not raw.headers:
        return
    cells = [["" if c is None else str(c) for c in row] for row in raw.rows[:PREVIEW_ROWS]]
    frame = pd.DataFrame(cells, columns=raw.headers)
    frame.insert(0, ctx.t("import.report.line"), raw.lines[:PREVIEW_ROWS])
    st.caption(ctx.t("import.preview", rows=min(PREVIEW_ROWS, len(raw.rows))))
    st.dataframe(frame, hide_index=True, width="stretch", height=min(38 * (len(frame) + 1), 420))


def _report(ctx: PageContext, checked: Checked) -> None:
    t = ctx.t
    st.subheader(t("import.report"))
    counts = summary(checked)
    for col, key in zip(st.columns(4), ("rows_in", "rows_valid", "rows_rejected", "rows_flagged")):
        col.metric(t(f"import.{key}"), f"{counts[key]:,}")
    if checked.notes:
        st.markdown(f"**{t('import.notes')}**")
        st.markdown("\n".join(f"- {literal(n.text(t), LONG)}" for n in checked.notes))  # they quote the file
    total = len(checked.issues())
    if not total:
        st.success(t("import.no_problems"))
    else:
        st.dataframe(report_frame(checked, t, limit=REPORT_ROWS_SHOWN), hide_index=True, width="stretch",
                     key="imp_report_table")
        if total > REPORT_ROWS_SHOWN:
            st.caption(t("import.report_shown", shown=REPORT_ROWS_SHOWN, total=f"{total:,}"))
    st.download_button(t("import.download_report"), made_on_click(ctx, lambda: report_csv(checked, t)),
                       file_name="import_report.csv",
                       mime="text/csv", key="imp_report_download", on_click="ignore")


def run_load(ctx: PageContext, upload, checked: Checked, mode: str, source: str, options: Options,
             progress=None):
    """Load under the write lock; return (ok, message) in the user's language."""
    t = ctx.t
    try:
        with ctx.data.writer() as con:
            result = load(con, upload, checked, mode=mode, user=user_name(ctx), source=source or None,
                          imports_dir=settings.path("imports_dir"), geodata_path=settings.path("geodata_path"),
                          options=options, progress=progress)
    except ImportFailed as exc:
        return False, t("import.result_failed", error=exc.problem.text(t))
    except StoreError as exc:
        return False, t("import.write_unavailable", error=str(exc))
    except Exception as exc:  # noqa: BLE001 - rolled back; the user sees why
        return False, t("import.result_failed", error=f"{type(exc).__name__}: {exc}")
    if result.status == "loaded":
        message = t("import.result_loaded", batch=result.batch_id, inserted=f"{result.inserted:,}",
                    updated=f"{result.updated:,}", unchanged=f"{result.unchanged:,}",
                    rejected=f"{result.rejected:,}")
        if result.created:
            message += " " + t("import.result_created", n=result.created)
        if result.placed:
            message += " " + t("import.result_placed", n=result.placed)
        return True, message
    return False, t("import.result_rejected", batch=result.batch_id, reason=result.message.text(t))


def upload_limit_mb() -> int:
    """The largest file the data page takes, in whole MB: the setting max_upload_mb, capped by the
    server's own limit (``server.maxUploadSize``, .streamlit/config.toml). Streamlit's server refuses
    a larger request first (HTTP 413, no message of ours), so a setting above it would promise a
    size that never arrives; the widget and our check use this one value, and the label says it."""
    wanted = settings.number("max_upload_mb")
    server = st.get_option("server.maxUploadSize")
    return max(1, min(int(wanted), int(server)))


def import_panel(ctx: PageContext) -> None:
    t = ctx.t
    done = st.session_state.pop(RESULT, None)
    if done:
        (st.success if done[0] else st.error)(done[1])
    can = getattr(ctx, "can", None)
    if can is not None and not can("import"):
        st.info(t("data.no_import_right"))
        return
    kind = st.selectbox(t("import.kind"), KIND_NAMES, key="imp_kind", format_func=lambda k: t(f"import.kind.{k}"))
    limit = upload_limit_mb()
    generation = st.session_state.setdefault(GENERATION, 0)
    file = st.file_uploader(t("import.file", mb=limit), type=_FILE_TYPES, key=f"imp_file_{generation}",
                            help=t("import.file_help"), max_upload_size=limit)
    if file is None:
        return
    data = file.getvalue()
    if len(data) > limit * 1024 * 1024:
        st.error(t("import.too_big", mb=f"{len(data) / 1024 / 1024:.1f}", limit=limit))
        return
    try:
        upload = _opened(ctx, data, file.name, kind)
    except ImportFailed as exc:
        st.error(t("import.cannot_read", problem=literal(exc.problem.text(t), LONG)))
        return
    st.caption(read_summary(ctx, upload))
    for note in upload.raw.notes:
        st.caption(literal(note.text(t), LONG))
    source = st.text_input(t("import.source"), value=source_name(file.name), key=f"imp_source_{upload.sha256[:10]}")
    with ctx.data.reader() as con:
        saved = saved_for(con, source, kind)
        suggested = suggested_mapping(con, upload, source)
    if saved:
        st.caption(t("import.saved_mapping_used", source=literal(source, NAME)))
    st.markdown(f"**{t('import.mapping')}**")
    st.caption(t("import.mapping_help"))
    mapping = mapping_widgets(ctx, upload, suggested)
    options = _options(ctx, upload)
    _preview(ctx, upload, mapping)
    options = replace(options, values=value_translations(ctx, upload, mapping, saved.values if saved else {}))
    missing = [f for f in missing_required(KINDS[kind], mapping)
               if not (f == "village_id" and options.village_id)]  # a bare geometry's village is chosen above
    if missing:
        st.warning(t("import.required_missing", fields=", ".join(t(f"import.field.{f}") for f in missing)))
        return
    sig = (upload.sha256, kind, tuple(sorted((k, v or "") for k, v in mapping.items())), options)
    if st.button(t("import.check"), key="imp_check"):
        bar = st.progress(0.0, text=t("import.checking"))
        try:
            with ctx.data.reader() as con:
                checked = check(con, upload, mapping, options, geodata_path=settings.path("geodata_path"),
                                progress=lambda f: bar.progress(min(1.0, f), text=t("import.checking")))
        except ImportFailed as exc:
            bar.empty()
            st.error(t("import.cannot_read", problem=literal(exc.problem.text(t), LONG)))
            return
        bar.empty()
        st.session_state[CHECKED] = (sig, checked)
    stored = st.session_state.get(CHECKED)
    if not stored:
        return
    if stored[0] != sig:
        st.info(t("import.recheck"))
        return
    checked = stored[1]
    _report(ctx, checked)
    mode = translated_radio(t.lang, t("import.mode"), MODES, "imp_mode", lambda m: t(f"import.mode.{m}"))
    if st.button(t("import.load"), type="primary", key="imp_load"):
        bar = st.progress(0.0, text=t("import.loading"))
        ok, message = run_load(ctx, upload, checked, mode, source, options,
                               progress=lambda f: bar.progress(min(1.0, f), text=t("import.loading")))
        st.session_state[RESULT] = (ok, message)
        if ok:
            st.session_state[GENERATION] = generation + 1
            for key in (UPLOAD, CHECKED):
                st.session_state.pop(key, None)
        st.rerun()
