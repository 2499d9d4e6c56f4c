"""The decision log of the joint-meeting page: record a decision or action item (the slide on
screen is kept with it), list this meeting's items and the open items of earlier meetings, each
with "edit" and "mark done". Writes go through ``Data.writer()`` (the database's one write lock),
each in one transaction with its audit entry (decision_create, decision_edit, decision_close);
the meeting itself is saved with its first item. Every text put into Markdown or HTML goes
through :func:`cockpit.text.literal.literal`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cockpit.auth import audit
from cockpit.meeting.deck import Deck, PresenterFilters, Slide, Table
from cockpit.store.atomic import atomic
from cockpit.text.literal import LABEL, clean, literal
from cockpit.store import decisions
from cockpit.ui import connection
from cockpit.ui.presenter_view import (FLASH_KEY, MEETING_KEY, departments, log_frames, meeting_id,
                                       user_name)
from cockpit.ui.shell import PageContext

__all__ = ["decision_log"]


def _flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(literal(message))  # plain text (it may quote the item)


def _ensure_meeting(ctx: PageContext, cur, title: str, filters: PresenterFilters) -> int:
    meeting = meeting_id()
    if meeting is not None and decisions.get_meeting(cur, meeting) is not None:
        return meeting
    title = title.strip() or ctx.t("presenter.default_title", period=ctx.t.period(ctx.period))
    meeting = decisions.create_meeting(cur, dt.date.today(), title, ctx.period, filters.as_dict(),
                                       created_by=user_name(ctx))
    st.session_state[MEETING_KEY] = meeting
    return meeting


def _record_form(ctx: PageContext, slide: Slide, filters: PresenterFilters, title: str) -> None:
    t = ctx.t
    villages = ctx.data.villages().set_index("village_id")[f"name_{ctx.lang}"]
    depts = departments(ctx).set_index("department_id")[f"name_{ctx.lang}"]
    none = t("presenter.field.none")
    st.subheader(t("presenter.record_title"))
    with st.form("decision_form", clear_on_submit=True, border=True):
        kind = st.radio(t("presenter.field.kind"), decisions.KINDS, horizontal=True, key="dec_kind",
                        format_func=lambda k: t(f"presenter.kind.{k}"))
        text = st.text_area(t("presenter.field.text"), key="dec_text", max_chars=decisions.MAX_TEXT, height=90)
        c1, c2 = st.columns(2)
        owner = c1.text_input(t("presenter.field.owner"), key="dec_owner", max_chars=200)
        due = c2.date_input(t("presenter.field.due"), value=None, key="dec_due", format="YYYY-MM-DD")
        department = c1.selectbox(t("presenter.field.department"), [""] + list(depts.index), key="dec_department",
                                  format_func=lambda d: depts.get(d, none) if d else none)
        village = c2.selectbox(t("presenter.field.village"), [""] + list(villages.index), key="dec_village",
                               format_func=lambda v: villages.get(v, none) if v else none)
        st.caption(t("presenter.field.slide", slide=literal(slide.title, LABEL)))
        submitted = st.form_submit_button(t("presenter.record"), type="primary", icon=":material/add_task:",
                                          key="dec_submit")
    if not submitted:
        return
    if not (text or "").strip():
        st.warning(t("presenter.text_required"))
        return
    try:
        with ctx.data.writer() as cur, atomic(cur):
            meeting = _ensure_meeting(ctx, cur, title, filters)
            item = decisions.record_item(cur, meeting, kind, text, owner=owner or None,
                                         department_id=department or None, village_id=village or None,
                                         due_on=due, slide=slide.key)
            audit(cur, ctx.user, "decision_create", {"decision_id": item, "meeting_id": meeting, "kind": kind,
                                                     "slide": slide.key, "text": clean(text, LABEL)})
    except (connection.WriteUnavailable, ValueError) as exc:
        st.error(t("presenter.write_failed", error=literal(exc)))
        return
    st.session_state[FLASH_KEY] = t("presenter.recorded_ok", text=clean(text, LABEL))
    st.rerun()


def _mark_done(ctx: PageContext, decision_id: int) -> None:
    try:
        with ctx.data.writer() as cur, atomic(cur):
            if decisions.mark_done(cur, decision_id):
                audit(cur, ctx.user, "decision_close", {"decision_id": decision_id})
    except connection.WriteUnavailable as exc:
        st.error(ctx.t("presenter.write_failed", error=literal(exc)))
        return
    st.session_state[FLASH_KEY] = ctx.t("presenter.done_ok")
    st.rerun()


def _edit(ctx: PageContext, item: pd.Series, key: str) -> None:
    """An item's "edit" (text, owner, due day), saved with a decision_edit audit entry naming the
    fields that changed."""
    decision_id = int(item["decision_id"])
    due = pd.Timestamp(item["due_on"]).date() if pd.notna(item["due_on"]) else None
    with st.popover(ctx.t("presenter.edit"), icon=":material/edit:"):
        with st.form(f"{key}_edit_{decision_id}", border=False):
            text = st.text_area(ctx.t("presenter.field.text"), value=str(item["text"]), max_chars=decisions.MAX_TEXT,
                                key=f"{key}_edit_text_{decision_id}")
            owner = st.text_input(ctx.t("presenter.field.owner"), max_chars=200, key=f"{key}_edit_owner_{decision_id}",
                                  value=str(item["owner"]) if pd.notna(item["owner"]) else "")
            day = st.date_input(ctx.t("presenter.field.due"), value=due, format="YYYY-MM-DD",
                                key=f"{key}_edit_due_{decision_id}")
            if not st.form_submit_button(ctx.t("presenter.save_edit"), key=f"{key}_edit_save_{decision_id}"):
                return
    try:
        with ctx.data.writer() as cur, atomic(cur):
            changed = decisions.edit_item(cur, decision_id, text=text, owner=owner or None, due_on=day)
            if changed:
                audit(cur, ctx.user, "decision_edit", {"decision_id": decision_id, "fields": sorted(changed),
                                                       "text": clean(text, LABEL)})
    except (connection.WriteUnavailable, ValueError, KeyError) as exc:
        st.error(ctx.t("presenter.write_failed", error=literal(exc)))
        return
    st.session_state[FLASH_KEY] = ctx.t("presenter.edited_ok")
    st.rerun()


def _item_list(ctx: PageContext, items: pd.DataFrame, table: Table, key: str, from_meeting: bool) -> None:
    """Items with a "mark done" button each; the text comes from the deck's table."""
    if items.empty:
        st.markdown(f"<div class='pr-empty'>{literal(table.empty_text)}</div>", unsafe_allow_html=True)
        return
    for (_, item), values in zip(items.iterrows(), table.frame.itertuples(index=False, name=None)):
        kind, _, owner, department, village, due, where, state = values
        text = item["text"]  # whole here, where items are read (a slide cuts it)
        line = ctx.t("presenter.item_line", kind=kind, owner=owner, due=due)
        extra = " · ".join(x for x in (department, village, state) if x and x != "–")
        if from_meeting:
            extra += " · " + ctx.t("presenter.item_from", meeting=where)
        text_col, button_col = st.columns([5, 1.3], vertical_alignment="center")
        text_col.markdown(f"<div class='pr-item'><b>{literal(text)}</b><br/><small>{literal(line)} · {literal(extra)}</small></div>",
                          unsafe_allow_html=True)
        if item["status"] == "open":
            decision_id = int(item["decision_id"])
            with button_col:
                _edit(ctx, item, key)
                if st.button(ctx.t("presenter.mark_done"), key=f"{key}_done_{decision_id}"):
                    _mark_done(ctx, decision_id)


def decision_log(ctx: PageContext, deck: Deck, slide: Slide, filters: PresenterFilters, title: str) -> None:
    """The form that records a decision or action item (with the slide on screen), this
    meeting's items and the open items of earlier meetings, each with "mark done"."""
    st.divider()
    st.header(ctx.t("presenter.log"))
    _flash()
    log = log_frames(ctx)
    left, right = st.columns([1, 1.2], gap="large")
    with left:
        _record_form(ctx, slide, filters, title)
    with right:
        st.subheader(ctx.t("presenter.this_meeting"))
        _item_list(ctx, log["meeting_items"], deck.recorded, "mine", from_meeting=False)
        st.subheader(ctx.t("presenter.earlier"))
        follow = deck.slides[deck.index_of("follow_up")].tables[0]
        _item_list(ctx, log["open_items"], follow, "earlier", from_meeting=True)
