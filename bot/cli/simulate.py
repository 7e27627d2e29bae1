"""`main.py simulate`: a whole cohort on a virtual clock through the real engine, with varied members."""
from __future__ import annotations

import asyncio
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Callable

from bot.app import assemble
from bot.schedule.clock import VirtualClock
from bot.core.events import Event, Member, MemberJoined, Message
from bot.delivery.sender import Pacing
from bot.transport.fake import FakeTransport
from bot.schedule.virtual import VirtualRunner

ROOM = "sim-cohort@chatroom"
TOPIC = "7天小白理财实操课·模拟1期"
ADVISOR_FALLBACK = "adv"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英"]
HOMETOWNS = ["我来自四川成都", "家乡：湖南长沙", "坐标广东深圳", "老家山东青岛", "我是上海人", "新疆乌鲁木齐", "我来自浙江杭州",
             "河南郑州", "坐标北京", "老家是湖北武汉的", "我来自广西南宁", "黑龙江哈尔滨", "我是重庆人", "来自江苏南京🌸", "云南昆明"]
CHECKINS = ["打卡", "第{day}天打卡✅", "✅", "今天学完了，打卡！", "打卡💪", "已学习，打卡"]
PRACTICE = ["实操完成", "作业已交", "实操完成✌️"]
CHATTER = ["老师好", "这个基金怎么选？", "学到了👍", "货币基金和余额宝有什么区别", "今天的课好实用", "还没打卡的快来呀", "收到",
           "定投要坚持多久？", "明天去北京出差，晚上补课", "🌹🌹🌹"]


def _members(rng: random.Random, n: int) -> list[tuple[str, str, float]]:
    """(id, name, engagement) with engagement spread from lurkers to stars."""
    out = []
    for i in range(n):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        out.append((f"wxid_sim{i:04d}", f"{name}{i}", rng.betavariate(4, 1.6)))
    return out


def script(n: int, seed: int, start: date, tz, advisor: str, days: int) -> list[Event]:
    """Every member event of the cohort, in time order."""
    rng = random.Random(seed)
    people = _members(rng, n)
    at: Callable[[int, int, int], datetime] = lambda day, hh, mm: datetime.combine(
        start + timedelta(days=day - 1), time(hh, mm), tzinfo=tz)
    events: list[Event] = []
    ids = iter(range(1, 10**9))

    def say(ts: datetime, who: tuple, text: str, kind: str = "text") -> None:
        events.append(Message(f"sim{next(ids)}", ts, ROOM, who[0], who[1], text, TOPIC, kind))
        if rng.random() < 0.02:  # WeChat redelivers now and then: same id, must count once
            events.append(Message(f"sim{next(ids) - 1}", ts + timedelta(seconds=30), ROOM, who[0], who[1], text, TOPIC, kind))

    events.append(MemberJoined("simjoin", at(0, 10, 0), ROOM, tuple(Member(i, nm) for i, nm, _ in people), TOPIC))
    events.append(Message("simstart", at(0, 10, 5), ROOM, advisor, "导师", f"/start {start.isoformat()}", TOPIC))
    for p in people:
        if rng.random() < 0.5 + p[2] / 2:
            say(at(0, 20, rng.randint(1, 59)), p, rng.choice(HOMETOWNS))
        if rng.random() < 0.05:
            say(at(1, 8, rng.randint(0, 59)), p, "更正：" + rng.choice(HOMETOWNS))
    for day in range(1, days + 1):
        for p in people:
            keen = p[2] * (1 - 0.04 * (day - 1))
            if rng.random() < keen:
                say(at(day, rng.randint(9, 21), rng.randint(0, 59)), p, rng.choice(CHECKINS).format(day=day))
                if rng.random() < 0.1:
                    say(at(day, 22, 30), p, "打卡")  # a second check-in the same day counts once
            if rng.random() < keen * 0.75:
                when = at(day, rng.randint(12, 20), rng.randint(0, 59))
                say(when, p, "[截图]", "image") if rng.random() < 0.3 else say(when, p, rng.choice(PRACTICE))
            for _ in range(rng.randint(0, 2)):
                say(at(day, rng.randint(8, 23), rng.randint(0, 59)), p, rng.choice(CHATTER))
    for p in people:
        if rng.random() < min(1.0, p[2] + 0.15):
            say(at(days, 20, 31) + timedelta(minutes=rng.randint(0, 80)), p, rng.choice(["我毕业啦!", "我毕业啦！🎓", "我毕业啦", "我毕业啦!!🎉"]))
    events.sort(key=lambda e: e.ts)
    return events


def simulate(members: int, seed: int, db: Path, playbook: Path, start: date, out: Callable[[str], None],
             progress: Callable[[int, int], None] = lambda done, total: None) -> dict:
    """Play the cohort to the alumni stage; print the transcript through `out`; tell `progress(done, total)` how
    many of the cohort's events have been played; return the report."""
    from bot.cli import config
    from bot.reporting import report
    from bot.playbook import load_playbook

    pb = load_playbook(playbook)
    advisor = sorted(config.advisors(pb))[0] if config.advisors(pb) else ADVISOR_FALLBACK
    tz = pb.tz
    events = script(members, seed, start, tz, advisor, pb.course.days)
    clock = VirtualClock(events[0].ts)
    transport = FakeTransport(clock)
    advisors = config.advisors(pb) or {advisor}
    bot = assemble(db, pb, clock, transport, Pacing(), advisors=advisors)
    runner = VirtualRunner(bot.engine, bot.sender, clock)
    shown = 0

    def flush() -> None:
        nonlocal shown
        for s in transport.sent[shown:]:
            out(f"[{s.ts.astimezone(tz):%m-%d %H:%M}] 🤖 {s.out.text}")
        shown = len(transport.sent)

    async def go() -> None:
        for done, ev in enumerate(events):
            if done % 50 == 0:
                progress(done, len(events))
            await runner.advance_to(ev.ts)
            flush()
            if isinstance(ev, Message):
                out(f"[{ev.ts.astimezone(tz):%m-%d %H:%M}] {ev.name}: {ev.text}")
            await runner.push(ev)
            flush()
        alumni = pb.section("alumni") if pb.has_section("alumni") else None
        last = max([alumni.day] + [p.day for p in alumni.posts]) if alumni else pb.course.days
        await runner.advance_to(datetime.combine(start + timedelta(days=last), time(0, 0), tzinfo=tz))
        flush()
        progress(len(events), len(events))

    asyncio.run(go())
    result = report.build(bot.store, pb.course.days, pb.chosen)
    bot.store.close()
    return result
