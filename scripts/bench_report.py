"""`report` at a year of data: build a database like a year of operation, then time `main.py report` and
`report --json` (median of 3, each a fresh process, as an operator runs it).

    .venv/bin/python scripts/bench_report.py                       # 4,000 groups, ~1M funnel rows, in a temp dir
    .venv/bin/python scripts/bench_report.py --db /tmp/year.db     # build once there (kept), time it
    .venv/bin/python scripts/bench_report.py --db /tmp/year.db --reuse --json
    .venv/bin/python scripts/bench_report.py --groups 400 --runs 1  # smaller

The year: G groups (one started every ~2 hours, 35 members each, about a third of them reached through the
friend-request funnel, the rest imported), 7 course days; per member a friend request / friend added / greeted /
invited / joined and, per group, offers shown, coupons pushed and claimed, survey invitations and answers, check-ins
(most members most days), practice, hometowns, graduates, opt-outs, moderation decisions; the outbox of a year
(sent, a few interrupted). Rows go in with sqlite-utils insert_all in batches, through the bot's own schema (connect +
every ritual's migrations), in batches of 200 groups, with a fixed seed: the same database every time.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.core import registry  # noqa: E402
from bot.storage import Store, connect  # noqa: E402

UTC = timezone.utc
PROVINCES = [("四川省", "成都市"), ("广东省", "深圳市"), ("广东省", "广州市"), ("北京市", "北京市"), ("山东省", "青岛市"),
             ("浙江省", "杭州市"), ("江苏省", "南京市"), ("湖北省", "武汉市"), ("上海市", "上海市"), ("广西壮族自治区", "桂林市")]
OFFERS = ["advanced", "pro", "vip"]
COUPONS = ["c50", "c100"]
STATES = ["closed"] * 6 + ["alumni"] * 3 + ["graduation", "in_course", "opening", "bound"]


SQL = {
    "groups": "INSERT INTO groups(room, topic, state, course_day, start_date, bound_at) VALUES (?,?,?,?,?,?)",
    "history": "INSERT INTO history(room, from_state, to_state, event, course_day, ts, actor) VALUES (?,?,?,?,?,?,?)",
    "members": "INSERT INTO members(room, member, name, joined_at, left_at) VALUES (?,?,?,?,?)",
    "contacts": "INSERT INTO contacts(contact, name, source, created_at, opted_out_at) VALUES (?,?,?,?,?)",
    "funnel": "INSERT INTO funnel(contact, stage, room, ts, detail) VALUES (?,?,?,?,?)",
    "invites": "INSERT INTO invites(contact, room, ts, method) VALUES (?,?,?,?)",
    "friend_requests": "INSERT INTO friend_requests(contact, request_id, requested_at, accepted_at) VALUES (?,?,?,?)",
    "checkins": "INSERT INTO checkins(room, member, day, ts, msg_id, acked) VALUES (?,?,?,?,?,?)",
    "practice": "INSERT INTO practice(room, member, day, ts, kind, msg_id, acked) VALUES (?,?,?,?,?,?,?)",
    "hometowns": "INSERT INTO hometowns(room, member, province, city, text, ts, acked) VALUES (?,?,?,?,?,?,?)",
    "graduates": "INSERT INTO graduates(room, member, ts, msg_id, acked) VALUES (?,?,?,?,?)",
    "offers": "INSERT INTO offers(id, title, price, discount, deadline, seats, link, template, created_by, created_at)"
              " VALUES (?,?,?,?,?,?,?,?,?,?)",
    "offer_posts": "INSERT INTO offer_posts(offer, target, kind, ts) VALUES (?,?,?,?)",
    "enrollments": "INSERT INTO enrollments(offer, member, room, ts, by) VALUES (?,?,?,?,?)",
    "coupon_posts": "INSERT INTO coupon_posts(coupon, target, ts) VALUES (?,?,?)",
    "coupon_claims": "INSERT INTO coupon_claims(coupon, member, room, ts, by) VALUES (?,?,?,?,?)",
    "surveys": "INSERT INTO surveys(contact, state, question, started_at, completed_at) VALUES (?,?,?,?,?)",
    "survey_answers": "INSERT INTO survey_answers(contact, question, answer, ts) VALUES (?,?,?,?)",
    "outbox": "INSERT INTO outbox(room, to_id, text, mentions, created_at, sent_at, status, priority) VALUES (?,?,?,?,?,?,?,?)",
    "moderation_decisions": "INSERT INTO moderation_decisions(room, member, msg_id, rule, detail, action, actor, ts)"
                            " VALUES (?,?,?,?,?,?,?,?)",
    "marketing_log": "INSERT INTO marketing_log(target, kind, ts) VALUES (?,?,?)",
}

COLUMNS = {table: sql[sql.index("(") + 1:sql.index(")")].split(", ") for table, sql in SQL.items()}

def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat()


def build(path: Path, groups: int, members_per_group: int, seed: int) -> dict:
    """The year's database at `path`; returns row counts per table."""
    rnd = random.Random(seed)
    store = Store(connect(path))
    for r in registry.available().values():
        store.migrate_ritual(r.name, r.migrations)
    rows: dict[str, list[tuple]] = {t: [] for t in (
        "groups", "history", "members", "contacts", "funnel", "invites", "friend_requests", "checkins", "practice",
        "hometowns", "graduates", "offers", "enrollments", "coupon_posts", "coupon_claims", "surveys",
        "survey_answers", "outbox", "inbound", "moderation_decisions", "marketing_log", "offer_posts")}
    year = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
    for o in OFFERS:
        rows["offers"].append((o, f"进阶课{o}", 1999.0, 0.18, iso(year + timedelta(days=365)), 30 * groups,
                               f"https://example.com/{o}", "{title}", "adv", iso(year)))
    contact_n = 0
    counts: dict[str, int] = {}
    for g in range(groups):
        if g and g % 200 == 0:
            flush(store, rows, counts)
        room = f"g{g:05d}@chatroom"
        bound = year + timedelta(hours=2 * g + rnd.random())
        start = bound + timedelta(days=1)
        state = "closed" if g < groups * 0.6 else rnd.choice(STATES)
        day = 7 if state in ("closed", "alumni", "graduation") else (rnd.randint(1, 7) if state == "in_course" else 0)
        rows["groups"].append((room, f"理财{g + 1}期", state, day, start.date().isoformat(), iso(bound)))
        for i, (a, b) in enumerate([(None, "bound"), ("bound", "opening"), ("opening", "in_course"),
                                    ("in_course", "graduation"), ("graduation", "alumni"), ("alumni", "closed")]):
            rows["history"].append((room, a, b, "auto", min(i, 7), iso(bound + timedelta(days=i * 2)), None))
            if b == state:
                break
        for m in range(members_per_group):
            contact_n += 1
            who = f"wx{contact_n:07d}"
            t0 = bound - timedelta(hours=rnd.randint(1, 48))
            funnel_person = rnd.random() < 0.35
            source = "friend" if funnel_person else "import"
            opted = iso(t0 + timedelta(days=rnd.randint(1, 9))) if rnd.random() < 0.04 else None
            rows["contacts"].append((who, f"学员{contact_n}", source, iso(t0), opted))
            stages = (["friend_request", "friend_added", "greeted", "survey_invited"] if funnel_person
                      else ["imported", "greeted"])
            if rnd.random() < 0.1:
                stages.append("waiting")
            stages += ["invited", "joined"]
            for k, st in enumerate(stages):
                rows["funnel"].append((who, st, room if st in ("invited", "joined") else None,
                                       iso(t0 + timedelta(minutes=5 * k)), "想学理财" if st == "friend_request" else None))
            if funnel_person:
                rows["friend_requests"].append((who, f"req{contact_n}", iso(t0), iso(t0 + timedelta(minutes=3))))
            rows["invites"].append((who, room, iso(t0 + timedelta(minutes=20)), rnd.choice(["invite", "link"])))
            left = iso(start + timedelta(days=rnd.randint(1, 6))) if rnd.random() < 0.05 else None
            rows["members"].append((room, who, f"学员{contact_n}", iso(bound + timedelta(minutes=m)), left))
            if rnd.random() < 0.7:
                p, c = rnd.choice(PROVINCES)
                if rnd.random() < 0.1:
                    p = c = None
                rows["hometowns"].append((room, who, p, c, f"我来自{c or '远方'}", iso(bound + timedelta(hours=10)), 1))
            diligence = rnd.random()
            for d in range(1, day + 1):
                ts = start + timedelta(days=d - 1, hours=1 + rnd.random() * 12)
                if rnd.random() < diligence:
                    rows["checkins"].append((room, who, d, iso(ts), f"c{contact_n}-{d}", 1))
                if rnd.random() < diligence * 0.6:
                    rows["practice"].append((room, who, d, iso(ts + timedelta(hours=2)),
                                             rnd.choice(["text", "image"]), f"p{contact_n}-{d}", 1))
            if day == 7 and rnd.random() < diligence:
                rows["graduates"].append((room, who, iso(start + timedelta(days=6, hours=12, seconds=m)), f"gr{contact_n}", 1))
            if day == 7:  # offers and coupons reach the group's members after the course
                after = start + timedelta(days=7)
                offer = OFFERS[g % len(OFFERS)]
                rows["funnel"].append((who, "offer_shown", room, iso(after), offer))
                if rnd.random() < 0.08:
                    rows["enrollments"].append((offer, who, room, iso(after + timedelta(days=1)), "adv"))
                    rows["funnel"].append((who, "enrolled", room, iso(after + timedelta(days=1)), offer))
                coupon = COUPONS[g % len(COUPONS)]
                if opted is None:
                    rows["funnel"].append((who, "coupon_pushed", room, iso(after + timedelta(hours=2)), coupon))
                    if rnd.random() < 0.2:
                        rows["coupon_claims"].append((coupon, who, room, iso(after + timedelta(hours=3)), "member"))
                        rows["funnel"].append((who, "coupon_claimed", room, iso(after + timedelta(hours=3)), coupon))
            if funnel_person and rnd.random() < 0.5:
                done = rnd.random() < 0.6
                rows["surveys"].append((who, "done" if done else rnd.choice(["invited", "asking"]), 3 if done else 1,
                                        iso(t0 + timedelta(hours=1)), iso(t0 + timedelta(hours=2)) if done else None))
                rows["funnel"].append((who, "survey_started", None, iso(t0 + timedelta(hours=1)), None))
                for q in ("q1", "q2", "q3") if done else ("q1",):
                    rows["survey_answers"].append((who, q, rnd.choice(["1", "2", "1 3", "想学定投"]), iso(t0 + timedelta(hours=2))))
                if done:
                    rows["funnel"].append((who, "survey_completed", None, iso(t0 + timedelta(hours=2)), None))
            if opted:
                rows["funnel"].append((who, "opted_out", None, opted, None))
            if rnd.random() < 0.01:
                rows["moderation_decisions"].append((room, who, f"mod{contact_n}", "link", "http://spam", rnd.choice(
                    ["warned", "removed", "asked_advisors"]), None, iso(start + timedelta(days=1))))
        # the group's side of the outbox: daily lessons, reminders, acknowledgements (a few interrupted)
        for k in range(12 + 5 * day):
            status = "unknown" if rnd.random() < 0.002 else "sent"
            ts = iso(start + timedelta(hours=k * 3))
            rows["outbox"].append((room, None, f"第{k}条通知", "[]", ts, ts, status, rnd.randint(0, 1)))
        for coupon in COUPONS[:1 + g % 2]:
            rows["coupon_posts"].append((coupon, room, iso(start + timedelta(days=7))))
        rows["offer_posts"].append((OFFERS[g % len(OFFERS)], room, "post", iso(start + timedelta(days=7))))
        rows["marketing_log"].append((room, "offer", iso(start + timedelta(days=7))))
    flush(store, rows, counts)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return counts


def flush(store: Store, rows: dict[str, list[tuple]], counts: dict[str, int]) -> None:
    """Write the rows gathered so far and forget them: bulk loading is what sqlite-utils does well (insert_all in
    batches, each its own transaction; the bot itself does not import sqlite-utils, whose import pulls in pandas)."""
    import sqlite_utils

    db = sqlite_utils.Database(store.conn)
    for table, columns in COLUMNS.items():
        if rows[table]:
            db[table].insert_all((dict(zip(columns, row)) for row in rows[table]), batch_size=2000)
            counts[table] = counts.get(table, 0) + len(rows[table])
            rows[table].clear()


def time_report(db: Path, as_json: bool, runs: int) -> tuple[float, float, int]:
    """(median wall seconds, median CPU seconds, bytes of output) of `main.py report [--json]` in fresh processes
    (CPU is the fairer figure on a shared machine)."""
    times, cpus, size = [], [], 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        res = subprocess.run([sys.executable, "main.py", "report", "--db", str(db), *(["--json"] if as_json else [])],
                             cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        size = len(res.stdout)
    return statistics.median(times), statistics.median(cpus), size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=None, help="where to build the database (default: a temp dir)")
    ap.add_argument("--reuse", action="store_true", help="time an existing --db without building it")
    ap.add_argument("--groups", type=int, default=4000)
    ap.add_argument("--members", type=int, default=35, help="members per group")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="bench-report-")) / "year.db"
    figures: dict = {"db": str(db)}
    if not args.reuse:
        if db.exists():
            sys.exit(f"{db} exists: pass --reuse to time it, or choose another path")
        t = time.perf_counter()
        figures["rows"] = build(db, args.groups, args.members, args.seed)
        figures["build_s"] = round(time.perf_counter() - t, 1)
    else:  # make sure the database is at this code's schema (a report never migrates)
        Store(connect(db)).close()
    figures["db_mb"] = round(db.stat().st_size / 1e6, 1)
    for key, as_json in (("report_s", False), ("report_json_s", True)):
        seconds, cpu, size = time_report(db, as_json, args.runs)
        figures[key], figures[key.replace("_s", "_cpu_s")] = round(seconds, 2), round(cpu, 2)
        figures[key.replace("_s", "_bytes")] = size
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for k, v in figures.items():
            print(f"{k:16s} {v}")


if __name__ == "__main__":
    main()
