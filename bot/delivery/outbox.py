"""The outbox as handlers see it: messages are queued inside the open transaction (so nothing is sent for work that
rolls back), replies to members within their limits, and the sender is woken only after the commit (of the whole
group-committed batch: the store calls committed() after every outermost COMMIT)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from bot.core.events import Message, Outgoing
from bot.delivery.replies import ReplyLimit
from bot.storage import Store
from bot.storage.outbox import ACK, POST, REPLY

__all__ = ["ACK", "POST", "REPLY", "Outbox"]


class Outbox:
    def __init__(self, store: Store, replies: ReplyLimit) -> None:
        self.store = store
        self.replies = replies
        self.wake: Callable[[], None] = lambda: None  # the sender's wake-up, set by the composition root
        self._queued = False
        store.on_commit(self.committed)

    def put(self, out: Outgoing, now: datetime, broadcast: bool = False, asked: Message | None = None,
            priority: int | None = None) -> bool:
        """Queue a message; scheduled broadcasts (POST) queue behind replies to people, so a busy morning never
        starves a reply, and acknowledgements (ACK) behind both; a reply to a member's message (`asked`) is dropped
        when that person or room has had its share. True if queued."""
        if asked is not None and not self.replies.allow(out, asked, now):
            return False
        if priority is None:
            priority = POST if broadcast else REPLY
        self.store.outbox.enqueue(out, now, priority, (asked.sender, asked.id, asked.text) if asked else None)
        self._queued = True
        return True

    def committed(self) -> None:
        """The transaction that queued messages has committed: wake the sender (not while a transaction is still
        open: the rows are not visible to the sender before the outermost commit)."""
        if self._queued and not self.store.in_transaction:
            self._queued = False
            self.wake()
