"""Assemble a bot: database, playbook, engine with every ritual, outbox sender."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot import config
from bot.engine import Engine
from bot.outbox import Pacing, Sender
from bot.playbook import Playbook, load_playbook
from bot.storage import Store, connect
from bot.transport import Transport


@dataclass
class Bot:
    store: Store
    playbook: Playbook
    engine: Engine
    sender: Sender


def assemble(db_path: str | Path, playbook: str | Path | Playbook, clock, transport: Transport,
             pacing: Pacing = Pacing()) -> Bot:
    """A ready bot over the database file (raises PlaybookError for a bad playbook)."""
    from rituals import build_engine  # rituals depend on bot; import late to keep bot importable alone

    pb = playbook if isinstance(playbook, Playbook) else load_playbook(playbook)
    store = Store(connect(db_path))
    advisors = config.advisors(pb)
    engine = build_engine(store, pb, clock, advisors)
    sender = Sender(store, transport, clock, pacing, advisors=advisors)
    engine.on_enqueue = sender.wake
    engine.outbox_status = sender.status
    return Bot(store, pb, engine, sender)
