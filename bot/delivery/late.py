"""Late scheduled posts: a scheduled post (priority POST) sent more than settings.late_post_minutes after the
calendar's time it was due (a spread post is queued after it; a push without one: after it was queued) is logged, and the advisors are told privately at most once an hour per account (when they were last told is
kept in meta, so a restart does not tell them again within the hour). `main.py plan` warns before it happens."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from bot.storage import Store, from_iso, iso
from bot.storage.outbox import POST

log = logging.getLogger("bot.delivery.late")

TELL_EVERY = timedelta(hours=1)
LOG_EVERY = timedelta(minutes=5)


def limited_key(account: str) -> str:
    """The meta key saying since when WeChat seems to be limiting the account ('' or absent: it is not): set and
    cleared by the account's sender, read by whoever chooses an account (invitations)."""
    return f"account_limited:{account}"


def told_key(account: str) -> str:
    """The meta key holding when the advisors were last told that the account's posts run late."""
    return f"late_posts_told:{account}"


def account_words(account: str) -> str:
    return f"账号 {account} 的" if account else ""


class LateWatch:
    """Looks at each sent message's delay; `tell(text)` queues a notice to the advisors (in the caller's
    transaction: the sender's own notice path)."""

    def __init__(self, store: Store, minutes: int, tell: Callable[[str], None], account: str = "",
                 queue_length: Callable[[], int] | None = None) -> None:
        self.store, self.tell, self.account = store, tell, account
        self.limit = timedelta(minutes=minutes)
        self.queue_length = queue_length or store.outbox.length
        self._logged: datetime | None = None

    def sent(self, priority: int, due_at: str, now: datetime) -> None:
        """A message went out at `now`: if it was a scheduled post this late, log it and tell the advisors (at most
        once an hour per account)."""
        if priority != POST:
            return
        late = now - from_iso(due_at)
        if late <= self.limit:
            return
        minutes = int(late.total_seconds() // 60)
        if self._logged is None or now - self._logged >= LOG_EVERY:
            self._logged = now
            log.warning("%sscheduled posts run late: one went out %d min after it was due (queue %d)",
                        f"account {self.account}: " if self.account else "", minutes, self.queue_length())
        key = told_key(self.account)
        with self.store.tx():
            last = self.store.meta.get(key)
            if last is not None and now - from_iso(last) < TELL_EVERY:
                return
            self.store.meta.set(key, iso(now))
            self.tell(f"⚠️ {account_words(self.account)}定时消息晚了 {minutes} 分钟发出（队列 {self.queue_length()} 条）。"
                      "群多的时候一个账号发不过来：可以增加账号或把一些群移到别的账号，`main.py plan` 能提前看到哪天哪个时段会晚。")
