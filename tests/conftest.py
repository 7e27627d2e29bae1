"""Fixtures for the conversation tests (the harness itself is tests/harness.py)."""
from __future__ import annotations

import pytest

from harness import Chat, local


@pytest.fixture
def chat(tmp_path):
    """A bot whose clock starts on 2026-11-30 10:00 Shanghai time, before any course."""
    return Chat(tmp_path / "bot.db", local("2026-11-30 10:00"))
