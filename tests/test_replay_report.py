"""replay + report --json: a recorded week of chat gives the right numbers; bad lines are reported and skipped."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harness import ROOT

R = "r1@chatroom"


def msg(ts, who, name, text, mid, **extra):
    return {"ts": ts, "type": "message", "room": R, "topic": "理财2期", "from": who, "name": name, "text": text, "id": mid, **extra}


WEEK = [
    {"ts": "2026-11-30T10:00:00+08:00", "type": "join", "room": R, "topic": "理财2期",
     "members": [{"id": "u1", "name": "张三"}, {"id": "u2", "name": "李四"}, {"id": "u3", "name": "王五"}]},
    msg("2026-11-30T10:05:00+08:00", "adv", "导师", "/start 2026-12-01", "a1"),
    msg("2026-11-30T20:10:00+08:00", "u1", "张三", "我来自四川成都", "h1"),
    msg("2026-11-30T20:11:00+08:00", "u2", "李四", "坐标广东深圳", "h2"),
    msg("2026-11-30T20:12:00+08:00", "u3", "王五", "明天去北京出差", "h3"),
    msg("2026-12-01T10:00:00+08:00", "u1", "张三", "打卡", "c1"),
    msg("2026-12-01T10:00:30+08:00", "u2", "李四", "✅", "c2"),
    msg("2026-12-01T10:01:00+08:00", "u1", "张三", "再打卡一次", "c3"),
    msg("2026-12-01T10:02:00+08:00", "u3", "王五", "还没打卡，晚点来", "c4"),
    msg("2026-12-01T13:00:00+08:00", "u1", "张三", "实操完成", "p1"),
    msg("2026-12-01T13:05:00+08:00", "u2", "李四", "", "p2", kind="image"),
    msg("2026-12-02T09:30:00+08:00", "u1", "张三", "第2天打卡", "c5"),
    msg("2026-12-02T09:30:00+08:00", "u1", "张三", "第2天打卡", "c5"),  # redelivered
    "{not json",
    msg("2026-12-02T11:00:00+08:00", "u2", "李四", "打卡", "c6"),
    {"type": "message", "room": R, "from": "u3", "text": "打卡", "id": "c7"},  # no ts
    msg("2026-12-03T00:30:00+08:00", "u3", "王五", "熬夜打卡", "c8"),  # 00:30 local on 12-03 is day 3
    msg("2026-12-03T08:00:00+08:00", "u1", "张三", "打卡✅", "c9"),
    msg("2026-12-07T20:40:00+08:00", "u1", "张三", "我毕业啦!", "g1"),
    msg("2026-12-07T20:41:00+08:00", "u2", "李四", "我毕业啦！🎓", "g2"),
]


def run(*args):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_replay_then_report_json_gives_the_week_in_numbers(tmp_path):
    chat_file = tmp_path / "week.jsonl"
    chat_file.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in WEEK) + "\n", encoding="utf-8")
    db, out = tmp_path / "week.db", tmp_path / "sent.jsonl"
    res = run("replay", str(chat_file), "--db", str(db), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert f"{chat_file}:14: skipped: not JSON" in res.stderr
    assert f"{chat_file}:16: skipped: missing ts" in res.stderr
    assert "2 bad line(s) skipped" in res.stderr

    report = json.loads(run("report", "--db", str(db), "--json").stdout)
    (group,) = report["groups"]
    funnel = group.pop("funnel")
    assert funnel["checkin_days"] == {"0": 0, "1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0, "7": 0}
    assert (funnel["joined"], funnel["hometown_given"], funnel["practice_done"], funnel["graduated"]) == (3, 2, 2, 2)
    assert report["funnel"]["graduated"] == 2 and report["funnel"]["checked_in"] == 3
    assert group == {
        "room": R, "topic": "理财2期", "state": "graduation", "course_day": 7, "start_date": "2026-12-01",
        "members": ["u1", "u2", "u3"],
        "hometowns": {"u1": {"province": "四川省", "city": "成都市"}, "u2": {"province": "广东省", "city": "深圳市"}},
        "checkins": {"u1": [1, 2, 3], "u2": [1, 2], "u3": [3]},
        "practice": {"u1": [1], "u2": [1]},
        "graduates": ["u1", "u2"], "unknown_sends": 0, "account": "",
        "moderation": {},  # no spam in this week: the moderation ritual's report fields are empty
        "pictures": {},  # the replay ends at 20:41 on day 7: before the class picture and the certificates
    }

    sent = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(set(s) - {"image"} == {"ts", "room", "to", "text", "mentions"} for s in sent)  # no friends here
    images = [s for s in sent if "image" in s]  # a picture: its PNG, with the alt text in "text"
    assert [s["text"][:1] for s in images] == ["🗺", *["📊"] * 6]  # the map, days 1-6's tally cards
    assert all(Path(s["image"]).read_bytes()[:4] == b"\x89PNG" for s in images)
    texts = [s["text"] for s in sent]
    assert any("家乡签到" in t for t in texts)
    assert any("第2天打卡统计：2/3 人" in t for t in texts)
    reminder = next(s for s in sent if "第1天还没打卡" in s["text"])
    assert reminder["mentions"] == ["u3"] and reminder["ts"].startswith("2026-12-01T20:00") and reminder["ts"].endswith("+08:00")
    assert any(t.startswith("✅ 打卡已记录：张三、李四（今日已打卡 2/3 人）") for t in texts)  # one batch for both
    assert sum("打卡已记录" in t for t in texts) == 5  # day 1 batched, then 4 check-ins far apart

    human = run("report", "--db", str(db)).stdout
    assert "理财2期" in human and "毕业 2 人" in human


def test_simulate_plays_a_whole_cohort_to_alumni(tmp_path):
    db = tmp_path / "sim.db"
    res = run("simulate", "--members", "25", "--seed", "7", "--start", "2026-12-01", "--db", str(db))
    assert res.returncode == 0, res.stderr
    assert "家乡签到" in res.stdout and "我毕业啦" in res.stdout and "校友" in res.stdout
    (group,) = json.loads(run("report", "--db", str(db), "--json").stdout)["groups"]
    assert group["state"] == "alumni" and len(group["members"]) == 25
    assert 0 < len(group["graduates"]) <= 25 and len(group["hometowns"]) > 10
    assert all(set(days) <= set(range(1, 8)) for days in group["checkins"].values())
    same = run("simulate", "--members", "25", "--seed", "7", "--start", "2026-12-01", "--db", str(tmp_path / "again.db"))
    assert same.stdout == res.stdout  # a seed makes it reproducible


def test_replay_drives_the_funnel_from_friend_request_to_enrolment(tmp_path):
    R2 = "r2@chatroom"

    def private(ts, who, text, mid):
        return {"ts": ts, "type": "message", "room": None, "from": who, "name": who, "text": text, "id": mid}

    lines = [
        {"ts": "2026-11-28T09:00:00+08:00", "type": "friendship", "room": None, "from": "f1", "name": "小新", "text": "想学理财", "id": "fr1"},
        {"ts": "2026-11-28T09:05:00+08:00", "type": "friendship", "room": None, "from": "f2", "name": "小美", "text": "", "id": "fr2"},
        {"ts": "2026-11-29T10:00:00+08:00", "type": "message", "room": R2, "topic": "理财3期", "from": "adv", "name": "导师",
         "text": "/start 2026-12-01", "id": "s1"},
        {"ts": "2026-11-29T10:01:00+08:00", "type": "join", "room": R2, "topic": "理财3期",
         "members": [{"id": "f1", "name": "小新"}, {"id": "f2", "name": "小美"}]},
        private("2026-11-29T11:00:00+08:00", "f2", "TD", "p1"),
        private("2026-11-29T12:00:00+08:00", "f1", "问卷", "p2"),
        private("2026-11-29T12:01:00+08:00", "f1", "1 3", "p3"),
        private("2026-11-29T12:02:00+08:00", "f1", "2", "p4"),
        private("2026-11-29T12:03:00+08:00", "f1", "1", "p5"),
        private("2026-11-29T12:04:00+08:00", "f1", "想学定投", "p6"),
        {"ts": "2026-11-29T13:00:00+08:00", "type": "message", "room": R2, "topic": "理财3期", "from": "adv", "name": "导师",
         "text": "/push advanced", "id": "s2"},
        {"ts": "2026-11-29T13:10:00+08:00", "type": "message", "room": R2, "topic": "理财3期", "from": "adv", "name": "导师",
         "text": "/enrolled f1 advanced", "id": "s3"},
    ]
    chat_file, db, out = tmp_path / "funnel.jsonl", tmp_path / "funnel.db", tmp_path / "sent.jsonl"
    chat_file.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    res = run("replay", str(chat_file), "--db", str(db), "--out", str(out))
    assert res.returncode == 0, res.stderr
    report = json.loads(run("report", "--db", str(db), "--json").stdout)
    (group,) = report["groups"]
    f = group["funnel"]
    assert (f["friends_added"], f["greeted"], f["invited"], f["joined"]) == (2, 2, 2, 2)
    assert (f["survey_started"], f["survey_completed"], f["opted_out"]) == (1, 1, 1)
    assert (f["offer_shown"], f["enrolled"]) == (2, 1)
    sent = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert any(s["to"] == "f1" and "专属理财导师" in s["text"] for s in sent)
    assert [(s["action"], s["to"]) for s in sent if "action" in s] == [("accept", "f1"), ("accept", "f2"), ("invite", "f1"), ("invite", "f2")]
    offer = next(s for s in sent if s["room"] == R2 and "基金投资进阶训练营" in s["text"])
    assert "剩余30个名额" in offer["text"] and "1.8折" in offer["text"]
    after_opt_out = [s["text"] for s in sent if s["to"] == "f2" and s["ts"] >= "2026-11-29T11:00"]  # +08:00
    assert after_opt_out == ["已为你退订营销消息，之后不会再给你推送优惠信息。课程通知不受影响。"], "an opted-out person was messaged"


REAL_WEEK = [  # how members of a real study group write: greetings, chatter, corrections, excuses, typos
    {"ts": "2026-11-30T10:00:00+08:00", "type": "join", "room": R, "topic": "理财2期",
     "members": [{"id": f"m{i}", "name": f"学员{i}"} for i in range(1, 7)]},
    msg("2026-11-30T10:05:00+08:00", "adv", "导师", "/start 2026-12-01", "a1"),
    msg("2026-11-30T20:05:00+08:00", "m1", "学员1", "大家好，我来自四川成都", "h1"),
    msg("2026-11-30T20:06:00+08:00", "m2", "学员2", "家乡签到：广西桂林", "h2"),
    msg("2026-11-30T20:07:00+08:00", "m3", "学员3", "老家山东青岛，现在在北京工作", "h3"),
    msg("2026-11-30T20:08:00+08:00", "m4", "学员4", "我是北京大学毕业的", "h4"),
    msg("2026-11-30T20:09:00+08:00", "m5", "学员5", "我来自北京朝阳区", "h5"),
    msg("2026-11-30T20:10:00+08:00", "m2", "学员2", "更正一下，家乡是江苏苏州", "h6"),
    msg("2026-11-30T20:11:00+08:00", "m6", "学员6", "我來自廣東廣州🌸", "h7"),
    msg("2026-12-01T09:10:00+08:00", "m1", "学员1", "今日打卡！", "c1"),
    msg("2026-12-01T09:11:00+08:00", "m2", "学员2", "今天没时间打卡了，明天补上", "c2"),
    msg("2026-12-01T09:12:00+08:00", "m3", "学员3", "打卡在哪里打", "c3"),
    msg("2026-12-01T09:13:00+08:00", "m4", "学员4", "周末去了个网红打卡地", "c4"),
    msg("2026-12-01T09:14:00+08:00", "m5", "学员5", "打咔✅", "c5"),
    msg("2026-12-01T13:00:00+08:00", "m1", "学员1", "今天的实操做完了", "p1"),
    msg("2026-12-01T13:01:00+08:00", "m3", "学员3", "实操完成不了", "p2"),
    msg("2026-12-01T13:02:00+08:00", "m5", "学员5", "打卡，实操也完成了✅", "p3"),
    msg("2026-12-07T19:00:00+08:00", "m6", "学员6", "我毕业了！", "g0"),  # before the ceremony: not yet
    msg("2026-12-07T20:40:00+08:00", "m1", "学员1", "我毕业了！", "g1"),
    msg("2026-12-07T20:41:00+08:00", "m5", "学员5", "毕业啦毕业啦🎉", "g2"),
    msg("2026-12-07T20:42:00+08:00", "m3", "学员3", "毕业典礼几点开始？", "g3"),
]


def test_a_recorded_week_written_the_way_members_write(tmp_path):
    chat_file = tmp_path / "week.jsonl"
    chat_file.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in REAL_WEEK) + "\n", encoding="utf-8")
    db = tmp_path / "week.db"
    assert run("replay", str(chat_file), "--db", str(db)).returncode == 0
    (group,) = json.loads(run("report", "--db", str(db), "--json").stdout)["groups"]
    assert group["hometowns"] == {
        "m1": {"province": "四川省", "city": "成都市"}, "m2": {"province": "江苏省", "city": "苏州市"},
        "m3": {"province": "山东省", "city": "青岛市"}, "m5": {"province": "北京市", "city": "北京市"},
        "m6": {"province": "广东省", "city": "广州市"}}
    assert group["checkins"] == {"m1": [1], "m5": [1]}
    assert group["practice"] == {"m1": [1], "m5": [1]}
    assert group["graduates"] == ["m1", "m5"]


def test_a_fifth_of_the_corpus_through_replay_and_report_is_recorded_as_labelled():
    """What an operator sees (replay, then report --json) agrees with the labels, not just the language layer's API:
    every fifth group message of the corpus, each from a member of its own, at a moment its ritual listens."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from language_replay_eval import replay_score

    lines = (ROOT / "tests" / "language" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(x) for x in lines[::5]]
    sent, scores = replay_score(items)
    assert sent > 1500
    assert {name: (s.precision >= 0.98, s.recall >= 0.95) for name, s in scores.items()} == {
        name: (True, True) for name in ("hometown", "checkin", "practice", "graduation")}, \
        {name: (s.misses + s.false_positives)[:5] for name, s in scores.items()}
