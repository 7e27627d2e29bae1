"""The benchmark scripts measure the real engine: run in small, their day is handled (a wrapper that no longer fits the
engine's callback would make every event fail, and a day of failures is fast)."""
from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_small_benchmark_day_records_the_check_ins_it_sends(tmp_path):
    bench = script("bench")
    db = tmp_path / "bot.db"
    result = bench.run(groups=2, members=6, db=db, workdir=tmp_path, progress=False)
    events = bench.traffic(2, 6)
    sent = {(f"room{g}@chatroom", f"g{g}u{m}") for g, m, _, kind in (bench.unpack(e)[1:] for e in events)
            if kind == bench.CHECKIN}
    with sqlite3.connect(db) as conn:
        recorded = set(conn.execute("SELECT room, member FROM checkins WHERE day = 2"))
    assert result["messages"] == len(events) > 0
    assert recorded == sent


def test_the_split_accounts_for_the_whole_day(tmp_path):
    """--split: the day's time is what SQLite took plus the rest (Python), and the floor's own row is its cost."""
    bench = script("bench")
    r = bench.run(groups=1, members=5, db=tmp_path / "bot.db", workdir=tmp_path, progress=False, split=True)
    day_us = 1e6 / r["engine_msgs_per_s"]
    assert r["sql_calls_per_msg"] > 2  # at least the message stored and its id remembered
    assert 0 < r["checkpoint_us_per_msg"] <= r["sql_us_per_msg"] < day_us
    assert abs(r["sql_us_per_msg"] + r["python_us_per_msg"] - day_us) < 0.01 * day_us + 0.2
    assert r["floor_us_per_msg"] > 0


def test_the_benchmark_refuses_to_report_a_day_the_engine_failed_on(tmp_path, monkeypatch):
    bench = script("bench")
    from bot.core.inbox import Inbox
    built = Inbox.__init__

    def with_an_old_callback(self, store, clock, handle, **kw):  # the day's events reach a callback of another shape
        built(self, store, clock, lambda event, row: handle(event), **kw)
    monkeypatch.setattr(Inbox, "__init__", with_an_old_callback)
    with pytest.raises(SystemExit, match="logged .* error"):
        bench.run(groups=1, members=3, db=tmp_path / "bot.db", workdir=tmp_path, progress=False)
