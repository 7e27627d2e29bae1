"""Drive the engine on a virtual clock: scheduled actions and paced sends happen at their exact moments
while time jumps between events (tests, simulate, replay, bench)."""
from __future__ import annotations

from datetime import datetime

from bot.schedule.clock import VirtualClock
from bot.core.engine import Engine
from bot.core.events import Event
from bot.delivery.sender import Sender


class VirtualRunner:
    """Feeds events and advances a VirtualClock, running everything that falls due in between."""

    def __init__(self, engine: Engine, sender: Sender, clock: VirtualClock) -> None:
        self.engine, self.sender, self.clock = engine, sender, clock

    async def push(self, event: Event) -> None:
        """Advance to the event's time, then handle it and send what it caused."""
        await self.advance_to(event.ts)
        await self.engine.handle(event)
        await self.sender.drain()

    async def advance_to(self, when: datetime) -> None:
        """Move the clock to `when`, stopping at every due action and every paced send on the way."""
        while True:
            candidates = [t for t in (self.engine.next_due(), self.sender.next_allowed()) if t is not None]
            nxt = min(candidates) if candidates else None
            if nxt is None or nxt > when:
                break
            self.clock.set(nxt)
            self.engine.tick()
            await self.sender.drain()
        self.clock.set(when)
        self.engine.tick()
        await self.sender.drain()

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
        while (nxt := self.sender.next_allowed()) is not None:
            self.clock.set(nxt)
            await self.sender.drain()
