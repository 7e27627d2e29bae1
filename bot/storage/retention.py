"""Retention: what the bot no longer needs is deleted, a small batch per transaction, at most once an hour
(the time of the last complete run is kept in meta, so a restart does not prune again at once):
- the ids of received events older than the redelivery horizon (a redelivery inside it is still ignored: its id is
  kept; one older than it would be handled again, which is why the horizon is days, not minutes);
- messages sent, or withdrawn, longer ago than the outbox horizon (queued, sending and unknown ones are kept)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterator

from bot.storage.stamps import from_iso, iso
from bot.storage.store import Store

LAST_RUN = "retention:last_run"


@dataclass
class Retention:
    store: Store
    clock: object
    inbound_days: float = 7
    outbox_days: float = 30
    every_minutes: float = 60
    batch: int = 500

    @classmethod
    def from_settings(cls, store: Store, clock, settings) -> "Retention":
        """From the playbook's settings.retention."""
        return cls(store, clock, settings.inbound_days, settings.outbox_days, settings.every_minutes, settings.batch)

    def due(self) -> bool:
        """Has the interval passed since the last complete run (or was there none)?"""
        last = self.store.meta.get(LAST_RUN)
        return last is None or self.clock.now() - from_iso(last) >= timedelta(minutes=self.every_minutes)

    def step(self, now: datetime) -> int:
        """One batch of each kind, in one transaction; how many rows went."""
        with self.store.tx():
            gone = self.store.inbox.prune(now - timedelta(days=self.inbound_days), self.batch)
            gone += self.store.outbox.prune(now - timedelta(days=self.outbox_days), self.batch)
        return gone

    def _done(self, now: datetime) -> None:
        with self.store.tx():
            self.store.meta.set(LAST_RUN, iso(now))

    def _batches(self) -> Iterator[int]:
        """If due: each batch's count, until nothing is left; then the run is recorded."""
        if not self.due():
            return
        now = self.clock.now()
        while n := self.step(now):
            yield n
        self._done(now)

    def prune(self) -> int:
        """Run to the end now if due (tests, one-shot tools); how many rows went."""
        return sum(self._batches())

    async def run(self) -> int:
        """The daemon's way: if due, batch after batch, letting the event loop handle messages in between."""
        total = 0
        for n in self._batches():
            total += n
            await asyncio.sleep(0)
        return total
