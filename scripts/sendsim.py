"""Send simulation: does every group's post go out on time? G groups x M members over A WeChat accounts, the opening
evening (course day 0) and course day 1 of the default playbook, on the virtual clock through bot.app.assemble, the
real durable outbox and the real paced Sender (the default Pacing: 40 messages a rolling minute, 1-4 s between
recipients), one FakeTransport per account.

Set-up (not measured): every group is bound by its advisor (/start, day 1 = DAY1) and its members join at 18:00 on
day 0. Group g belongs to account g mod A: its events arrive through that account.

Members (seeded, scripts/cohort.py's model): ~80% say where they are from (most on the opening evening after the
20:00 prompt, the rest on the morning of day 1); on day 1 a member checks in with a probability drawn per member
(beta(5, 1.3), ~79%): 60% of them spread over 09:00-19:00, 37% in an evening burst around 21:00 (after the 20:00
reminder), 3% after the 22:00 tally; ~3% check in twice; ~70% of those who check in complete the practice between
the 12:00 task and its 21:00 due time (a third by screenshot); every member sends ~0.5 chat messages (greetings,
thanks, questions) spread over 08:00-23:00. 2% of messages are redelivered with the same id. The messages of one
second arrive together (the inbox's group commit), as in scripts/bench.py.

Delays are read from the database afterwards (nothing is added to the schema): a scheduled post is an outbox row
queued (created_at) in a room at the moment one of the group's `fired` rows says an action ran (fired_at), and its
delay is from that row's due_at (the calendar's nominal time) to the row's sent_at; when several actions ran at one
moment (the tally and its card) the rows are counted under the joined kinds ("tally+tally_card"). The other rows:
"ack" (batched acknowledgements), "reply" (answers to a member's message: from queued to sent), "private".

Per kind: count, median and max delay, the last send (local time, "+1d" the next day). Per account: messages sent,
the most in any rolling 60 s against its per_minute. The issue's columns: bot messages (day 1), the 09:00 lesson's
median delay, the last lesson out, the 22:00 tally's last send.

    python scripts/sendsim.py --groups 1000 --members 300 --accounts 5 [--seed 1] [--json] [--progress] [--db PATH]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from array import array
from dataclasses import replace
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.app import assemble  # noqa: E402
from bot.cli.simulate import CHATTER, CHECKINS, HOMETOWNS, PRACTICE  # noqa: E402 - the same members
from cohort import checkin_minute  # noqa: E402 - scripts/cohort.py: the same evening burst
from bot.core.events import Member, MemberJoined, Message  # noqa: E402
from bot.delivery.sender import Pacing  # noqa: E402
from bot.schedule.clock import VirtualClock  # noqa: E402
from bot.schedule.virtual import VirtualRunner  # noqa: E402
from bot.storage.stamps import from_iso  # noqa: E402
from bot.transport.fake import FakeTransport  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
DAY1 = date(2026, 12, 1)
ADVISOR = "adv"
SETUP_AT = datetime(2026, 11, 30, 18, 0, tzinfo=TZ)      # day 0, before the 20:00 opening
START = datetime(2026, 11, 30, 19, 0, tzinfo=TZ)         # the simulated period: day 0 19:00 ...
END = datetime(2026, 12, 2, 3, 0, tzinfo=TZ)             # ... until 03:00 after day 1 (what day 1 queued is out)
HOMETOWN, CHECKIN, PRACTICE_DONE, IMAGE, CHAT = range(5)


# One event = one int (a million stay small): seconds after START | group | member | sequence | kind (time order).
def pack(t: int, g: int, m: int, seq: int, kind: int) -> int:
    return t << 40 | g << 24 | m << 12 | seq << 3 | kind


def unpack(e: int) -> tuple[int, int, int, int, int]:
    return e >> 40, e >> 24 & 0xFFFF, e >> 12 & 0xFFF, e >> 3 & 0x1FF, e & 7


def text_of(g: int, m: int, seq: int, kind: int) -> str:
    h = (g * 7919 + m * 104729 + seq * 31) & 0xFFFFFF  # deterministic, so a redelivery says the same
    if kind == HOMETOWN:
        return HOMETOWNS[h % len(HOMETOWNS)]
    if kind == CHECKIN:
        return CHECKINS[h % len(CHECKINS)].format(day=1)
    if kind == PRACTICE_DONE:
        return PRACTICE[h % len(PRACTICE)]
    if kind == IMAGE:
        return "[截图]"
    return CHATTER[h % len(CHATTER)]


def traffic(groups: int, members: int, seed: int) -> array:
    """The members' messages, sorted by delivery time (seconds after START)."""
    rnd, out = random.Random(seed), array("q")
    last = int((END - START).total_seconds()) - 1

    def sec(when: datetime) -> int:
        return int((when - START).total_seconds())

    day0, day1 = datetime.combine(DAY1 - timedelta(days=1), dtime(0), tzinfo=TZ), datetime.combine(DAY1, dtime(0), tzinfo=TZ)

    def at(day: datetime, minute: float) -> int:
        return sec(day + timedelta(minutes=minute))

    for g in range(groups):
        for m in range(members):
            mine = []
            if rnd.random() < 0.8:  # hometowns: most on the opening evening, some the next morning
                if rnd.random() < 0.75:
                    mine.append((at(day0, rnd.uniform(20 * 60 + 1, 23 * 60 + 50)), HOMETOWN))
                else:
                    mine.append((at(day1, rnd.uniform(7 * 60, 12 * 60)), HOMETOWN))
            if rnd.random() < min(1.0, rnd.betavariate(5, 1.3) * 1.02):
                minute = checkin_minute(rnd)
                mine.append((at(day1, minute), CHECKIN))
                if rnd.random() < 0.03:
                    mine.append((at(day1, minute + rnd.uniform(30, 90)), CHECKIN))
                if rnd.random() < 0.7:
                    mine.append((at(day1, rnd.uniform(12 * 60 + 1, 21 * 60 - 1)), IMAGE if rnd.random() < 1 / 3 else PRACTICE_DONE))
            if rnd.random() < 0.5:
                mine.append((at(day1, rnd.uniform(8 * 60, 23 * 60)), CHAT))
            for seq, (t, kind) in enumerate(mine):
                out.append(pack(t, g, m, seq, kind))
                if rnd.random() < 0.02:  # redelivered a little later with the same id
                    out.append(pack(min(t + rnd.randint(1, 120), last), g, m, seq, kind))
    return array("q", sorted(out))


class TextOnly(FakeTransport):
    """A fake account that sends a picture's alt text (one message either way: drawing 2,000 PNGs would only cost
    the simulation's wall time, not move a send)."""

    async def say(self, out) -> None:
        if self.fail_next:
            raise self.fail_next.pop(0)
        self.delivered(replace(out, image=None) if out.image else out)


def account_names(n: int) -> list[str]:
    return [""] if n == 1 else [f"adv{i + 1}" for i in range(n)]


def playbook(spread_minutes: float | None, workdir: Path) -> Path:
    """The default playbook, with settings.spread_minutes replaced if given (0: posts not spread, as before)."""
    path = ROOT / "data" / "playbook.yaml"
    if spread_minutes is None:
        return path
    text, n = re.subn(r"(?m)^(  spread_minutes:) *[0-9.]+", rf"\g<1> {spread_minutes:g}", path.read_text(encoding="utf-8"))
    if n != 1:
        raise SystemExit("data/playbook.yaml has no settings.spread_minutes line to replace")
    out = workdir / "playbook.yaml"
    out.write_text(text, encoding="utf-8")
    return out


def build(db: Path, accounts: int, pacing: Pacing, seed: int, pb: Path):
    """The bot over one FakeTransport per account; returns (bot, runner, clock, {account: transport}, names)."""
    clock = VirtualClock(SETUP_AT)
    names = account_names(accounts)
    transports = {name: TextOnly(clock, keep=False) for name in names}
    if accounts == 1:
        bot = assemble(db, pb, clock, transports[""], pacing, [ADVISOR], seed=seed)
        senders = [bot.sender]
    else:
        from bot.app import Account  # the multi-account core (branch `accounts`)
        bot = assemble(db, pb, clock, None, pacing, [ADVISOR], seed=seed,
                       accounts=[Account(name, transports[name], pacing) for name in names])
        senders = [bot.senders[name] for name in names]
    runner = VirtualRunner(bot.engine, senders if len(senders) > 1 else senders[0], clock)
    return bot, runner, clock, transports, names


def stamp(event, account: str):
    """The event as it arrived through `account` (the daemon stamps each account's events the same way)."""
    return replace(event, account=account) if account else event


async def setup(bot, runner, clock, names: list[str], groups: int, members: int, progress: bool) -> None:
    engine = bot.engine
    for g in tqdm(range(groups), desc="set-up", unit="group", file=sys.stderr, disable=not progress, mininterval=2):
        room, now, account = f"room{g}@chatroom", clock.now(), names[g % len(names)]
        await engine.handle(stamp(Message(f"start{g}", now, room, ADVISOR, "导师", f"/start {DAY1}", f"理财{g}期"), account))
        people = tuple(Member(f"g{g}u{m}", f"学员{m}") for m in range(members))
        await engine.handle(stamp(MemberJoined(f"join{g}", now, room, people, f"理财{g}期"), account))
    await runner.settle()


async def play(bot, runner, clock, names: list[str], events: array, progress: bool, window: int) -> None:
    """Feed the members' messages `window` seconds at a time (stored together, then processed: group commit, as a
    transport delivers to a busy bot), running the calendar and the senders in between, then let everything queued
    go out."""
    inbox, n, i = bot.engine.inbox, len(events), 0
    await runner.advance_to(START)
    bar = tqdm(total=n, desc="day 0-1", unit="msg", file=sys.stderr, disable=not progress, mininterval=2)
    while i < n:
        upto = (events[i] >> 40) // window * window + window  # the end of this window (exclusive)
        j = i
        while j < n and events[j] >> 40 < upto:
            j += 1
        arrived = START + timedelta(seconds=events[j - 1] >> 40)
        if arrived > clock.now():
            await runner.advance_to(arrived)
        for e in events[i:j]:
            t, g, m, seq, kind = unpack(e)
            msg = Message(f"s-{g}-{m}-{seq}", START + timedelta(seconds=t), f"room{g}@chatroom", f"g{g}u{m}", f"学员{m}",
                          text_of(g, m, seq, kind), f"理财{g}期", "image" if kind == IMAGE else "text")
            await inbox.receive(stamp(msg, names[g % len(names)]))
        await inbox.process()  # what it queued goes out from the next step of the clock on (advance_to)
        bar.update(j - i)
        i = j
    bar.close()
    await runner.advance_to(END)
    await runner.settle()


# -- the bookkeeping: delays from the database --------------------------------------------------------------
def local(ts: datetime) -> str:
    t = ts.astimezone(TZ)
    days = (t.date() - DAY1).days
    return f"{t:%H:%M}" + ("" if days == 0 else f" {days:+d}d")


def measure(db: Path, names: list[str], per_minute: int) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    cols = {r[1] for r in conn.execute("PRAGMA table_info(outbox)")}
    account_col = "account" if "account" in cols else "''"
    fired: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for room, action, due_at, fired_at in conn.execute(
            "SELECT room, action, due_at, fired_at FROM fired WHERE status = 'done' ORDER BY room, due_at, action"):
        fired.setdefault((room, fired_at), []).append((action.split(":")[0], due_at))
    delays: dict[str, list[float]] = {}
    last: dict[str, datetime] = {}
    sends: dict[str, list[datetime]] = {name: [] for name in names}
    day1_msgs = 0
    day1 = (datetime.combine(DAY1, dtime(0), tzinfo=TZ), datetime.combine(DAY1 + timedelta(days=1), dtime(0), tzinfo=TZ))
    for room, to, created, sent, priority, person, account in conn.execute(
            f"SELECT room, to_id, created_at, sent_at, priority, person, {account_col} FROM outbox "
            "WHERE status = 'sent' ORDER BY id"):
        sent_at = from_iso(sent)
        ran = fired.get((room, created)) if room is not None and to is None else None
        if ran:
            kind, due = "+".join(k for k, _ in ran), from_iso(ran[0][1])
        elif priority == 2:
            kind, due = "ack", from_iso(created)
        elif person is not None:
            kind, due = "reply", from_iso(created)
        elif room is None:
            kind, due = "private", from_iso(created)
        else:
            kind, due = "other", from_iso(created)
        delays.setdefault(kind, []).append((sent_at - due).total_seconds())
        last[kind] = max(last.get(kind, sent_at), sent_at)
        sends.setdefault(account or "", []).append(sent_at)
        if day1[0] <= from_iso(created) < day1[1]:
            day1_msgs += 1
    conn.close()
    kinds = {
        kind: {"count": len(d), "median_s": round(statistics.median(d), 1), "max_s": round(max(d), 1),
               "last_sent": local(last[kind])}
        for kind, d in sorted(delays.items())}
    accounts = {}
    for name, times in sends.items():
        times.sort()
        peak, lo = 0, 0
        for hi, t in enumerate(times):  # the most sends in any rolling 60 s window
            while times[lo] <= t - timedelta(seconds=60):
                lo += 1
            peak = max(peak, hi - lo + 1)
        accounts[name or "(default)"] = {"sent": len(times), "max_per_rolling_minute": peak, "per_minute": per_minute}
    scheduled = [k for k in kinds if k not in ("ack", "reply", "private", "other")]
    return {
        "kinds": kinds, "accounts": accounts, "bot_messages": sum(k["count"] for k in kinds.values()),
        "bot_messages_day1": day1_msgs,
        "scheduled_max_delay_s": max((kinds[k]["max_s"] for k in scheduled), default=0),
        "lesson_median_delay_min": round(kinds["lesson"]["median_s"] / 60, 1) if "lesson" in kinds else None,
        "lesson_last_out": kinds.get("lesson", {}).get("last_sent"),
        "tally_last_out": next((v["last_sent"] for k, v in kinds.items() if k.startswith("tally")), None),
        "under_budget": all(a["max_per_rolling_minute"] <= per_minute for a in accounts.values()),
    }


def run(groups: int, members: int, accounts: int, seed: int, db: Path, progress: bool, per_minute: int,
        window: int = 10, spread_minutes: float | None = None) -> dict:
    if not 1 <= groups <= 0xFFFF or not 1 <= members <= 0xFFF:
        raise SystemExit("--groups must be 1..65535 and --members 1..4095")
    pacing = Pacing(per_minute=per_minute)
    bot, runner, clock, transports, names = build(db, accounts, pacing, seed, playbook(spread_minutes, Path(tempfile.mkdtemp(prefix="sendsim-pb-"))))
    t0 = time.perf_counter()
    asyncio.run(setup(bot, runner, clock, names, groups, members, progress))
    events = traffic(groups, members, seed)
    setup_s = time.perf_counter() - t0
    if progress:
        print(f"  set-up: {groups} groups x {members} members on {len(names)} account(s), {len(events)} member "
              f"messages to play ({setup_s:.1f}s)", file=sys.stderr)
    t1 = time.perf_counter()
    asyncio.run(play(bot, runner, clock, names, events, progress, window))
    seconds = time.perf_counter() - t1
    bot.store.close()
    result = measure(db, names, per_minute)
    result.update({"groups": groups, "members": members, "accounts_n": len(names), "seed": seed,
                   "member_messages": len(events), "window_seconds": window, "spread_minutes": bot.playbook.settings.spread_minutes, "setup_seconds": round(setup_s, 1), "seconds": round(seconds, 1)})
    return result


def table(r: dict) -> str:
    lines = [f"{r['groups']} groups x {r['members']} members over {r['accounts_n']} account(s) (seed {r['seed']}): "
             f"{r['member_messages']} member messages, {r['bot_messages']} bot messages sent "
             f"({r['bot_messages_day1']} queued on day 1); spread {r['spread_minutes']:g} min; {r['seconds']}s "
             f"(set-up {r['setup_seconds']}s)",
             f"  {'kind':24} {'count':>7} {'median delay':>13} {'max delay':>10} {'last sent':>10}"]
    for kind, k in r["kinds"].items():
        lines.append(f"  {kind:24} {k['count']:>7} {k['median_s'] / 60:>10.1f} min {k['max_s'] / 60:>6.1f} min "
                     f"{k['last_sent']:>10}")
    lines.append(f"  {'account':24} {'sent':>7} {'max in 60 s':>13} {'per_minute':>10}")
    for name, a in r["accounts"].items():
        lines.append(f"  {name:24} {a['sent']:>7} {a['max_per_rolling_minute']:>13} {a['per_minute']:>10}")
    lines.append(f"  issue's columns: bot messages (day 1) {r['bot_messages_day1']} · 09:00 lesson median delay "
                 f"{r['lesson_median_delay_min']} min · last lesson out {r['lesson_last_out']} · 22:00 tally last out "
                 f"{r['tally_last_out']}")
    ok = r["scheduled_max_delay_s"] <= 15 * 60 and r["under_budget"]
    lines.append(f"  target: every scheduled post within 15 min (max {r['scheduled_max_delay_s'] / 60:.1f} min), every "
                 f"account under its budget in every rolling minute ({'yes' if r['under_budget'] else 'NO'}): "
                 + ("met" if ok else "MISSED"))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--members", type=int, default=300)
    ap.add_argument("--accounts", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-minute", type=int, default=Pacing().per_minute, help="each account's send budget")
    ap.add_argument("--window", type=int, default=10, help="seconds of member messages delivered together (default 10: "
                    "acknowledgements gather for 60 s, so this moves no send; 1 is slower)")
    ap.add_argument("--spread-minutes", type=float, help="override settings.spread_minutes (0: not spread, as before)")
    ap.add_argument("--db", type=Path, help="SQLite file to keep (must not exist; default: a temp file)")
    ap.add_argument("--json", action="store_true", help="print one JSON object and nothing else on stdout")
    ap.add_argument("--progress", action="store_true", help="progress bars on stderr (tqdm)")
    args = ap.parse_args()
    if args.accounts < 1:
        raise SystemExit("--accounts must be at least 1")
    if args.db is not None and args.db.exists():
        raise SystemExit(f"{args.db} exists; the simulation needs a fresh database")
    with tempfile.TemporaryDirectory(prefix="sendsim-") as tmp:
        result = run(args.groups, args.members, args.accounts, args.seed, args.db or Path(tmp) / "bot.db",
                     args.progress, args.per_minute, max(args.window, 1), args.spread_minutes)
    print(json.dumps(result, ensure_ascii=False) if args.json else table(result))


if __name__ == "__main__":
    main()
