"""The deployment files under deploy/: a systemd unit and an nginx example, checked for syntax."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "cockpit.service"


def test_the_unit_starts_the_web_server_and_does_not_loop_on_a_taken_database():
    from cockpit.web.startup import EXIT_OWNED

    text = UNIT.read_text(encoding="utf-8")
    assert "streamlit run serve.py" in text and "--server.address 127.0.0.1" in text
    assert f"RestartPreventExitStatus={EXIT_OWNED}" in text and "Restart=on-failure" in text
    assert "COCKPIT_TRUSTED_PROXY=127.0.0.1" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path):
    # the paths of a real install do not exist here: point them at this machine's, keep the rest
    text = UNIT.read_text(encoding="utf-8").replace("/opt/cockpit/.venv/bin/streamlit", sys.executable)
    text = text.replace("User=cockpit", "User=root").replace("Group=cockpit", "Group=root")
    unit = tmp_path / "cockpit.service"
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if "cockpit.service" in line and "WorkingDirectory" not in line]
    assert not problems, problems


def test_the_proxy_passes_the_websocket_and_the_client_address():
    text = (ROOT / "deploy" / "nginx-cockpit.conf").read_text(encoding="utf-8")
    for needed in ("proxy_pass http://127.0.0.1:8501", "Upgrade $http_upgrade", 'Connection "upgrade"',
                   "X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme", "client_max_body_size 50m"):
        assert needed in text, needed
    assert text.count("{") == text.count("}")
