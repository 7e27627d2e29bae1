"""Start-up import time: the median wall time of fresh interpreters importing what a command needs, and whether
pandas (or numpy) got imported on the way.

    .venv/bin/python scripts/bench_import.py            # 7 runs each
    .venv/bin/python scripts/bench_import.py --runs 11 --json

Measured: `main.py --help` (the CLI), and the daemon's start-up import (main, bot.cli.daemon, bot.app and every
ritual the registry discovers), each in a new `python -X importtime` process; the figure is the cumulative time of
the top-level imports (what -X importtime reports), median of the runs.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "cli_help": ["main.py", "--help"],
    "daemon_startup": ["-c", "import main, bot.cli.daemon, bot.app; from bot.core import registry; registry.available()"],
}


def once(args: list[str]) -> tuple[float, bool]:
    """(seconds of cumulative top-level import time, pandas imported?) for one fresh interpreter."""
    res = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    total, pandas = 0, False
    for line in res.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if not name[1:].startswith(" "):  # a top-level import (nested ones are indented)
            total += int(cumulative)
        pandas = pandas or name.strip() in ("pandas", "numpy")
    return total / 1e6, pandas


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    figures = {}
    for case, argv in CASES.items():
        runs = [once(argv) for _ in range(args.runs)]
        figures[case] = {"median_s": round(statistics.median(t for t, _ in runs), 3),
                         "pandas_or_numpy_imported": any(p for _, p in runs)}
    if args.json:
        print(json.dumps(figures))
    else:
        for case, f in figures.items():
            print(f"{case:16s} import {f['median_s']:.3f}s (median of {args.runs})  pandas/numpy: {f['pandas_or_numpy_imported']}")


if __name__ == "__main__":
    main()
