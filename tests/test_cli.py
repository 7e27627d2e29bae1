"""The command line as a new user meets it: help in Chinese first, --version, `report` on the same database as
`run` by default and in Chinese, `check` naming file, field and problem in Chinese, 9:00 read as 09:00."""
from __future__ import annotations

import re
import subprocess
import sys

import click
import pytest
import yaml
from click.testing import CliRunner

import bot
from bot.cli import config
from bot.playbook import PlaybookError, load_playbook
from harness import PLAYBOOK, ROOT
from main import cli

HAN = re.compile(r"[\u4e00-\u9fff]")


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def playbook(tmp_path, mutate, raw: str | None = None) -> str:
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "pb.yaml"
    path.write_text(raw if raw is not None else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_every_command_and_option_is_described_in_chinese():
    top = invoke("--help")
    assert top.exit_code == 0 and "学习群机器人" in top.output and "显示帮助并退出" in top.output
    for name, command in cli.commands.items():
        assert HAN.search(command.help or ""), f"{name}: no Chinese help"
        for option in (p for p in command.params if isinstance(p, click.Option)):
            assert HAN.search(option.help or ""), f"{name} {option.name}: no Chinese help"
        shown = invoke(name, "--help")
        assert shown.exit_code == 0 and "显示帮助并退出" in shown.output and "用法 Usage" in shown.output


def test_version_comes_from_the_one_version_string():
    for flag in ("--version", "-V"):
        result = invoke(flag)
        assert result.exit_code == 0 and result.output.strip().endswith(bot.__version__)
    out = subprocess.run([sys.executable, "main.py", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and bot.__version__ in out.stdout


def test_report_reads_the_database_run_uses_by_default_in_chinese(tmp_path, monkeypatch):
    db = tmp_path / "bot.db"
    played = invoke("simulate", "--members", "3", "--start", "2026-12-01", "--db", db, "--quiet")
    assert played.exit_code == 0
    monkeypatch.setattr(config, "DEFAULT_DB", db)
    result = invoke("report")
    assert result.exit_code == 0, result.output
    assert "状态 校友" in result.output and "alumni" not in result.output and "第1天 2026-12-01" in result.output
    assert re.search(r"每日打卡 第1天 \d+人", result.output)


def test_report_without_a_database_says_so_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DEFAULT_DB", tmp_path / "none.db")
    result = CliRunner().invoke(cli, ["report"])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 5 and len(lines) == 1 and "none.db 不存在" in lines[0]
    assert not (tmp_path / "none.db").exists()


def test_check_names_file_field_and_problem_in_chinese(tmp_path):
    path = playbook(tmp_path, lambda d: d["alumni"]["posts"][0].update(text="本周四晚8点直播"))
    result = subprocess.run([sys.executable, "main.py", "check", path], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "剧本有误" in result.stderr
    assert f"{path}: alumni.posts[0].text: 不能直接写日期或星期「周四」" in result.stderr
    with pytest.raises(PlaybookError) as err:  # the fields' own problems come first, all of them
        load_playbook(playbook(tmp_path, lambda d: (d["checkin"].update(reminder_time="25:00"),
                                                    d["persona"].update(nickname="x"), d["course"].pop("title"))))
    assert "persona.nickname: 不是已知字段" in str(err.value) and "course.title: 必填" in str(err.value)
    assert "checkin.reminder_time: 需要本地时间 HH:MM（24小时制" in str(err.value)


def test_a_time_like_9_00_is_read_as_09_00(tmp_path):
    quoted = load_playbook(playbook(tmp_path, lambda d: d["graduation"].update(time="9:30")))
    assert quoted.section("graduation").time == "09:30"
    path = playbook(tmp_path, lambda d: None,
                    raw=PLAYBOOK.read_text(encoding="utf-8").replace('time: "20:30"', "time: 8:05", 1))
    assert load_playbook(path).section("graduation").time == "08:05"  # YAML's unquoted 8:05 (sexagesimal 485)
    ok = subprocess.run([sys.executable, "main.py", "check", path], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0 and "ok" in ok.stdout


@pytest.mark.parametrize("value", ["25:00", "9:5", "nine", "09:60"])
def test_a_time_that_is_not_a_time_is_refused_in_chinese(tmp_path, value):
    with pytest.raises(PlaybookError, match=r"graduation.time: 需要本地时间 HH:MM"):
        load_playbook(playbook(tmp_path, lambda d: d["graduation"].update(time=value)))


def test_progress_bars_go_to_stderr_only_when_asked_or_on_a_terminal(tmp_path):
    csv = tmp_path / "contacts.csv"
    csv.write_text("id,name\n" + "".join(f"wx_{i},名{i}\n" for i in range(50)), encoding="utf-8")
    cmd = [sys.executable, "main.py", "import-contacts", str(csv), "--db", str(tmp_path / "bot.db")]
    quiet = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stderr == ""
    shown = subprocess.run(cmd + ["--progress"], cwd=ROOT, capture_output=True, text=True)
    assert "50/50" in shown.stderr and "50/50" not in shown.stdout
    sim = subprocess.run([sys.executable, "main.py", "simulate", "--members", "3", "--quiet", "--progress",
                          "--db", str(tmp_path / "sim.db")], cwd=ROOT, capture_output=True, text=True)
    assert sim.returncode == 0 and "模拟 simulate: 100%" in sim.stderr and "事件/s" not in sim.stdout


@pytest.mark.parametrize("argv, words", [(["check"], "Missing argument 'PLAYBOOK'"), (["chek"], "Did you mean 'check'"),
                                         (["report", "--bogus"], "No such option '--bogus'")])
def test_a_usage_error_is_the_usage_line_and_one_line_of_error_in_chinese(argv, words):
    result = CliRunner().invoke(cli, argv)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 2
    assert lines[0].startswith("用法 Usage: ") and lines[1].startswith("错误（error）：") and words in lines[1]
