"""The what-if planner end to end in Chromium: the page, the change map, a quick move that changes
the projection, and the Chinese page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import open_page, save_screenshot, wait_for_app_idle


def _metric_delta(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricDelta"]').inner_text()


def test_quick_move_in_the_browser(browser_page, app_server):
    page = browser_page
    page.set_viewport_size({"width": 1600, "height": 1000})
    open_page(page, f"{app_server}/planner?lang=en", user="planner")
    expect(page.get_by_role("heading", name="What-if planner")).to_be_visible()
    assert _metric_delta(page, "Township coverage") == "+0.00 pp"
    page.get_by_role("button", name="Add this move").click()
    wait_for_app_idle(page)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Township coverage")
           .locator('[data-testid="stMetricDelta"]')).not_to_have_text("+0.00 pp")
    assert _metric_delta(page, "Township coverage").startswith("+")
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box["width"] > 400 and box["height"] > 300
    save_screenshot(page, "planner_en")


def test_chinese_page(browser_page, app_server):
    page = browser_page
    page.set_viewport_size({"width": 1600, "height": 1000})
    open_page(page, f"{app_server}/planner?lang=zh", user="planner")
    expect(page.get_by_role("heading", name="情景推演")).to_be_visible()
    expect(page.get_by_text("全镇覆盖率", exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stDeckGlJsonChart"] canvas').first).to_be_visible()
    wait_for_app_idle(page)
    page.wait_for_timeout(1000)
    body = page.get_by_test_id("stMain").inner_text()
    assert " pp" not in body and "个百分点" in body      # percentage points in Chinese
    save_screenshot(page, "planner_zh")


def test_recommend_apply_save_and_export(browser_page, app_server):
    import json

    page = browser_page
    page.set_viewport_size({"width": 1600, "height": 1000})
    open_page(page, f"{app_server}/planner?lang=en", user="planner")
    page.get_by_role("button", name="Compute recommendations").click()
    wait_for_app_idle(page)
    expect(page.get_by_role("button", name="Apply this allocation")).to_be_visible()
    page.get_by_role("button", name="Apply this allocation").click()
    wait_for_app_idle(page)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Township coverage")
           .locator('[data-testid="stMetricDelta"]')).not_to_have_text("+0.00 pp")
    page.get_by_label("Name", exact=True).fill("浏览器测试方案")
    page.get_by_role("button", name="Save scenario").click()
    wait_for_app_idle(page)
    expect(page.get_by_text("Saved “浏览器测试方案”.")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="JSON").click()
    saved = json.loads(info.value.path().read_text(encoding="utf-8"))
    assert saved["name"] == "浏览器测试方案" and saved["author"] == "planner"
    assert saved["format"] == "township-cockpit-scenario/1" and saved["mode"] == "neutral"
    assert abs(sum(v for d in saved["funding"].values() for v in d.values())) < 0.006
    save_screenshot(page, "planner_scenario_en")
