"""Every AppTest here starts signed in as the sample's demo township leader (who may open every
page), because every page checks who is signed in before it reads data.

AppTest cannot send cookies, so the pages' one test seam is used (cockpit/ui/auth_view.py): the
user name goes where the seam looks, and the account is checked as a session's would be (active,
demo accounts only on the sample). ``sign_in(at, "secretary")`` signs an AppTest in as another
user; ``sign_out_test(at)`` leaves it signed out. Sessions and cookies themselves are tested in
tests/web/ and in Chromium (tests/e2e/test_sessions.py)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cockpit.ui import auth_view

DEFAULT_USER = "leader"


def sign_in(at: AppTest, user: str) -> None:
    """Sign ``at`` in as ``user`` through the test seam."""
    at.session_state[auth_view.TEST_USER_KEY] = user


def sign_out_test(at: AppTest) -> None:
    """Leave ``at`` signed out."""
    at.session_state[auth_view.TEST_USER_KEY] = ""


@pytest.fixture(autouse=True)
def signed_in_app_tests(monkeypatch):
    monkeypatch.setattr(auth_view, "ALLOW_TEST_USER", True)
    original = AppTest.from_file.__func__

    def from_file(cls, *args, **kwargs):
        at = original(cls, *args, **kwargs)
        sign_in(at, DEFAULT_USER)
        return at

    monkeypatch.setattr(AppTest, "from_file", classmethod(from_file))


@pytest.fixture
def click_download(monkeypatch):
    """``click_download(at, key)``: the bytes the download button ``key`` makes when clicked.

    Downloads are made on click (cockpit/ui/downloads.py: never when the page is drawn); AppTest
    does not fetch them, so the button's deferred callable is called here as the server would."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        made[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return lambda at, key: made[at.download_button(key=key).proto.deferred_file_id]()
