"""Display names (and room topics) are input: one sanitiser for every name the bot may print."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from bot.core.events import MAX_TEXT_CHARS, Event, FriendRequest, Member, MemberJoined, MemberLeft, Message

MAX_NAME = 20
MAX_TOPIC = 30
FALLBACK = "同学"
# control (Cc), format (Cf: bidi overrides, zero-width), private use, surrogates, unassigned, line/paragraph separators
_DROP = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
_BREAKS = frozenset("\r\n\t\v\f\x85\u2028\u2029")
_SPACES = re.compile(r"\s+")


def clean_text(text: object, limit: int) -> str:
    """One line of at most `limit` characters: no control, bidi or zero-width characters; line breaks become a
    space; longer text ends with an ellipsis (…)."""
    if not isinstance(text, str):
        return ""
    if len(text) <= limit and text.isprintable() and text == text.strip() and "  " not in text:
        return text  # the common case: nothing to clean (isprintable is False for every category dropped below)
    text = text[: limit * 50]  # a 10,000-character name is not scanned in full
    kept = "".join(" " if c in _BREAKS else c for c in text if c in _BREAKS or unicodedata.category(c) not in _DROP)
    kept = _SPACES.sub(" ", kept).strip()
    return kept if len(kept) <= limit else kept[: limit - 1].rstrip() + "…"


def display_name(name: object, contact: str = "") -> str:
    """A name safe to print: cleaned and at most MAX_NAME characters; empty after cleaning -> 同学 + the id's last 4."""
    cleaned = clean_text(name, MAX_NAME)
    if cleaned:
        return cleaned
    tail = clean_text(contact, MAX_NAME)[-4:]
    return f"{FALLBACK}{tail}" if tail else FALLBACK


def topic(text: object) -> str:
    """A room topic safe to print (may be empty)."""
    return clean_text(text, MAX_TOPIC)


def clean_event(event: Event) -> Event:
    """The event with every display name and topic sanitised and its text bounded (where input enters the bot)."""
    if isinstance(event, Message):
        text = event.text[:MAX_TEXT_CHARS] if isinstance(event.text, str) else ""
        quote = event.quote[:MAX_TEXT_CHARS] if isinstance(event.quote, str) else ""
        name, room_topic = display_name(event.name, event.sender), topic(event.topic)
        if (name, room_topic, text, quote) == (event.name, event.topic, event.text, event.quote):
            return event
        return replace(event, name=name, topic=room_topic, text=text, quote=quote)
    if isinstance(event, FriendRequest):
        return replace(event, name=display_name(event.name, event.contact))
    if isinstance(event, (MemberJoined, MemberLeft)):
        members = tuple(Member(m.id, display_name(m.name, m.id)) for m in event.members)
        return replace(event, members=members, topic=topic(event.topic))
    return event
