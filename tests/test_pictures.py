"""图片: the day's tally card is the tally (or comes right after it), the hometown map once the opening settles (and on /map),
the class picture and the certificates at graduation (paced over the evening, or on request with 「证书」); a
transport that cannot send images gets each picture's alt text."""
from __future__ import annotations

import asyncio
from datetime import timedelta
import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

from bot.core.events import Outgoing
from bot.playbook import PlaybookError, load_playbook
from bot.transport.sandbox import SandboxTransport
from harness import ADVISOR, PLAYBOOK, ROOM, TZ, Chat, local


def picture(out: Outgoing) -> Image.Image:
    assert out.image and Path(out.image).is_file(), f"no picture with {out.text!r}"
    img = Image.open(io.BytesIO(Path(out.image).read_bytes()))
    assert img.format == "PNG" and img.size[0] == 1080
    return img


def playbook(tmp_path, **pictures) -> Path:
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["pictures"] = pictures
    path = tmp_path / "pictures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def to_day(chat, day: int, *who: str) -> None:
    chat.until(f"2026-12-0{day} 10:00")
    for member in who:
        chat.say(member, "打卡")


def graduate(chat, *who: str) -> None:
    chat.until("2026-12-07 20:31")
    chat.said_out()
    for member in who:
        chat.say(member, "我毕业啦")


def evening(chat, day: int) -> list[Outgoing]:
    """What the group got from the tally's minute to the minute before midnight of `day`."""
    chat.until(f"2026-12-0{day} 21:59")
    chat.said_out()
    chat.until(f"2026-12-0{day} 23:59")
    return [o for o in chat.said_out() if o.room == ROOM]


def test_at_the_tally_the_group_gets_one_post_the_card_which_says_what_the_tally_says(chat):
    chat.start_course("alice", "bob", "carol")
    for day in (1, 2):
        to_day(chat, day, "alice", "bob" if day == 1 else "carol")
    chat.until("2026-12-02 21:59")
    chat.said_out()
    chat.advance(seconds=50)
    chat.say("dave", "打卡")  # just before the tally: the card counts them, no acknowledgement comes after it
    [card] = evening(chat, 2)
    assert card.text == "📊 第2天打卡统计：3/4 人，打卡率 75%\n🔥 连续打卡榜：\n1. alice 🔥2天\n2. bob 🔥1天\n3. carol 🔥1天\n4. dave 🔥1天"
    picture(card)
    chat.say(ADVISOR, "/tally 2")  # the text tally of the same day says the same
    assert [o.text for o in chat.said_out()] == [card.text]
    fired = chat.store.conn.execute("SELECT action FROM fired WHERE room = ? AND action LIKE 'tally%:2'", (ROOM,)).fetchall()
    assert fired == [("tally_card:2",)]


def test_after_keeps_the_text_tally_and_the_card_after_it(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=playbook(tmp_path, tally_card="after"))
    chat.start_course("alice", "bob")
    to_day(chat, 1, "alice")
    tally, card = evening(chat, 1)
    assert tally.text == "📊 第1天打卡统计：1/2 人，打卡率 50%\n🔥 连续打卡榜：\n1. alice 🔥1天" and tally.image is None
    assert card.text == tally.text
    picture(card)


def test_off_leaves_the_text_tally_alone(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=playbook(tmp_path, tally_card="off"))
    chat.start_course("alice", "bob")
    to_day(chat, 1, "alice")
    [tally] = evening(chat, 1)
    assert tally.text.startswith("📊 第1天打卡统计：1/2 人") and tally.image is None


def test_the_old_switch_still_reads_true_as_after_and_false_as_off(tmp_path):
    assert load_playbook(playbook(tmp_path, tally_card=True)).section("pictures").tally_card == "after"
    assert load_playbook(playbook(tmp_path, tally_card=False)).section("pictures").tally_card == "off"
    assert load_playbook(PLAYBOOK).section("pictures").tally_card == "instead"


def test_with_the_card_instead_of_the_tally_its_text_must_carry_the_count_and_the_board(tmp_path):
    with pytest.raises(PlaybookError, match=r"pictures.tally_alt: tally_card 为 instead 时它就是打卡统计"):
        load_playbook(playbook(tmp_path, tally_alt="📊 第{day}天打卡榜：{count}/{members} 人"))
    short = load_playbook(playbook(tmp_path, tally_card="after", tally_alt="📊 第{day}天打卡榜：{count}/{members} 人"))
    assert short.section("pictures").tally_alt.startswith("📊 第{day}天打卡榜")  # after the tally it may be short


def test_the_hometown_map_comes_once_the_opening_settles_and_on_map(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 19:00"))
    chat.join("alice", "bob", "carol")
    chat.say(ADVISOR, "/start 2026-12-01")
    chat.until("2026-11-30 20:05")
    chat.say("alice", "我是四川成都人")
    chat.say("bob", "我来自广东深圳")
    chat.say("carol", "坐标成都")
    chat.until("2026-11-30 22:29")
    assert not any(o.image for o in chat.said_out())
    chat.until("2026-11-30 22:31")
    [shown] = chat.said_out()
    assert shown.room == ROOM and shown.text == "🗺 我们来自 2 个省份（3 位同学签到）：四川省 2、广东省 1"
    assert picture(shown).size == (1080, 1200)

    chat.until("2026-12-01 12:00")
    chat.said_out()
    chat.say(ADVISOR, "/map")
    [again] = chat.said_out()
    assert again.text == shown.text and again.image


def test_graduation_brings_the_class_picture_and_certificates_paced_privately(chat):
    chat.start_course("alice", "bob", "carol", "dave", "erin")
    for day in range(1, 8):
        to_day(chat, day, "alice", "bob")
    graduate(chat, "alice", "bob", "carol", "dave", "erin")
    chat.until("2026-12-07 21:29")
    assert not any(o.image for o in chat.said_out())

    chat.until("2026-12-07 21:30")
    first = chat.said_out()
    [photo] = [o for o in first if o.room == ROOM]
    assert photo.text == "🎓 7天小白理财实操课毕业啦！5 位同学顺利毕业：alice、bob、carol、dave、erin"
    picture(photo)
    assert [o.to for o in first if o.room is None] == ["alice", "bob", "carol"]  # three per round
    chat.until("2026-12-07 21:32")
    rest = chat.said_out()
    assert [o.to for o in rest] == ["dave", "erin"]
    alice = next(o for o in first if o.to == "alice")
    assert alice.text == "📜 alice的结业证书：2026年12月1日至12月7日参加「7天小白理财实操课」，打卡 7 天，完成实操 0 次。恭喜毕业！"
    assert picture(alice).size == (1080, 1350)

    chat.until("2026-12-08 23:59")
    assert not [o for o in chat.said_out() if o.room is None]  # once each
    assert chat.store.conn.execute("SELECT COUNT(*) FROM certificates").fetchone()[0] == 5
    day7 = chat.store.conn.execute(  # the certificates are private: the group's day holds one picture more
        "SELECT COUNT(*), SUM(image IS NOT NULL) FROM outbox WHERE room = ? AND created_at >= '2026-12-06T16:00' "
        "AND created_at < '2026-12-07T16:00'", (ROOM,)).fetchone()
    assert day7[0] <= 12 and day7[1] == 2  # the class picture and the tally card


def test_a_late_graduate_gets_theirs_in_the_evening_and_anyone_can_ask_with_the_word(chat):
    chat.start_course("alice", "bob")
    graduate(chat, "alice")
    chat.until("2026-12-07 21:31")
    assert [o.to for o in chat.said_out() if o.room is None] == ["alice"]
    chat.until("2026-12-07 22:40")
    chat.say("bob", "我毕业啦")
    chat.advance(minutes=2)
    assert [o.to for o in chat.said_out() if o.room is None] == ["bob"]

    chat.say("alice", "证书", room=None)
    [again] = chat.said_out()
    assert again.to == "alice" and again.text.startswith("📜 alice的结业证书") and again.image
    chat.say("nobody", "证书", room=None)
    assert [o.text for o in chat.said_out()] == ["结业证书在毕业典礼上说「我毕业啦」之后就能领取哦～"]


def test_on_request_certificates_are_sent_only_to_those_who_ask(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=playbook(tmp_path, certificates="on_request"))
    chat.start_course("alice", "bob")
    graduate(chat, "alice", "bob")
    chat.until("2026-12-08 01:00")
    assert [o.to for o in chat.said_out() if o.room is None] == []
    chat.say("bob", "证书")  # in the group: the certificate comes privately, the group sees nothing
    [cert] = chat.said_out()
    assert cert.room is None and cert.to == "bob" and cert.image


def test_pictures_can_be_turned_off(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=playbook(
        tmp_path, tally_card="off", hometown_map=False, class_picture=False, certificates="off"))
    chat.start_course("alice")
    to_day(chat, 1, "alice")
    graduate(chat, "alice")
    chat.until("2026-12-08 01:00")
    chat.say("alice", "证书", room=None)
    assert not any(o.image or "结业证书" in o.text for o in chat.said_out())


def test_a_text_only_transport_gets_the_alt_text(chat):
    chat.transport.images = False
    chat.start_course("alice", "bob")
    to_day(chat, 1, "alice")
    [tally] = evening(chat, 1)  # the card's text: the whole tally
    assert tally.image is None and tally.text == "📊 第1天打卡统计：1/2 人，打卡率 50%\n🔥 连续打卡榜：\n1. alice 🔥1天"


def test_a_queued_picture_survives_a_restart(chat):
    chat.start_course("alice")
    with chat.store.tx():
        chat.store.outbox.enqueue(Outgoing(ROOM, None, "图", image="/tmp/x.png"), chat.clock.now(), 1)
    chat.restart()
    [queued] = chat.store.outbox.queued()
    assert queued.out.image == "/tmp/x.png" and queued.out.text == "图"


def test_the_sandbox_keeps_a_copy_of_each_picture_and_prints_where(tmp_path, chat):
    png = tmp_path / "card.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    shown = io.StringIO()
    sandbox = SandboxTransport(chat.clock, TZ, stdout=shown, images_dir=tmp_path / "seen")
    asyncio.run(sandbox.say(Outgoing(ROOM, None, "📊 第1天打卡榜", image=str(png))))
    [saved] = (tmp_path / "seen").iterdir()
    assert saved.read_bytes() == png.read_bytes()
    assert f"🖼 {saved}" in shown.getvalue() and "📊 第1天打卡榜" in shown.getvalue()


def test_no_map_is_posted_when_nobody_said_where_they_are_from(chat):
    chat.join("alice", "bob")
    chat.say(ADVISOR, "/start 2026-12-01")
    chat.until("2026-11-30 23:00")
    assert not any(o.image for o in chat.said_out())
    status = chat.store.conn.execute("SELECT status FROM fired WHERE room = ? AND action = 'map'", (ROOM,)).fetchone()
    assert status == ("nobody_answered",)


def test_graduations_during_the_evening_do_not_hurry_the_certificates(chat):
    chat.start_course("a1", "a2", "a3", "a4", "a5", "a6", "b1", "b2")
    graduate(chat, "a1", "a2", "a3", "a4", "a5", "a6")
    chat.until("2026-12-07 21:30")
    assert len([o for o in chat.said_out() if o.room is None]) == 3
    # (the three certificates went out a random few seconds apart: what follows is timed from the minute, not from them)
    chat.run(chat.runner.advance_to(local("2026-12-07 21:30") + timedelta(seconds=20)))
    chat.say("b1", "我毕业啦")
    chat.say("b2", "我毕业啦")
    chat.run(chat.runner.advance_to(local("2026-12-07 21:30") + timedelta(seconds=50)))
    assert not [o for o in chat.said_out() if o.room is None]  # the next round is at 21:31, not now
    chat.until("2026-12-07 21:31")
    assert [o.to for o in chat.said_out() if o.room is None] == ["a4", "a5", "a6"]
    chat.until("2026-12-07 21:32")
    assert [o.to for o in chat.said_out() if o.room is None] == ["b1", "b2"]
