"""Drive the engine on a virtual clock: scheduled actions and paced sends happen at their exact moments
while time jumps between events (tests, simulate, replay, bench)."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from bot.schedule.clock import VirtualClock
from bot.core.engine import Engine
from bot.core.events import Event
from bot.delivery.sender import Sender


class VirtualRunner:
    """Feeds events and advances a VirtualClock, running everything that falls due in between (one sender, or one
    per account: the next paced send is the earliest of theirs)."""

    def __init__(self, engine: Engine, sender: Sender | Sequence[Sender], clock: VirtualClock) -> None:
        self.senders: tuple[Sender, ...] = (sender,) if isinstance(sender, Sender) else tuple(sender)
        self.engine, self.clock = engine, clock

    @property
    def sender(self) -> Sender:
        """The first (default) account's sender."""
        return self.senders[0]

    @sender.setter
    def sender(self, sender: Sender) -> None:
        self.senders = (sender, *self.senders[1:])

    async def push(self, event: Event) -> None:
        """Advance to the event's time, then handle it and send what it caused."""
        await self.advance_to(event.ts)
        await self.engine.handle(event)
        await self.drain()

    async def drain(self) -> int:
        """Every sender sends what its budget allows now; how many were sent."""
        sent = 0
        for sender in self.senders:
            sent += await sender.drain()
        return sent

    def next_allowed(self) -> datetime | None:
        """The earliest moment any sender may send its next queued message (None: nothing queued)."""
        times = [t for t in (s.next_allowed() for s in self.senders) if t is not None]
        return min(times) if times else None

    async def advance_to(self, when: datetime) -> None:
        """Move the clock to `when`, stopping at every due action and every paced send on the way."""
        while True:
            candidates = [t for t in (self.engine.next_due(), self.next_allowed()) if t is not None]
            nxt = min(candidates) if candidates else None
            if nxt is None or nxt > when:
                break
            self.clock.set(nxt)
            self.engine.tick()
            await self.drain()
        self.clock.set(when)
        self.engine.tick()
        await self.drain()

    async def flush_pending(self, rounds: int = 100) -> None:
        """The input has ended: let the acknowledgements still gathering go out at their moment (the clock moves to
        it, so whatever else falls due by then runs too); nothing later is run."""
        for _ in range(rounds):
            due = [g.ack_due for g in self.engine.groups if g.ack_due is not None]
            if not due:
                return
            await self.advance_to(max(due))

    async def settle(self) -> None:
        """Let paced messages already queued go out (without running later scheduled actions)."""
        while (nxt := self.next_allowed()) is not None:
            self.clock.set(nxt)
            await self.drain()
