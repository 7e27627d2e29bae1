"""Transport-neutral event and outgoing-message shapes (no SDK objects past this line)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

MAX_TEXT_CHARS = 2000  # a member's text is cut here where it enters the bot: nothing downstream reads more


@dataclass(frozen=True, slots=True)
class Member:
    """A contact as seen in a room: stable id plus current display name."""

    id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    """A text (or image) message, in a room (room set) or in a private chat (room None)."""

    id: str
    ts: datetime
    room: str | None
    sender: str
    name: str
    text: str
    topic: str = ""
    kind: str = "text"  # "text" | "image" | "url" (a link card) | "mini_program" | "contact" (a card) | other media
    mentions: tuple[str, ...] = ()
    quote: str = ""  # the text of the message this one quotes, where the transport carries quotes ('' otherwise)
    account: str = ""  # the bot's WeChat account that received it (set by the daemon, '' = the only account)


@dataclass(frozen=True, slots=True)
class _Membership:
    id: str
    ts: datetime
    room: str
    members: tuple[Member, ...]
    topic: str = ""
    account: str = ""  # the bot's WeChat account that received it


@dataclass(frozen=True, slots=True)
class MemberJoined(_Membership):
    """One or more members joined a room."""


@dataclass(frozen=True, slots=True)
class MemberLeft(_Membership):
    """One or more members left (or were removed from) a room."""


@dataclass(frozen=True, slots=True)
class FriendRequest:
    """Someone asked to add the bot's account as a friend."""

    id: str
    ts: datetime
    contact: str
    name: str
    hello: str = ""
    account: str = ""  # the bot's WeChat account that was asked


Event = Message | MemberJoined | MemberLeft | FriendRequest


@dataclass(frozen=True, slots=True)
class Outgoing:
    """Something the bot does: says text to a room (optionally @-mentioning members) or to one contact
    (action "say"), accepts a friend request (action "accept", ref = the request id, to = the contact),
    invites a contact into a room (action "invite", room and to), or removes a member from a room where the bot's
    account is an admin (action "remove", room and to). A said message may carry a picture: `image` is the PNG's
    file path and `text` its alt text, which a transport that cannot send images sends instead."""

    room: str | None
    to: str | None
    text: str
    mentions: tuple[str, ...] = field(default=())
    action: str = "say"
    ref: str | None = None
    image: str | None = None
    account: str = ""  # the bot's WeChat account that sends it (resolved when queued; '' = the only account)
