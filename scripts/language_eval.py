"""Precision and recall of the language layer per intent on the labelled corpus, every miss and false positive,
and what reading a message costs.

    python scripts/language_eval.py                 # the tuning corpus: figures, misses and false positives
    python scripts/language_eval.py --holdout       # also the held-out set, if present (figures only: not for tuning)
    python scripts/language_eval.py --holdout PATH  # ... a held-out set kept elsewhere
    python scripts/language_eval.py --json          # figures as JSON (also the cost figures)

The corpus (tests/language/corpus.jsonl; the held-out set, by default tests/language/holdout.jsonl, is written
separately by someone who has not seen the tuning corpus, and is usually absent: once measured, a held-out set is
spent and joins the tuning corpus) has one message per line:
{"text", "chat": "group"|"private", "intents": [...], "hometown": {"province", "city", "correction"}, "tricky"}.
A hometown counts as found only with the right province, city and correction flag.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.language import INTENTS, Reader  # noqa: E402

CORPUS = ROOT / "tests" / "language" / "corpus.jsonl"
HOLDOUT = ROOT / "tests" / "language" / "holdout.jsonl"
# the benchmark's chatter (scripts/bench.py): what most messages in a group look like
CHATTER = ("老师好", "这个基金怎么选？", "谢谢老师👍", "收到", "哈哈哈", "明天几点上课？", "学到了", "货币基金和余额宝有什么区别",
           "🌹🌹🌹", "今天的课好实用", "我定投了500元", "300元该怎么分配？", "余额宝里有2000块", "基金161725怎么样",
           "打卡", "今天打卡啦💪", "✅", "打卡✅", "第2天打卡！", "实操完成", "实操完成，买了一只货基", "作业已交🙋")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(path: Path) -> list[dict]:
    """The labelled messages of a corpus file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(reader: Reader, items: list[dict]) -> dict[str, Score]:
    """Per intent: true and false positives, misses (with what was expected and what was read)."""
    scores = {name: Score() for name in INTENTS}
    for item in items:
        reading = reader.read(item["text"], private=item["chat"] == "private")
        got = set(reading.intents())
        want = set(item["intents"])
        for name in INTENTS:
            right = name in want and name in got
            if right and name == "hometown":
                h, w = reading.hometown, item["hometown"]
                right = (h.province, h.city, h.correction) == (w["province"], w["city"], w.get("correction", False))
                if not right:
                    scores[name].misses.append(f"{item['text']!r}: want {w}, read {h.province}/{h.city} correction={h.correction}")
                    scores[name].fn += 1
                    scores[name].fp += 1
                    continue
            if right:
                scores[name].tp += 1
            elif name in want:
                scores[name].fn += 1
                scores[name].misses.append(f"{item['text']!r} ({item['chat']})")
            elif name in got:
                scores[name].fp += 1
                extra = f" -> {reading.hometown.province}/{reading.hometown.city}" if name == "hometown" else ""
                scores[name].false_positives.append(f"{item['text']!r} ({item['chat']}){extra}")
    return scores


def cost(reader: Reader) -> dict[str, float]:
    """Median µs to read one chatter message (every intent asked; a repeated text is remembered by the reader), the
    same read afresh (the reader's memo off; each message's best of 50, so that a loaded machine's pauses do not count),
    and ms for a 100,000-character message (median of five)."""
    fresh = Reader(reader.cues)
    fresh.MEMO_CHARS = -1  # nothing remembered: every reading is a first one
    best = {text: float("inf") for text in CHATTER}
    for _ in range(50):
        for text in CHATTER:
            t = time.perf_counter()
            fresh.read(text).intents()
            best[text] = min(best[text], time.perf_counter() - t)
    samples = []
    for _ in range(200):
        for text in CHATTER:
            t = time.perf_counter()
            r = reader.read(text)
            r.intents()
            samples.append(time.perf_counter() - t)
    long_text = ("今天学了基金定投，打卡✅ 我来自四川成都 " * 5000)[:100_000]
    runs = []
    for _ in range(5):  # the median of five: one run on a shared machine is mostly noise
        t = time.perf_counter()
        reader.read(long_text).intents()
        runs.append((time.perf_counter() - t) * 1000)
    long_ms = statistics.median(runs)
    return {"median_us": statistics.median(samples) * 1e6, "p99_us": sorted(samples)[int(len(samples) * 0.99)] * 1e6,
            "fresh_median_us": statistics.median(best.values()) * 1e6, "long_100k_ms": long_ms}


def table(name: str, scores: dict[str, Score], n: int) -> str:
    lines = [f"{name} ({n} messages)", f"  {'intent':<11} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>4} {'fn':>4}"]
    for intent, s in scores.items():
        lines.append(f"  {intent:<11} {s.precision:>9.3f} {s.recall:>7.3f} {s.tp:>5} {s.fp:>4} {s.fn:>4}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--holdout", nargs="?", const=HOLDOUT, type=Path, metavar="PATH",
                    help=f"also score a held-out set (figures only; default {HOLDOUT.relative_to(ROOT)})")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    reader = Reader.with_additions()
    corpus = load(CORPUS)
    scores = evaluate(reader, corpus)
    out = {"corpus": {k: {"precision": round(s.precision, 4), "recall": round(s.recall, 4)} for k, s in scores.items()}}
    held = load(args.holdout) if args.holdout and args.holdout.is_file() else None
    if args.holdout and held is None:
        print(f"no held-out set: {args.holdout} does not exist (a held-out set is written separately, by someone who has "
              "not seen the tuning corpus; none is scored)", file=sys.stderr if args.json else sys.stdout)
        out["holdout"] = None
    elif held is not None:
        held_scores = evaluate(reader, held)
        out["holdout"] = {k: {"precision": round(s.precision, 4), "recall": round(s.recall, 4)} for k, s in held_scores.items()}
    out["cost"] = {k: round(v, 2) for k, v in cost(reader).items()}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for intent, s in scores.items():
        for line in s.misses:
            print(f"miss      {intent:<10} {line}")
        for line in s.false_positives:
            print(f"false pos {intent:<10} {line}")
    print(table("tuning corpus", scores, len(corpus)))
    if held is not None:
        print(table(f"held-out set {args.holdout}", held_scores, len(held)))
    c = out["cost"]
    print(f"cost: median {c['median_us']} µs per chatter message, p99 {c['p99_us']} µs; read afresh {c['fresh_median_us']} µs; "
          f"a 100,000-character message {c['long_100k_ms']} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
