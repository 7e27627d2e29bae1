"""The conversation harness: push what members and advisors say, read what the bot said and stored."""
from __future__ import annotations

import asyncio
import itertools
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import Account, assemble
from bot.schedule.clock import VirtualClock
from bot.language import Reader
from bot.core.events import FriendRequest, Member, MemberJoined, MemberLeft, Message
from bot.delivery.sender import Pacing
from bot.playbook import load_playbook
from bot.transport.fake import FakeTransport
from bot.schedule.virtual import VirtualRunner

ROOT = Path(__file__).resolve().parent.parent
PLAYBOOK = ROOT / "data" / "playbook.yaml"


def playbook_with(tmp_path: Path, **sections: dict) -> Path:
    """The default playbook with these keys changed in its sections (pictures={"tally_card": "after"}), as a file."""
    import yaml

    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    for name, values in sections.items():
        data[name].update(values)
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
TZ = ZoneInfo("Asia/Shanghai")
ROOM = "room1@chatroom"
ADVISOR = "adv"
SEED = 7  # the senders' random pauses between recipients: the same in every run, so a conversation test is repeatable
READER = Reader.with_additions()  # the language layer with the default cues (built once: ~0.2 s)
_READERS: dict[str, Reader] = {}  # per playbook `language:` section, built once per test session


def reader_for(pb) -> Reader:
    key = json.dumps(pb.language, sort_keys=True, ensure_ascii=False)
    if key not in _READERS:
        _READERS[key] = Reader.with_additions(pb.language)
    return _READERS[key]


def local(s: str) -> datetime:
    """'2026-12-01 09:30' in Asia/Shanghai."""
    return datetime.fromisoformat(s).replace(tzinfo=TZ)


def statements_during(chat, action) -> list[str]:
    """The SQL statements run on the bot's connection while `action` ran."""
    seen: list[str] = []
    chat.store.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        chat.store.conn.set_trace_callback(None)
    return seen


class Chat:
    """One bot over a real SQLite file, a fake transport and a virtual clock."""

    _ids = itertools.count(1)

    def __init__(self, db_path: Path, start: datetime, playbook=PLAYBOOK, advisors=(ADVISOR,), accounts=(),
                 pacing: Pacing | dict[str, Pacing] = Pacing()) -> None:
        """`accounts`: names of the bot's WeChat accounts, each with its own FakeTransport (`transports[name]`);
        none = the one account '' (`transport`). `pacing`: every account's, or each account's by name."""
        self.db_path, self.pb_path, self.advisors, self.pacing = db_path, playbook, advisors, pacing
        self.clock = VirtualClock(start)
        self.transports = {name: FakeTransport(self.clock, name=name) for name in accounts}
        self.transport = next(iter(self.transports.values())) if accounts else FakeTransport(self.clock)
        self._seen = {name: 0 for name in accounts}
        self._boot()
        self.read = 0

    def _boot(self) -> None:
        pb = load_playbook(self.pb_path)
        accounts = [Account(name, t, self._pacing(name)) for name, t in self.transports.items()] or None
        self.bot = assemble(self.db_path, pb, self.clock, self.transport, self._pacing(""), self.advisors, reader_for(pb),
                            seed=SEED, accounts=accounts)
        self.store, self.pb, self.engine, self.sender = self.bot.store, self.bot.playbook, self.bot.engine, self.bot.sender
        self.runner = VirtualRunner(self.engine, list(self.bot.senders.values()), self.clock)

    def _pacing(self, account: str) -> Pacing:
        return self.pacing.get(account, Pacing()) if isinstance(self.pacing, dict) else self.pacing

    def restart(self) -> None:
        """Drop every in-memory object and start again from the database file (like a new process)."""
        self.bot.close()
        self._boot()

    def run(self, coro):
        return asyncio.run(coro)

    # -- what people do -----------------------------------------------------------------------
    def say(self, sender: str, text: str, name: str | None = None, room: str | None = ROOM, at: datetime | None = None,
            kind: str = "text", msg_id: str | None = None, via: str = "") -> str:
        """`via`: the bot's account that receives the message (several accounts)."""
        msg_id = msg_id or f"m{next(self._ids)}"
        ts = at or self.clock.now()
        self.run(self.runner.push(Message(msg_id, ts, room, sender, name or sender, text, topic="理财1期", kind=kind,
                                          account=via)))
        return msg_id

    def join(self, *members: str, room: str = ROOM, names: dict[str, str] | None = None, via: str = "") -> None:
        """Members join (their display name is their id unless `names` says otherwise)."""
        names = names or {}
        ev = MemberJoined(f"j{next(self._ids)}", self.clock.now(), room, tuple(Member(m, names.get(m, m)) for m in members),
                          "理财1期", via)
        self.run(self.runner.push(ev))

    def leave(self, *members: str, room: str = ROOM) -> None:
        ev = MemberLeft(f"l{next(self._ids)}", self.clock.now(), room, tuple(Member(m, m) for m in members), "理财1期")
        self.run(self.runner.push(ev))

    def start_course(self, *members: str) -> None:
        """Members join, the advisor binds a course whose day 1 is 2026-12-01, and the calendar runs to just after
        the day-1 lesson (what was said so far is read and dropped)."""
        self.join(*members)
        self.say(ADVISOR, "/start 2026-12-01")
        self.until("2026-12-01 09:01")
        self.said()
        assert self.group().state == "in_course" and self.group().course_day == 1

    def befriend(self, contact: str, name: str = "", hello: str = "", request_id: str | None = None, via: str = "") -> str:
        """Someone sends the advisor's account (`via`: one of several) a friend request."""
        request_id = request_id or f"f{next(self._ids)}"
        self.run(self.runner.push(FriendRequest(request_id, self.clock.now(), contact, name or contact, hello, via)))
        return request_id

    def advance(self, **delta: float) -> None:
        self.run(self.runner.advance_to(self.clock.now() + timedelta(**delta)))

    def until(self, when: str) -> None:
        """Run the calendar up to a local time 'YYYY-MM-DD HH:MM'."""
        self.run(self.runner.advance_to(local(when)))

    # -- what the bot did ---------------------------------------------------------------------
    def said(self) -> list[str]:
        """Texts the bot sent since the last call (after letting paced messages out)."""
        self.run(self.runner.settle())
        new = self.transport.sent[self.read:]
        self.read = len(self.transport.sent)
        return [s.out.text for s in new]

    def sent_by(self, account: str) -> list:
        """What one of several accounts sent (Outgoing) since the last call for it, after letting paced messages out."""
        self.run(self.runner.settle())
        sent = self.transports[account].sent
        new, self._seen[account] = sent[self._seen[account]:], len(sent)
        return [s.out for s in new]

    def said_out(self) -> list:
        self.run(self.runner.settle())
        new = self.transport.sent[self.read:]
        self.read = len(self.transport.sent)
        return [s.out for s in new]

    def group(self):
        return self.engine.groups.get(ROOM)
