"""The page shell: the one call every page starts with.

``ctx = shell.page("map")`` sets the page config, settles language and period, opens the
database, checks who is signed in and whether their role may open the page (the login form or
a refusal otherwise), then draws the sidebar (the links the role may follow, language and month
selectors, the account). It stops the page before any data query runs when the database cannot
be used or the user may not see the page: a page opened by URL cannot skip the check.

Village scope: the context's ``data`` is limited to the villages the user may see
(:meth:`cockpit.ui.data.Data.scoped`), so every page of a village secretary reads their villages
only and computes township figures over them. The shell says so at the top of the page, refuses
a ``?village=`` naming another village (without naming it back) and stops a scoped user who has
no village.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from cockpit.auth import User, audit, can, can_open, village_scope
from cockpit.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from cockpit.text.literal import NAME, literal
from cockpit.values.periods import following_period
from cockpit.store import BuildError, StoreError
from cockpit.ui import auth_view, state
from cockpit.ui.data import Data, open_data
from cockpit.ui import navigation
from cockpit.ui.pages import PAGES, page_spec
from cockpit.ui.readiness_view import not_ready
from cockpit import settings

__all__ = ["PageContext", "page", "persistent_selectbox"]

_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 2.1rem; font-weight: 600; }
[data-testid="stMetricLabel"] p { font-size: 1.0rem; }
.block-container { padding-top: 2.2rem; }
/* a phone (a village secretary's): headings that fit, tiles two to a row, taps of 44 px */
@media (max-width: 640px) {
  .block-container { padding-left: 0.8rem; padding-right: 0.8rem; padding-top: 3.2rem; }
  h1 { font-size: 1.55rem !important; line-height: 1.3 !important; }
  h2 { font-size: 1.3rem !important; }
  h3 { font-size: 1.12rem !important; }
  [data-testid="stMetricValue"] { font-size: 1.45rem; }
  [data-testid="stMetricLabel"] p { font-size: 0.9rem; }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {
    flex-wrap: wrap; gap: 0.5rem; }
  [data-testid="stColumn"]:has([data-testid="stMetric"]) {
    min-width: calc(50% - 0.25rem) !important; width: calc(50% - 0.25rem) !important;
    flex: 1 1 calc(50% - 0.25rem) !important; }
  [data-testid^="stBaseButton"], [data-testid="stPageLink-NavLink"], [data-testid="stDownloadButton"] button,
  [data-testid="stButtonGroup"] button { min-height: 44px !important; }
  /* one finger up or down over the map scrolls the page; sideways, or two fingers, move the map */
  [data-testid="stDeckGlJsonChart"], [data-testid="stDeckGlJsonChart"] * { touch-action: pan-y !important; }
}
/* the system's "more contrast" setting: no grey text, clear borders */
@media (prefers-contrast: more) {
  [data-testid="stCaptionContainer"], [data-testid="stMetricLabel"], [data-testid="stMetricDelta"],
  [data-testid="stWidgetLabel"] { color: #000 !important; opacity: 1 !important; }
  [data-testid="stMetric"] { border-color: #000 !important; }
}
</style>
"""


_KIOSK_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.block-container { padding-top: 0.8rem; }
</style>
"""


@dataclass(frozen=True)
class PageContext:
    name: str
    kiosk: bool
    lang: str
    t: Translator
    data: Data
    period: str
    periods: list[str]
    user: User
    session: str = ""  # hash of the session's token: downloads made here are served to it only

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The villages the user is bound to (None: all), what they may do; ``data.scope`` is what
        this page reads, which a county leader's township choice narrows further."""
        return village_scope(self.user)

    def can(self, capability: str) -> bool:
        return can(self.user, capability)

    def connect(self):
        """A writable cursor for accounts and the audit log."""
        return self.data.connect()

    def audit(self, event: str, detail: dict | None = None) -> None:
        """Record ``event`` by the signed-in user in the audit log."""
        with self.connect() as con:
            audit(con, self.user, event, detail or {})

    @property
    def township_name(self) -> str:
        """The township's name; in a county's database, the township the pages show (one chosen,
        or a township leader's own), else the county's."""

        names = self.data.townships().drop_duplicates("township_code")[f"name_{self.lang}"]
        if len(names) == 1:
            return names.iloc[0]
        return settings.get("township_name") or self.data.meta().get(
            f"township_name_{self.lang}", ""
        )


def radio_key(key: str, lang: str) -> str:
    """The widget key of :func:`translated_radio` ``key`` in language ``lang``."""
    return f"_w_{key}_{lang}"


def _keep(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


def translated_radio(lang: str, label: str, options, key: str, format_func, where=None, **kwargs):
    """A radio whose choice lives in st.session_state[key] and survives a change of language.

    The browser drops a radio's choice when its labels change language under the same widget
    (Streamlit 1.67: the choice shows as none), so the widget is keyed by language and seeded
    from the kept choice. ``where``: a container (default: the main area)."""
    options = list(options)
    value = st.session_state.get(key)
    st.session_state[key] = value if value in options else options[0]
    widget_key = radio_key(key, lang)
    st.session_state[widget_key] = st.session_state[key]
    (where or st).radio(label, options, key=widget_key, format_func=format_func, on_change=_keep,
                        args=(widget_key, key), **kwargs)
    return st.session_state[key]


def _copy_widget(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]
    st.query_params[key] = st.session_state[widget_key]


def persistent_selectbox(label: str, options: list[str], key: str, format_func) -> None:
    """A selectbox whose value lives in st.session_state[key] (and the URL), so it survives
    page switches, unlike a widget's own state."""
    widget_key = f"_w_{key}"
    st.session_state[widget_key] = st.session_state[key]
    st.selectbox(label, options, key=widget_key, format_func=format_func,
                 on_change=_copy_widget, args=(widget_key, key))


def _scope_notice(t: Translator, lang: str, data: Data) -> None:
    """For a village-scoped user: stop without villages; refuse a ?village= outside the scope;
    say whose villages the page shows and that township figures cover them only."""
    villages = data.villages()
    if villages.empty:
        st.error(t("scope.no_villages"))
        st.stop()
    asked = st.query_params.get(state.VILLAGE)
    if asked and not data.allows(asked):
        state.select_village(None)
        st.error(t("scope.refused"), icon=":material/block:")
    names = [literal(n, NAME) for n in villages[f"name_{lang}"]]  # data text: plain text in Markdown
    st.info(t("scope.note", villages=("、" if lang == "zh" else ", ").join(names), n=len(names)),
            icon=":material/filter_alt:")


def _township(t: Translator, lang: str, data: Data, townships, kiosk: bool) -> Data:
    """The township the county's pages show (chosen in the sidebar, kept in the URL), or the county."""
    names = townships.drop_duplicates("township_code").set_index("township_code")[f"name_{lang}"]
    codes = [""] + list(names.index)
    chosen = state.init_township(codes)
    if not kiosk:
        with st.sidebar:
            persistent_selectbox(t("county.township"), codes, state.TOWNSHIP,
                                 lambda c: names.get(c, c) if c else t("county.whole"))
        chosen = st.session_state[state.TOWNSHIP]
    return data.scoped(townships.loc[townships["township_code"] == chosen, "village_id"]) if chosen else data


def page(name: str) -> PageContext:
    """Start page ``name``: config, language, sidebar, data and period; return the context."""
    spec = page_spec(name)
    lang = state.init_language()
    t = Translator(lang)
    kiosk = spec.kiosk and st.query_params.get("kiosk") == "1"
    st.set_page_config(page_title=f"{t(spec.title_key)} · {t('app.title')}", page_icon="🧭",
                       layout="wide", initial_sidebar_state="collapsed" if kiosk else "auto")  # auto: closed on a phone
    st.markdown(_CSS + (_KIOSK_CSS if kiosk else ""), unsafe_allow_html=True)
    if not kiosk:  # a kiosk takes language and month from its URL and shows no menus
        with st.sidebar:
            st.markdown(f"### {t('app.title')}")
            links = st.container()
            st.divider()
            persistent_selectbox(t("app.language"), list(LANGUAGES), state.LANG, LANGUAGE_NAMES.get)
    try:
        data = open_data(t("app.building_db"))
    except (StoreError, BuildError) as exc:
        store_error(t, exc)
    check = auth_view.current()
    if check.identity is not None and check.identity.is_display and spec.kiosk and not kiosk:
        st.query_params["kiosk"] = "1"  # a wall display always shows its screen without menus
        st.rerun()
    if not kiosk and check.identity is not None:  # links first, so a refused page still offers the allowed ones
        with links:
            county = not data.townships().empty   # the county page only in a county's database
            for p in auth_view.allowed_pages(check.identity.user, PAGES):
                if p.name == "county" and not county:
                    continue
                st.page_link(navigation.page(p, t), label=t(p.title_key), icon=p.icon,
                             query_params=state.shared_query_params())
    identity = auth_view.require(t, name, check=check)
    user = identity.user
    data = data.scoped(village_scope(user))  # every query of this page now stays in the user's villages
    try:
        periods = data.periods()
    except (StoreError, BuildError) as exc:
        store_error(t, exc)
    if data.scope is not None:
        _scope_notice(t, lang, data)
    if not kiosk and not periods:
        with st.sidebar:
            account(t, lang, user, data)
    townships = data.townships()
    county = townships["township_code"].nunique() > 1   # a county's database
    if county and name != "county":  # a county's pages show one township, or all
        data = _township(t, lang, data, townships, kiosk)
    if not_ready(t, name, data, can(user, "import")):
        st.stop()  # a township without the data this page needs: it says what and where to add it
    period = state.init_period(periods) if periods else ""
    if not kiosk and periods:
        with st.sidebar:
            persistent_selectbox(t("app.period"), periods[::-1], state.PERIOD, t.period)
            close = data.month_closes().get(period) if data.signed() else None
            if close is not None:
                st.caption(t("close.signed_note", who=literal(close.closed_by),
                             when=close.closed_at.strftime("%Y-%m-%d %H:%M")))
            # a county's leader leads the county, whichever township the pages show
            account(Translator(lang, county=county), lang, user, data)
    t = Translator(lang, county=county and data.scope is None)   # "全县" where a township's page says "全镇"
    return PageContext(name, kiosk, lang, t, data, period, periods, user, identity.token_hash)


def account(t: Translator, lang: str, user: User, data: Data) -> None:
    """The sidebar's foot: the sample's note and the signed-in account."""
    if data.meta().get("synthetic", "").lower() == "true":
        st.caption(t("app.synthetic_note"))
    villages = data.villages()
    auth_view.account_panel(t, user, dict(zip(villages["village_id"], villages[f"name_{lang}"])))


def store_error(t: Translator, exc: Exception) -> None:
    """Say why the database cannot be used and what to do, then stop the page. Rebuilding is
    advised only for a file that is not a cockpit database: a locked or momentarily unreadable
    one holds the township's data."""
    st.error(t("app.error_store", error=literal(exc)))
    st.info(t(f"app.error_store_hint.{getattr(exc, 'kind', 'unreadable')}"))
    st.stop()


def refreshed(ctx: PageContext) -> PageContext:
    """``ctx`` with the database as it is now, for a fragment re-run on a timer (the command
    screen): data written since (the cached queries are keyed on the file's version), the user
    checked again as the shell checks it (disabled, demo account on real data, idle timeout outside
    kiosk mode) and the newest month when the page showed the newest. A user who may no longer see
    the page, or a database that cannot be read now, reruns the whole page, whose shell says why.
    The refresh is not the person's doing, so it does not count as activity: an unattended screen
    signed in as a person times out like any other page (a registered display never does)."""
    try:
        data = open_data(ctx.t("app.building_db"))
        identity = auth_view.current(active=False).identity  # a timed refresh keeps nobody signed in
        user = identity.user if identity is not None else None
        if user is None or not can_open(user, ctx.name):
            st.rerun()
        data = data.scoped(village_scope(user))
        township = st.session_state.get(state.TOWNSHIP)
        if township:   # a county's screen showing one township keeps showing it
            townships = data.townships()
            data = data.scoped(townships.loc[townships["township_code"] == township, "village_id"])
        periods = data.periods()
        if not periods or (data.scope is not None and data.villages().empty):
            st.rerun()
    except (StoreError, BuildError):
        st.rerun()
    period = following_period(ctx.period, ctx.periods, periods)
    if period != ctx.period:
        st.session_state[state.PERIOD] = period
        st.query_params[state.PERIOD] = period
    return replace(ctx, data=data, user=user, periods=periods, period=period)
