"""Private texts are kept only as long as needed: survey free-text answers, friend-request notes and what rituals
declare as private texts (Ritual.private_texts: relayed questions) older than `privacy.retention_days` are deleted by
a daily purge on the calendar tick (the injected clock decides the day)."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from pydantic import Field

from bot.core.context import Context
from bot.playbook.fields import Section
from bot.core.ritual import Ritual


class Privacy(Section):
    """Private texts (survey free-text answers, friend-request notes) are deleted after retention_days."""

    retention_days: int = Field(default=90, ge=1, le=3650)


ritual = Ritual("privacy", section=("privacy", Privacy), order=120)
log = logging.getLogger("bot.privacy")
META_KEY = "privacy_purged_on"


def purge(ctx: Context) -> tuple[int, int]:
    """Delete private texts older than the retention period; (survey answers and rituals' texts deleted, notes
    cleared)."""
    cutoff = ctx.now - timedelta(days=ritual.config(ctx.pb).retention_days)
    survey = ctx.pb.section("survey") if ctx.pb.has_section("survey") else None
    free_text = [q.id for q in survey.questions if q.kind == "text"] if survey else []
    declared = sum(ctx.store.forget_texts(*texts, cutoff) for r in ctx.pb.chosen for texts in r.private_texts)
    return ctx.store.surveys.purge_answers(free_text, cutoff) + declared, ctx.store.funnel.clear_request_notes(cutoff)


def _today(ctx: Context) -> str:
    return ctx.now.astimezone(ctx.pb.tz).date().isoformat()


def _last(ctx: Context) -> str:
    """The local day of the last purge (kept in memory; the meta table keeps it across restarts)."""
    memory = ctx.memory(ritual.name)
    if "purged" not in memory:
        memory["purged"] = ctx.store.meta.get(META_KEY) or ""
    return memory["purged"]


def _done_today(ctx: Context) -> datetime | None:
    """The end of the local day whose purge has run, if now is in it (asked on every tick: no date arithmetic)."""
    span = ctx.memory(ritual.name).get("span")
    return span[1] if span is not None and span[0] <= ctx.now < span[1] else None


def _day_span(ctx: Context) -> tuple[datetime, datetime]:
    """(local midnight today, the next local midnight), in UTC like the clock (comparing a zone's time with a UTC one
    asks the zone for its offset: microseconds on every tick)."""
    local = ctx.now.astimezone(ctx.pb.tz)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(timezone.utc), (start + timedelta(days=1)).astimezone(timezone.utc)


@ritual.on("tick")
def daily_purge(ctx: Context) -> None:
    """Once a (local) day: purge what is past retention."""
    if _done_today(ctx) is not None:
        return
    today = _today(ctx)
    if _last(ctx) == today:
        ctx.memory(ritual.name)["span"] = _day_span(ctx)
        return
    try:
        with ctx.store.tx():
            answers, notes = purge(ctx)
            ctx.store.meta.set(META_KEY, today)
    except Exception:
        log.exception("privacy purge failed; tried again tomorrow")
        answers = notes = 0
    ctx.memory(ritual.name).update(purged=today, span=_day_span(ctx))
    if answers or notes:
        log.info("privacy: deleted %d private text(s) (survey, relayed questions) and %d friend-request note(s) past %d days",
                 answers, notes, ritual.config(ctx.pb).retention_days)


@ritual.on("due")
def next_purge(ctx: Context) -> datetime | None:
    """The next local midnight once today's purge has run (so a virtual clock stops there)."""
    if (end := _done_today(ctx)) is not None:
        return end
    if ctx.memory(ritual.name).get("purged") != _today(ctx):
        return ctx.now
    return _day_span(ctx)[1]
