"""The Wechaty adapter's edge, against a stand-in puppet (no gateway): a removal goes to the puppet's room_delete and
a failure is a SendError like other failed actions; link and mini-program cards reach the engine with their kind and
their title and address as text."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from bot.core.events import Outgoing
from bot.transport import SendError, perform, wechaty_adapter, wechaty_inbound, wechaty_sdk
from bot.transport.wechaty_adapter import WechatyTransport


@pytest.fixture
def sdk(monkeypatch):
    """Only the SDK's message types (the gRPC schema), and no token masking installed: importing wechaty itself
    would set up its logging, and masking would hook warnings, both process-wide (test_secrets looks at them)."""
    grpc = pytest.importorskip("wechaty_grpc.wechaty.puppet")
    fake = SimpleNamespace(MessageType=grpc.MessageType)
    monkeypatch.setattr(wechaty_sdk, "_sdk", fake)
    monkeypatch.setattr(wechaty_adapter, "redact", lambda secret: None)
    return fake


class Puppet:
    def __init__(self, fail: Exception | None = None) -> None:
        self.calls, self.fail = [], fail

    async def room_delete(self, room, contact):
        self.calls.append(("room_delete", room, contact))
        if self.fail:
            raise self.fail

    async def message_url(self, message_id):
        if self.fail:
            raise self.fail
        return SimpleNamespace(url="https://course.example.cn/day1", title="第1天练习", description="定投计算器", thumbnailUrl="")

    async def message_mini_program(self, message_id):
        return SimpleNamespace(title="砍一刀", description="帮我点一下", appid="wx1")


def transport(puppet: Puppet) -> WechatyTransport:
    t = WechatyTransport("127.0.0.1:9", "token-for-tests")
    t._bot = SimpleNamespace(puppet=puppet)
    t._runner = SimpleNamespace(done=lambda: False)
    t._logged_in.set()
    return t


def test_a_removal_calls_the_puppets_room_delete(sdk):
    puppet = Puppet()
    asyncio.run(perform(transport(puppet), Outgoing("room1@chatroom", "spammer", "", action="remove")))
    assert puppet.calls == [("room_delete", "room1@chatroom", "spammer")]


def test_a_failed_removal_is_a_send_error_that_may_have_happened(sdk):
    puppet = Puppet(fail=RuntimeError("StatusCode.UNKNOWN: not room owner"))
    with pytest.raises(SendError) as err:
        asyncio.run(transport(puppet).remove("room1@chatroom", "spammer"))
    assert err.value.unknown and "remove spammer from room1@chatroom failed" in str(err.value)


def test_a_removal_while_disconnected_fails_without_calling_the_puppet(sdk):
    puppet = Puppet()
    t = transport(puppet)
    t._logged_in.clear()
    with pytest.raises(SendError, match="not connected"):
        asyncio.run(t.remove("room1@chatroom", "spammer"))
    assert puppet.calls == []


@pytest.mark.parametrize("kind, fail, text", [
    ("MESSAGE_TYPE_URL", None, "第1天练习 定投计算器 https://course.example.cn/day1"),
    ("MESSAGE_TYPE_URL", RuntimeError("no payload"), "<appmsg>raw</appmsg>"),  # the puppet's own text is kept
    ("MESSAGE_TYPE_MINI_PROGRAM", None, "砍一刀 帮我点一下"),
    ("MESSAGE_TYPE_IMAGE", None, "<appmsg>raw</appmsg>"),
])
def test_cards_reach_the_engine_with_their_kind_and_text(sdk, kind, fail, text):
    payload = SimpleNamespace(type=sdk.MessageType[kind], timestamp=1_780_000_000, from_id="bob", text="<appmsg>raw</appmsg>",
                              mention_ids=[])
    room = SimpleNamespace(room_id="room1@chatroom", payload=SimpleNamespace(topic="理财1期"))

    class Loaded:
        message_id = "m1"

        def __init__(self, _id):
            self.payload = payload

        async def ready(self):
            pass

        def is_self(self):
            return False

        def room(self):
            return room

        def talker(self):
            return SimpleNamespace(name="Bob")

    t = transport(Puppet(fail=fail))
    t._bot.Message = SimpleNamespace(load=Loaded)
    msg = asyncio.run(wechaty_inbound.message(t._bot, SimpleNamespace(message_id="m1"), t.send_timeout))
    assert (msg.kind, msg.text, msg.room, msg.sender) == (kind.removeprefix("MESSAGE_TYPE_").lower(), text, "room1@chatroom", "bob")
