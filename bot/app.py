"""The composition root: the one place a bot is built, through constructors (database, playbook, outbox sender,
engine with the playbook's rituals). Used by run, simulate, replay, the benchmarks and the tests alike."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from bot.cli import config
from bot.core.engine import Engine
from bot.language import Reader
from bot.delivery.sender import Pacing, Sender
from bot.playbook import Playbook, load_playbook
from bot.storage import Store, connect
from bot.transport import Transport


@dataclass
class Bot:
    store: Store
    playbook: Playbook
    engine: Engine
    sender: Sender

    def close(self) -> None:
        """Close the database (the process, or a test's restart, starts again from the file)."""
        self.store.close()


def assemble(db_path: str | Path, playbook: str | Path | Playbook, clock, transport: Transport,
             pacing: Pacing = Pacing(), advisors: Iterable[str] | None = None, reader: Reader | None = None,
             seed: int | None = None) -> Bot:
    """A ready bot over the database file (raises PlaybookError for a bad playbook). Advisors default to the
    configuration (env BOT_ADVISORS, else the playbook's); a shared language reader saves its set-up time."""
    pb = playbook if isinstance(playbook, Playbook) else load_playbook(playbook)
    store = Store(connect(db_path))
    advisors = frozenset(config.advisors(pb) if advisors is None else advisors)
    sender = Sender(store, transport, clock, pacing, advisors=advisors, seed=seed)
    sender.recover()  # start-up: sends a crash cut off become "unknown" (never re-sent), the advisors are told
    engine = Engine(store, pb, clock, advisors, wake=sender.wake, status=sender.status, reader=reader)
    engine.scheduler.spread.paced(pacing)  # scheduled posts across the account's groups spread at its sending speed
    return Bot(store, pb, engine, sender)
