"""Fixtures for the end-to-end tests (support code in e2e_support.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from e2e_support import ROOT, Daemon, Gateway


@pytest.fixture(scope="module")
def gateway():
    gw = Gateway()
    yield gw
    gw.close()


@pytest.fixture
def fast_playbook(tmp_path) -> Path:
    """The default playbook with acknowledgements batched over seconds instead of minutes."""
    data = yaml.safe_load((ROOT / "data" / "playbook.yaml").read_text(encoding="utf-8"))
    data["settings"]["acks"].update(gather_seconds=1, min_interval_minutes=0.05, max_per_day=50)
    path = tmp_path / "playbook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_daemon_left_behind():
    """Whatever a test asserted, none of its daemons stays connected to the shared gateway."""
    yield
    while Daemon.running:
        daemon = Daemon.running.pop()
        if daemon.proc.poll() is None:
            daemon.kill()
