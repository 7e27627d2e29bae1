"""Load a playbook file and turn every problem into one line naming the file, the field and what is wrong."""
from __future__ import annotations

import math
import re
import string
from datetime import datetime, timedelta, tzinfo
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
                   "marketing.opt_out_confirm": set(),
                   "marketing.countdown_text": {"title", "price", "final_price", "discount", "deadline", "seats_left", "link", "left"},
                   "marketing.closed_text": {"title", "state"}})
    fields.update({f"offers[{i}].template": {"title", "price", "final_price", "discount", "deadline", "seats_left", "link"}
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


# -- honest marketing: a literal scarcity or deadline claim in an offer or coupon text must be true ------------------
_N = r"(\d+|[零一二两三四五六七八九十百]+)"
_LEFT = r"(?:最后|仅剩|只剩|还剩|剩余|剩下|仅余|还有|仅有|只有|仅)"
_SEATS = (re.compile(_LEFT + r"\s*" + _N + r"\s*(?:个|位|席)?\s*(?:名额|席位|学位|座位)"),
          re.compile(r"(?:最后|仅剩|只剩|还剩|仅余)\s*" + _N + r"\s*(?:个|位|席)(?!\s*(?:小时|钟头))"),
          re.compile(r"名额\s*(?:仅|只|还)?(?:剩|余)(?:余|下)?\s*" + _N))
_DAYS = re.compile(_LEFT + r"\s*" + _N + r"\s*(?:天|日)")
_HOURS = re.compile(_LEFT + r"\s*" + _N + r"\s*个?\s*(?:小时|钟头)")
_RELATIVE = re.compile(r"(今天|今日|今晚|明天|明日|明晚)[^，。,.!！\n]{0,8}?(?:截止|结束|恢复原价|涨价)")
_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]\s*(?:(\d{1,2})[:：](\d{2}))?\s*(?:前|之前|截止|结束|有效)")
_DIGITS = dict(zip("零一二两三四五六七八九", (0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9)))


def _number(text: str) -> int:
    """'12' -> 12, '十二' -> 12, '二十' -> 20."""
    if text.isdigit():
        return int(text)
    total = digit = 0
    for ch in text:
        if ch in "十百":
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
        else:
            digit = _DIGITS[ch]
    return total + digit


def seat_claims(text: str, seats_left: int) -> list[tuple[str, str]]:
    """(claim, why) for every literal 'seats left' claim ('最后10个名额', '仅剩10个') whose number is not seats_left."""
    found: dict[int, re.Match] = {}
    for m in (m for pattern in _SEATS for m in pattern.finditer(text)):
        if m.end() > (found[m.start()].end() if m.start() in found else -1):
            found[m.start()] = m  # the longest claim at each place
    return [(m.group(0), f"says {_number(m.group(1))} seats left but {seats_left} are (use {{seats_left}})")
            for _, m in sorted(found.items()) if _number(m.group(1)) != seats_left]


def deadline_claims(text: str, deadline: datetime, tz: tzinfo, now: datetime | None = None) -> list[tuple[str, str]]:
    """(claim, why) for every deadline claim that is not true at `now`; with now=None (playbook validation) a
    claim that is only true at some moments ('最后3天', '今晚截止') is refused outright."""
    out = []
    end = deadline.astimezone(tz)
    for m in _DATE.finditer(text):
        year, month, day, hh, mm = (int(g) if g else None for g in m.groups())
        if (month, day) != (end.month, end.day) or year not in (None, end.year) or (hh is not None and (hh, mm) != (end.hour, end.minute)):
            out.append((m.group(0), f"the deadline is {end:%Y-%m-%d %H:%M} (use {{deadline}})"))
    timed = [(m, "day") for m in _DAYS.finditer(text)] + [(m, "hour") for m in _HOURS.finditer(text)] + \
        [(m, "relative") for m in _RELATIVE.finditer(text)]
    for m, kind in timed:
        if now is None:
            out.append((m.group(0), "is only true at some moments (use {deadline})"))
        elif not _time_claim_true(m, kind, end, now.astimezone(tz)):
            out.append((m.group(0), f"is not true now: the deadline is {end:%Y-%m-%d %H:%M}"))
    return out


def false_claims(text: str, seats_left: int, deadline: datetime, tz: tzinfo, now: datetime | None = None) -> list[tuple[str, str]]:
    """Every false scarcity or deadline claim in an offer text, as (claim, why)."""
    return seat_claims(text, seats_left) + deadline_claims(text, deadline, tz, now)


def _time_claim_true(m: re.Match, kind: str, end: datetime, now: datetime) -> bool:
    left = end - now
    if left <= timedelta(0):
        return False
    if kind == "relative":
        return (end.date() - now.date()).days == (0 if m.group(1).startswith("今") else 1)
    n = _number(m.group(1))
    if kind == "hour":
        hours = left / timedelta(hours=1)
        return n in (math.floor(hours), math.ceil(hours))
    calendar = (end.date() - now.date()).days
    return n in (math.ceil(left / timedelta(days=1)), calendar, calendar + 1)


def _check_offers(pb: Playbook) -> list[str]:
    """Offer templates and coupon texts claim nothing false; coupons are real discounts."""
    problems = []
    for i, offer in enumerate(pb.offers):
        if offer.discount >= 1:
            problems.append(f"offers[{i}].discount: {offer.discount} is no discount (0.18 means 1.8折)")
        if not re.match(r"^https?://\S+$", offer.link):
            problems.append(f"offers[{i}].link: must be an http(s) URL, got {offer.link!r}")
        deadline = datetime.fromisoformat(offer.deadline)
        for claim, why in false_claims(offer.template, offer.seats, deadline, pb.tz):
            problems.append(f"offers[{i}].template: false claim 「{claim}」: {why}")
    for i, coupon in enumerate(pb.coupons):
        if coupon.amount >= coupon.min_invest:
            problems.append(f"coupons[{i}].amount: {coupon.amount} off must be less than min_invest {coupon.min_invest}")
        for m in re.finditer(r"满\s*(\d+)\s*元?\s*减\s*(\d+)", coupon.text):
            if (int(m.group(1)), int(m.group(2))) != (coupon.min_invest, coupon.amount):
                problems.append(f"coupons[{i}].text: false claim 「{m.group(0)}」: the coupon is "
                                f"满{coupon.min_invest}减{coupon.amount} (use {{min_invest}} and {{amount}})")
        for claim, why in deadline_claims(coupon.text, coupon.expires, pb.tz):
            problems.append(f"coupons[{i}].text: false claim 「{claim}」: {why.replace('deadline', 'coupon is valid until')}")
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
    problems = _check_texts(pb) + _check_offers(pb)
    if problems:
        raise PlaybookError("\n".join(f"{path}: {p}" for p in problems))
    return pb
