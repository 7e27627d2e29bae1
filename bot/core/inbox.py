"""The durable inbox: a received event is stored (text capped) before anything scans it, and processed in order by
one task, so a crash loses nothing received and a slow event never blocks receiving."""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import operator
import time
from dataclasses import fields as dataclass_fields, replace
from datetime import datetime
from itertools import islice
from typing import Callable

from bot.core.events import MAX_TEXT_CHARS, Event, FriendRequest, Member, MemberJoined, MemberLeft, Message

log = logging.getLogger("bot.core.inbox")

_KEEP = 10_000  # stored events also kept in memory (not decoded again) unless this many are waiting
_KINDS = {"message": Message, "join": MemberJoined, "leave": MemberLeft, "friendship": FriendRequest}
_NAMES = {cls: name for name, cls in _KINDS.items()}
_JSON = json.JSONEncoder(ensure_ascii=False)  # built once: json.dumps(ensure_ascii=False) builds one per call


def bounded(event: Event) -> Event:
    """The event with its free text cut to MAX_TEXT_CHARS."""
    if isinstance(event, Message) and (len(event.text) > MAX_TEXT_CHARS or len(event.quote) > MAX_TEXT_CHARS):
        return replace(event, text=event.text[:MAX_TEXT_CHARS], quote=event.quote[:MAX_TEXT_CHARS])
    if isinstance(event, FriendRequest) and len(event.hello) > MAX_TEXT_CHARS:
        return replace(event, hello=event.hello[:MAX_TEXT_CHARS])
    return event


def encode(event: Event) -> str:
    """One JSON line for an event."""
    names, getter = _fields_of(type(event))
    fields = {"type": _NAMES[type(event)]}
    fields.update(zip(names, getter(event)))  # (one C call for every field: this runs for every event received)
    fields["ts"] = event.ts.isoformat()
    if "members" in fields:
        fields["members"] = [[m.id, m.name] for m in event.members]
    if "mentions" in fields:
        fields["mentions"] = list(event.mentions)
    return _JSON.encode(fields)


@functools.cache
def _fields_of(cls: type) -> tuple[tuple[str, ...], Callable]:
    """An event class's field names, in order, and a getter of all their values at once."""
    names = tuple(f.name for f in dataclass_fields(cls))
    return names, operator.attrgetter(*names)


def decode(line: str) -> Event:
    """The event encode() wrote."""
    fields = json.loads(line)
    cls = _KINDS[fields.pop("type")]
    fields["ts"] = datetime.fromisoformat(fields["ts"])
    if "members" in fields:
        fields["members"] = tuple(Member(i, n) for i, n in fields["members"])
    if "mentions" in fields:
        fields["mentions"] = tuple(fields["mentions"])
    return cls(**fields)


class Inbox:
    """Appends received events to the inbox table and drains it through `handle(event, None)` (the engine's); the
    rows a batch handled are deleted in the batch's transaction, with their effects.

    Group commit: the events waiting are handled in batches that share one transaction (one COMMIT, one WAL sync
    point), each event still atomic in its own savepoint (rolled back alone, with the in-memory caches, on error).
    An event's "processed" mark is its id remembered in `inbound` (bot/storage/inbox.py): a batch writes nothing to the
    inbox table, whose handled rows are deleted with the next rows stored; the rows waiting are known in memory (the
    table is read only at start-up, after a batch failed as a whole, or past _KEEP waiting events).
    What a batch queued becomes visible to the sender, which is woken, only at its commit. Natural group commit: a
    batch is whatever waits when the processor runs (nothing is waited for), bounded by count (`batch_events`, so a
    reply is held at most that many events' handling) and, if given, by wall time (`batch_seconds`; none by default:
    under load a timer only splits what could share a commit, and a message's wait is the handling of those ahead of
    it either way); nothing else runs on the event loop during a batch (the sender's "sending" mark must be
    committed on its own before a send)."""

    def __init__(self, store, clock, handle: Callable[[Event], None], batch_events: int = 200,
                 batch_seconds: float = float("inf")) -> None:
        self.store, self.clock, self.handle = store, clock, handle
        self.batch_events, self.batch_seconds = batch_events, batch_seconds
        self._wake = asyncio.Event()
        self._draining = asyncio.Lock()
        self._fresh: dict[int, Event] = {}  # row id -> the event as stored, in row order (the row is the truth)
        self._known = False  # does _fresh hold every waiting row? (not at start: rows a crash left behind)
        self._received: list[Event] = []  # received in this turn of the event loop, stored at its end
        self._alone = 0  # after a batch failed as a whole: this many events are handled one per transaction
        self.batches = 0  # batches committed (for measurements)
        with store.tx():  # rows handled before a restart (their ids remembered) are not waiting
            store.inbox.forget_handled()

    def append(self, event: Event) -> None:
        """Store the event (text capped), committed before anything reads it."""
        event = bounded(event)
        with self.store.tx():
            self.store.inbox.sweep()
            row_id = self.store.inbox.add(encode(event), self.clock.now())
        self._keep(row_id, event)

    def _keep(self, row_id: int, event: Event) -> None:
        if len(self._fresh) < _KEEP:
            self._fresh[row_id] = event
        else:
            self._known = False  # the table holds waiting rows memory does not

    async def receive(self, event: Event) -> None:
        """The transport's callback: the event is stored (with the others delivered in the same turn of the event
        loop, in one transaction) before the processor can run, and the processor is woken; never waits for
        processing."""
        self._received.append(bounded(event))
        if len(self._received) == 1:
            asyncio.get_running_loop().call_soon(self.store_received)
        self._wake.set()

    def store_received(self) -> None:
        """Commit the events received since the last call to the inbox table (one transaction for a burst)."""
        if not self._received:
            return
        events, now = self._received, self.clock.now()
        try:
            with self.store.tx():
                self.store.inbox.sweep()  # the rows handled since: the page this commit writes anyway
                rows = [self.store.inbox.add(encode(event), now) for event in events]
        except Exception:  # kept in memory and tried again: a database hiccup must not drop what was received
            log.exception("storing %d received event(s) failed; retrying", len(events))
            asyncio.get_running_loop().call_later(1, self.store_received)
            return
        self._received = []
        for row_id, event in zip(rows, events):
            self._keep(row_id, event)

    async def process(self) -> int:
        """Handle every stored event in order, in group-committed batches; returns how many were handled."""
        handled = 0
        async with self._draining:
            self.store_received()
            while rows := self._waiting():
                if handled:
                    await asyncio.sleep(0)  # let the calendar, the sender and the transport run between batches
                if self._alone:
                    rows = rows[:1]
                try:
                    done = self._batch(rows)
                except Exception:  # the batch's transaction failed as a whole (its savepoints are gone with it)
                    if len(rows) == 1:
                        raise
                    log.exception("a batch of %d inbox events failed; handling them one at a time", len(rows))
                    self._alone = len(rows)
                    self._known = False  # its rows wait again, in the table only
                    continue
                handled += done
                self._alone = max(self._alone - 1, 0)
                if done == len(rows) < self.batch_events and not self._received:
                    break  # the inbox is empty: nothing could be stored during the batch (no await in it)
        return handled

    def _waiting(self) -> list[tuple[int, str]]:
        """The oldest waiting rows, at most a batch: (row id, its stored line, or '' when memory has the event)."""
        if self._known:
            return [(row_id, "") for row_id in islice(self._fresh, self.batch_events)]
        rows = self.store.inbox.next(self.batch_events)
        # every waiting row is in memory (and nothing else is): from now on the table need not be read
        self._known = len(rows) < self.batch_events and len(rows) == len(self._fresh) and all(r in self._fresh for r, _ in rows)
        return rows

    def _batch(self, rows: list[tuple[int, str]]) -> int:
        """Handle rows in one transaction until the batch's time is up; returns how many were handled."""
        handled, deadline = 0, time.perf_counter() + self.batch_seconds  # inf: no time bound
        with self.store.tx():
            for row_id, line in rows:
                if handled and time.perf_counter() >= deadline:
                    break
                handled += 1
                last = row_id
                try:
                    event = self._fresh.pop(row_id, None) or decode(line)
                except Exception:  # a row this code cannot read must not block the ones behind it
                    log.exception("inbox row %s is unreadable; dropped: %.200s", row_id, line)
                    with self.store.tx():
                        self.store.inbox.drop(row_id)
                    continue
                try:
                    self.handle(event)  # its id remembered in inbound is its "processed" mark
                except Exception:  # handle_now records failures itself; this is the last line of defence
                    log.exception("event %s could not be handled; dropped from the inbox", event.id)
                    self.store.inbox.remember(event.id, event.ts)  # seen: no restart handles its row again
        # the rows handled are the oldest (a prefix of the table, in id order) and that is committed (a crash before
        # the commit leaves every one of them waiting)
        self.store.inbox.handled(last)
        self.batches += 1
        return handled

    async def run(self) -> None:
        """Forever: drain what is stored (first what a crash left behind), then wait for the next event."""
        while True:
            self._wake.clear()
            try:
                await self.process()
            except Exception:  # the processor must outlive a database hiccup
                log.exception("inbox processing failed; retrying")
                await asyncio.sleep(1)
                continue
            await self._wake.wait()
