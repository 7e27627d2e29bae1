"""What a Wechaty puppet event says, as this bot's events (bot.core.events): a message with its kind, text, quote and
mentions; a room's joins and leaves; a friend request. SDK objects never leave this module and the adapter.

Contact and Room objects are pooled process-wide by the SDK (never refreshed): names and topics are as first seen; a
room's payload is refreshed on a room-topic event."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any

from bot.core.events import FriendRequest, Member, MemberJoined, MemberLeft, Message
from bot.transport import wechaty_sdk

log = logging.getLogger("bot.transport.wechaty")

# card kinds whose payload the puppet gives on request: (puppet method, the payload fields that become Message.text)
CARD_TEXT = {"url": ("message_url", ("title", "description", "url")),
             "mini_program": ("message_mini_program", ("title", "description"))}

# a quoted reply as the WeChat puppets (padlocal, wechat4u) pass it: 「name：quoted text」, a dashed rule, the reply
_QUOTE_RULE = "\n- - - - - - - - - - - - - - -\n"


def split_quote(text: str) -> tuple[str, str]:
    """(the reply, the quoted text) of a quoted reply's text; (text, '') for any other text."""
    if not text.startswith("「") or _QUOTE_RULE not in text:
        return text, ""
    quoted, _, reply = text.partition(_QUOTE_RULE)
    if not quoted.endswith("」"):
        return text, ""
    return reply, quoted[1:-1]


def utc(timestamp: float | int | None) -> datetime:
    """SDK timestamps are epoch seconds or milliseconds (PuppetMock: ms); 0/None means unknown -> now."""
    if not timestamp:
        return datetime.now(timezone.utc)
    ts = float(timestamp)
    if ts > 1e11:  # milliseconds
        ts /= 1000.0
    return datetime.fromtimestamp(ts, tz=timezone.utc)


async def message(bot: Any, payload: Any, timeout: float) -> Message | None:
    """A message event (None for the bot's own)."""
    msg = bot.Message.load(payload.message_id)
    await msg.ready()  # also readies talker, room and listener (pooled)
    if msg.is_self():
        return None
    p = msg.payload
    room = msg.room()
    kinds = wechaty_sdk.loaded().MessageType
    kind = p.type.name.removeprefix("MESSAGE_TYPE_").lower() if isinstance(p.type, kinds) else "unknown"
    text = p.text or ""
    if kind in CARD_TEXT:  # a link or mini-program card: its title and address, not the puppet's raw XML
        text = await card_text(bot, kind, msg.message_id, timeout) or text
    text, quote = split_quote(text) if kind == "text" else (text, "")
    return Message(
        id=msg.message_id,
        ts=utc(p.timestamp),
        room=room.room_id if room else None,
        sender=p.from_id,
        name=msg.talker().name,
        text=text,
        topic=(room.payload.topic or "") if room else "",
        kind=kind,
        mentions=tuple(p.mention_ids or ()),
        quote=quote,
    )


async def card_text(bot: Any, kind: str, message_id: str, timeout: float) -> str:
    """'title description url' of a link card, 'title description' of a mini-program card ('' if the puppet
    cannot say: the message then keeps the text the puppet gave)."""
    method, fields = CARD_TEXT[kind]
    try:
        card = await asyncio.wait_for(getattr(bot.puppet, method)(message_id), timeout=timeout)
    except Exception as e:  # noqa: BLE001 - the message still goes in, with the puppet's text
        log.warning("%s card %s: no payload (%r)", kind, message_id, e)
        return ""
    return " ".join(str(v) for v in (getattr(card, f, None) for f in fields) if v)


async def members(bot: Any, ids: list[str]) -> tuple[Member, ...]:
    """The contacts of these ids, with their names."""
    found = []
    for cid in ids:
        contact = bot.Contact.load(cid)
        await contact.ready()
        found.append(Member(id=cid, name=contact.name))
    return tuple(found)


async def _room(bot: Any, room_id: str) -> Any:
    room = bot.Room.load(room_id)
    await room.ready()
    return room


async def room_join(bot: Any, payload: Any) -> MemberJoined:
    return await _membership(bot, MemberJoined, "room-join", payload, payload.invited_ids)


async def room_leave(bot: Any, payload: Any) -> MemberLeft:
    return await _membership(bot, MemberLeft, "room-leave", payload, payload.removed_ids)


async def _membership(bot: Any, cls: type, kind: str, payload: Any, ids: Any) -> Any:
    """A join or leave event; the SDK gives it no id, so one is made from what identifies it."""
    room = await _room(bot, payload.room_id)
    joined = await members(bot, list(ids))
    return cls(
        id=f"{kind}:{payload.room_id}:{payload.timestamp}:{'+'.join(m.id for m in joined)}",
        ts=utc(payload.timestamp),
        room=payload.room_id,
        members=joined,
        topic=room.payload.topic or "",
    )


async def room_topic(bot: Any, payload: Any) -> None:
    """A renamed room: its pooled payload is read again (no event for the engine)."""
    room = await _room(bot, payload.room_id)
    room._payload = await bot.puppet.room_payload(payload.room_id)  # noqa: SLF001 - pooled forever
    return None


async def friendship(bot: Any, payload: Any) -> FriendRequest | None:
    """A friend request received (a confirmation or verification is none)."""
    request = bot.Friendship.load(payload.friendship_id)
    await request.ready()
    p = request.payload
    if p.type != wechaty_sdk.loaded().FriendshipType.FRIENDSHIP_TYPE_RECEIVE:
        return None
    contact = request.contact()
    await contact.ready()
    return FriendRequest(
        id=payload.friendship_id,
        ts=datetime.now(timezone.utc),  # the friendship payload carries no time
        contact=p.contact_id,
        name=contact.name,
        hello=p.hello or "",
    )
