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
    """What a command is: its names, one-line usage, help, and handler(ctx, command) -> None."""

    name: str
    aliases: tuple[str, ...]
    usage: str
    help: str
    handler: Callable
    advisor_only: bool = True
    needs_group: bool = True


class UsageError(ValueError):
    """Raised by a command handler for malformed arguments; the engine replies with the usage line."""


def parse_command(text: str) -> Command | None:
    """A Command if the text starts with / or ／, else None."""
    m = _COMMAND.match(text)
    if not m:
        return None
    return Command(m.group(1), m.group(2).lower(), (m.group(3) or "").strip())
