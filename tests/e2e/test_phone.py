"""In Chromium on a phone (390×844, device scale 2, touch) and at 200% zoom: a village secretary's pages.

For each page the secretary may open: the page is no wider than the screen, no element covers
another, and sign-in needs no sidebar; a secretary signing in at the front page lands on Today,
which shows their own village. Screenshots go to screenshots/phone_*.png.
"""

from __future__ import annotations

import io
import re

import duckdb
import pytest
from PIL import Image, ImageChops

from cockpit.auth.roles import role
from cockpit.ui.pages import PAGES
from tests.e2e.conftest import CHROMIUM, on_sign_in_page, save_screenshot, sign_in, wait_for_app_idle

# an Android phone's Chrome says "Mobile" in its user agent: the map is then fitted to the phone
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
         "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/131.0.0.0 Mobile Safari/537.36"}
ZOOMED = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2, "locale": "zh-CN",
          "timezone_id": "Asia/Shanghai"}   # a 1280-wide window at 200% zoom: 640 CSS px
SECRETARY_PAGES = [p for p in PAGES if p.name in role("village_secretary").pages]

# Pairs of visible elements of the page (not one inside the other, not in a closed expander) whose
# boxes overlap by more than 2 px each way.
_OVERLAPS = """() => {
  const els = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
                   && e.checkVisibility({visibilityProperty: true, opacityProperty: true}); });
  const out = [];
  for (let i = 0; i < els.length; i++) for (let j = i + 1; j < els.length; j++) {
    const a = els[i], b = els[j];
    if (a.contains(b) || b.contains(a)) continue;
    const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
    const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
    const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
    if (w > 2 && h > 2) out.push([a.innerText.slice(0, 40), b.innerText.slice(0, 40)]);
  }
  return els.length ? out : [["no element found", ""]];
}"""


@pytest.fixture(scope="module")
def phone(chromium_browser, app_server):
    """One signed-in secretary's phone for the module (signing in once keeps the test short)."""
    context = chromium_browser.new_context(**PHONE)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{app_server}/?lang=zh")
    assert on_sign_in_page(page)
    sign_in(page, "secretary")                       # the form is the whole screen: no sidebar to close
    wait_for_app_idle(page)
    yield page
    context.close()


def test_a_secretary_signing_in_on_a_phone_lands_on_today(phone, app_server, sample_db):
    assert phone.url.split("?")[0].rstrip("/").endswith("/today")
    phone.get_by_role("heading", name="今日待办：溪口村").wait_for()
    phone.locator('[data-testid="stMain"] [role="gridcell"]').first.wait_for(state="attached")
    phone.wait_for_timeout(500)
    cells = phone.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] [role="gridcell"]')]
        .map(c => c.innerText.trim())""")
    shown = {c for c in cells if re.fullmatch(r"QX\d+", c)}
    with duckdb.connect(str(sample_db), read_only=True) as con:
        own = {r[0] for r in con.execute("SELECT case_id FROM cases WHERE village_id = '350781105201'").fetchall()}
    assert shown and shown <= own                     # the lists hold the secretary's village's cases only
    assert phone.locator('[data-testid="stSidebar"][aria-expanded="true"]').count() == 0   # starts closed
    assert phone.get_by_role("heading", name="村情档案").count() == 1
    save_screenshot(phone, "phone_today", full_page=True)


def _url_path(spec) -> str:
    return spec.url_path


def _check(page, name: str, width: int) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll == width, f"{name}: the page is {scroll} px wide on a {width} px screen"
    assert page.evaluate(_OVERLAPS) == [], name
    small = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] button')]
        .filter(b => b.offsetParent && b.getBoundingClientRect().height < 44 && b.innerText.trim())
        .map(b => b.innerText.trim().slice(0, 30))""")
    assert small == [], f"{name}: tap targets under 44 px: {small}"


@pytest.mark.parametrize("spec", SECRETARY_PAGES, ids=lambda p: p.name)
def test_every_page_of_the_secretary_fits_a_phone(phone, app_server, spec):
    url = f"{app_server}/{_url_path(spec)}?lang=zh"
    phone.goto(url)
    wait_for_app_idle(phone)
    phone.wait_for_timeout(800)
    _check(phone, spec.name, 390)
    save_screenshot(phone, f"phone_{spec.name}", full_page=False)


def test_the_map_on_a_phone_shows_the_whole_village_and_lets_a_finger_scroll_the_page(phone, app_server):
    phone.goto(f"{app_server}/map?lang=zh")
    wait_for_app_idle(phone)
    canvas = phone.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for()
    phone.wait_for_timeout(1500)                     # deck.gl draws after the script is idle
    box = canvas.bounding_box()
    assert box["width"] <= 390 and 380 <= box["height"] <= 460   # the page goes on below the map
    assert canvas.evaluate("c => getComputedStyle(c).touchAction") == "pan-y"
    shot = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    w, h = shot.size

    def blank(x):                                    # a column of the map with no village drawn
        return sum(1 for y in range(0, h, 4) if min(shot.getpixel((x, y))) > 235) > 0.95 * len(range(0, h, 4))

    # the village is fitted inside the map: empty margins left and right, the polygon in between
    assert blank(2) and blank(w - 3), "the village is cut at the map's edge"
    assert not blank(w // 2)
    save_screenshot(phone, "phone_map_fitted", full_page=False)


def _swipe(cdp, page, start, step, steps=10):
    """One finger from ``start``, ``steps`` moves of ``step`` (dx, dy) CSS px, then lifted."""
    def touch(kind, points):
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y} for x, y in points]})

    touch("touchStart", [start])
    for i in range(1, steps + 1):
        touch("touchMove", [(start[0] + step[0] * i, start[1] + step[1] * i)])
        page.wait_for_timeout(20)
    touch("touchEnd", [])
    page.wait_for_timeout(800)


def test_a_finger_moves_the_map_sideways_and_scrolls_the_page_up_and_down(phone, app_server):
    phone.goto(f"{app_server}/map?lang=zh")
    wait_for_app_idle(phone)
    canvas = phone.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.scroll_into_view_if_needed()
    phone.wait_for_timeout(1500)
    box = canvas.bounding_box()
    start = (box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.5)
    cdp = phone.context.new_cdp_session(phone)
    before = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    _swipe(cdp, phone, start, (-12, 0))
    after = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    assert ImageChops.difference(before, after).getbbox() is not None, "a sideways swipe did not move the map"
    scrolled = "() => document.querySelector('[data-testid=stMain]').scrollTop || window.scrollY"
    top = phone.evaluate(scrolled)
    box = canvas.bounding_box()
    _swipe(cdp, phone, (box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8), (0, -15))
    assert phone.evaluate(scrolled) > top + 50, "a swipe up over the map did not scroll the page"


@pytest.fixture(scope="module")
def zoomed(chromium_browser, app_server):
    context = chromium_browser.new_context(**ZOOMED)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{app_server}/?lang=en")
    sign_in(page, "secretary")
    wait_for_app_idle(page)
    yield page
    context.close()


@pytest.mark.parametrize("spec", SECRETARY_PAGES,
                         ids=lambda p: p.name)
def test_pages_stay_usable_at_200_percent_zoom(zoomed, app_server, spec):
    zoomed.goto(f"{app_server}/{_url_path(spec)}?lang=en")
    wait_for_app_idle(zoomed)
    zoomed.wait_for_timeout(800)
    _check(zoomed, spec.name, 640)
    save_screenshot(zoomed, f"zoom200_{spec.name}", full_page=False)


def test_more_contrast_turns_grey_captions_black(chromium_browser, app_server):
    colours = {}
    for contrast in ("no-preference", "more"):
        context = chromium_browser.new_context(**PHONE, contrast=contrast)
        page = context.new_page()
        page.goto(f"{app_server}/?lang=zh")
        sign_in(page, "secretary")
        wait_for_app_idle(page)
        caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
        caption.wait_for()
        colours[contrast] = caption.evaluate("e => getComputedStyle(e).color")
        context.close()
    assert colours["more"] == "rgb(0, 0, 0)" and colours["no-preference"] != colours["more"]
