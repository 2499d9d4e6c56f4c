"""Whether the browser is a phone's, from what it says of itself."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cockpit.ui import device

ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Mobile Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1")
IPAD = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.1 Safari/605.1.15")
DESKTOP = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")


@pytest.mark.parametrize("agent, phone", [(ANDROID, True), (IPHONE, True), (IPAD, False), (DESKTOP, False),
                                          ("", False), (None, False)])
def test_a_phone_is_told_by_its_user_agent(monkeypatch, agent, phone):
    headers = {} if agent is None else {"User-Agent": agent}
    monkeypatch.setattr(device, "st", SimpleNamespace(context=SimpleNamespace(headers=headers)))
    assert device.on_phone() is phone


def test_no_browser_is_no_phone(monkeypatch):
    monkeypatch.setattr(device, "st", SimpleNamespace())
    assert device.on_phone() is False
