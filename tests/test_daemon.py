"""The real daemon (`main.py run` on the sandbox, real APScheduler, real SQLite): a short cohort typed at the
terminal, killed with SIGKILL mid-course and restarted: nothing lost, nothing repeated."""
from __future__ import annotations

import json
import subprocess
import sys

from daemon_process import DaemonProcess
from harness import ROOT


def sandbox(db, clock_start: str, speed: int = 60) -> DaemonProcess:
    return DaemonProcess(["--db", str(db), "--speed", str(speed), "--clock-start", clock_start],
                         {"PATH": "/usr/bin:/bin", "BOT_ADVISORS": "adv"}, interactive=True)


def test_sandbox_cohort_survives_kill_9(tmp_path):
    db = tmp_path / "bot.db"
    first = sandbox(db, "2026-12-01T10:00:00+08:00")
    first.wait_log("transport: sandbox")
    first.type("adv: /start 2026-12-01")
    first.wait_log("家乡签到")
    first.wait_log("第1天：理财第一步")
    first.type("alice: 我来自四川成都")
    first.type("alice: 打卡")
    first.wait_log("打卡已记录：alice")
    first.proc.kill()  # SIGKILL mid-course
    first.proc.wait(10)

    second = sandbox(db, "2026-12-01T10:30:00+08:00")
    second.wait_log("transport: sandbox")
    second.type("alice: 打卡")  # already checked in today: counts once, acknowledged once
    second.type("bob: ✅")
    ack = second.wait_log("打卡已记录：")
    assert "bob" in ack and "alice" not in ack
    second.type("adv: /status")
    second.wait_log("今日打卡 2 人")
    second.type(":quit")
    assert second.proc.wait(20) == 0
    repeated = [line for line in second.log if ("家乡签到：" in line or "开营第一件事" in line or "第1天：理财第一步" in line)
                and not line.lstrip().startswith("·")]  # (a send cut off by the kill is quoted to the advisor, not re-sent)
    assert repeated == []  # nothing sent before the crash was sent again

    report = subprocess.run([sys.executable, "main.py", "report", "--db", str(db), "--json"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    (group,) = json.loads(report.stdout)["groups"]
    assert group["checkins"] == {"alice": [1], "bob": [1]}
    assert group["hometowns"] == {"alice": {"province": "四川省", "city": "成都市"}}
    assert group["state"] == "in_course" and group["course_day"] == 1


def test_the_send_budget_holds_across_kill_9_restarts(tmp_path):
    """Sends to one room go at 1 s apart until the 40-a-minute budget holds them; a daemon killed and restarted
    several times must not start a fresh budget (the sandbox clock runs x10 and continues across restarts)."""
    from datetime import datetime, timedelta

    from bot.core.events import Outgoing
    from bot.storage import Store, connect, from_iso

    db, t0 = tmp_path / "bot.db", datetime.fromisoformat("2026-12-01T10:00:00+08:00")
    store = Store(connect(db))
    with store.tx():
        for i in range(150):
            store.outbox.enqueue(Outgoing("sandbox@chatroom", None, f"排队消息{i}"), t0)
    store.close()

    for sends in (30, 15, 25, 20):  # kill -9 after this many sends
        store = Store(connect(db))
        last = max((from_iso(t) for (t,) in store.conn.execute("SELECT sent_at FROM outbox WHERE sent_at IS NOT NULL")),
                   default=t0)
        store.close()
        daemon = sandbox(db, (last + timedelta(seconds=1)).isoformat(), speed=10)
        for _ in range(sends):
            daemon.wait_log("🤖 → sandbox@chatroom: 排队消息")
        daemon.kill()

    store = Store(connect(db))
    stamps = sorted(from_iso(t) for (t,) in store.conn.execute(
        "SELECT sent_at FROM outbox WHERE status IN ('sent', 'sending', 'unknown')"))
    assert len(stamps) >= 85
    most = max(sum(1 for u in stamps if t <= u < t + timedelta(seconds=60)) for t in stamps)
    assert most <= 40, f"{most} sends in one rolling minute"
