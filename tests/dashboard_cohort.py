"""A small, realistic database for the dashboard, made by talking to the bot (tests/harness.py Chat): friend
requests, two study groups, hometowns, a week of check-ins and practice, graduation, an offer with enrolments,
a coupon, and the survey. The numbers the dashboard must show are in EXPECTED."""
from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Chat, local

ROOM2 = "room2@chatroom"
NAMES = {"wx_li": "李娜", "wx_wang": "王伟", "wx_zhang": "张敏", "wx_liu": "刘洋", "wx_chen": "陈静", "wx_zhao": "赵磊"}
FRIENDS = ["wx_li", "wx_wang", "wx_zhang", "wx_liu"]  # come in by friend request; the other two were in the group
HOMETOWNS = {"wx_li": "我来自四川成都", "wx_wang": "坐标广东深圳", "wx_zhang": "老家四川绵阳", "wx_liu": "我来自浙江杭州",
             "wx_chen": "家乡：湖南长沙"}
CHECKINS = {  # course day -> who checks in (wx_li every day; wx_wang days 1-3 and 5-7; ...)
    1: ["wx_li", "wx_wang", "wx_zhang", "wx_liu", "wx_chen"],
    2: ["wx_li", "wx_wang", "wx_zhang", "wx_chen"],
    3: ["wx_li", "wx_wang", "wx_zhang"],
    4: ["wx_li", "wx_zhang"],
    5: ["wx_li", "wx_wang"],
    6: ["wx_li", "wx_wang"],
    7: ["wx_li", "wx_wang", "wx_liu"],
}
PRACTICE = {1: ["wx_li", "wx_wang", "wx_zhang"], 2: ["wx_li", "wx_zhang"], 3: ["wx_li"], 5: ["wx_li"]}
GRADUATES = ["wx_li", "wx_wang", "wx_zhang"]
QUESTIONS = {"wx_li": "老师，基金定投每个月投多少合适？", "wx_chen": "请问毕业以后还能回看课程吗"}
SECOND = {"wx_sun": "孙杰", "wx_zhou": "周涛", "wx_wu": "吴芳"}  # the next cohort: joined, one hometown given

EXPECTED = {
    "cohort": "理财1期 · 2026-12-01",
    "funnel": {"加好友": 4, "已邀请": 4, "进群": 6, "家乡签到": 5, "打卡": 5, "实操": 3, "毕业": 3, "看到优惠": 6,
               "报名": 2, "群内领券": 2, "完成问卷": 2},
    "checkins": {day: len(who) for day, who in CHECKINS.items()},
    "streaks": {0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 7: 1},  # zhao 0; liu 1; chen 2; zhang 4; wang 3 (1-3) and 3 (5-7); li 7
    "provinces": {"四川省": 2, "广东省": 1, "浙江省": 1, "湖南省": 1, "江苏省": 1},
    "practice": {1: 3, 2: 2, 3: 1, 4: 0, 5: 1, 6: 0, 7: 0},
    "offer": {"已报名": 2, "剩余名额": 28, "名额": 30},
    "coupon_c400": {"推送人数": 6, "自己领取": 2},
    "questions": {"提问": 2, "已回答": 1, "未回答": 1, "平均回答分钟": 30},
    "survey_funds": 2, "survey_weekly": 1, "survey_wish_answers": 2,
}


def build(db: Path) -> Chat:
    """Play the cohort into `db`; returns the Chat (its store still open: close it before serving the file)."""
    chat = Chat(db, local("2026-11-30 10:00"))
    for contact in FRIENDS:
        chat.befriend(contact, NAMES[contact], hello="我想学理财")
    chat.join(*NAMES, names=NAMES)
    chat.say("adv", "/start 2026-12-01")
    chat.until("2026-11-30 20:01")
    for member, text in HOMETOWNS.items():
        chat.say(member, text, name=NAMES[member])
    for day, who in CHECKINS.items():
        chat.until(f"2026-12-{day:02d} 12:30")
        for member in who:
            chat.say(member, "打卡✅", name=NAMES[member])
        for member in PRACTICE.get(day, []):
            chat.say(member, "实操完成", name=NAMES[member])
        chat.advance(minutes=30)
    chat.until("2026-12-07 20:31")
    for member in GRADUATES:
        chat.say(member, "我毕业啦!", name=NAMES[member])
    chat.advance(minutes=5)
    chat.say("adv", "/push advanced")
    chat.say("adv", "/enrolled @wx_li advanced")
    chat.say("adv", "/enrolled @wx_wang advanced")
    chat.say("adv", "/发券 c400")
    chat.say("wx_zhang", "领券", name=NAMES["wx_zhang"])
    chat.say("wx_chen", "领券", name=NAMES["wx_chen"])
    for member, replies in {"wx_li": ["1 3", "1", "1", "想学基金定投"], "wx_zhang": ["1", "2", "2", "保险怎么买"]}.items():
        for text in ["问卷", *replies]:
            chat.say(member, text, name=NAMES[member], room=None)
    for member, question in QUESTIONS.items():  # relayed to the advisor; wx_li's is answered 30 minutes later
        chat.say(member, question, name=NAMES[member], room=None)
    chat.advance(minutes=30)
    chat.say("adv", f"/reply @{NAMES['wx_li']} 每月收入的一成左右就好，先定投指数基金", room=None)
    chat.join(*SECOND, room=ROOM2, names=SECOND)
    chat.say("adv", "/start 2026-12-08", room=ROOM2)
    chat.advance(minutes=10)
    chat.say("wx_sun", "我来自江苏南京", name=SECOND["wx_sun"], room=ROOM2)
    chat.advance(minutes=10)
    chat.said()
    return chat


# -- the dashboard as a separate process (tests/test_dashboard.py, scripts/dashboard_screenshot.py) -----------------
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, port: int, *options: str, timeout: float = 90) -> subprocess.Popen:
    """`main.py dashboard` on 127.0.0.1:port, once it answers (its output goes to a temporary file, shown if it fails)."""
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "dashboard", "--db", str(db), "--port", str(port),
                             *options], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the dashboard exited ({proc.returncode}): {log.read().decode(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"the dashboard did not answer on port {port} within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
