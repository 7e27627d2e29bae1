"""Reading a member's answer to a survey question (a number, the option's label, several of them, or free text) into
what is stored: an option id, a JSON list of option ids, or the text; and the question as members read it."""
from __future__ import annotations

import json
import re

from bot.core.context import Context
from bot.language.normalize import normalize as _normalize
from rituals.survey.section import Survey, SurveyOption, SurveyQuestion

MAX_ANSWER = 500
_SPLIT = re.compile(r"[\s,，、;；/]+")


def normalize(text: str) -> str:
    """An answer or option made comparable: half-width, simplified, no emoji or surrounding punctuation ('２.' -> '2')."""
    return _normalize(text, limit=200).strip(" .,;:!?~、")


def _choice(options: list[SurveyOption], token: str) -> int | None:
    """'2', '２.' or the option's label -> its index."""
    t = normalize(token)
    if t.isdecimal():
        n = int(t) if len(t) <= 3 else 0  # never int() a number of thousands of digits
        return n - 1 if 1 <= n <= len(options) else None
    return next((i for i, o in enumerate(options) if normalize(o.label) == t), None)


def parse_answer(q: SurveyQuestion, text: str) -> str | None:
    """The answer to store (an option id, a JSON list of option ids, or the text); None if it does not answer."""
    text = text.strip()
    if q.kind == "text":
        return text[:MAX_ANSWER] or None  # a free-text answer is kept short
    whole = _choice(q.options, text)
    if q.kind == "single":
        return q.options[whole].id if whole is not None else None
    tokens = [t for t in _SPLIT.split(text) if normalize(t)]
    if len(tokens) == 1 and tokens[0].isdecimal() and len(q.options) < 10 and whole is None:
        tokens = list(tokens[0])  # '13' -> 1 and 3
    picks = [whole] if whole is not None else [_choice(q.options, t) for t in tokens]
    if not picks or None in picks:
        return None
    return json.dumps([q.options[i].id for i in sorted(set(picks))])


def question_text(survey: Survey, i: int) -> str:
    """'（2/4）希望多久收到一次优惠活动？' and the numbered options."""
    q = survey.questions[i]
    lines = [f"（{i + 1}/{len(survey.questions)}）{q.text}", *(f"{n}. {o.label}" for n, o in enumerate(q.options, 1))]
    return "\n".join(lines)


def hint(ctx: Context, survey: Survey, q: SurveyQuestion) -> str:
    """How to answer this question (the survey's hint_* texts)."""
    if q.kind == "text":
        return ctx.fmt(survey.hint_text)
    template = survey.hint_single if q.kind == "single" else survey.hint_multiple
    return ctx.fmt(template, n=len(q.options), options="、".join(o.label for o in q.options))
