"""The outbox as handlers see it: messages are queued inside the open transaction (so nothing is sent for work that
rolls back), replies to members within their limits, and the sender is woken only after the commit (of the whole
group-committed batch: the store calls committed() after every outermost COMMIT).

Several accounts: a message is queued for the account that sends it (handlers never name one): a room message or an
invitation into a room for the group's account (only a member can add someone; the funnel picks groups of the person's
own account), a private message or acceptance for the person's account (but a reply in a private chat for the account
the person wrote to), else the account of the event being handled, else the default (first configured) account."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Callable, Sequence

from bot.core.events import Message, Outgoing
from bot.delivery.replies import ReplyLimit
from bot.storage import Store
from bot.storage.outbox import ACK, POST, REPLY

__all__ = ["ACK", "POST", "REPLY", "Outbox"]


class Outbox:
    def __init__(self, store: Store, replies: ReplyLimit, accounts: Sequence[str] = ("",)) -> None:
        self.store = store
        self.replies = replies
        self.wake: Callable[[], None] = lambda: None  # the senders' wake-up, set by the composition root
        self.accounts = tuple(accounts) or ("",)  # the configured accounts, the default first
        self.owner: Callable[[str], str | None] = lambda room: None  # a bound room's account (set by the engine)
        self.account = ""  # the account of the event being handled ('' between events: the calendar)
        self.due: datetime | None = None  # the calendar's time of the scheduled action being run (None otherwise)
        self.partner: str | None = None  # who wrote the private message being handled (answered by that account)
        self._queued = False
        store.on_commit(self.committed)

    def put(self, out: Outgoing, now: datetime, asked: Message | None = None, priority: int = REPLY) -> bool:
        """Queue a message; scheduled broadcasts (POST) queue behind replies to people, so a busy morning never
        starves a reply, and acknowledgements (ACK) behind both; a reply to a member's message (`asked`) is dropped
        when that person or room has had its share. True if queued."""
        if asked is not None and not self.replies.allow(out, asked, now):
            return False
        if not out.account and (account := self.account_for(out)):
            out = replace(out, account=account)
        self.store.outbox.enqueue(out, now, priority, (asked.sender, asked.id, asked.text) if asked else None,
                                  self.due if priority == POST else None)
        self._queued = True
        return True

    def account_for(self, out: Outgoing) -> str:
        """The account that sends an outgoing message (see the module's docstring)."""
        accounts = self.accounts
        if len(accounts) == 1:
            return accounts[0]
        if out.room is not None:  # said in the room, or an invitation into it: only a member (its owner) can
            account = self.owner(out.room)
        elif out.to is not None and out.to == self.partner and out.room is None:
            account = self.account
        elif out.to is not None:
            account = self.store.funnel.account_of(out.to)
        else:
            account = None
        if account in accounts:
            return account
        return self.account if self.account in accounts else accounts[0]

    def committed(self) -> None:
        """The transaction that queued messages has committed: wake the sender (not while a transaction is still
        open: the rows are not visible to the sender before the outermost commit)."""
        if self._queued and not self.store.in_transaction:
            self._queued = False
            self.wake()
