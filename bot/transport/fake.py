"""A transport that records what the bot says (unit tests, simulate, replay, bench)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core.events import Outgoing
from bot.pictures import ready
from bot.transport import EventHandler, SendError


@dataclass
class Sent:
    ts: datetime
    out: Outgoing


@dataclass
class FakeTransport:
    """Keeps every sent message; `fail_next` makes the next sends raise SendError; images=False plays a transport
    that can only send text."""

    clock: object
    name: str = "fake"
    images: bool = True
    sent: list[Sent] = field(default_factory=list)
    fail_next: list[SendError] = field(default_factory=list)
    on_event: EventHandler | None = None
    keep: bool = True

    async def start(self, on_event: EventHandler) -> None:
        self.on_event = on_event

    async def say(self, out: Outgoing) -> None:
        if self.fail_next:
            raise self.fail_next.pop(0)
        if out.image and not ready(out.image):  # drawn now, as a real transport would (else its alt text)
            out = replace(out, image=None)
        self.delivered(out)

    def delivered(self, out: Outgoing) -> None:
        """What was sent, as it went out (a picture that could not be drawn: its alt text alone): kept, unless keep
        is off."""
        if self.keep:
            self.sent.append(Sent(self.clock.now(), out))

    async def accept_friend(self, request_id: str, contact: str) -> None:
        await self.say(Outgoing(None, contact, "", action="accept", ref=request_id))

    async def invite(self, room: str, contact: str) -> None:
        await self.say(Outgoing(room, contact, "", action="invite"))

    async def remove(self, room: str, contact: str) -> None:
        await self.say(Outgoing(room, contact, "", action="remove"))

    async def stop(self) -> None:
        self.on_event = None
