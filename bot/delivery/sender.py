"""The durable, paced outbox: every message is queued in SQLite first, then sent under a send budget."""
from __future__ import annotations

import asyncio
import logging
import random
import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from bot.core.events import Outgoing
from bot.delivery.late import LateWatch, limited_key
from bot.storage import Store, iso
from bot.transport import SendError, Transport, perform

log = logging.getLogger("bot.delivery.sender")

# What WeChat (or a puppet service) says when it throttles an account.
LIMITED = re.compile(r"频繁|too frequent|limit", re.IGNORECASE)


def unknown_note(store: Store) -> str:
    """' · ⚠️ N 条发送中断…' when interrupted sends need checking by hand, else ''."""
    n = store.outbox.unknown_sends()
    return f" · ⚠️ {n} 条消息发送中断、不确定是否已送达，请人工核对" if n else ""


@dataclass(frozen=True)
class Pacing:
    """The send budget: WeChat restricts accounts that send too fast."""

    per_minute: int = 40          # at most this many messages per rolling minute, all rooms together
    room_gap_seconds: float = 1.0  # at least this long between two messages to the same room
    switch_jitter_seconds: tuple[float, float] = (1.0, 4.0)  # a random pause when switching recipients
    backoff_seconds: float = 5.0   # first pause after a send error (doubles, capped)
    backoff_max_seconds: float = 300.0
    limited_after_failures: int = 3  # this many failed sends in a row (while connected) look like account limiting
    limited_backoff_seconds: float = 60.0  # the first pause once WeChat seems to be limiting the account
    broadcast_aging_seconds: float = 60.0  # a scheduled post queued this long goes before newer replies


class Sender:
    """Drains the outbox in order, respecting the pacing; a failed send pauses all sending with back-off.

    One sender per WeChat account: `account` None drains every row (a deployment with one account), a name drains
    that account's rows only, with its own budget, back-off and limiting episode (one account's trouble never
    pauses another's)."""

    def __init__(self, store: Store, transport: Transport, clock, pacing: Pacing = Pacing(), seed: int | None = None,
                 advisors: Iterable[str] = (), account: str | None = None, late_minutes: int | None = None) -> None:
        self.store, self.transport, self.clock, self.pacing = store, transport, clock, pacing
        self.account = account
        self.notices = account or ""  # the account that tells the advisors about this one's trouble (set by assemble)
        self.adopts = False  # the default of several accounts: it takes over queued rows no account was given
        self.advisors = sorted(advisors)
        # scheduled posts sent later than this are logged and the advisors told (at most once an hour)
        self.late = LateWatch(store, late_minutes, self._tell_advisors, account or "",
                              lambda: store.outbox.length(account)) if late_minutes else None
        self._rng = random.Random(seed)
        self._last: tuple[str, datetime] | None = None  # (recipient, when) of the last send
        self._switch_gap = self._draw_gap()
        self._window: deque[datetime] = deque()
        self._last_to: dict[str, datetime] = {}
        self._paused_until: datetime | None = None
        self._backoff = pacing.backoff_seconds
        self._failures = 0  # failed sends in a row while connected
        self._limited = False  # in an episode of account limiting (the advisors were told)
        if store.meta.get(limited_key(account or "")):  # a new run tries again: no longer known to be limited
            with store.tx():
                store.meta.set(limited_key(account or ""), "")
        self._wake = asyncio.Event()
        self.sent_count = 0
        self._stopping = False
        self._rebuild_window()

    def recover(self) -> int:
        """The start-up step (called once by the composition root, before anything is sent): sends a previous run
        left 'sending' become 'unknown' (they may have reached WeChat: never blindly re-sent) and the advisors are
        told. Returns how many there were."""
        with self.store.tx():
            interrupted = self.store.outbox.mark_interrupted()
            if interrupted:
                log.warning("%d message(s) were being sent when the bot stopped; marked unknown, not re-sent", len(interrupted))
                lines = "\n".join(f"· {dest}：{text[:30]}" for dest, text in interrupted[:5])
                self._tell_advisors(f"⚠️ 机器人上次停止时有 {len(interrupted)} 条消息正在发送，无法确认是否已送达（没有重发）：\n"
                                    f"{lines}\n请人工核对，必要时手动补发。/status 和 report 里也能看到。")
        return len(interrupted)

    def _tell_advisors(self, text: str, through: str | None = None) -> None:
        """Queue a private notice to every advisor, at reply priority (it goes out once sending is allowed), through
        this account (or `through` another one)."""
        account = self.account or "" if through is None else through
        for adv in self.advisors:
            self.store.outbox.enqueue(Outgoing(None, adv, text, account=account), self.clock.now(), 0)

    def _rebuild_window(self) -> None:
        """The send budget survives restarts: the last minute's sends (and sends that may have happened) count."""
        now = self.clock.now()
        horizon = max(60.0, self.pacing.room_gap_seconds, self.pacing.switch_jitter_seconds[1])
        for when, dest in self.store.outbox.sends_since(now - timedelta(seconds=horizon), self.account):
            when = min(when, now)  # a clock set back (sandbox --clock-start) must not push sends into the future
            if when > now - timedelta(minutes=1):
                self._window.append(when)
            self._last_to[dest] = max(self._last_to.get(dest, when), when)
            self._last = (dest, when)
        while len(self._window) > self.pacing.per_minute:
            self._window.popleft()

    def connection_back(self) -> None:
        """The transport reconnected: errors from the outage say nothing about now, so send again at once."""
        self._paused_until = None
        self._backoff = self.pacing.backoff_seconds
        self._failures = 0
        self.wake()

    def wake(self) -> None:
        """Something was queued: look at the outbox now."""
        self._wake.set()

    def allowed_at(self, room_or_contact: str, now: datetime | None = None) -> datetime:
        """The earliest moment (not before `now`) the budget allows the next message to this recipient."""
        t = now or self.clock.now()
        if self._paused_until and self._paused_until > t:
            t = self._paused_until
        if len(self._window) >= self.pacing.per_minute:
            t = max(t, self._window[-self.pacing.per_minute] + timedelta(minutes=1))
        last = self._last_to.get(room_or_contact)
        if last is not None:
            t = max(t, last + timedelta(seconds=self.pacing.room_gap_seconds))
        if self._last is not None and self._last[0] != room_or_contact:
            t = max(t, self._last[1] + timedelta(seconds=self._switch_gap))
        return t

    def _draw_gap(self) -> float:
        low, high = self.pacing.switch_jitter_seconds
        return self._rng.uniform(low, high)

    def next_allowed(self) -> datetime | None:
        """When the next queued message may go (None if the queue is empty)."""
        return self._pick(self._queued(self.clock.now()), self.clock.now())[1]

    def _queued(self, now: datetime) -> list:
        return self.store.outbox.queued(limit=50, aged_before=now - timedelta(seconds=self.pacing.broadcast_aging_seconds),
                                        account=self.account)

    def _pick(self, batch: list, now: datetime) -> tuple[object | None, datetime | None]:
        """(the entry to send now, or None; the earliest moment something could go). Entries go in order per
        recipient; a recipient waiting out its room gap does not hold up others, but the per-minute budget, a
        back-off pause and the switching pause hold everyone (so the global order is kept)."""
        waiting: set[str] = set()
        earliest = None
        for item in batch:
            dest = item.out.room or item.out.to
            if dest in waiting:
                continue
            at = self.allowed_at(dest, now)
            if at <= now:
                return item, now
            earliest = at if earliest is None else min(earliest, at)
            last = self._last_to.get(dest)
            if last is None or last + timedelta(seconds=self.pacing.room_gap_seconds) <= now:
                return None, earliest  # held by a global limit
            waiting.add(dest)
        return None, earliest

    async def drain(self) -> int:
        """Send every queued message the budget allows right now, in order per recipient; a recipient that
        must wait does not hold up the others. Returns how many were sent."""
        sent = 0
        while not self._stopping:
            now = self.clock.now()
            item, _ = self._pick(self._queued(now), now)
            if item is None:
                return sent
            dest = item.out.room or item.out.to
            with self.store.tx():
                self.store.outbox.mark_sent(item.id, now, "sending")
            try:
                await perform(self.transport, item.out)
            except Exception as exc:
                if not isinstance(exc, SendError):  # an unexpected failure: it may have gone out
                    log.exception("transport failed sending outbox #%s", item.id)
                    exc = SendError(repr(exc), unknown=True)
                limited = self._failed(exc)
                if exc.unknown:  # may have reached WeChat: never blindly re-send
                    log.error("send of outbox #%s timed out; marked unknown, not re-sent: %s", item.id, exc)
                    with self.store.tx():
                        self.store.outbox.mark_sent(item.id, now, "unknown", str(exc))
                else:
                    with self.store.tx():
                        self.store.outbox.mark_sent(item.id, now, "queued", str(exc))
                if not exc.unknown or limited:
                    if limited:
                        self._backoff = max(self._backoff, self.pacing.limited_backoff_seconds)
                    self._paused_until = now + timedelta(seconds=self._backoff)
                    log.error("send failed%s (%s); pausing its sending for %.0fs", self._on(), exc, self._backoff)
                    self._backoff = min(self._backoff * 2, self.pacing.backoff_max_seconds)
                    if not exc.unknown:
                        return sent
            else:
                with self.store.tx():
                    self.store.outbox.mark_sent(item.id, self.clock.now())
                self._backoff = self.pacing.backoff_seconds
                self._failures = 0
                if self._limited:
                    self._limited = False
                    log.warning("sending works again; the account limiting episode is over")
                    with self.store.tx():
                        self.store.meta.set(limited_key(self.account or ""), "")
                sent += 1
                self.sent_count += 1
                if self.late is not None:
                    self.late.sent(item.priority, item.due_at or item.created_at, now)
            now = self.clock.now()  # gaps count from when the message left: a slow send does not shorten the next gap
            self._window.append(now)
            while len(self._window) > self.pacing.per_minute:
                self._window.popleft()
            self._last_to[dest] = now
            if self._last is None or self._last[0] != dest:
                self._switch_gap = self._draw_gap()
            self._last = (dest, now)
        return sent

    def _on(self) -> str:
        """' on account adv1' for logs (nothing for the only account)."""
        return f" on account {self.account}" if self.account else ""

    def _failed(self, exc: SendError) -> bool:
        """Count a failed send; True if WeChat seems to be limiting the account (then the advisors are told, once
        per episode). Failures while disconnected are the connection's, not the account's."""
        if not getattr(self.transport, "connected", True):
            return False
        self._failures += 1
        if not (LIMITED.search(str(exc)) or self._failures >= self.pacing.limited_after_failures):
            return False
        if not self._limited:
            self._limited = True
            log.error("WeChat seems to be limiting the account%s (%s); pausing its sending and telling the advisors",
                      self._on(), exc)
            with self.store.tx():  # (kept in meta: invitations go to the groups of accounts that are not limited)
                self.store.meta.set(limited_key(self.account or ""), iso(self.clock.now()))
                self._tell_advisors(f"⚠️ 微信可能在限制{'账号 ' + self.account + ' ' if self.account else '这个账号'}发消息（{str(exc)[:80]}），机器人已暂停发送并逐步重试；"
                                    "恢复后会自动继续，队列里的消息不会丢。请暂时不要手动大量发消息。", self.notices)
            self.wake()
        return True

    async def stop(self, task: asyncio.Task, timeout: float = 10.0) -> None:
        """Let the send in flight finish (a cancelled send would be left 'unknown'), then end the run() task."""
        self._stopping = True
        self.wake()
        try:
            await asyncio.wait_for(task, timeout)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            pass

    async def run(self, speed: float = 1.0) -> None:
        """Until stopped: drain, then sleep until woken or until the budget lets the next message go."""
        while not self._stopping:
            try:
                if self.adopts:
                    self._adopt()
                await self.drain()
            except Exception:  # the sender must outlive a bad row or a database hiccup
                log.exception("outbox drain failed; retrying")
                await asyncio.sleep(1)
            if self._stopping:
                break
            nxt = self.next_allowed()
            # idle: look again every few seconds (another process, e.g. import-contacts, may have queued rows)
            timeout = 5.0 if nxt is None else max((nxt - self.clock.now()).total_seconds() / speed, 0.01)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except asyncio.TimeoutError:
                pass

    def _adopt(self) -> None:
        """Rows queued without an account (by another process, e.g. import-contacts) are sent by this one."""
        if self.store.outbox.unassigned():
            with self.store.tx():
                n = self.store.outbox.rehome((), self.account or "")
            log.info("%d queued message(s) without an account go out through account %s", n, self.account)

    def status(self) -> str:
        """The budget and the queue, for /status and logs."""
        now = self.clock.now()
        used = sum(1 for t in self._window if t > now - timedelta(minutes=1))
        paused = "（微信限流，已暂停发送）" if self._limited else ""
        return f"队列 {self.store.outbox.length(self.account)} 条 · 本分钟已发 {used}/{self.pacing.per_minute}{paused}" + unknown_note(self.store)
