"""Account safety under a friend-request flood: N requests in M minutes (one contact repeating R times) through the
real engine on a virtual clock; prints what the bot accepted, greeted and invited per local day.

    python scripts/friend_flood.py [--requests 1000] [--repeats 200] [--minutes 50] [--json]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import assemble  # noqa: E402
from bot.schedule.clock import VirtualClock  # noqa: E402
from bot.core.events import FriendRequest, Message  # noqa: E402
from bot.delivery.sender import Pacing  # noqa: E402
from bot.transport.fake import FakeTransport  # noqa: E402
from bot.schedule.virtual import VirtualRunner  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
ROOM, ADVISOR, REPEATER = "flood@chatroom", "adv", "wx_repeat"


def flood(requests: int, repeats: int, minutes: int, db: Path) -> dict:
    """Run the flood; the figures per local day and for the repeating contact."""
    clock = VirtualClock(START)
    transport = FakeTransport(clock)
    bot = assemble(db, ROOT / "data" / "playbook.yaml", clock, transport, Pacing(), advisors={ADVISOR})
    runner = VirtualRunner(bot.engine, bot.sender, clock)
    # an open cohort (day 1 a month away), so every accepted person is invited
    day1 = (START + timedelta(days=30)).date()
    events: list = [Message("start", START, ROOM, ADVISOR, "导师", f"/start {day1}", "理财9期")]
    step = timedelta(minutes=minutes) / requests
    every = max(requests // max(repeats, 1), 1)
    n_new = 0
    for i in range(requests):
        at = START + timedelta(seconds=1) + step * i
        if repeats and i % every == 0 and i // every < repeats:
            events.append(FriendRequest(f"req-{i}", at, REPEATER, "复读机", "加我加我"))
        else:
            n_new += 1
            events.append(FriendRequest(f"req-{i}", at, f"wx_{n_new:04d}", f"同学{n_new}", "想学理财"))
    contacts = len({e.contact for e in events if isinstance(e, FriendRequest)})

    async def go() -> None:
        for event in events:
            await runner.push(event)
        await runner.advance_to(START + timedelta(days=(contacts // max(bot.playbook.funnel.accept_per_day, 1)) + 2))
        await runner.settle()

    asyncio.run(go())
    day = lambda s: s.ts.astimezone(TZ).date().isoformat()  # noqa: E731
    greeting = bot.playbook.persona.greeting.split("，")[0]
    accepted = Counter(day(s) for s in transport.sent if s.out.action == "accept")
    greeted = Counter(day(s) for s in transport.sent if s.out.action == "say" and s.out.room is None and greeting in s.out.text)
    invited = Counter(day(s) for s in transport.sent if s.out.action == "invite")
    stamps = sorted(s.ts for s in transport.sent if s.out.action == "accept")
    gaps = [(b - a).total_seconds() for a, b in zip(stamps, stamps[1:])]
    mine = [s for s in transport.sent if s.out.to == REPEATER]
    bot.store.close()
    return {
        "requests": requests, "contacts": contacts, "repeats": repeats, "minutes": minutes,
        "accept_per_day": bot.playbook.funnel.accept_per_day, "invite_per_day": bot.playbook.funnel.invite_per_day,
        "days": [{"day": d, "accepted": accepted[d], "greeted": greeted[d], "invited": invited[d]} for d in sorted(accepted)],
        "accepted": sum(accepted.values()), "max_accepted_per_day": max(accepted.values(), default=0),
        "min_gap_s": min(gaps, default=0),
        "repeater": {a: sum(1 for s in mine if s.out.action == a and (a != "say" or greeting in s.out.text))
                     for a in ("accept", "say", "invite")},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--minutes", type=int, default=50)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        r = flood(args.requests, args.repeats, args.minutes, Path(tmp) / "flood.db")
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
        return
    print(f"{r['requests']} friend requests in {r['minutes']} min: {r['contacts']} contacts, one of them asking "
          f"{r['repeats']} times (caps: accept_per_day {r['accept_per_day']}, invite_per_day {r['invite_per_day']})")
    print(f"{'day':<12}{'accepted':>9}{'greeted':>9}{'invited':>9}")
    for d in r["days"]:
        print(f"{d['day']:<12}{d['accepted']:>9}{d['greeted']:>9}{d['invited']:>9}")
    rep = r["repeater"]
    print(f"accepted {r['accepted']} (each contact once); at most {r['max_accepted_per_day']} a day; "
          f"smallest gap between two acceptances {r['min_gap_s']:.0f} s")
    print(f"the contact who asked {r['repeats']} times: accepted {rep['accept']}, greeted {rep['say']}, invited {rep['invite']}")


if __name__ == "__main__":
    main()
