"""Every AppTest here starts signed in as the sample's demo township leader (who may open every
page), because every page checks who is signed in before it reads data. A test that needs
another role or nobody signed in sets or deletes ``at.session_state["auth_user"]`` itself."""

from __future__ import annotations

from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

DEFAULT_USER = "leader"


@pytest.fixture(autouse=True)
def signed_in_app_tests(monkeypatch):
    original = AppTest.from_file.__func__

    def from_file(cls, *args, **kwargs):
        at = original(cls, *args, **kwargs)
        at.session_state["auth_user"] = DEFAULT_USER
        at.session_state["auth_seen"] = datetime.now()
        return at

    monkeypatch.setattr(AppTest, "from_file", classmethod(from_file))
