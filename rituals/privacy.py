"""Private texts are kept only as long as needed: survey free-text answers and friend-request notes older than
`privacy.retention_days` are deleted by a daily purge on the calendar tick (the injected clock decides the day)."""
from __future__ import annotations

import logging
import weakref
from datetime import datetime, timedelta

from bot.context import Ctx
from bot.router import Router
from bot.storage import iso

router = Router("privacy")
log = logging.getLogger("bot.privacy")
META_KEY = "privacy_purged_on"
# per engine: the local day of the last purge (the meta table keeps it across restarts)
_purged: "weakref.WeakKeyDictionary[object, str]" = weakref.WeakKeyDictionary()


def purge(ctx: Ctx) -> tuple[int, int]:
    """Delete private texts older than the retention period; (survey answers deleted, notes cleared)."""
    cutoff = iso(ctx.now - timedelta(days=ctx.pb.privacy.retention_days))
    survey = ctx.pb.survey
    free_text = [q.id for q in survey.questions if q.kind == "text"] if survey else []
    answers = 0
    if free_text:
        marks = ",".join("?" * len(free_text))
        answers = ctx.store.conn.execute(f"DELETE FROM survey_answers WHERE ts < ? AND question IN ({marks})",
                                         (cutoff, *free_text)).rowcount
    notes = ctx.store.conn.execute("UPDATE funnel SET detail = NULL WHERE stage = 'friend_request' AND ts < ? "
                                   "AND detail IS NOT NULL", (cutoff,)).rowcount
    return answers, notes


def _today(engine, now: datetime) -> str:
    return now.astimezone(engine.playbook.tz).date().isoformat()


def _last(ctx: Ctx) -> str:
    if ctx.engine not in _purged:
        row = ctx.store.conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
        _purged[ctx.engine] = row[0] if row else ""
    return _purged[ctx.engine]


@router.on("tick")
def daily_purge(ctx: Ctx) -> None:
    """Once a (local) day: purge what is past retention."""
    today = _today(ctx.engine, ctx.now)
    if _last(ctx) == today:
        return
    try:
        with ctx.store.tx():
            answers, notes = purge(ctx)
            ctx.store.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (META_KEY, today))
    except Exception:
        log.exception("privacy purge failed; tried again tomorrow")
        answers = notes = 0
    _purged[ctx.engine] = today
    if answers or notes:
        log.info("privacy: deleted %d survey free-text answer(s) and %d friend-request note(s) past %d days",
                 answers, notes, ctx.pb.privacy.retention_days)


@router.on("due")
def next_purge(engine) -> datetime | None:
    """The next local midnight once today's purge has run (so a virtual clock stops there)."""
    now = engine.clock.now()
    if _purged.get(engine) != _today(engine, now):
        return now
    local = now.astimezone(engine.playbook.tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
