"""The joint-meeting presenter in Chromium: Next changes the slide, the briefing PDF downloads."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from cockpit.i18n import Translator

from tests.e2e.conftest import open_page, save_screenshot, wait_for_app_idle

PDF_LIMIT_S = 15.0


def _open_presenter(page, base: str, lang: str = "zh", slide: int | None = None) -> None:
    """Open the presenter page, signed in through the sign-in page as the demo leader."""
    open_page(page, f"{base}/presenter?lang={lang}" + (f"&slide={slide}" if slide else ""))
    page.locator("h1").first.wait_for()
    expect(page.locator("h1").first).not_to_have_text(Translator(lang)("auth.title"))


def test_next_slide_and_briefing_download(browser_page, app_server):
    page = browser_page
    _open_presenter(page, app_server)
    first = page.locator("h1").first.inner_text()
    assert "本月概况" in first
    expect(page.get_by_test_id("slide-number")).to_have_text("1 / 6")
    page.locator(".js-plotly-plot").first.wait_for()
    page.get_by_role("button", name=Translator("zh")("presenter.download")).wait_for()
    page.wait_for_timeout(500)
    save_screenshot(page, "presenter_zh_slide1")

    page.get_by_role("button", name="下一页").click()
    wait_for_app_idle(page)
    expect(page.locator("h1").first).to_have_text("需要跨部门协同解决的问题")
    expect(page.get_by_test_id("slide-number")).to_have_text("2 / 6")
    assert "slide=2" in page.url
    page.locator(".js-plotly-plot").first.wait_for()  # the 条块 heatmap is drawn
    page.wait_for_timeout(500)
    save_screenshot(page, "presenter_zh_slide2")

    button = page.get_by_role("button", name=Translator("zh")("presenter.download"))
    start = time.monotonic()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    path = download.path()
    elapsed = time.monotonic() - start
    with open(path, "rb") as fh:
        head = fh.read(5)
    assert head == b"%PDF-", head
    assert download.suggested_filename.endswith("-zh.pdf")
    assert elapsed < PDF_LIMIT_S, f"the briefing took {elapsed:.1f} s"
    print(f"briefing download: {elapsed:.1f} s")
    wait_for_app_idle(page)
    expect(page.locator("h1").first).to_have_text("需要跨部门协同解决的问题")  # still on slide 2


def test_map_slide_from_the_url_and_previous(browser_page, app_server):
    page = browser_page
    _open_presenter(page, app_server, lang="en", slide=4)
    expect(page.locator("h1").first).to_contain_text("Village map")
    page.get_by_test_id("stDeckGlJsonChart").first.wait_for()
    page.wait_for_timeout(1000)
    save_screenshot(page, "presenter_en_map")
    page.get_by_role("button", name="Previous").click()
    wait_for_app_idle(page)
    expect(page.locator("h1").first).to_have_text("Overdue cases, longest first")
