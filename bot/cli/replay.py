"""`main.py replay`: feed a recorded chat through the engine on a virtual clock.

The file is read as a stream, twice (bot/cli/recording.py): once to check every line and find the file's middle
time, once to replay; memory stays flat whatever its length. What the bot sends is written to --out as it goes, in
the course's time zone with its offset (+08:00). At the end of the file what is still pending (an acknowledgement
gathering check-ins) is let out at its moment, then the paced queue is drained."""
from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import IO, Callable

from bot.app import assemble
from bot.cli.recording import Problem, stream, survey
from bot.core.events import Outgoing
from bot.delivery.sender import Pacing
from bot.playbook import load_playbook
from bot.schedule.clock import VirtualClock
from bot.schedule.virtual import VirtualRunner
from bot.transport.fake import FakeTransport


@dataclass
class Replayed:
    """How a replay went: events handled, of which new and already seen (a redelivery, or a file replayed again
    into the same database), and the lines skipped."""

    handled: int = 0
    new: int = 0
    duplicate: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self, path: Path) -> str:
        """One line, in Chinese with English alongside."""
        return (f"回放 {self.handled} 条：新 {self.new} 条，重复 {self.duplicate} 条；跳过坏行 {len(self.problems)} 行"
                f"（replayed {self.handled} event(s) from {path}: {self.new} new, {self.duplicate} duplicate; "
                f"{len(self.problems)} bad line(s) skipped）")


class WrittenTransport(FakeTransport):
    """A fake transport that writes each message as it is sent (JSON lines, local time with offset) and keeps none."""

    def __init__(self, clock, out: IO[str] | None, tz: tzinfo) -> None:
        super().__init__(clock, keep=False)
        self.out, self.tz = out, tz

    def delivered(self, out: Outgoing) -> None:
        if self.out is not None:
            self.out.write(json.dumps(sent_row(self.clock.now(), out, self.tz), ensure_ascii=False) + "\n")


def sent_row(ts: datetime, out: Outgoing, tz: tzinfo) -> dict:
    """One line of --out: when (in the course's time zone, with its offset), where, what."""
    row = {"ts": ts.astimezone(tz).isoformat(), "room": out.room, "to": out.to, "text": out.text,
           "mentions": list(out.mentions)}
    if out.action != "say":  # a friend request accepted or a room invitation
        row["action"] = out.action
    if out.image:  # a picture: its file, with the alt text in "text"
        row["image"] = out.image
    if out.account:  # sent through one of several accounts
        row["account"] = out.account
    return row


def replay(path: Path, db: Path, playbook: Path, out: Path | None,
           progress: Callable[[int], Callable[[], None]] | None = None) -> Replayed:
    """Replay the file into the database; scheduled actions fire between events as time passes. `progress(total)`
    (if given) returns what to call after each event."""
    with path.open("rb") as fh:
        found = survey(fh)
    result = Replayed(problems=found.problems)
    for p in found.problems:
        print(f"{path}:{p.line}: skipped: {p.reason}", file=sys.stderr)
    if found.first is None:
        return result
    pb = load_playbook(playbook)
    clock = VirtualClock(found.first)
    sink = out.open("w", encoding="utf-8") if out is not None else None
    try:
        transport = WrittenTransport(clock, sink, pb.tz)
        bot = assemble(db, pb, clock, transport, Pacing())
        runner = VirtualRunner(bot.engine, bot.sender, clock)
        step = progress(found.events) if progress else None

        async def go() -> None:
            with path.open("rb") as fh:
                for event in stream(fh, found.middle):
                    if bot.store.inbox.seen(event.id):
                        result.duplicate += 1
                    else:
                        result.new += 1
                    await runner.push(event)
                    result.handled += 1
                    if step:
                        step()
            await runner.flush_pending()
            await runner.settle()

        try:
            asyncio.run(go())
        finally:
            bot.store.close()
    finally:
        if sink is not None:
            sink.close()
    return result
