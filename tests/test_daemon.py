"""The real daemon (`main.py run` on the sandbox, real APScheduler, real SQLite): a short cohort typed at the
terminal, killed with SIGKILL mid-course and restarted: nothing lost, nothing repeated."""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time

from harness import ROOT


class Daemon:
    def __init__(self, db, clock_start: str, speed: int = 60) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "main.py", "run", "--db", str(db), "--speed", str(speed), "--clock-start", clock_start],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
            env={"PATH": "/usr/bin:/bin", "BOT_ADVISORS": "adv", "PYTHONUNBUFFERED": "1"})
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def type(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait_for(self, needle: str, timeout: float = 20) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if needle in line:
                return line
        raise AssertionError(f"daemon never printed {needle!r}; it printed:\n" + "\n".join(self.seen))


def test_sandbox_cohort_survives_kill_9(tmp_path):
    db = tmp_path / "bot.db"
    first = Daemon(db, "2026-12-01T10:00:00+08:00")
    first.wait_for("transport: sandbox")
    first.type("adv: /start 2026-12-01")
    first.wait_for("家乡签到")
    first.wait_for("第1天：理财第一步")
    first.type("alice: 我来自四川成都")
    first.type("alice: 打卡")
    first.wait_for("打卡已记录：alice")
    first.proc.kill()  # SIGKILL mid-course
    first.proc.wait(10)

    second = Daemon(db, "2026-12-01T10:30:00+08:00")
    second.wait_for("transport: sandbox")
    second.type("alice: 打卡")  # already checked in today: counts once, acknowledged once
    second.type("bob: ✅")
    ack = second.wait_for("打卡已记录：")
    assert "bob" in ack and "alice" not in ack
    second.type("adv: /status")
    second.wait_for("今日打卡 2 人")
    second.type(":quit")
    assert second.proc.wait(20) == 0
    repeated = [line for line in second.seen if "家乡签到：" in line or "开营第一件事" in line or "第1天：理财第一步" in line]
    assert repeated == []  # nothing sent before the crash was sent again

    report = subprocess.run([sys.executable, "main.py", "report", "--db", str(db), "--json"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    (group,) = json.loads(report.stdout)["groups"]
    assert group["checkins"] == {"alice": [1], "bob": [1]}
    assert group["hometowns"] == {"alice": {"province": "四川省", "city": "成都市"}}
    assert group["state"] == "in_course" and group["course_day"] == 1
