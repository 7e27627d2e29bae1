"""Floods on the virtual clock with the real engine and outbox, and the cost of a huge message. Prints figures.

    .venv/bin/python scripts/soak.py                      # (a) + (b) with the defaults below
    .venv/bin/python scripts/soak.py --groups 100 --flood 3000 --long 100000
    .venv/bin/python scripts/soak.py --e2e                # also (c): flood the real daemon through the e2e gateway

(a) private flood: G groups bound to a course whose day 1 lesson is at 09:00; at 08:59 one member sends F private
    「领券」 (one every 60/F s). Printed: when the last group's lesson went out, and how many replies the flooder got.
    group flood: at 09:30 F messages in one room within a minute from its 100 members (领券 / 我要领券 / /status,
    everything that would get a reply). Printed: bot messages to that room from 09:30 to 10:30.
(b) a message of L characters handled through Engine.handle (inbox + engine, on a real SQLite file): median ms.
(c) --e2e: the real daemon against the Node gateway (tests/e2e): F private 「领券」 over gRPC, then the advisor's
    /status in a group: seconds until it is answered, and replies to the flooder after it.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.schedule.clock import VirtualClock  # noqa: E402
from bot.core.events import Member, MemberJoined, Message  # noqa: E402
from bot.transport.fake import FakeTransport  # noqa: E402
from bot.schedule.virtual import VirtualRunner  # noqa: E402
from bot.app import assemble  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
ADVISOR = "adv"


def local(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=TZ)


class World:
    """One bot (real engine, real outbox, fake transport) on a virtual clock over a fresh SQLite file."""

    def __init__(self, start: datetime) -> None:
        self.clock = VirtualClock(start)
        self.transport = FakeTransport(self.clock)
        bot = assemble(Path(tempfile.mkdtemp(prefix="soak-")) / "bot.db", ROOT / "data" / "playbook.yaml", self.clock,
                       self.transport, advisors=[ADVISOR])
        self.engine = bot.engine
        self.runner = VirtualRunner(self.engine, bot.sender, self.clock)
        self._n = 0

    def msg(self, sender: str, text: str, room: str | None, at: datetime) -> Message:
        self._n += 1
        return Message(f"s{self._n}", at, room, sender, sender, text, topic="理财1期")

    def push(self, event) -> None:
        asyncio.run(self.runner.push(event))

    def until(self, when: datetime) -> None:
        asyncio.run(self.runner.advance_to(when))

    def bind(self, room: str, members: list[str]) -> None:
        now = self.clock.now()
        self.push(MemberJoined(f"j-{room}", now, room, tuple(Member(m, m) for m in members), "理财1期"))
        self.push(self.msg(ADVISOR, "/start 2026-12-01", room, now))


def flood_private(groups: int, flood: int) -> None:
    world = World(local("2026-11-30 10:00"))
    rooms = [f"g{i}@chatroom" for i in range(groups)]
    for room in rooms:
        world.bind(room, [f"{room}-m{j}" for j in range(3)])
    start = local("2026-12-01 08:59")
    world.until(start)
    first = len(world.transport.sent)
    for i in range(flood):
        world.push(world.msg("flooder", "领券", None, start + timedelta(seconds=60 * i / flood)))
    world.until(local("2026-12-01 10:00"))
    sent = world.transport.sent[first:]
    lessons = {s.out.room: s.ts for s in sent if "第1天：" in s.out.text}
    last = max(lessons.values()).astimezone(TZ)
    print(f"(a) {flood} private 「领券」 from one member at 08:59, {groups} groups with a 09:00 lesson:")
    print(f"    lessons out: {len(lessons)}/{groups}; the last at {last:%H:%M:%S}; "
          f"replies to the flooder: {sum(1 for s in sent if s.out.to == 'flooder')} "
          f"({world.engine.replies.dropped} replies held back by the limits)")


def flood_group(flood: int) -> None:
    world = World(local("2026-11-30 10:00"))
    room, members = "busy@chatroom", [f"m{j}" for j in range(100)]
    world.bind(room, members)
    start = local("2026-12-01 09:30")
    world.until(start)
    first = len(world.transport.sent)
    texts = ("领券", "我要领券", "/status")
    for i in range(flood):
        world.push(world.msg(members[i % 100], texts[i * 3 // flood], room, start + timedelta(seconds=60 * i / flood)))
    world.until(start + timedelta(hours=1))
    to_room = [s for s in world.transport.sent[first:] if s.out.room == room]
    print(f"    {flood} messages in one room within a minute from 100 members (领券 / 我要领券 / /status): "
          f"{len(to_room)} bot messages to that room in the hour")


def long_message(chars: int, runs: int = 20) -> None:
    world = World(local("2026-11-30 10:00"))
    world.bind("long@chatroom", ["alice"])
    world.until(local("2026-12-01 10:00"))
    costs = {}
    for n in (chars, 2000, 10):
        times = []
        for _ in range(runs):
            ev = world.msg("alice", ("我来自四川成都" + "啊" * n)[:n], "long@chatroom", world.clock.now())
            t = time.perf_counter()
            asyncio.run(world.engine.handle(ev))
            times.append((time.perf_counter() - t) * 1000)
        costs[n] = statistics.median(times)
    raw = []
    for _ in range(3):  # for comparison: the engine alone, fed the whole text (what the edge cap prevents)
        ev = world.msg("alice", ("我来自四川成都" + "啊" * chars)[:chars], "long@chatroom", world.clock.now())
        t = time.perf_counter()
        world.engine.handle_now(ev)
        raw.append((time.perf_counter() - t) * 1000)
    print(f"(b) one message through Engine.handle (inbox + engine), median of {runs}: " +
          ", ".join(f"{n:,} chars {ms:.2f} ms" for n, ms in costs.items()) +
          f"; without the edge cap, {chars:,} chars take {statistics.median(raw):.1f} ms")


def e2e_flood(flood: int) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    import yaml
    from e2e_support import Daemon, Gateway

    tmp = Path(tempfile.mkdtemp(prefix="soak-e2e-"))
    data = yaml.safe_load((ROOT / "data" / "playbook.yaml").read_text(encoding="utf-8"))
    (tmp / "playbook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    gw = Gateway()
    daemon = None
    try:
        gw.contact("adv", "王导师")
        gw.contact("flooder", "刷屏者")
        gw.room("soak@chatroom", "压测群", ["adv", "flooder"])
        daemon = Daemon(gw, tmp / "bot.db", tmp / "playbook.yaml")
        daemon.wait_log("running on wechaty", timeout=60)
        gw.say("adv", "/start", room="soak@chatroom")
        gw.wait_sent(lambda m: "已绑定" in m["text"], "the /start reply")
        t0 = time.monotonic()
        for _ in range(flood):
            gw.say("flooder", "领券")
        typed = time.monotonic() - t0
        t1 = time.monotonic()
        gw.say("adv", "/status", room="soak@chatroom")
        gw.wait_sent(lambda m: "📋" in m["text"], "the /status reply", timeout=300)
        answered = time.monotonic() - t1
        time.sleep(10)
        replies = sum(1 for m in gw.sent() if m["to"] == "flooder")
        print(f"(c) e2e: {flood} private 「领券」 over gRPC in {typed:.1f}s; the advisor's /status right after was answered "
              f"in {answered:.1f}s; replies to the flooder: {replies}")
    finally:
        if daemon is not None and daemon.proc.poll() is None:
            daemon.stop()
        gw.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--flood", type=int, default=3000)
    ap.add_argument("--long", type=int, default=100_000)
    ap.add_argument("--e2e", action="store_true", help="also flood the real daemon through the e2e gateway")
    args = ap.parse_args()
    flood_private(args.groups, args.flood)
    flood_group(args.flood)
    long_message(args.long)
    if args.e2e:
        e2e_flood(args.flood)


if __name__ == "__main__":
    main()
