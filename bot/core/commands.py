"""Turn '/start 2026-12-01' (or '／开课 2026-12-01') into Command(prefix, name, args)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

_COMMAND = re.compile(r"^\s*([/／])\s*(\S+?)(?:\s+(.*))?\s*$", re.S)


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed command: '/say 大家好' -> Command('/', 'say', '大家好')."""

    prefix: str
    name: str
    args: str

    @property
    def argv(self) -> list[str]:
        return self.args.split()


@dataclass(frozen=True)
class CommandSpec:
    """What a command is: its names, one-line usage, help, and handler(ctx, command) -> None. An advisor's command
    is answered privately (its confirmation, usage error or refusal is not the class's business) unless `for_group`:
    then ctx.reply speaks in the room. What a command posts for the class (ctx.say: /say, /tally, /push) is posted in
    the room either way."""

    name: str
    aliases: tuple[str, ...]
    usage: str
    help: str
    handler: Callable
    advisor_only: bool = True
    needs_group: bool = True
    for_group: bool = False


def shown(arg: str, limit: int = 30) -> str:
    """An argument as echoed back in a reply: one line, at most `limit` characters."""
    from bot.core.names import clean_text  # noqa: PLC0415 - bot.core.names imports bot.core.events only; keep the parser light
    return clean_text(arg, limit) or "（空）"


def whole_number(arg: str, limit: int) -> int | None:
    """'12' -> 12; None unless it is plain ASCII digits no greater than `limit` (never a 5,000-digit int())."""
    if not (arg.isascii() and arg.isdigit()) or len(arg) > len(str(limit)):
        return None
    value = int(arg)
    return value if value <= limit else None


class UsageError(ValueError):
    """Raised by a command handler for malformed arguments; the engine replies with the usage line."""


def parse_command(text: str) -> Command | None:
    """A Command if the text starts with / or ／, else None."""
    m = _COMMAND.match(text)
    if not m:
        return None
    return Command(m.group(1), m.group(2).lower(), (m.group(3) or "").strip())
