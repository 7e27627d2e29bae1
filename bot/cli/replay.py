"""`main.py replay`: feed a recorded chat through the engine on a virtual clock."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot.app import assemble
from bot.schedule.clock import VirtualClock
from bot.delivery.sender import Pacing
from bot.cli.recording import Problem, read_events
from bot.storage import iso
from bot.transport.fake import FakeTransport
from bot.schedule.virtual import VirtualRunner


def replay(path: Path, db: Path, playbook: Path, out: Path | None) -> tuple[int, list[Problem]]:
    """Returns (events handled, bad lines). Scheduled actions fire between events as time passes."""
    problems: list[Problem] = []
    with path.open("rb") as fh:
        events = read_events(fh, problems)
    for p in problems:
        print(f"{path}:{p.line}: skipped: {p.reason}", file=sys.stderr)
    if not events:
        return 0, problems
    clock = VirtualClock(min(e.ts for e in events))
    transport = FakeTransport(clock)
    bot = assemble(db, playbook, clock, transport, Pacing())
    runner = VirtualRunner(bot.engine, bot.sender, clock)

    async def go() -> None:
        for event in events:
            await runner.push(event)
        await runner.settle()

    asyncio.run(go())
    if out is not None:
        with out.open("w", encoding="utf-8") as fh:
            for s in transport.sent:
                row = {"ts": iso(s.ts), "room": s.out.room, "to": s.out.to, "text": s.out.text, "mentions": list(s.out.mentions)}
                if s.out.action != "say":  # a friend request accepted or a room invitation
                    row["action"] = s.out.action
                if s.out.image:  # a picture: its file, with the alt text in "text"
                    row["image"] = s.out.image
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    bot.store.close()
    return len(events), problems
