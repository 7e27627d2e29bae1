"""满减券: the advisor pushes a playbook coupon to the group or privately to graduates / everyone, always through
the marketing gate (opted-out and capped people are skipped, and the advisor is told how many); a member claims
the latest valid coupon once by saying 「领券」; an expired coupon is never pushed and cannot be claimed."""
from __future__ import annotations

import pytest
import yaml

from bot.playbook import PlaybookError, load_playbook
from harness import PLAYBOOK, ROOM, Chat, local

C400 = "🎁 满10000元减400元理财券，12月31日 23:59前有效，回复「领券」领取"
C1600 = "🎁 满50000元减1600元理财券，12月31日 23:59前有效，回复「领券」领取"


def to_graduation(chat, *graduates):
    chat.until("2026-12-07 20:31")
    for member in graduates:
        chat.say(member, "我毕业啦!")
    chat.advance(minutes=2)
    chat.said()


def private_to(outs):
    """{contact: [texts]} of the private messages to members among what the bot sent (the advisor's left out)."""
    got: dict[str, list[str]] = {}
    for out in outs:
        if out.room is None and out.to != "adv":
            got.setdefault(out.to, []).append(out.text)
    return got


def claims(chat):
    return chat.store.conn.execute("SELECT coupon, member, by FROM coupon_claims ORDER BY coupon, member").fetchall()


def opt_out(chat, member):
    chat.store.funnel.ensure_contact(member, member, "group", local("2026-11-30 10:00"))
    chat.store.funnel.set_opt_out(member, local("2026-11-30 10:00"))


def test_a_coupon_posted_to_the_group_is_claimed_once_per_member(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("adv", "/发券 c400")
    assert chat.said() == [C400]

    chat.say("alice", "领券")
    chat.say("bob", "领券！")
    chat.say("alice", "我要领券")  # (the very same text again would be a repeat, answered once: tests/test_fairness.py)
    assert chat.said() == ["@alice 🎉 领取成功：满10000元减400元理财券（12月31日 23:59前有效）",
                           "@bob 🎉 领取成功：满10000元减400元理财券（12月31日 23:59前有效）",
                           "@alice 已经领过这张券啦：满10000元减400元理财券（12月31日 23:59前有效）"]
    assert claims(chat) == [("c400", "alice", "member"), ("c400", "bob", "member")]
    assert chat.store.funnel.with_stage("coupon_pushed") == {"alice", "bob", "carol"}
    assert chat.store.funnel.with_stage("coupon_claimed") == {"alice", "bob"}


def test_graduates_get_it_privately_and_opted_out_members_never_do(chat):
    chat.start_course("alice", "bob", "carol")
    to_graduation(chat, "alice", "bob")
    opt_out(chat, "bob")
    chat.say("adv", "/coupon c1600 graduates")
    outs = chat.said_out()
    assert private_to(outs) == {"alice": [C1600]}
    assert [o.text for o in outs if o.to == "adv"] == [  # who opted out is the advisor's business alone
        "【理财1期】已私发「c1600」给 1 人；跳过 1 人（已退订 1、超出推送频率 0、之前已发过 0）。"]

    chat.say("adv", "/coupon c1600 all")
    outs = chat.said_out()
    assert private_to(outs) == {"carol": [C1600]}  # alice had it already, bob opted out
    assert [o.text for o in outs if o.to == "adv"] == ["【理财1期】已私发「c1600」给 1 人；跳过 2 人（已退订 1、超出推送频率 0、之前已发过 1）。"]

    chat.say("alice", "领券", room=None)
    chat.say("bob", "领券", room=None)  # nothing was pushed to bob: nothing to claim
    assert chat.said() == ["🎉 领取成功：满50000元减1600元理财券（12月31日 23:59前有效）", "目前没有可以领取的券哦～"]
    assert claims(chat) == [("c1600", "alice", "member")]
    assert chat.store.conn.execute("SELECT room FROM coupon_claims").fetchall() == [(ROOM,)]  # counts for the group


def test_a_coupon_posted_in_the_group_can_be_claimed_in_private(chat):
    chat.start_course("alice", "bob")
    chat.say("adv", "/coupon c400")
    chat.said()
    chat.say("bob", "我要领券", room=None)
    assert chat.said() == ["🎉 领取成功：满10000元减400元理财券（12月31日 23:59前有效）"]
    assert claims(chat) == [("c400", "bob", "member")]


def test_members_over_their_own_frequency_are_skipped(chat):
    chat.start_course("alice", "bob")
    chat.store.funnel.ensure_contact("bob", "bob", "group", local("2026-11-30 10:00"))
    chat.store.funnel.set_preference("bob", "offer_frequency", "每月一次")  # bob's survey answer
    chat.say("adv", "/coupon c400 all")
    assert private_to(chat.said_out()) == {"alice": [C400], "bob": [C400]}
    chat.say("adv", "/coupon c1600 all")
    outs = chat.said_out()
    assert private_to(outs) == {"alice": [C1600]}
    assert [o.text for o in outs if o.to == "adv"] == [  # who opted out is the advisor's business alone
        "【理财1期】已私发「c1600」给 1 人；跳过 1 人（已退订 0、超出推送频率 1、之前已发过 0）。"]


def test_the_most_recent_valid_coupon_is_the_one_claimed(chat):
    chat.start_course("alice", "bob")
    chat.say("adv", "/coupon c400")
    chat.advance(minutes=5)
    chat.say("adv", "/coupon c1600 all")
    chat.said()
    chat.say("alice", "领券")
    assert chat.said() == ["@alice 🎉 领取成功：满50000元减1600元理财券（12月31日 23:59前有效）"]


def test_an_expired_coupon_is_never_pushed_and_cannot_be_claimed(chat):
    chat.start_course("alice", "bob")
    chat.say("adv", "/coupon c400")
    chat.until("2027-01-01 10:00")
    chat.said()
    chat.say("adv", "/coupon c400")
    chat.say("adv", "/coupon c400 all")
    chat.say("alice", "领券")
    chat.say("adv", "/claimed @bob c400")
    assert chat.said() == ["【理财1期】「c400」已于2026年12月31日 23:59过期，不能再发放。",
                           "【理财1期】「c400」已于2026年12月31日 23:59过期，不能再发放。",
                           "@alice 这张券已经过期了，下次活动再来哦～",
                           "【理财1期】「c400」已于2026年12月31日 23:59过期，不能再领。"]  # to the advisor privately
    assert claims(chat) == []
    assert private_to(chat.said_out()) == {}


def test_the_advisor_records_a_claim_once(chat):
    chat.start_course("alice", "bob")
    chat.say("adv", "/claimed @alice c2800")
    chat.say("adv", "/登记领券 alice c2800")
    assert chat.said() == ["【理财1期】alice：🎉 领取成功：满100000元减2800元理财券（12月31日 23:59前有效）",
                           "【理财1期】alice：已经领过这张券啦：满100000元减2800元理财券（12月31日 23:59前有效）"]
    assert claims(chat) == [("c2800", "alice", "adv")]


def test_bad_coupon_commands_say_what_is_wrong(chat):
    chat.start_course("alice")
    chat.say("adv", "/coupon c999")
    chat.say("adv", "/coupon c400 friends")
    chat.say("adv", "/coupon c400 graduates")
    assert chat.said() == ["【理财1期】没有券「c999」（现有：c400、c1600、c2800）。 用法：/coupon 券编号 [graduates|all]",
                           "【理财1期】对象只能是 graduates 或 all。 用法：/coupon 券编号 [graduates|all]",
                           "【理财1期】本群已毕业的同学一个也没有，没有发送。"]


@pytest.mark.parametrize("change, field, problem", [
    ({"text": "🎁 满20000减400，回复「领券」领取"}, "coupons.items[0].text", "「满20000减400」"),
    ({"text": "🎁 满{min_invest}元减{amount}元，1月15日前有效"}, "coupons.items[0].text", "「1月15日前」"),
    ({"amount": 20000}, "coupons.items[0].amount", "must be less than min_invest 10000"),
    ({"text": "🎁 满{min_invest}元减{amount}元，回复「要券」领取"}, "coupons.items[0].text", "「要券」, which is not in coupons.claim_words"),
])
def test_a_coupon_that_is_not_what_it_says_fails_validation(tmp_path, change, field, problem):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["coupons"]["items"][0].update(change)
    path = tmp_path / "coupons.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert str(err.value).startswith(f"{path}: {field}: ") and problem in str(err.value)


def test_the_claim_words_and_replies_are_the_playbooks(tmp_path):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["coupons"].update(claim_words=["领取优惠券"], claimed="🎉 {coupon} 已到账")
    for coupon in data["coupons"]["items"]:  # the texts name the word (`check` says so otherwise)
        coupon["text"] = "🎁 满{min_invest}元减{amount}元，{valid_until}前有效，回复「领取优惠券」"
    path = tmp_path / "coupons.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=path)
    chat.start_course("alice")
    chat.say("adv", "/coupon c400")
    chat.said()
    chat.say("alice", "领券")  # not this playbook's word
    chat.say("alice", "领取优惠券")
    assert chat.said() == ["@alice 🎉 满10000元减400元理财券（12月31日 23:59前有效） 已到账"]


def test_an_older_playbook_with_a_bare_list_of_coupons_still_loads(tmp_path):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["coupons"] = data["coupons"]["items"]
    data["offers"] = data["offers"]["items"]
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    pb = load_playbook(path)
    assert [c.id for c in pb.section("coupons").items] == ["c400", "c1600", "c2800"]
    assert pb.section("coupons").claim_words == ["领券", "我要领券"] and pb.section("offers").items[0].id == "advanced"
