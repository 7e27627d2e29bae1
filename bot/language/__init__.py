"""The language layer: what a member's message says, for every ritual (no ritual matches text by itself).

    reader = Reader.from_playbook_section(pb.language)
    reading = reader.read("大家好，我来自四川成都🌶", private=False)
    reading.hometown  # Hometown(province='四川省', city='成都市', correction=False, ...)
"""
from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Any

from bot.language.clauses import Clause, clauses
from bot.language.cues import Cues
from bot.language.hometown import Hometown, HometownReader
from bot.language.intents import Intents
from bot.language.normalize import MAX_CHARS, fold, normalize
from bot.language.scope import Scope

__all__ = ["Reader", "Reading", "Hometown", "INTENTS", "MAX_CHARS", "fold"]

INTENTS = ("hometown", "checkin", "practice", "graduation", "optout", "question")


class Reading:
    """One message, read once: its normalised clauses and, computed when first asked, each intent."""

    def __init__(self, reader: "Reader", raw: str, private: bool) -> None:
        self.reader, self.private = reader, private
        # the raw text is folded once (NFKC, lower case, no zero-width characters), for every reader of it
        self.folded: str = fold(raw)
        self.text = normalize(self.folded, reader.typos)
        self.parts: list[Clause] = clauses(self.text, reader.glue)

    @cached_property
    def hometown(self) -> Hometown | None:
        return None if self.private else self.reader.places.read(self.text, self.parts)

    @cached_property
    def checkin(self) -> bool:
        return not self.private and self.reader.intents.checkin(self.parts)

    @cached_property
    def practice(self) -> bool:
        return not self.private and self.reader.intents.practice(self.parts)

    @cached_property
    def graduation(self) -> bool:
        return not self.private and self.reader.intents.graduation(self.parts)

    @cached_property
    def optout(self) -> bool:
        """Asked, in a private chat, to stop marketing."""
        return self.private and self.wants_out

    @cached_property
    def wants_out(self) -> bool:
        """Says 退订 or the like, in any chat (in a group the member is told to say it privately)."""
        return self.reader.intents.optout(self.parts, self.private)

    @cached_property
    def resubscribe(self) -> bool:
        return self.reader.intents.resubscribe(self.parts)

    @cached_property
    def question(self) -> bool:
        return self.private and self.reader.intents.question(self.parts)

    @cached_property
    def bare(self) -> str:
        """The whole message without spaces and punctuation ('领 券！' -> '领券')."""
        return "".join(c.text for c in self.parts).replace(" ", "")

    def is_one_of(self, words: tuple[str, ...] | list[str]) -> bool:
        """Is the whole message one of these words (a command-like keyword: 领券, 问卷, 恢复订阅)?"""
        return self.bare in _bare_forms(tuple(words), self.reader)

    def intents(self) -> list[str]:
        """Every intent the message carries, in INTENTS order."""
        return [name for name in INTENTS if getattr(self, name)]


@lru_cache(maxsize=64)
def _bare_forms(words: tuple[str, ...], reader: "Reader") -> frozenset[str]:
    return frozenset(Reading(reader, w, False).bare for w in words)


class Reader:
    """Built once from the cue lists (defaults plus the playbook's additions)."""

    def __init__(self, cues: Cues) -> None:
        self.cues = cues
        self.typos = cues.typos
        scope = Scope.from_cues(cues)
        self.glue = scope.glue()
        self.places = HometownReader(cues, scope)
        self.intents = Intents(cues, scope, self.places.gazetteer)

    @classmethod
    def with_additions(cls, extra: dict[str, Any] | None = None) -> "Reader":
        """The default cues plus a playbook's `language:` additions."""
        return cls(Cues.load(extra))

    def read(self, text: str, private: bool = False) -> Reading:
        """What the message says (linear in its length; reads at most MAX_CHARS characters)."""
        return Reading(self, text, private)
