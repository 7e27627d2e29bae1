"""Restart time with many groups on several accounts: how long from opening the database to the first calendar tick.

Set-up (not timed): a real SQLite file built by the real engine on a virtual clock: G groups, each bound by an
advisor (/start, day 1 = 2026-12-01) through account adv{g mod A}, M members each, and the calendar run through
the opening evening and day 1 up to day 2 08:00 (every post of those days queued and sent), so the database holds
what a running deployment holds: groups, members, fired actions, the outbox.

Measured (median of --runs, each on a fresh copy of that file, in this process): `assemble` (open and migrate the
database, the playbook, the language reader, one sender per account with its send window, the engine with every
ritual and its in-memory groups and calendar) + the first `engine.tick()` at day 2 08:01, i.e. what the daemon does
before it starts receiving. Target (issue 12): under 2 s for 1,000 active groups on 5 accounts.

    python scripts/bench_restart.py [--groups 1000] [--accounts 5] [--members 50] [--runs 3] [--db PATH]

(--accounts 1 is a deployment without an accounts file, for comparison.)

Prints one JSON object on stdout (progress on stderr).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.app import Account, assemble  # noqa: E402
from bot.core.events import Member, MemberJoined, Message  # noqa: E402
from bot.delivery.sender import Pacing  # noqa: E402
from bot.playbook import load_playbook  # noqa: E402
from bot.schedule.clock import VirtualClock  # noqa: E402
from bot.schedule.virtual import VirtualRunner  # noqa: E402
from bot.transport.fake import FakeTransport  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
DAY1 = date(2026, 12, 1)
DAY2_MORNING = datetime(2026, 12, 2, 8, 0, tzinfo=TZ)
ADVISOR = "adv"
GENEROUS = Pacing(per_minute=10**9, room_gap_seconds=0, switch_jitter_seconds=(0.0, 0.0))  # set-up never waits


def names(accounts: int) -> list[str]:
    """The accounts' names: adv0..adv{A-1}; one account is the deployment without an accounts file ('')."""
    return [f"adv{k}" for k in range(accounts)] if accounts > 1 else [""]


def bot_over(db: Path, clock, accounts: list[str], playbook=None):
    pb = playbook or ROOT / "data" / "playbook.yaml"
    if accounts == [""]:
        return assemble(db, pb, clock, FakeTransport(clock, keep=False), GENEROUS, [ADVISOR], seed=0)
    return assemble(db, pb, clock, advisors=[ADVISOR], seed=0,
                    accounts=[Account(name, FakeTransport(clock, name=name, keep=False), GENEROUS) for name in accounts])


def build(db: Path, groups: int, members: int, accounts: list[str], progress: bool) -> None:
    """The database of a deployment on the morning of day 2, made by the engine itself."""
    clock = VirtualClock(datetime(2026, 11, 30, 10, 0, tzinfo=TZ))
    bot = bot_over(db, clock, accounts)
    runner = VirtualRunner(bot.engine, list(bot.senders.values()), clock)

    async def go() -> None:
        for g in range(groups):
            room, now, via = f"room{g}@chatroom", clock.now(), accounts[g % len(accounts)]
            people = tuple(Member(f"g{g}u{m}", f"学员{m}") for m in range(members))
            await bot.engine.handle(MemberJoined(f"join{g}", now, room, people, f"理财{g}期", via))
            await bot.engine.handle(Message(f"start{g}", now, room, ADVISOR, "导师", f"/start {DAY1}", f"理财{g}期",
                                            account=via))
            if progress and g % 100 == 99:
                print(f"  bound {g + 1}/{groups}", file=sys.stderr)
        await runner.drain()
        await runner.advance_to(DAY2_MORNING)
        await runner.settle()

    asyncio.run(go())
    bot.close()


def restart(db: Path, accounts: list[str]) -> tuple[float, int]:
    """Seconds from nothing to a bot that has ticked once; how many groups it holds."""
    clock = VirtualClock(DAY2_MORNING + timedelta(minutes=1))
    t0 = time.perf_counter()
    bot = bot_over(db, clock, accounts, load_playbook(ROOT / "data" / "playbook.yaml"))
    bot.engine.tick()
    seconds = time.perf_counter() - t0
    held = len(bot.engine.groups)
    bot.close()
    return seconds, held


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--accounts", type=int, default=5)
    ap.add_argument("--members", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db", type=Path, default=None,
                    help="keep the built database here (default: a temporary folder); an existing file is reused as is")
    args = ap.parse_args()
    accounts = names(args.accounts)
    with tempfile.TemporaryDirectory(prefix="bench-restart-") as tmp:
        built = args.db or Path(tmp) / "built.db"
        t0 = time.perf_counter()
        if not built.exists():
            build(built, args.groups, args.members, accounts, progress=True)
        setup_s = time.perf_counter() - t0
        print(f"  set-up: {args.groups} groups x {args.members} members on {len(accounts)} account(s) ({setup_s:.1f}s)",
              file=sys.stderr)
        runs = []
        for i in range(args.runs):
            copy = Path(tmp) / f"run{i}.db"
            shutil.copyfile(built, copy)
            seconds, held = restart(copy, accounts)
            runs.append(seconds)
            print(f"  restart {i + 1}: {seconds:.3f}s ({held} groups)", file=sys.stderr)
    print(json.dumps({"groups": args.groups, "accounts": len(accounts), "members": args.members,
                      "restart_s_median": round(statistics.median(runs), 3), "runs_s": [round(r, 3) for r in runs],
                      "groups_held": held, "setup_s": round(setup_s, 1), "target_s": 2.0}))


if __name__ == "__main__":
    main()
