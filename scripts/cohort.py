"""A 7-day cohort of N members in one group, on the virtual clock through bot.app.assemble and the real outbox:
how many messages the bot sends per day, how long they get, whether every check-in is acknowledged the same day.

Behaviour (seeded): ~80% of members say where they are from on the opening evening or the morning of day 1; each day
a member checks in with a probability that falls slowly over the week, 60% of them spread over 09:00-19:00 and 40% in
an evening burst 19:30-22:00 (after the 20:00 reminder), 3% after the 22:00 tally; ~70% of those who check in complete the practice between its
post and its due time (a third by screenshot), ~3% check in twice; ~80% say 我毕业啦 between the ceremony (20:30 on
day 7) and 21:50, and a few said it too early. 2% of messages are redelivered with the same id.

Per course day (day 0 = the opening evening) it prints:
  msgs        bot messages sent to the group that local day (acknowledgements, lessons, reminders, tallies, pictures)
  longest     the longest text, in characters
  acked before tally   check-ins of that day named in an acknowledgement by the minute before the tally / so far
  acked same day       check-ins of that day acknowledged by 23:59:59 that day (an acknowledgement or the tally) / all
  last_ack    local time of the day's last acknowledgement (a message naming members' check-ins, practice or graduation)
  mentions    the most @-mentions in one message
  @msgs       messages carrying @-mentions

    python scripts/cohort.py [--members 200 500 2000] [--seed 7] [--playbook data/playbook.yaml]
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time as wall
from datetime import date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.app import assemble  # noqa: E402
from bot.cli.simulate import CHECKINS, GIVEN, HOMETOWNS, PRACTICE, SURNAMES  # noqa: E402 - the same members
from bot.core.events import Member, MemberJoined, Message  # noqa: E402
from bot.delivery.sender import Pacing  # noqa: E402
from bot.playbook import load_playbook  # noqa: E402
from bot.schedule.clock import VirtualClock  # noqa: E402
from bot.schedule.virtual import VirtualRunner  # noqa: E402
from bot.transport.fake import FakeTransport  # noqa: E402

ROOM = "cohort@chatroom"
TOPIC = "7天小白理财实操课·大班"
START = date(2026, 12, 1)
GRADUATED = ["我毕业啦!", "我毕业啦！🎓", "我毕业啦", "我毕业啦!!🎉"]
# what an acknowledgement starts with (the playbook's ack lines), to find the day's last one
ACK_MARKS = ("✅", "📝", "🏠", "🎓 恭喜")


def checkin_minute(rng: random.Random) -> float:
    """When a member checks in, in minutes after local midnight: 60% during the day, 37% in the evening burst after
    the 20:00 reminder, 3% late, after the 22:00 tally (scripts/sendsim.py uses the same members)."""
    r = rng.random()
    if r < 0.6:
        return rng.uniform(9 * 60, 19 * 60)
    if r < 0.97:
        return min(22 * 60 - 1, max(19.5 * 60, rng.gauss(21 * 60, 35)))
    return rng.uniform(22 * 60 + 5, 23 * 60 + 30)


def behaviour(n: int, seed: int, pb, advisor: str) -> list:
    rng = random.Random(seed)
    tz = pb.tz
    days = pb.course.days

    def at(day: int, minutes: float) -> datetime:
        return datetime.combine(START + timedelta(days=day - 1), time(0), tzinfo=tz) + timedelta(minutes=minutes)

    people = [(f"wxid_c{i:05d}", f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{i}", rng.betavariate(5, 1.3)) for i in range(n)]
    events: list = []
    ids = iter(range(1, 10**9))

    def say(ts: datetime, who: tuple, text: str, kind: str = "text") -> None:
        mid = f"c{next(ids)}"
        events.append(Message(mid, ts, ROOM, who[0], who[1], text, TOPIC, kind))
        if rng.random() < 0.02:  # WeChat redelivers now and then: same id, counted once
            events.append(Message(mid, ts + timedelta(seconds=20), ROOM, who[0], who[1], text, TOPIC, kind))

    events.append(MemberJoined("join", at(0, 10 * 60), ROOM, tuple(Member(i, nm) for i, nm, _ in people), TOPIC))
    events.append(Message("start", at(0, 10 * 60 + 5), ROOM, advisor, "导师", f"/start {START.isoformat()}", TOPIC))
    for p in people:
        if rng.random() < 0.8:  # hometowns: most on the opening evening, some the next morning
            minute = rng.uniform(20 * 60 + 1, 23 * 60 + 50) if rng.random() < 0.75 else rng.uniform(7 * 60, 12 * 60)
            say(at(0 if minute > 20 * 60 else 1, minute), p, rng.choice(HOMETOWNS))
    for day in range(1, days + 1):
        task = pb.day(day).task
        for p in people:
            keen = min(1.0, p[2] * (1.02 - 0.03 * (day - 1)))
            if rng.random() < keen:
                minute = checkin_minute(rng)
                say(at(day, minute), p, rng.choice(CHECKINS).format(day=day))
                if rng.random() < 0.03:
                    say(at(day, minute + rng.uniform(30, 90)), p, "打卡")  # a second check-in the same day counts once
                if task is not None and rng.random() < 0.7:
                    t0, t1 = (int(x[:2]) * 60 + int(x[3:]) for x in (task.time, task.due))
                    when = at(day, rng.uniform(t0 + 1, t1 - 1))
                    say(when, p, "[截图]", "image") if rng.random() < 0.33 else say(when, p, rng.choice(PRACTICE))
            if day == days - 1 and rng.random() < 0.01:
                say(at(day, rng.uniform(10 * 60, 20 * 60)), p, "我毕业啦")  # too early: told once at the ceremony
    for p in people:
        if rng.random() < min(1.0, p[2]):
            say(at(days, 20 * 60 + 31 + rng.uniform(0, 79)), p, rng.choice(GRADUATED))
    events.sort(key=lambda e: e.ts)
    return events


def run(n: int, seed: int, playbook: Path) -> list[dict]:
    pb = load_playbook(playbook)
    advisor = pb.advisors[0] if pb.advisors else "adv"
    tz, days = pb.tz, pb.course.days
    events = behaviour(n, seed, pb, advisor)
    clock = VirtualClock(events[0].ts)
    transport = FakeTransport(clock)
    db = Path(tempfile.mkdtemp(prefix="cohort-")) / "cohort.db"
    bot = assemble(db, pb, clock, transport, Pacing(), advisors={advisor})
    runner = VirtualRunner(bot.engine, bot.sender, clock)
    acked: dict[int, tuple[int, int]] = {}
    before_tally: dict[int, tuple[int, int]] = {}
    hh, mm = (int(x) for x in pb.section("checkin").tally_time.split(":"))

    def end_of(day: int) -> datetime:
        return datetime.combine(START + timedelta(days=day - 1), time(23, 59, 59), tzinfo=tz)

    async def go() -> None:
        day_ends = sorted([end_of(d) for d in range(1, days + 1)] + [
            datetime.combine(START + timedelta(days=d - 1), time(hh, mm), tzinfo=tz) - timedelta(seconds=1)
            for d in range(1, days + 1)])
        for ev in events:
            while day_ends and day_ends[0] < ev.ts:
                await check(day_ends.pop(0))
            await runner.push(ev)
        while day_ends:
            await check(day_ends.pop(0))

    async def check(when: datetime) -> None:
        await runner.advance_to(when)
        await runner.settle()
        day = (when.date() - START).days + 1
        done = bot.store.checkins.done_on(ROOM, day)
        open_ = {m for m, d in bot.store.acks.unacked("checkins", "member, day", ROOM) if d == day}
        (acked if when.time() == time(23, 59, 59) else before_tally)[day] = (len(done - open_), len(done))

    asyncio.run(go())
    rows = []
    for day in range(0, days + 1):
        sent = [s for s in transport.sent
                if s.out.room == ROOM and s.out.to is None and s.out.action == "say"
                and (s.ts.astimezone(tz).date() - START).days + 1 == day]
        ack_times = [s.ts.astimezone(tz) for s in sent if s.out.text.startswith(ACK_MARKS)]
        rows.append({
            "day": day, "msgs": len(sent), "longest": max((len(s.out.text) for s in sent), default=0),
            "acked": acked.get(day), "before_tally": before_tally.get(day), "last_ack": f"{max(ack_times):%H:%M}" if ack_times else "-",
            "mentions": max((len(s.out.mentions) for s in sent), default=0),
            "mention_msgs": sum(1 for s in sent if s.out.mentions),
        })
    bot.store.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, nargs="+", default=[200, 500, 2000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--playbook", type=Path, default=ROOT / "data" / "playbook.yaml")
    args = ap.parse_args()
    for n in args.members:
        t0 = wall.perf_counter()
        rows = run(n, args.seed, args.playbook)
        print(f"\n{n} members ({wall.perf_counter() - t0:.0f} s)")
        print(f"{'day':>3} {'msgs':>5} {'longest':>8} {'acked before tally':>19} {'acked same day':>15} {'last ack':>9} "
              f"{'mentions':>9} {'@msgs':>6}")
        for r in rows:
            pre, ack = (f"{r[k][0]}/{r[k][1]}" if r[k] else "-" for k in ("before_tally", "acked"))
            print(f"{r['day']:>3} {r['msgs']:>5} {r['longest']:>8} {pre:>19} {ack:>15} {r['last_ack']:>9} {r['mentions']:>9} {r['mention_msgs']:>6}")
        print(f"max msgs/day {max(r['msgs'] for r in rows)} · longest {max(r['longest'] for r in rows)} chars")


if __name__ == "__main__":
    main()
