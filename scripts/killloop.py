"""Kill -9 the real daemon (sandbox transport) again and again while it drains a long outbox; print the largest
number of sends in any rolling 60 s (from outbox.sent_at), the smallest gap between two sends to one room, and the
lost / duplicate / unknown counts.

    .venv/bin/python scripts/killloop.py                          # 30 kills, 200 queued messages, real time
    .venv/bin/python scripts/killloop.py --kills 30 --queue 200 --rooms 1 --min-run 0.5 --max-run 4 --seed 1

A run lasts a random --min-run..--max-run seconds, then SIGKILL; the next run starts at once on the same database.
Duplicates: a message printed (sent) more than once. Lost: a queued message that is gone from the outbox, or is
marked sent but was never printed. Unknown: sends cut off by a kill (never re-sent; the advisors are told).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from bot.core.events import Outgoing  # noqa: E402
from bot.storage import Store, connect, from_iso  # noqa: E402
from daemon_process import DaemonProcess  # noqa: E402

TEXT = "排队消息"


def rolling_max(stamps: list[datetime], seconds: float = 60) -> int:
    """The most sends in any window of `seconds`."""
    stamps, best, j = sorted(stamps), 0, 0
    for i, t in enumerate(stamps):
        while t - stamps[j] >= timedelta(seconds=seconds):
            j += 1
        best = max(best, i - j + 1)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--queue", type=int, default=200)
    ap.add_argument("--rooms", type=int, default=1)
    ap.add_argument("--min-run", type=float, default=0.5)
    ap.add_argument("--max-run", type=float, default=4.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", type=Path, default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    db = args.db or Path(tempfile.mkdtemp(prefix="killloop-")) / "bot.db"
    rooms = [f"room{i}@chatroom" for i in range(args.rooms)]

    store = Store(connect(db))
    with store.tx():
        for i in range(args.queue):
            store.outbox.enqueue(Outgoing(rooms[i % len(rooms)], None, f"{TEXT}{i}"), datetime.now(timezone.utc))
    store.close()

    printed: Counter[str] = Counter()
    env = {"PATH": "/usr/bin:/bin", "BOT_ADVISORS": "adv"}
    t0 = time.monotonic()
    for _ in range(args.kills):
        daemon = DaemonProcess(["--db", str(db)], env, interactive=True)  # sandbox, real clock
        time.sleep(rng.uniform(args.min_run, args.max_run))
        daemon.kill()
        for line in daemon.output(timeout=10).splitlines():
            if "🤖 →" in line and TEXT in line:
                printed[line.rsplit(": ", 1)[-1].strip()] += 1
    wall = time.monotonic() - t0

    store = Store(connect(db))
    rows = store.conn.execute("SELECT text, status, sent_at, room FROM outbox WHERE text LIKE ?", (f"{TEXT}%",)).fetchall()
    status = {text: st for text, st, _, _ in rows}
    went = [(from_iso(at), room) for _, st, at, room in rows if st in ("sent", "sending", "unknown") and at]
    gaps = []
    for room in rooms:
        times = sorted(t for t, r in went if r == room)
        gaps += [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    lost = (args.queue - len(rows)) + sum(1 for text, st in status.items() if st == "sent" and not printed[text])
    unknown = [text for text, st in status.items() if st in ("unknown", "sending")]
    print(f"{args.kills} kill -9 in {wall:.0f}s; {args.queue} messages queued to {len(rooms)} room(s)")
    print(f"sent {sum(1 for s in status.values() if s == 'sent')}, unknown {len(unknown)} "
          f"({sum(1 for t in unknown if printed[t])} of them had gone out), still queued "
          f"{sum(1 for s in status.values() if s == 'queued')}")
    print(f"largest number of sends in any rolling 60 s: {rolling_max([t for t, _ in went])} (budget 40)")
    print(f"smallest gap between two sends to one room: {min(gaps, default=0):.2f}s (budget 1 s)")
    print(f"duplicates: {sum(1 for n in printed.values() if n > 1)}; lost: {lost}")
    store.close()


if __name__ == "__main__":
    main()
