"""Replies to members are limited per person and per room, so one flooder cannot delay anyone else: a few replies
per person per window, a message repeated over and over answered once, and a cap per room (advisors are never
limited; scheduled posts and acknowledgements are not replies)."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core.events import Message, Outgoing
from bot.storage import Store

log = logging.getLogger("bot.delivery.replies")


class ReplyLimit:
    """Counts what was already queued (the outbox is the record, so the limit survives restarts)."""

    def __init__(self, store: Store, settings) -> None:
        self.store, self.settings = store, settings  # settings: the playbook's settings.replies
        self.dropped = 0

    def allow(self, out: Outgoing, asked: Message, now: datetime) -> bool:
        """True if this reply to the member's message `asked` may be queued now."""
        cfg = self.settings
        since = now - timedelta(minutes=cfg.window_minutes)
        store, person = self.store, asked.sender
        last = store.outbox.last_asked(person, since)
        why = None
        if last is not None and last[0] != asked.id and last[1] == asked.text:
            why = "a repeat of the message answered last"
        elif store.outbox.replies_since(since, person=person) >= cfg.per_person:
            why = f"{cfg.per_person} replies in {cfg.window_minutes:g} min"
        elif out.room is not None and store.outbox.replies_since(since, room=out.room) >= cfg.per_room:
            why = f"the room had {cfg.per_room} replies in {cfg.window_minutes:g} min"
        if why is None:
            return True
        self.dropped += 1
        log.debug("reply to %s not sent (%s): %.60s", person, why, out.text)
        return False
