"""What the capacity plan (`main.py plan`, bot/schedule/capacity.py) predicts for a deployment, and how long it takes:
G live groups of M members spread evenly over A accounts, a new cohort starting every day (the groups' start dates
spread over the course's days, so every course day is running at once), planned from 08:00 for `--days` days.

    .venv/bin/python scripts/bench_plan.py                                   # 1,000 × 300 over 5 accounts
    .venv/bin/python scripts/bench_plan.py --groups 250 --accounts 1
    .venv/bin/python scripts/bench_plan.py --groups 1000 --accounts 5 --per-minute 40 --pause 1 4

Prints JSON: per account its groups and the scheduled bursts of the first full day (due, posts, expected last out,
minutes late), the worst lateness, the warnings, and the plan's own time (median of 3)."""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.delivery.sender import Pacing  # noqa: E402
from bot.playbook import load_playbook  # noqa: E402
from bot.schedule.capacity import AccountLimit, LiveGroup, plan  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--members", type=int, default=300)
    ap.add_argument("--accounts", type=int, default=5)
    ap.add_argument("--per-minute", type=int, default=40)
    ap.add_argument("--pause", type=float, nargs=2, default=Pacing().switch_jitter_seconds, metavar=("LOW", "HIGH"))
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--playbook", default=str(ROOT / "data" / "playbook.yaml"))
    args = ap.parse_args()
    pb = load_playbook(args.playbook)
    today = date(2026, 12, 1)
    now = datetime.combine(today, datetime.min.time(), tzinfo=pb.tz) + timedelta(hours=8)
    names = [f"adv{i + 1}" for i in range(args.accounts)]
    pacing = Pacing(per_minute=args.per_minute, switch_jitter_seconds=tuple(args.pause))
    limits = [AccountLimit.of(n, pacing) for n in names]
    days = pb.course.days
    groups = [LiveGroup(f"r{i}@chatroom", names[i % len(names)], "in_course",
                        today - timedelta(days=(i // len(names)) % days), args.members) for i in range(args.groups)]
    times, result = [], None
    for _ in range(3):
        t = time.perf_counter()
        result = plan(pb, groups, limits, now, args.days)
        times.append(time.perf_counter() - t)
    tz = pb.tz
    end = now + timedelta(days=1)
    out = {
        "groups": args.groups, "members": args.members, "accounts": args.accounts,
        "rate_per_minute": round(limits[0].rate, 2), "late_after_minutes": result.late_minutes,
        "plan_seconds_median": round(statistics.median(times), 3),
        "worst_late_minutes": max((int(b.late.total_seconds() // 60) for a in result.accounts for b in a.bursts), default=0),
        "per_account": [{
            "name": a.limit.name, "groups": a.groups,
            "bursts_today": [{"due": b.due.astimezone(tz).strftime("%H:%M"), "posts": b.posts, "queued": b.queued,
                              "last_out": b.last_out.astimezone(tz).strftime("%H:%M"),
                              "late_minutes": int(b.late.total_seconds() // 60)} for b in a.bursts if b.due < end],
            "messages_today": sum(h.total for h in a.hours if h.start < end),
        } for a in result.accounts],
        "warnings": [w.strip() for w in result.warnings],
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
