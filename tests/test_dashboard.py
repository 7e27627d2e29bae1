"""The dashboard: `main.py dashboard` serves Datasette over a cohort's database, read-only, on 127.0.0.1; every
canned query answers with the cohort's real numbers; the file is never written; beyond loopback it needs a password."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.request

import httpx
import pytest
import yaml

import dashboard_cohort as cohort
from bot.dashboard.gate import PasswordGate, is_loopback
from bot.dashboard.site import DB_NAME, QUERIES, build, metadata
from bot.playbook import load_playbook
from harness import PLAYBOOK, ROOT

CANNED = list(yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"])


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The scripted cohort's database, and the dashboard serving it: (db path, base URL, the file's digest before)."""
    db = tmp_path_factory.mktemp("dashboard") / "bot.db"
    cohort.build(db).bot.close()
    before = digest(db)
    port = cohort.free_port()
    proc = cohort.serve(db, port)
    yield db, f"http://127.0.0.1:{port}", before
    cohort.stop(proc)


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.status, resp.read().decode("utf-8")


def rows(served, name: str) -> list[dict]:
    status, body = get(f"{served[1]}/{DB_NAME}/{name}.json?_shape=objects")
    assert status == 200
    return json.loads(body)["rows"]


def test_the_database_lists_every_canned_query(served):
    _, body = get(f"{served[1]}/{DB_NAME}.json")
    assert sorted(q["name"] for q in json.loads(body)["queries"]) == sorted(CANNED)


@pytest.mark.parametrize("name", CANNED)
def test_every_canned_query_answers_with_rows(served, name):
    assert rows(served, name)


def test_the_funnel_shows_the_cohorts_numbers_step_by_step(served):
    first = [r for r in rows(served, "funnel") if r["期"] == cohort.EXPECTED["cohort"]]
    assert {r["阶段"]: r["人数"] for r in first} == cohort.EXPECTED["funnel"]
    assert [r["序"] for r in first] == sorted(r["序"] for r in first)
    assert next(r for r in first if r["阶段"] == "毕业")["占进群百分比"] == 50.0  # 3 of 6
    second = {r["阶段"]: r["人数"] for r in rows(served, "funnel") if r["期"] != cohort.EXPECTED["cohort"]}
    assert second["进群"] == 3 and second["家乡签到"] == 1 and second["打卡"] == 0  # the next cohort has only begun


def test_the_daily_check_in_rate_counts_members_without_the_advisor(served):
    got = {r["第几天"]: (r["打卡人数"], r["群成员"], r["日期"]) for r in rows(served, "checkin_rate")}
    assert got == {day: (n, 6, f"2026-12-{day:02d}") for day, n in cohort.EXPECTED["checkins"].items()}
    assert rows(served, "checkin_rate")[0]["打卡率"] == 83.3  # 5 of 6 on day 1


def test_the_streak_distribution_counts_each_member_once(served):
    first = {r["最长连续打卡天数"]: r["人数"] for r in rows(served, "streaks") if r["期"] == cohort.EXPECTED["cohort"]}
    assert first == cohort.EXPECTED["streaks"]


def test_hometowns_by_province(served):
    assert {r["省份"]: r["人数"] for r in rows(served, "hometowns")} == cohort.EXPECTED["provinces"]


def test_practice_completion_per_task_day(served):
    assert {r["第几天"]: r["完成人数"] for r in rows(served, "practice")} == cohort.EXPECTED["practice"]


def test_the_offer_shows_its_true_seats(served):
    (offer,) = rows(served, "offers")
    assert {k: offer[k] for k in cohort.EXPECTED["offer"]} == cohort.EXPECTED["offer"]
    assert offer["截止"] == "2026-12-31 23:59" and offer["折扣"] == "1.8折" and offer["状态"] == "进行中"


def test_coupons_pushed_and_claimed(served):
    c400 = next(r for r in rows(served, "coupons") if r["编号"] == "c400")
    assert c400["券"] == "满10000元减400元"
    assert {k: c400[k] for k in cohort.EXPECTED["coupon_c400"]} == cohort.EXPECTED["coupon_c400"]
    assert c400["问卷获赠"] == 1 and c400["领取合计"] == 3


def test_survey_answers_are_counted_by_option_and_free_text_is_not_shown(served):
    got = rows(served, "survey")
    count = {(r["题号"], r["回答"]): r["人数"] for r in got}
    assert count[(1, "基金理财")] == cohort.EXPECTED["survey_funds"]
    assert count[(2, "每周一次")] == cohort.EXPECTED["survey_weekly"]
    assert count[(4, "（文字回答：只计人数，不显示内容）")] == cohort.EXPECTED["survey_wish_answers"]
    assert "想学基金定投" not in json.dumps(got, ensure_ascii=False)


def test_private_questions_per_day_answered_and_how_fast_without_their_text(served):
    (day,) = rows(served, "questions")
    assert {k: day[k] for k in cohort.EXPECTED["questions"]} == cohort.EXPECTED["questions"]
    assert not any("定投" in str(v) for v in day.values())


def test_a_playbook_without_the_relay_has_no_questions_chart():
    pb = load_playbook(PLAYBOOK)
    pb = pb.model_copy(update={"rituals": [r for r in (pb.rituals or []) if r != "relay"] or ["course", "checkin"]})
    meta = metadata(pb, ["adv"])
    assert "questions" not in meta["databases"][DB_NAME]["queries"]
    assert all("questions" not in row for row in meta["plugins"]["datasette-dashboards"]["cohort"]["layout"])


def test_the_main_page_is_the_dashboard_in_chinese(served):
    status, page = get(served[1] + "/")  # redirected to /-/dashboards/cohort
    assert status == 200
    assert "<title>学习群数据看板</title>" in page
    for title in ("转化漏斗（按期）", "每日打卡率（按群）", "连续打卡分布", "家乡分布（按省份）", "实操完成（按群、按天）",
                  "高价课优惠与名额", "满减券（推送与领取）", "问卷回答"):
        assert title in page


def test_the_database_file_is_unchanged_after_every_query(served):
    db, base, before = served
    for name in CANNED:
        rows(served, name)
    get(f"{base}/{DB_NAME}/groups.json")
    assert digest(db) == before


def test_what_members_wrote_privately_never_shows_even_to_typed_sql(served):
    """What the bot told members is in the database; a visitor who types SQL over it reads NULL, not the texts (the
    inbox's events, handled and gone here, are hidden the same way)."""
    import urllib.parse
    db, base, _ = served
    for sql in ("SELECT text, asked FROM outbox", "SELECT * FROM outbox WHERE to_id IS NOT NULL"):
        _, body = get(f"{base}/{DB_NAME}.json?_shape=objects&sql=" + urllib.parse.quote(sql))
        found = json.loads(body)["rows"]
        assert found, sql  # the rows are there ...
        assert all(v is None for r in found for k, v in r.items() if k in ("event", "text", "asked")), sql  # ... not their texts
    _, body = get(f"{base}/{DB_NAME}.json?_shape=objects&sql=" + urllib.parse.quote("SELECT COUNT(*) AS n FROM outbox"))
    assert json.loads(body)["rows"][0]["n"] > 0


def test_a_write_through_datasette_is_refused_and_changes_nothing(served):
    db, _, before = served
    ds = build(db, load_playbook(PLAYBOOK), {"adv"})
    with pytest.raises(PermissionError):
        asyncio.run(ds.get_database(DB_NAME).execute_write("DELETE FROM groups"))
    assert digest(db) == before


@pytest.mark.parametrize("args, code, words", [
    (["--host", "0.0.0.0"], 2, "--password"),
    (["--host", "192.168.1.20"], 2, "--password"),
    (["--db", "no-such.db"], 5, "no such database"),
    (["--port", "{busy}"], 3, "Address already in use"),
])
def test_a_dashboard_that_must_not_start_says_why_in_one_line(served, tmp_path, args, code, words):
    env = {k: v for k, v in os.environ.items() if k != "BOT_DASHBOARD_PASSWORD"}
    busy = served[1].rpartition(":")[2]  # the served dashboard's own port
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "dashboard", "--db", str(served[0]),
                           *(a.format(busy=busy) for a in args)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert done.returncode == code
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("192.168.1.20", False), ("::", False), ("dashboard.example", False),
])
def test_which_hosts_are_this_machine_only(host, loopback):
    assert is_loopback(host) is loopback


def test_with_a_password_every_page_asks_for_it(served):
    app = PasswordGate(build(served[0], load_playbook(PLAYBOOK), {"adv"}).app(), "暗号123")

    async def fetch(password: str | None) -> int:
        headers = {"authorization": "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()} if password else {}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return (await client.get(f"/{DB_NAME}/funnel.json", headers=headers)).status_code

    assert asyncio.run(fetch(None)) == 401
    assert asyncio.run(fetch("wrong")) == 401
    assert asyncio.run(fetch("暗号123")) == 200
