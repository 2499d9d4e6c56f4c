"""The composite service index on screen: the sentence that states its definition wherever the
index appears, and the leader's form that changes it for everyone (cockpit.services.index)."""

from __future__ import annotations

import streamlit as st

from cockpit.text.literal import SHORT, literal
from cockpit.services.index import ALL_HISTORY, save_definition, statement
from cockpit.ui import connection
from cockpit.ui.shell import PageContext, translated_radio

__all__ = ["index_statement", "index_caption", "index_form"]

FLASH_KEY = "_index_flash"


def index_statement(ctx: PageContext) -> str:
    """The index's definition in one sentence (cockpit.services.index.statement), as plain text."""
    d = ctx.data.domains()
    return literal(statement(ctx.data.index_definition(), ctx.t, dict(zip(d["domain_id"], d[f"name_{ctx.lang}"]))))


def index_caption(ctx: PageContext) -> None:
    st.caption(index_statement(ctx))


def index_form(ctx: PageContext) -> None:
    """A leader changes the township's index definition: the reference period of the entropy
    weights, or weights of their own; saved for every user and audited."""
    if FLASH_KEY in st.session_state:
        st.success(ctx.t(st.session_state.pop(FLASH_KEY)))
    if not ctx.can("define_index") or ctx.scope is not None:
        return
    definition = ctx.data.index_definition()
    years = sorted({p[:4] for p in ctx.periods}, reverse=True)
    with st.expander(ctx.t("index.define"), icon=":material/tune:"):
        st.caption(ctx.t("index.define_explain"))
        references = [ALL_HISTORY] + years
        st.session_state.setdefault("index_reference", definition.reference)
        reference = st.selectbox(ctx.t("index.reference"), references, key="index_reference",
                                 format_func=lambda r: ctx.t("index.reference.all") if r == ALL_HISTORY
                                 else ctx.t("index.reference.year", year=r))
        st.session_state.setdefault("index_method", definition.method)
        method = translated_radio(ctx.lang, ctx.t("index.method"), ["entropy", "set"], "index_method",
                                  lambda m: ctx.t(f"index.method.{m}"), horizontal=True)
        chosen = None
        if method == "set":
            d = ctx.data.domains()
            current = dict(definition.weights)
            cols = st.columns(3)
            chosen = {k: cols[i % 3].number_input(literal(n, SHORT), 0.0, 1.0, round(current.get(k, 0.0), 2), 0.05,
                                                  key=f"index_weight_{k}")
                      for i, (k, n) in enumerate(zip(d["domain_id"], d[f"name_{ctx.lang}"]))}
        if st.button(ctx.t("index.save"), key="index_save", icon=":material/save:"):
            if chosen is not None and sum(chosen.values()) <= 0:
                st.error(ctx.t("services.weights_zero"))
                return
            weights = {k: v / sum(chosen.values()) for k, v in chosen.items()} if chosen else None
            try:
                with ctx.data.writer() as cur:
                    save_definition(cur, reference, weights, ctx.user)
            except connection.WriteUnavailable as exc:
                st.error(ctx.t("index.write_failed", error=literal(exc)))
                return
            st.session_state[FLASH_KEY] = "index.saved"
            st.rerun()
