"""The composition root: the one place a bot is built, through constructors (database, playbook, outbox sender,
engine with the playbook's rituals). Used by run, simulate, replay, the benchmarks and the tests alike."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from bot.cli import config
from bot.core.engine import Engine
from bot.language import Reader
from bot.delivery.sender import Pacing, Sender
from bot.playbook import Playbook, load_playbook
from bot.storage import Store, connect
from bot.transport import Transport


@dataclass(frozen=True)
class Account:
    """One of the bot's WeChat accounts: its name ('' = the only account of a deployment without an accounts
    file), its transport (its own connection) and its send budget."""

    name: str
    transport: Transport
    pacing: Pacing = Pacing()


@dataclass
class Bot:
    store: Store
    playbook: Playbook
    engine: Engine
    sender: Sender  # the first (default) account's sender
    senders: dict[str, Sender] = field(default_factory=dict)  # account name -> its sender, the default first
    accounts: tuple[Account, ...] = ()

    def close(self) -> None:
        """Close the database (the process, or a test's restart, starts again from the file)."""
        self.store.close()


def assemble(db_path: str | Path, playbook: str | Path | Playbook, clock, transport: Transport | None = None,
             pacing: Pacing = Pacing(), advisors: Iterable[str] | None = None, reader: Reader | None = None,
             seed: int | None = None, accounts: Sequence[Account] | None = None) -> Bot:
    """A ready bot over the database file (raises PlaybookError for a bad playbook). Advisors default to the
    configuration (env BOT_ADVISORS, else the playbook's); a shared language reader saves its set-up time.
    One account (`transport`, `pacing`: the account '') or several (`accounts`, the first is the default): each
    has its own sender over its own rows of the outbox."""
    if accounts is None:
        if transport is None:
            raise ValueError("assemble needs a transport or accounts")
        accounts = (Account("", transport, pacing),)
    accounts = tuple(accounts)
    names = [a.name for a in accounts]
    if not accounts or len(set(names)) != len(names) or ("" in names and len(names) > 1):
        raise ValueError(f"accounts need unique non-empty names (or one account ''), got {names}")
    pb = playbook if isinstance(playbook, Playbook) else load_playbook(playbook)
    store = Store(connect(db_path))
    advisors = frozenset(config.advisors(pb) if advisors is None else advisors)
    single = names == [""]
    senders = {a.name: Sender(store, a.transport, clock, a.pacing, advisors=advisors, seed=seed,
                              account=None if single else a.name, late_minutes=pb.settings.late_post_minutes) for a in accounts}
    first = senders[names[0]]
    if not single:
        first.adopts = True
        for name, sender in senders.items():  # an account's trouble is told through another one
            sender.notices = names[0] if name != names[0] else names[1]
        with store.tx():  # queued for an account no longer configured (or before the accounts file): the default's
            store.outbox.rehome(names, names[0])
    first.recover()  # start-up: sends a crash cut off become "unknown" (never re-sent), the advisors are told

    def wake() -> None:
        for sender in senders.values():
            sender.wake()

    def status() -> str:
        if single:
            return first.status()
        return "\n".join(f"{name}: {sender.status()}" for name, sender in senders.items())

    engine = Engine(store, pb, clock, advisors, wake=wake, status=status, reader=reader, accounts=names)
    for a in accounts:  # scheduled posts across an account's groups are spread at that account's sending speed
        engine.scheduler.spread.paced(a.pacing, a.name)
    return Bot(store, pb, engine, first, senders, accounts)
