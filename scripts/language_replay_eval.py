"""A labelled set scored the way an operator sees it: through `main.py replay` and `main.py report --json` only, not
through the language layer's own API (scripts/language_eval.py). What the rituals record is compared with the labels.

    .venv/bin/python scripts/language_replay_eval.py tests/language/corpus.jsonl
    .venv/bin/python scripts/language_replay_eval.py PATH --list     # also every disagreement

The labelled file is JSON lines as in tests/language/corpus.jsonl. One study group, bound by an advisor for a course
starting the day after; every group message is sent by a member of its own, at a moment its ritual listens:
- labelled hometown (alone): the opening evening (day 0, 20:10+); labelled graduation: day 7 after the ceremony
  opens (20:40+); anything else labelled for the group: day 1 from 10:00;
- a message labelled with no intent is sent twice, by two members: on day 1 (hometown, check-in and practice
  listen) and on day 7 after the ceremony opens (graduation listens), so a false positive of any ritual shows.
Hometowns, check-ins, practice and graduates are read from the report's group; a hometown counts with the right
province and city (the correction flag is not in the report). Private lines are not scored here (opt-out and
question: scripts/language_eval.py). The figures are the issue's: precision and recall per intent.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from language_eval import Score, load, table  # noqa: E402
ROOM = "eval@chatroom"
START = datetime.fromisoformat("2026-12-01T00:00:00+08:00")  # day 1
GROUP_INTENTS = ("hometown", "checkin", "practice", "graduation")


def moment(day: int, hhmm: str, n: int) -> str:
    """The n-th message of a slot: day's hh:mm plus n seconds (a whole corpus still fits in its evening)."""
    h, m = map(int, hhmm.split(":"))
    return (START + timedelta(days=day - 1, hours=h, minutes=m, seconds=n)).isoformat()


def week(items: list[dict]) -> tuple[list[dict], dict[str, tuple[int, dict]]]:
    """The replay lines, and member id -> (line number in the labelled file, its labels)."""
    sends, who = [], {}
    slots = {"opening": 0, "day1": 0, "ceremony": 0}
    for i, item in enumerate(items, 1):
        if item["chat"] != "group":
            continue
        intents = set(item["intents"])
        if not intents:
            places = [("day1", 1, "10:00"), ("ceremony", 7, "20:40")]
        elif "graduation" in intents:
            places = [("ceremony", 7, "20:40")]
        elif intents == {"hometown"}:
            places = [("opening", 0, "20:10")]
        else:
            places = [("day1", 1, "10:00")]
        for k, (slot, day, hhmm) in enumerate(places):
            member = f"m{i}" + ("b" * k)
            who[member] = (i, item)
            sends.append((moment(day, hhmm, slots[slot]), member, item["text"]))
            slots[slot] += 1
    lines = [{"ts": moment(0, "10:00", 0), "type": "join", "room": ROOM, "topic": "评测群",
              "members": [{"id": m, "name": f"学员{m[1:]}"} for m in who]},
             {"ts": moment(0, "10:05", 0), "type": "message", "room": ROOM, "topic": "评测群", "from": "adv",
              "name": "导师", "text": f"/start {START.date().isoformat()}", "id": "start"}]
    for n, (ts, member, text) in enumerate(sorted(sends), 1):
        lines.append({"ts": ts, "type": "message", "room": ROOM, "topic": "评测群", "from": member,
                      "name": f"学员{member[1:]}", "text": text, "id": f"e{n}"})
    return lines, who


def score(items: list[dict], group: dict, who: dict) -> dict[str, Score]:
    """Per intent: tp, fp, fn and the disagreements ('line N: text expected … recorded …')."""
    found = {
        "hometown": {m: (h["province"], h["city"]) for m, h in group.get("hometowns", {}).items()},
        "checkin": {m: True for m, days in group.get("checkins", {}).items() if days},
        "practice": {m: True for m, days in group.get("practice", {}).items() if days},
        "graduation": {m: True for m in group.get("graduates", [])},
    }
    got_by_line: dict[int, dict[str, object]] = {}  # a line sent twice (no intent) is wrong once if either copy is
    for member, (line, item) in who.items():
        seen = got_by_line.setdefault(line, {})
        for name in GROUP_INTENTS:
            seen[name] = seen.get(name) or found[name].get(member, False)
    out = {name: Score() for name in GROUP_INTENTS}
    for line, got_all in sorted(got_by_line.items()):
        item = items[line - 1]
        for name in GROUP_INTENTS:
            want = name in item["intents"]
            if name == "hometown" and want:
                want = (item["hometown"]["province"], item["hometown"]["city"])
            got = got_all[name]
            s = out[name]
            if want and got == want:
                s.tp += 1
                continue
            s.fp += bool(got)
            s.fn += bool(want)
            if got or want:
                (s.misses if want else s.false_positives).append(f"line {line}: {item['text']!r} expected {want} recorded {got}")
    return out


def replay_score(items: list[dict]) -> tuple[int, dict[str, Score]]:
    """Replay the labelled group messages as a week and score the report: (group lines, per-intent scores)."""
    lines, who = week(items)
    with tempfile.TemporaryDirectory() as tmp:
        chat, db = Path(tmp) / "week.jsonl", Path(tmp) / "week.db"
        chat.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
        run = [sys.executable, str(ROOT / "main.py")]
        subprocess.run([*run, "replay", str(chat), "--db", str(db), "--no-progress"], capture_output=True, text=True,
                       cwd=ROOT, check=True)
        report = json.loads(subprocess.run([*run, "report", "--db", str(db), "--json"], capture_output=True,
                                           text=True, cwd=ROOT, check=True).stdout)
    (group,) = report["groups"]
    return len({line for line, _ in who.values()}), score(items, group, who)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("labelled", type=Path)
    ap.add_argument("--list", action="store_true", help="print every disagreement")
    args = ap.parse_args()
    items = load(args.labelled)
    try:
        sent, scores = replay_score(items)
    except subprocess.CalledProcessError as e:
        print(f"{' '.join(e.cmd[1:3])} failed: {e.stderr.strip().splitlines()[-1:] or e.returncode}", file=sys.stderr)
        return 1
    if args.list:
        for name, s in scores.items():
            for line in s.misses + s.false_positives:
                print(f"{name:<10} {line}")
    print(table(f"the group lines of {args.labelled} through replay + report --json", scores, sent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
