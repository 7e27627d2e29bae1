"""Playbook as data: the default loads; a bad playbook stops start-up naming file, field and problem."""
from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from bot.playbook import PlaybookError, load_playbook
from harness import PLAYBOOK, ROOT


def write(tmp_path, mutate) -> str:
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_default_playbook_is_faithful_to_the_seed():
    pb = load_playbook(PLAYBOOK)
    assert pb.course.title == "7天小白理财实操课" and pb.course.days == 7
    assert pb.persona.title == "专属理财导师" and pb.persona.years >= 1
    assert "家乡签到" in pb.section("opening").prompt
    assert "我毕业啦" in pb.section("graduation").script
    assert all(d.task and d.task.link.startswith("https://") for d in pb.days)
    assert "签到打卡" in pb.language["checkin"]["words"]  # an operator's own phrase, added to the layer's defaults
    assert pb.course.timezone == "Asia/Shanghai"


@pytest.mark.parametrize("mutate, field, problem", [
    (lambda d: d["days"][2]["task"].update(link="not a url"), "days[2].task.link", "http(s) URL"),
    (lambda d: d["checkin"].update(tally_time="25:00"), "checkin.tally_time", "HH:MM"),
    (lambda d: d["settings"].update(tally_time="22:00"), "settings", "settings.tally_time has moved to checkin.tally_time"),
    (lambda d: d.update(rituals=["course", "quiz"]), "rituals[1]", "no ritual named 'quiz'"),
    (lambda d: d.update(rituals=["course", "hometown", "checkin", "practice"]), "graduation",
     "belongs to the ritual 'graduation', which this playbook's rituals: leaves out"),
    (lambda d: d["graduation"].update(day=3), "graduation.day", "must be the last course day"),
    (lambda d: d["survey"].update(reward=["c400", "c9"]), "survey.reward", "没有这张券 'c9'"),
    (lambda d: d["survey"].update(start_keywords=["调查"]), "survey.invite", "「问卷」不在 survey.start_keywords"),
    (lambda d: d["optout"].update(group_hint="{name}"), "optout.group_hint", "unknown placeholder {name}"),
    (lambda d: d["offers"]["closed"].update(sold_out="{seats}"), "offers.closed.sold_out", "unknown placeholder {seats}"),
    (lambda d: d["course"].pop("title"), "course.title", "is required"),
    (lambda d: d["course"].update(timezone="Mars/Olympus"), "course.timezone", "unknown time zone"),
    (lambda d: d["days"].pop(), "days", "each course day 1..7"),
    (lambda d: d["checkin"].update(tally="{count} {bogus}"), "checkin.tally", "unknown placeholder {bogus}"),
    (lambda d: d["opening"].update(summary="{names} {city}"), "opening.summary", "unknown placeholder {city}"),
    (lambda d: d["offers"]["items"][0].update(template="{title} {bonus}"), "offers.items[0].template", "unknown placeholder {bonus}"),
    (lambda d: d["alumni"]["posts"][0].update(text="{day}"), "alumni.posts[0].text", "unknown placeholder {day}"),
    (lambda d: d["persona"].update(nickname="x"), "persona.nickname", "not a known field"),
    (lambda d: d["days"][0]["task"].update(due="11:00"), "days[0].task", "must be after"),
    (lambda d: d["days"][1].update(lesson="理财" * 600), "days[1].lesson", "超过 settings.max_message_chars（1000）"),
    (lambda d: d["marketing"].update(countdown_hours=[24, 0]), "marketing.countdown_hours", "between 1 and 720"),
    (lambda d: d["coupons"]["items"][0].update(valid_until="2026-12-31"), "coupons.items[0].valid_until", "needs a UTC offset"),
    (lambda d: d["offers"]["items"][0].update(deadline="soon"), "offers.items[0].deadline", "must be an ISO-8601 time"),
    (lambda d: d["marketing"].update(closed_text="{title}{seats}"), "marketing.closed_text", "unknown placeholder {seats}"),
])
def test_bad_playbook_names_file_field_and_problem(tmp_path, mutate, field, problem):
    path = write(tmp_path, mutate)
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    message = str(err.value)
    assert message.startswith(path) and field in message and problem in message


def test_unparseable_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("course:\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"broken.yaml: line \d+: 不是有效的 YAML（not valid YAML"):
        load_playbook(path)


def test_check_command_validates_without_running(tmp_path):
    ok = subprocess.run([sys.executable, "main.py", "check", str(PLAYBOOK)], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0 and "ok" in ok.stdout
    bad = write(tmp_path, lambda d: d["graduation"].update(day=3))
    res = subprocess.run([sys.executable, "main.py", "check", bad], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 2
    assert f"{bad}: graduation.day" in res.stderr and "Traceback" not in res.stderr


def test_run_refuses_to_start_on_a_bad_playbook(tmp_path):
    bad = write(tmp_path, lambda d: d["settings"].update(grace_minutes=-5))
    res = subprocess.run([sys.executable, "main.py", "run", "--playbook", bad, "--db", str(tmp_path / "x.db")],
                         cwd=ROOT, capture_output=True, text=True, input="", timeout=60)
    assert res.returncode == 2 and "settings.grace_minutes" in res.stderr and "Traceback" not in res.stderr


def test_a_report_reads_the_playbook_without_checking_its_language_additions(tmp_path):
    bad = write(tmp_path, lambda d: d["language"].update(checkin={"wordz": ["签到"]}))
    with pytest.raises(PlaybookError, match="language.checkin.wordz: unknown key"):
        load_playbook(bad)  # run, check, replay: the cue lists are checked
    pb = load_playbook(bad, language=False)  # report: reads no message, so the cue lists are not read at all
    assert pb.course.days == 7
    with pytest.raises(PlaybookError, match="graduation.day"):  # everything else is still checked
        load_playbook(write(tmp_path, lambda d: d["graduation"].update(day=3)), language=False)
