"""Start-up settings: playbook path, database path, advisors (by contact id only)."""
from __future__ import annotations

import os
from pathlib import Path

from bot.playbook import Playbook

ROOT = Path(__file__).resolve().parents[2]  # the repository (bot/cli/config.py)
DEFAULT_PLAYBOOK = ROOT / "data" / "playbook.yaml"
DEFAULT_DB = ROOT / "data" / "bot.db"


def advisors(pb: Playbook) -> frozenset[str]:
    """Advisor contact ids: env BOT_ADVISORS=id1,id2 overrides the playbook's list. Never display names."""
    env = os.environ.get("BOT_ADVISORS")
    ids = env.split(",") if env is not None else pb.advisors
    return frozenset(i.strip() for i in ids if i.strip())
