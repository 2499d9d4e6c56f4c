"""Month close (月结) on the appeals page: whether a month is closed, closed or current figures,
what changed since the close, and a leader's close and reopen. In a county's database a township's
closed months show as that township signed them, and nobody closes or reopens: that is the
township's act, in its own cockpit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.text.numbers import format_value
from cockpit.text.literal import literal
from cockpit.metrics.catalog import metric
from cockpit.metrics.month_close import MonthCloseError, close_month, reopen_month
from cockpit.ui import connection
from cockpit.ui.kpi import metric_label
from cockpit.ui.shell import PageContext, translated_radio

__all__ = ["month_close_panel"]

FLASH_KEY = "_month_close_flash"
FIGURES_KEY = "month_figures"
STATUSES = ("open", "closed", "cancelled")


def month_close_panel(ctx: PageContext, period, case_filter: CaseFilter) -> bool:
    """The close of ``period`` if it is one month; True when the page is to show the closed figures."""
    if FLASH_KEY in st.session_state:
        st.success(literal(st.session_state.pop(FLASH_KEY)))  # catalog text, shown as plain text
    p = Period.of(period)
    by_end = _by_end(ctx, period, case_filter)
    if p.months != 1:
        st.caption(ctx.t("close.convention.now", by_end=by_end))
        return False
    label = ctx.t.period(p.start)
    close = ctx.data.month_closes().get(p.start)
    county = ctx.data.is_county()
    if close is None:
        st.caption(ctx.t("close.convention.now", by_end=by_end))
        if county:   # a county closes nothing: say who does
            st.caption(ctx.t("close.county.none" if ctx.data.township else "close.county.choose"))
        elif ctx.can("close_months") and ctx.scope is None:
            _close_form(ctx, p.start, label)
        return False
    when = close.closed_at.strftime("%Y-%m-%d %H:%M")
    restated = ctx.t("close.restated", version=int(close.version)) if close.version > 1 else ""
    st.info(ctx.t("close.banner", period=label, who=literal(close.closed_by), when=when) + " " + restated,
            icon=":material/lock:")
    if not ctx.data.signed() or case_filter != CaseFilter():
        st.caption(ctx.t("close.filtered") + " " + ctx.t("close.convention.now", by_end=by_end))
        return False
    choice = translated_radio(ctx.lang, ctx.t("close.figures"), ["closed", "now"], FIGURES_KEY,
                              lambda v: ctx.t(f"close.figures.{v}"), horizontal=True)
    st.caption(ctx.t("close.convention.closed", when=when, by_end=by_end) if choice == "closed"
               else ctx.t("close.convention.now", by_end=by_end))
    _changes(ctx, close)
    if county:
        st.caption(ctx.t("close.county.signed"))
    elif ctx.can("close_months"):
        _reopen_form(ctx, p.start, label)
    return choice == "closed"


def _by_end(ctx: PageContext, period, case_filter: CaseFilter) -> str:
    """The closure rate by the period's end (closures entered before it ended), formatted."""
    due, closed = ctx.data.closures_by_end(period, case_filter)
    return format_value(closed / due if due else float("nan"), "percent", ctx.lang)


def _changes(ctx: PageContext, close) -> None:
    figures, cases = ctx.data.close_changes(close)
    with st.expander(ctx.t("close.changes"), icon=":material/difference:"):
        if figures.empty and cases.empty:
            st.write(ctx.t("close.no_changes"))
            return
        if not figures.empty:
            fmt = lambda m, v: format_value(v, metric(m).unit, ctx.lang)  # noqa: E731
            st.dataframe(pd.DataFrame({
                ctx.t("close.col.metric"): [metric_label(ctx, m) for m in figures["metric"]],
                ctx.t("close.col.at_close"): [fmt(m, v) for m, v in zip(figures["metric"], figures["at_close"])],
                ctx.t("close.col.now"): [fmt(m, v) for m, v in zip(figures["metric"], figures["now"])],
                ctx.t("close.col.change"): [fmt(m, v) for m, v in zip(figures["metric"], figures["change"])],
            }), hide_index=True, width="stretch")
        if not cases.empty:
            st.caption(ctx.t("close.cases_caption", n=format_value(len(cases), "count", ctx.lang),
                             cases=format_value(cases["case_id"].nunique(), "count", ctx.lang)))
            st.dataframe(pd.DataFrame({
                ctx.t("close.col.case"): cases["case_id"],
                ctx.t("close.col.field"): [ctx.t(f"close.field.{f}") for f in cases["field"]],
                ctx.t("close.col.at_close"): [_value(ctx, f, v) for f, v in zip(cases["field"], cases["at_close"])],
                ctx.t("close.col.now"): [_value(ctx, f, v) for f, v in zip(cases["field"], cases["now"])],
            }), hide_index=True, width="stretch", height=min(400, 40 + 35 * len(cases)))


def _value(ctx: PageContext, field: str, value) -> str:
    """A changed field's value as a reader knows it: names for ids, words for codes, minutes for times."""
    if value is None or pd.isna(value):
        return "–"
    if field == "case":
        return ctx.t("close.present")
    if field == "village_id":
        return _name(ctx.data.villages(), "village_id", value, ctx.lang)
    if field == "department_id":
        return _name(ctx.data.departments(), "department_id", value, ctx.lang)
    if field == "status" and value in STATUSES:
        return ctx.t(f"close.status.{value}")
    return str(value)[:16] if field.endswith("_at") else str(value)


def _name(frame: pd.DataFrame, column: str, value: str, lang: str) -> str:
    names = frame.set_index(column)[f"name_{lang}"]
    return str(names.get(value, value))


def _close_form(ctx: PageContext, period: str, label: str) -> None:
    with st.expander(ctx.t("close.title"), icon=":material/lock_open:"):
        st.write(ctx.t("close.explain", period=label))
        if st.button(ctx.t("close.button", period=label), key="month_close", icon=":material/lock:"):
            _write(ctx, lambda cur: close_month(cur, period, ctx.user), ctx.t("close.done", period=label))


def _reopen_form(ctx: PageContext, period: str, label: str) -> None:
    with st.expander(ctx.t("close.reopen"), icon=":material/lock_open:"):
        with st.form("month_reopen", border=False):
            reason = st.text_input(ctx.t("close.reopen_reason"), key="month_reopen_reason", max_chars=300)
            submitted = st.form_submit_button(ctx.t("close.reopen_button", period=label))
        if submitted:
            _write(ctx, lambda cur: reopen_month(cur, period, ctx.user, reason),
                   ctx.t("close.reopened", period=label))


def _write(ctx: PageContext, change, done: str) -> None:
    try:
        with ctx.data.writer() as cur:
            change(cur)
    except MonthCloseError as exc:
        st.error(ctx.t(exc.key))
        return
    except connection.WriteUnavailable as exc:
        st.error(ctx.t("close.write_failed", error=literal(exc)))
        return
    st.session_state[FLASH_KEY] = done
    st.session_state.pop(FIGURES_KEY, None)
    st.rerun()
