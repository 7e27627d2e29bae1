"""The language layer: what a member's message says, for every ritual (no ritual matches text by itself).

    reader = Reader.from_playbook_section(pb.language)
    reading = reader.read("大家好，我来自四川成都🌶", private=False)
    reading.hometown  # Hometown(province='四川省', city='成都市', correction=False, ...)
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.language.normalize import MAX_CHARS, fold

__all__ = ["Reader", "Reading", "Hometown", "INTENTS", "MAX_CHARS", "fold"]


def __getattr__(name: str) -> Any:
    """Reader, Reading and the rest of the reader's names, loaded when first asked for: the cue lists' readers (a few
    hundred milliseconds of imports and compiled patterns) are not needed by a command that reads no message
    (`report` imports every ritual; fold and normalize are all they use at import)."""
    reader = importlib.import_module("bot.language.reader")

    if name in vars(reader):
        value = globals()[name] = vars(reader)[name]
        return value
    if name in globals():  # a submodule the reader imported
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    from bot.language.reader import INTENTS, Hometown, Reader, Reading
