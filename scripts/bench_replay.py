"""replay is linear in events: generate recorded chats of N events, replay each in a fresh process, print the time
(wall and CPU: on a shared machine CPU is the fairer figure) and the peak memory (ru_maxrss of that process; with --tracemalloc also Python's traced peak, slower).
The peak has one step, not a slope: when the first certificate or class picture is drawn (about day 8 of the chat,
~25k events in) Pillow and the CJK fonts come in, +23 MB anonymous and +41 MB of mapped font files; before and after
it the resident size is flat (40k events 195.6 MB, 80k 196.7 MB). rss_anon_mb / rss_file_mb split the end's.

    .venv/bin/python scripts/bench_replay.py                        # 200k and 400k events
    .venv/bin/python scripts/bench_replay.py --events 20000 40000   # quicker
    .venv/bin/python scripts/bench_replay.py --json

The chat: study groups starting every 4 hours, 40 members each: they join, the advisor sends /start, members say
where they are from, check in (打卡) and chat most days of the 7-day course, report practice, say 我毕业啦; some
lines are redelivered (the same id twice) and a few private messages ask for a coupon. Times are +08:00, in order.
"""
from __future__ import annotations

import argparse
import heapq
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CST = timezone(timedelta(hours=8))
MEMBERS = 40
CHATTER = ["大家好", "今天的课讲得真好", "收到", "谢谢老师", "请问定投怎么开始", "👍", "学到了", "明天继续", "哈哈哈", "好的"]
PLACES = ["我来自四川成都", "坐标广东深圳", "老家山东青岛", "家乡签到：广西桂林", "我是湖北武汉的", "浙江杭州人"]


def group_events(g: int, rnd: random.Random) -> list[tuple[datetime, dict]]:
    """One group's week, in time order."""
    room, topic = f"g{g:04d}@chatroom", f"理财{g + 1}期"
    t0 = datetime(2026, 11, 1, 9, 0, tzinfo=CST) + timedelta(hours=4 * g)
    start = (t0 + timedelta(days=1)).date()
    members = [{"id": f"g{g}m{i}", "name": f"学员{g}-{i}"} for i in range(MEMBERS)]
    out = [(t0, {"type": "join", "room": room, "topic": topic, "members": members}),
           (t0 + timedelta(minutes=5), {"type": "message", "room": room, "topic": topic, "from": "adv", "name": "导师",
                                        "text": f"/start {start.isoformat()}"})]

    def say(ts: datetime, m: dict, text: str, kind: str = "text") -> None:
        row = {"type": "message", "room": room, "topic": topic, "from": m["id"], "name": m["name"], "text": text}
        if kind != "text":
            row["kind"] = kind
        out.append((ts, row))

    day0 = datetime.combine(start, datetime.min.time(), CST)
    for m in members:
        say(t0 + timedelta(hours=rnd.uniform(1, 10)), m, rnd.choice(PLACES))
        for d in range(7):
            base = day0 + timedelta(days=d, hours=8)
            say(base + timedelta(hours=rnd.uniform(0, 12)), m, rnd.choice(["打卡", "打卡✅", "今日打卡"]))
            for _ in range(rnd.randint(1, 4)):
                say(base + timedelta(hours=rnd.uniform(0, 14)), m, rnd.choice(CHATTER))
            if rnd.random() < 0.4:
                say(base + timedelta(hours=rnd.uniform(4, 13)), m, "", kind="image")
        say(day0 + timedelta(days=6, hours=20, minutes=rnd.uniform(40, 100)), m, "我毕业啦！")
    out.sort(key=lambda e: e[0])
    return out


def chat(n: int, seed: int = 1) -> Iterator[str]:
    """N JSON lines in time order (groups generated as they are needed, merged by time)."""
    rnd = random.Random(seed)
    per_group = 1 + 1 + MEMBERS * (1 + 7 * 3.9 + 1)
    groups = int(n / per_group) + 1
    def stream(g: int) -> Iterator[tuple]:
        for i, (ts, row) in enumerate(group_events(g, random.Random(seed * 100_003 + g))):
            yield ts, g, i, row

    streams = (stream(g) for g in range(groups))
    for k, (ts, g, i, row) in enumerate(heapq.merge(*streams)):
        if k >= n:
            return
        line = json.dumps({"ts": ts.isoformat(), "id": f"m{g}-{i}", **row}, ensure_ascii=False)
        yield line
        if rnd.random() < 0.002:  # a redelivery: the same event again
            yield line


def child(path: Path, db: Path, trace: bool) -> None:
    """Replay in this process; print time and memory as JSON (the parent runs one child per size)."""
    import tracemalloc
    from bot.cli.replay import replay
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    result = replay(path, db, ROOT / "data" / "playbook.yaml", None)
    seconds = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {"seconds": round(seconds, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
               "maxrss_mb": round(usage.ru_maxrss / 1024, 1),
               "handled": result.handled, "new": result.new, "duplicate": result.duplicate}
    figures.update(resident())
    if trace:
        figures["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
    print(json.dumps(figures))


def resident() -> dict:
    """What is resident at the end, split as Linux counts it: anonymous memory (Python's heap, SQLite's page cache)
    and mapped files (shared libraries, and the CJK fonts FreeType maps when the first picture is drawn: a step of
    ~40 MB once, not a growth)."""
    try:
        with open("/proc/self/smaps_rollup") as fh:
            kb = {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in fh.read().splitlines()[1:])}
    except OSError:  # not Linux
        return {}
    return {"rss_anon_mb": round(kb["Anonymous"] / 1024, 1), "rss_file_mb": round((kb["Rss"] - kb["Anonymous"]) / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, nargs="+", default=[200_000, 400_000])
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child, args.tracemalloc)
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-replay-"))
    figures = {}
    for n in args.events:
        path = tmp / f"chat-{n}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for line in chat(n):
                fh.write(line + "\n")
        cmd = [sys.executable, __file__, "--child", str(path), str(tmp / f"bot-{n}.db")]
        res = subprocess.run(cmd + (["--tracemalloc"] if args.tracemalloc else []), capture_output=True, text=True,
                             check=True)
        figures[n] = json.loads(res.stdout.strip().splitlines()[-1])
        if not args.json:
            print(f"{n:>8} events: {figures[n]}", flush=True)
    sizes = sorted(figures)
    if len(sizes) >= 2:
        a, b = figures[sizes[0]], figures[sizes[-1]]
        figures["time_ratio"] = round(b["seconds"] / a["seconds"], 2)
        figures["cpu_ratio"] = round(b["cpu_s"] / a["cpu_s"], 2)  # the fairer figure on a shared machine
        figures["events_ratio"] = round(sizes[-1] / sizes[0], 2)
    if args.json:
        print(json.dumps(figures))
    elif "time_ratio" in figures:
        print(f"time ratio {figures['time_ratio']} (CPU {figures['cpu_ratio']}) for {figures['events_ratio']}x the events")


if __name__ == "__main__":
    main()
