"""Transports: the only code that talks to a chat network. The engine sees bot.events only."""
from __future__ import annotations

from typing import Awaitable, Callable, Protocol

from bot.events import Event, Outgoing

EventHandler = Callable[[Event], Awaitable[None]]


class SendError(Exception):
    """A send failed; `unknown` means it may or may not have reached WeChat (do not blindly resend)."""

    def __init__(self, message: str, unknown: bool = False) -> None:
        super().__init__(message)
        self.unknown = unknown


class Transport(Protocol):
    """Events in (via the handler given to start), messages out (say)."""

    name: str

    async def start(self, on_event: EventHandler) -> None:
        """Connect and begin delivering events to on_event; returns once connected."""

    async def say(self, out: Outgoing) -> None:
        """Deliver one message; raise SendError on failure."""

    async def stop(self) -> None:
        """Disconnect."""
