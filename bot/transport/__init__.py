"""Transports: the only code that talks to a chat network. The engine sees bot.core.events only."""
from __future__ import annotations

import dataclasses
from typing import Awaitable, Callable, Protocol

from bot.core.events import Event, Outgoing

EventHandler = Callable[[Event], Awaitable[None]]


class SendError(Exception):
    """A send failed; `unknown` means it may or may not have reached WeChat (do not blindly resend)."""

    def __init__(self, message: str, unknown: bool = False) -> None:
        super().__init__(message)
        self.unknown = unknown


async def perform(transport: "Transport", out: Outgoing) -> None:
    """Carry out one outbox entry on a transport, by its action; a picture goes to a transport that cannot send
    images as its alt text (one that can draws it from its recipe: bot.pictures.ready)."""
    if out.action == "say":
        if out.image and not getattr(transport, "images", False):
            out = dataclasses.replace(out, image=None)
        await transport.say(out)
    elif out.action == "accept":
        await transport.accept_friend(out.ref or "", out.to or "")
    elif out.action == "invite":
        await transport.invite(out.room or "", out.to or "")
    elif out.action == "remove":
        await transport.remove(out.room or "", out.to or "")
    else:
        raise SendError(f"unknown outbox action {out.action!r}")


class Transport(Protocol):
    """Events in (via the handler given to start), messages out (say)."""

    name: str
    images: bool  # can it send a picture (Outgoing.image)? Without it, the alt text is sent

    async def start(self, on_event: EventHandler) -> None:
        """Connect and begin delivering events to on_event; returns once connected."""

    async def say(self, out: Outgoing) -> None:
        """Deliver one message (with its picture, when it has one); raise SendError on failure."""

    async def accept_friend(self, request_id: str, contact: str) -> None:
        """Accept a friend request; raise SendError on failure."""

    async def invite(self, room: str, contact: str) -> None:
        """Add a contact to a room (WeChat turns it into an invitation card for groups over 40 members)."""

    async def remove(self, room: str, contact: str) -> None:
        """Remove a member from a room (WeChat allows it only when the bot's account owns or administers the room);
        raise SendError on failure."""

    async def stop(self) -> None:
        """Disconnect."""
