"""Capacity you can see before it hurts: the plan computes each account's load by hour from the calendar and the live
groups and warns when scheduled posts will go out late; the running bot tells the advisors when they do."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path


from bot.delivery.late import limited_key, told_key
from bot.delivery.sender import Pacing
from bot.playbook import load_playbook
from bot.reporting import report
from bot.schedule.capacity import AccountLimit, LiveGroup, plan
from bot.transport import SendError
from harness import ADVISOR, PLAYBOOK, Chat, local, playbook_with

PB = load_playbook(PLAYBOOK)


def after_tally(tmp_path) -> Path:
    """The default playbook with the tally card after the text tally: two posts at 22:00, the busiest moment."""
    return playbook_with(tmp_path, pictures={"tally_card": "after"})


def groups(n: int, account: str, start=date(2026, 12, 1), state="in_course", members=300, prefix="r") -> list[LiveGroup]:
    return [LiveGroup(f"{prefix}{account}{i}", account, state, start, members) for i in range(n)]


def test_the_pace_of_an_account_is_its_cap_or_what_the_pause_between_groups_allows():
    assert AccountLimit.of("adv1", Pacing()).rate == 24  # 60 s / 2.5 s, the mean pause between two groups
    assert AccountLimit.of("adv1", Pacing(per_minute=10)).rate == 10
    assert AccountLimit.of("adv1", Pacing(switch_jitter_seconds=(0, 0))).rate == 40


def test_250_groups_on_one_account_post_the_tally_late_and_the_warning_names_the_day_and_the_last_minute(tmp_path):
    p = plan(load_playbook(after_tally(tmp_path)), groups(250, "adv2"), [AccountLimit("adv2", 40, 24)], local("2026-12-01 20:30"), days=1)
    lesson = next(b for b in p.accounts[0].bursts if b.kinds == ("lesson",))
    assert (lesson.due, lesson.posts, lesson.groups) == (local("2026-12-02 09:00"), 250, 250)
    assert lesson.last_out.astimezone(PB.tz).strftime("%H:%M") == "09:10"  # 250 / 24 a minute, the estimate ahead of it
    assert "账号 adv2：明天（12月2日 周三） 22:00 需要发送 500 条，预计最晚 22:20 发完（晚 20 分钟）" in p.warnings
    assert not any("09:00" in w for w in p.warnings)  # 10 minutes late is within the 15 allowed
    assert any(w.startswith("  建议：账号 adv2 要按时发完需少带约 70 个群") for w in p.warnings)


def test_with_the_card_instead_of_the_text_tally_the_same_250_groups_post_it_on_time():
    p = plan(PB, groups(250, "adv2"), [AccountLimit("adv2", 40, 24)], local("2026-12-01 20:30"), days=1)
    tally = next(b for b in p.accounts[0].bursts if b.due == local("2026-12-02 22:00"))
    assert (tally.kinds, tally.posts, tally.groups) == (("tally_card",), 250, 250)  # one post a group: the card
    assert p.warnings == []


def test_spreading_the_same_groups_over_two_accounts_is_on_time():
    limits = [AccountLimit("a", 40, 24), AccountLimit("b", 40, 24)]
    p = plan(PB, groups(125, "a") + groups(125, "b"), limits, local("2026-12-01 20:30"), days=1)
    assert p.warnings == []
    assert [a.groups for a in p.accounts] == [125, 125]
    assert max(b.late for a in p.accounts for b in a.bursts) < timedelta(minutes=15)


def test_a_late_account_is_told_where_the_spare_room_is(tmp_path):
    limits = [AccountLimit("busy", 40, 24), AccountLimit("quiet", 40, 24)]
    p = plan(load_playbook(after_tally(tmp_path)), groups(250, "busy") + groups(10, "quiet"), limits, local("2026-12-01 20:30"), days=1)
    tip = next(w for w in p.warnings if "建议：账号 busy" in w)
    assert "可移到账号 quiet（那时还能多带约 170 个群）" in tip


def test_the_load_by_hour_counts_posts_and_the_estimate_of_acknowledgements():
    p = plan(PB, groups(10, ""), [AccountLimit.of("", Pacing())], local("2026-12-01 23:00"), days=1)
    hours = {h.start.strftime("%H"): h for h in p.accounts[0].hours}
    assert hours["09"].posts == 10 and hours["22"].posts == 10  # lessons; tally cards (the card is the tally)
    # each group: 12 messages a day, 5 of them scheduled (lesson, task, task reminder, check-in reminder, the tally
    # card): the other 7 spread from 09:00 to 22:00
    assert round(sum(h.other for h in p.accounts[0].hours)) == 10 * (12 - 5)
    assert "daily_messages" in p.how


def test_closed_paused_and_finished_actions_add_nothing():
    now = local("2026-12-01 08:00")
    live = groups(1, "", state="in_course")
    paused = [LiveGroup("p", "", "in_course", date(2026, 12, 1), 30, paused=True)]
    closed = [LiveGroup("c", "", "closed", date(2026, 12, 1), 30)]
    p = plan(PB, live + paused + closed, [AccountLimit.of("", Pacing())], now, days=0)
    assert p.accounts[0].groups == 2  # the paused group is the account's, it just posts nothing
    assert sum(b.posts for b in p.accounts[0].bursts) == sum(h.posts for h in p.accounts[0].hours) == 5
    done = [LiveGroup("r", "", "in_course", date(2026, 12, 1), 30, fired=frozenset({"lesson:1"}))]
    assert sum(h.posts for h in plan(PB, done, [AccountLimit.of("", Pacing())], now, days=0).accounts[0].hours) == 4


def test_a_group_of_an_account_no_longer_configured_counts_under_the_first():
    p = plan(PB, groups(3, "gone"), [AccountLimit("adv1", 40, 24)], local("2026-12-01 08:00"), days=0)
    assert p.accounts[0].groups == 3


# -- the running bot: late posts are logged and the advisors told, once an hour -------------------------------------
def late_notices(chat: Chat) -> list[str]:
    return [o.text for o in chat.said_out() if o.to == ADVISOR and o.room is None and "定时消息晚了" in o.text]


def bind_many(chat: Chat, n: int) -> None:
    for i in range(n):
        chat.say(ADVISOR, "/start 2026-12-01", room=f"g{i}@chatroom")


def test_posts_going_out_late_tell_the_advisors_once_an_hour_even_across_a_restart(tmp_path):
    chat = Chat(tmp_path / "late.db", local("2026-11-30 10:00"), pacing=Pacing(per_minute=1))
    bind_many(chat, 30)  # 30 openings at 20:00 through an account that sends one message a minute
    chat.until("2026-11-30 20:20")
    notices = late_notices(chat)
    assert len(notices) == 1 and notices[0].startswith("⚠️ 定时消息晚了 16 分钟发出（队列 ")
    chat.restart()  # still sending the late openings
    chat.until("2026-11-30 21:00")
    assert late_notices(chat) == []
    assert chat.store.meta.get(told_key("")) is not None
    chat.until("2026-12-01 09:40")  # the lessons are late too, more than an hour later: told again
    again = late_notices(chat)
    assert len(again) == 1 and again[0].startswith("⚠️ 定时消息晚了 16 分钟发出")


def test_posts_on_time_tell_nobody(tmp_path):
    chat = Chat(tmp_path / "ontime.db", local("2026-11-30 10:00"))
    bind_many(chat, 5)
    chat.until("2026-12-01 09:30")
    assert late_notices(chat) == []


# -- main.py plan ---------------------------------------------------------------------------------------------------
def plan_cli(*args):
    from click.testing import CliRunner

    from main import cli

    return CliRunner().invoke(cli, ["plan", *map(str, args)], catch_exceptions=False)


def test_plan_warns_in_chinese_when_the_one_account_cannot_post_on_time(tmp_path):
    chat = Chat(tmp_path / "busy.db", local("2026-11-30 10:00"))
    bind_many(chat, 250)
    chat.bot.close()
    after = after_tally(tmp_path)
    result = plan_cli("--db", tmp_path / "busy.db", "--at", "2026-11-30T21:00+08:00", "--days", "1", "--playbook", after)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "容量计划（capacity plan）：今天（11月30日 周一） 21:00 起，到 明天（12月1日 周二） 结束；定时消息晚于 15 分钟发出算晚"
    assert lines[1] == "■ 默认账号：250 个群，0 位成员；每分钟最多 40 条，跨群连发约 24 条/分钟（1440 条/小时）"
    assert "  默认账号：明天（12月1日 周二） 22:00 需要发送 500 条，预计最晚 22:20 发完（晚 20 分钟）" in lines
    assert lines[-1].startswith("估算方法：")
    data = json.loads(plan_cli("--db", tmp_path / "busy.db", "--at", "2026-11-30T21:00+08:00", "--json",
                               "--playbook", after).output)
    assert data["accounts"][0]["groups"] == 250 and data["late_minutes"] == 15
    tally = next(b for b in data["accounts"][0]["bursts"] if b["kinds"] == ["tally", "tally_card"])
    assert tally == {"due": "2026-12-01T22:00:00+08:00", "posts": 500, "groups": 250, "kinds": ["tally", "tally_card"],
                     "queued": 500, "last_out": "2026-12-01T22:20:50+08:00", "late_minutes": 20}


def test_plan_without_a_database_says_so(tmp_path):
    result = plan_cli("--db", tmp_path / "none.db")
    assert result.exit_code == 5 and "不存在" in result.output


# -- several accounts: the report shows them, invitations go where an account has room ------------------------------
ROOM_A, ROOM_B = "roomA@chatroom", "roomB@chatroom"


def two_accounts(tmp_path, **funnel) -> Chat:
    return Chat(tmp_path / "two.db", local("2026-11-30 10:00"), playbook=playbook_with(tmp_path, funnel=funnel),
                accounts=("adv1", "adv2"))


def open_cohort(chat: Chat, room: str, via: str, *members: str) -> None:
    chat.join(*members, room=room, via=via)
    chat.say(ADVISOR, "/start 2026-12-02", room=room, via=via)


def invited_into(chat: Chat, contact: str) -> list[str]:
    return chat.store.funnel.invited_to(contact)


def test_the_report_shows_each_accounts_groups_members_messages_and_friends(tmp_path):
    chat = two_accounts(tmp_path)
    open_cohort(chat, ROOM_A, "adv1", "alice", "bob")
    open_cohort(chat, ROOM_B, "adv2", "carol")
    chat.befriend("dan", via="adv2")
    chat.sent_by("adv1"), chat.sent_by("adv2")
    data = report.build(chat.store, chat.pb.course.days, chat.pb.chosen, local("2026-11-30 00:00"))
    sent = {a: len(chat.transports[a].sent) for a in ("adv1", "adv2")}
    assert data["accounts"] == {
        "adv1": {"groups": 1, "running": 1, "members": 2, "sent_today": sent["adv1"], "sent_total": sent["adv1"],
                 "friends": 0},
        "adv2": {"groups": 1, "running": 1, "members": 1, "sent_today": sent["adv2"], "sent_total": sent["adv2"],
                 "friends": 1}}
    assert [g["account"] for g in data["groups"]] == ["adv1", "adv2"]
    text = report.render(data)
    assert "■ 账号（accounts）" in text
    assert f"  账号 adv2：群 1 个（进行中 1）· 成员 1 人 · 今天发出 {sent['adv2']} 条 · 共发出 {sent['adv2']} 条 · 好友 1 人" in text
    assert "成员 2 人 · 账号 adv1" in text
    later = report.build(chat.store, chat.pb.course.days, chat.pb.chosen, local("2026-12-01 00:00"))
    assert later["accounts"]["adv1"]["sent_today"] == 0 and later["accounts"]["adv1"]["sent_total"] == sent["adv1"]


def test_the_report_of_one_account_has_no_account_lines(tmp_path):
    chat = Chat(tmp_path / "one.db", local("2026-11-30 10:00"))
    chat.start_course("alice")
    data = report.build(chat.store)
    assert list(data["accounts"]) == [""] and "账号" not in report.render(data)


def test_an_invitation_comes_from_the_friends_own_account_and_waits_while_that_account_has_no_room(tmp_path):
    chat = two_accounts(tmp_path, invite_per_day=1, accept_interval_seconds=0)
    open_cohort(chat, ROOM_A, "adv1", "alice")
    open_cohort(chat, ROOM_B, "adv2", "bob")  # starts on the same day
    chat.befriend("p1", via="adv2")
    assert invited_into(chat, "p1") == [ROOM_B]  # adv2's group, though adv1's sorts first: p1 befriended adv2
    chat.befriend("p2", via="adv2")
    assert invited_into(chat, "p2") == []  # adv2 has used today's invitation, and adv1 is no friend of p2's: p2 waits
    chat.befriend("p3", via="adv1")
    assert invited_into(chat, "p3") == [ROOM_A]  # one full account does not hold back another account's friends
    assert chat.store.funnel.waiting() == ["p2"]
    chat.until("2026-12-01 00:05")  # a new day: each account may invite again
    assert invited_into(chat, "p2") == [ROOM_B]
    invites = {a: sorted((o.room, o.to) for o in chat.sent_by(a) if o.action == "invite") for a in ("adv1", "adv2")}
    assert invites == {"adv1": [(ROOM_A, "p3")], "adv2": [(ROOM_B, "p1"), (ROOM_B, "p2")]}  # each by a member of the room


def test_an_account_wechat_limits_invites_nobody_until_it_sends_again_and_the_other_account_goes_on(tmp_path):
    chat = two_accounts(tmp_path, accept_interval_seconds=0)
    open_cohort(chat, ROOM_A, "adv1", "alice")
    open_cohort(chat, ROOM_B, "adv2", "bob")
    chat.sent_by("adv1"), chat.sent_by("adv2")
    chat.transports["adv1"].fail_next = [SendError("发送过于频繁，请稍后再试")] * 3
    chat.until("2026-12-01 20:01")  # the opening evening: adv1 tries to post, WeChat refuses
    assert chat.store.meta.get(limited_key("adv1"))
    chat.befriend("p1", via="adv1")  # accepted and greeted by adv1 (queued), but adv1 invites nobody while limited
    assert invited_into(chat, "p1") == []
    chat.befriend("p2", via="adv2")  # adv2 is not limited: its friend is invited at once
    assert invited_into(chat, "p2") == [ROOM_B]
    chat.advance(minutes=30)  # adv1 sends again: the episode is over
    assert not chat.store.meta.get(limited_key("adv1"))
    chat.until("2026-12-02 00:05")  # the waiting list's next round: adv1 invites its friend into its own group
    assert invited_into(chat, "p1") == [ROOM_A]


def test_plan_over_an_accounts_file_names_each_account_and_where_there_is_room(tmp_path):
    chat = Chat(tmp_path / "two.db", local("2026-11-30 10:00"), accounts=("adv1", "adv2"))
    for i in range(250):
        chat.say(ADVISOR, "/start 2026-12-01", room=f"a{i}@chatroom", via="adv1")
    for i in range(10):
        chat.say(ADVISOR, "/start 2026-12-01", room=f"b{i}@chatroom", via="adv2")
    chat.bot.close()
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text('- {name: adv1, endpoint: "127.0.0.1:8788", token_env: ADV1_TOKEN}\n'
                        '- {name: adv2, endpoint: "127.0.0.1:8789", token_env: ADV2_TOKEN, per_minute: 20}\n', encoding="utf-8")
    result = plan_cli("--db", tmp_path / "two.db", "--accounts", accounts, "--at", "2026-11-30T21:00+08:00", "--days", "1",
                      "--playbook", after_tally(tmp_path))
    assert result.exit_code == 0, result.output  # the tokens are not needed to plan
    lines = result.output.splitlines()
    assert "■ 账号 adv2：10 个群，0 位成员；每分钟最多 20 条，跨群连发约 20 条/分钟（1200 条/小时）" in lines
    assert "  账号 adv1：明天（12月1日 周二） 22:00 需要发送 500 条，预计最晚 22:20 发完（晚 20 分钟）" in lines
    assert "  建议：账号 adv1 要按时发完需少带约 70 个群，可移到账号 adv2（那时还能多带约 140 个群）；或增加一个账号" in lines
    assert not any(line.startswith("  账号 adv2：") for line in lines)


def test_plan_with_a_bad_accounts_file_names_the_field(tmp_path):
    Chat(tmp_path / "x.db", local("2026-11-30 10:00")).bot.close()
    bad = tmp_path / "bad.yaml"
    bad.write_text('- {name: adv1, endpoint: "nowhere", token: t}\n', encoding="utf-8")
    result = plan_cli("--db", tmp_path / "x.db", "--accounts", bad)
    assert result.exit_code == 2 and f"{bad}: accounts[0].endpoint: " in result.output


def test_only_the_slow_account_is_reported_late_and_through_itself(tmp_path):
    chat = Chat(tmp_path / "slow.db", local("2026-11-30 10:00"), accounts=("adv1", "adv2"),
                pacing={"adv2": Pacing(per_minute=1)})
    for i in range(30):
        chat.say(ADVISOR, "/start 2026-12-01", room=f"s{i}@chatroom", via="adv2")
        chat.say(ADVISOR, "/start 2026-12-01", room=f"f{i}@chatroom", via="adv1")
    chat.until("2026-11-30 20:40")
    told = {a: [o.text for o in chat.sent_by(a) if o.to == ADVISOR and "定时消息晚了" in o.text] for a in ("adv1", "adv2")}
    assert told["adv1"] == []
    assert len(told["adv2"]) == 1 and told["adv2"][0].startswith("⚠️ 账号 adv2 的定时消息晚了 16 分钟发出（队列 ")
    assert chat.store.meta.get(told_key("adv2")) and not chat.store.meta.get(told_key("adv1"))
