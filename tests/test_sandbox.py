"""The terminal sandbox turns typed lines into events: members speak, join, leave, befriend the bot, write privately."""
from __future__ import annotations

import asyncio
import io
from zoneinfo import ZoneInfo

from bot.schedule.clock import VirtualClock
from bot.core.events import FriendRequest, MemberJoined, MemberLeft, Message, Outgoing
from bot.transport.sandbox import SandboxTransport
from harness import local


def typed(*lines: str):
    out = io.StringIO()
    sandbox = SandboxTransport(VirtualClock(local("2026-12-01 09:00")), ZoneInfo("Asia/Shanghai"), stdout=out)
    events = []

    async def collect(event):
        events.append(event)

    async def go():
        for line in lines:
            await sandbox._line(line, collect)
        await sandbox.say(Outgoing("sandbox@chatroom", None, "收到"))
    asyncio.run(go())
    return events, out.getvalue()


def test_a_member_speaking_joins_first_then_speaks():
    events, _ = typed("alice: 打卡", "alice：第二句")
    assert [type(e) for e in events] == [MemberJoined, Message, Message]
    assert events[1].text == "打卡" and events[2].text == "第二句" and events[1].id != events[2].id


def test_images_leaves_friend_requests_and_private_messages():
    events, _ = typed(":img bob", ":leave bob", ":friend dan 想学理财", ":dm dan 退订")
    kinds = [(type(e).__name__, getattr(e, "kind", "")) for e in events]
    assert kinds == [("MemberJoined", ""), ("Message", "image"), ("MemberLeft", ""), ("FriendRequest", ""), ("Message", "text")]
    friend, dm = events[3], events[4]
    assert isinstance(friend, FriendRequest) and friend.contact == "dan" and friend.hello == "想学理财"
    assert dm.room is None and dm.text == "退订"
    assert isinstance(events[2], MemberLeft)


def test_a_line_it_cannot_read_gets_a_hint_not_an_event():
    events, out = typed("just words")
    assert events == [] and "name: message" in out
    assert "🤖 → sandbox@chatroom: 收到" in out


def test_link_mini_program_and_contact_cards_arrive_with_their_kinds():
    events, _ = typed(":url bob https://x.cn/a 免费领取", ":mini bob 拼多多砍一刀", ":card bob 理财老师")
    messages = [(e.kind, e.text) for e in events if isinstance(e, Message)]
    assert messages == [("url", "https://x.cn/a 免费领取"), ("mini_program", "拼多多砍一刀"), ("contact", "理财老师")]


def test_a_removal_is_printed_and_the_member_leaves():
    out = io.StringIO()
    sandbox = SandboxTransport(VirtualClock(local("2026-12-01 09:00")), ZoneInfo("Asia/Shanghai"), stdout=out)
    events = []

    async def collect(event):
        events.append(event)

    async def go():
        sandbox._on_event = collect
        await sandbox._line("spam: 加我微信", collect)
        await sandbox.remove("sandbox@chatroom", "spam")
        await asyncio.sleep(0.01)
    asyncio.run(go())
    assert "🤖 removes spam from sandbox@chatroom" in out.getvalue()
    assert isinstance(events[-1], MemberLeft) and events[-1].members[0].id == "spam"
    assert ("sandbox@chatroom", "spam") not in sandbox._seen  # speaking again would join again
