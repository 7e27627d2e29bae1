"""Private texts are kept only as long as needed: survey free-text answers and friend-request notes older than
`privacy.retention_days` are deleted by a daily purge on the calendar tick (the injected clock decides the day)."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from pydantic import Field

from bot.context import Ctx
from bot.playbook.fields import Section
from bot.ritual import Ritual
from bot.storage import iso


class Privacy(Section):
    """Private texts (survey free-text answers, friend-request notes) are deleted after retention_days."""

    retention_days: int = Field(default=90, ge=1, le=3650)


ritual = Ritual("privacy", section=("privacy", Privacy), order=120)
log = logging.getLogger("bot.privacy")
META_KEY = "privacy_purged_on"


def purge(ctx: Ctx) -> tuple[int, int]:
    """Delete private texts older than the retention period; (survey answers deleted, notes cleared)."""
    cutoff = iso(ctx.now - timedelta(days=ritual.config(ctx.pb).retention_days))
    survey = ctx.pb.section("survey") if ctx.pb.has_section("survey") else None
    free_text = [q.id for q in survey.questions if q.kind == "text"] if survey else []
    answers = 0
    if free_text:
        marks = ",".join("?" * len(free_text))
        answers = ctx.store.conn.execute(f"DELETE FROM survey_answers WHERE ts < ? AND question IN ({marks})",
                                         (cutoff, *free_text)).rowcount
    notes = ctx.store.conn.execute("UPDATE funnel SET detail = NULL WHERE stage = 'friend_request' AND ts < ? "
                                   "AND detail IS NOT NULL", (cutoff,)).rowcount
    return answers, notes


def _today(ctx: Ctx) -> str:
    return ctx.now.astimezone(ctx.pb.tz).date().isoformat()


def _last(ctx: Ctx) -> str:
    """The local day of the last purge (kept in memory; the meta table keeps it across restarts)."""
    memory = ctx.memory(ritual.name)
    if "purged" not in memory:
        row = ctx.store.conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
        memory["purged"] = row[0] if row else ""
    return memory["purged"]


@ritual.on("tick")
def daily_purge(ctx: Ctx) -> None:
    """Once a (local) day: purge what is past retention."""
    today = _today(ctx)
    if _last(ctx) == today:
        return
    try:
        with ctx.store.tx():
            answers, notes = purge(ctx)
            ctx.store.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (META_KEY, today))
    except Exception:
        log.exception("privacy purge failed; tried again tomorrow")
        answers = notes = 0
    ctx.memory(ritual.name)["purged"] = today
    if answers or notes:
        log.info("privacy: deleted %d survey free-text answer(s) and %d friend-request note(s) past %d days",
                 answers, notes, ritual.config(ctx.pb).retention_days)


@ritual.on("due")
def next_purge(ctx: Ctx) -> datetime | None:
    """The next local midnight once today's purge has run (so a virtual clock stops there)."""
    if ctx.memory(ritual.name).get("purged") != _today(ctx):
        return ctx.now
    local = ctx.now.astimezone(ctx.pb.tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
