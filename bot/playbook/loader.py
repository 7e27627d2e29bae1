"""Load a playbook file and turn every problem into one line naming the file, the field and what is wrong."""
from __future__ import annotations

import string
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.playbook.model import Playbook

# Placeholders each text may use, beyond the persona ones (persona, title, years, course, days).
_TEXT_FIELDS: dict[str, set[str]] = {
    "persona.greeting": set(),
    "opening.prompt": set(),
    "texts.checkin_ack": {"names", "count", "members", "day"},
    "texts.practice_ack": {"names", "day"},
    "texts.checkin_reminder": {"day"},
    "texts.practice_reminder": {"day", "task", "link", "due"},
    "texts.tally": {"day", "count", "members", "rate", "leaderboard"},
    "texts.hometown_summary": {"names", "count", "provinces"},
    "graduation.script": set(),
    "graduation.congrats": {"name", "checkins", "tasks"},
    "graduation.congrats_batch": {"lines"},
    "alumni.welcome": set(),
}
_PERSONA = {"persona", "title", "years", "course", "days"}


class PlaybookError(Exception):
    """A playbook that cannot be used; str() is the one-line explanation."""


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_texts(pb: Playbook) -> list[str]:
    problems = []
    fields = dict(_TEXT_FIELDS)
    for d in pb.days:
        fields[f"days[{d.day - 1}].lesson"] = {"day"}
    fields.update({f"alumni.posts[{i}].text": set() for i in range(len(pb.alumni.posts))})
    fields.update({"funnel.invite_text": {"topic", "start_date"}, "funnel.no_cohort_text": set(),
                   "marketing.opt_out_confirm": set()})
    fields.update({f"offers[{i}].template": {"title", "price", "discount", "deadline", "seats_left", "link"}
                   for i in range(len(pb.offers))})
    fields.update({f"coupons[{i}].text": {"amount", "min_invest", "valid_until"} for i in range(len(pb.coupons))})
    if pb.survey is not None:
        fields.update({"survey.invite": set(), "survey.done": set()})
    for path, allowed in fields.items():
        obj: object = pb
        for part in path.replace("[", ".").replace("]", "").split("."):
            obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
        try:
            unknown = _placeholders(str(obj)) - allowed - _PERSONA
        except ValueError as exc:  # unbalanced braces
            problems.append(f"{path}: bad placeholder syntax ({exc})")
            continue
        if unknown:
            problems.append(f"{path}: unknown placeholder {{{sorted(unknown)[0]}}} (allowed: {', '.join(sorted(allowed | _PERSONA))})")
    return problems


def load_playbook(path: str | Path) -> Playbook:
    """Read and validate a playbook; raise PlaybookError('FILE: FIELD: PROBLEM') if unusable."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlaybookError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise PlaybookError(f"{path}: {where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise PlaybookError(f"{path}: (top level): must be a mapping of sections (persona, course, days ...)")
    try:
        pb = Playbook.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "is required"
            elif err["type"] == "extra_forbidden":
                msg = "is not a known field"
            # whole-playbook checks name their field themselves ("days: ...")
            lines.append(f"{path}: {msg}" if not err["loc"] and ": " in msg else f"{path}: {_loc(err['loc'])}: {msg}")
        raise PlaybookError("\n".join(lines)) from None
    problems = _check_texts(pb)
    if problems:
        raise PlaybookError("\n".join(f"{path}: {p}" for p in problems))
    return pb
