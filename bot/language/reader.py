"""The reader: a message read once (Reading) by the cue lists' readers (Reader); see the package's docstring."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.language.clauses import Clause, clauses
from bot.language.cues import Cues
from bot.language.hometown import Hometown, HometownReader
from bot.language.intents import Intents
from bot.language.normalize import FOLD_CHARS, MAX_CHARS, fold, normalize, quoted
from bot.language.optout import OptOut
from bot.language.question import Question
from bot.language.scope import Scope

__all__ = ["Reader", "Reading", "Hometown", "INTENTS", "MAX_CHARS", "fold"]

INTENTS = ("hometown", "checkin", "practice", "graduation", "optout", "question")


class _once:
    """A property computed when first asked and then kept on the instance (functools.cached_property without its
    lock, which on Python 3.11 costs a microsecond a property: a Reading belongs to one thread)."""

    def __init__(self, fn) -> None:
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


class Reading:
    """One message, read once: its normalised clauses and, computed when first asked, each intent."""

    def __init__(self, reader: "Reader", raw: str, private: bool) -> None:
        self.reader, self.private = reader, private
        # the raw text is folded once (NFKC, lower case, no zero-width characters), for every reader of it; bounded,
        # so a message's length costs nothing past FOLD_CHARS
        self.folded: str = fold(raw[:FOLD_CHARS])
        self.text = normalize(self.folded, reader.typos, lines=not private)
        self.parts: list[Clause] = clauses(self.text, reader.glue, reader.breaks)

    @_once
    def hometown(self) -> Hometown | None:
        return None if self.private else self.reader.places.read(self.text, self.parts)

    @_once
    def quoted(self) -> str:
        """What the message quotes (a post of the bot's, another member's words), normalised; '' if nothing."""
        said = quoted(self.folded, lines=not self.private) if "「" in self.folded or ">" in self.folded else ""
        return normalize(said, self.reader.typos) if said else ""

    @_once
    def checkin(self) -> bool:
        return not self.private and self.reader.intents.checkin(self.parts, self.quoted)

    @_once
    def practice(self) -> bool:
        return not self.private and self.reader.intents.practice(self.parts, self.quoted)

    @_once
    def graduation(self) -> bool:
        return not self.private and self.reader.intents.graduation(self.parts)

    @_once
    def optout(self) -> bool:
        """Asked, in a private chat, to stop marketing."""
        return self.private and self.wants_out

    @_once
    def wants_out(self) -> bool:
        """Says 退订 or the like, in any chat (in a group the member is told to say it privately)."""
        return self.reader.optouts.optout(self.parts, self.private)

    @_once
    def resubscribe(self) -> bool:
        return self.reader.optouts.resubscribe(self.parts)

    @_once
    def question(self) -> bool:
        return self.private and self.reader.questions.question(self.parts, self.wants_out, self.text)

    @_once
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

    MEMO_CHARS = 120  # a message this short is remembered with its reading (chat repeats itself: 打卡, 收到, 谢谢老师)
    MEMO_SIZE = 4096  # readings remembered (oldest forgotten first): a few MB at most

    def __init__(self, cues: Cues) -> None:
        self.cues = cues
        self._memo: dict[tuple[str, bool], Reading] = {}
        self.typos = cues.typos
        scope = Scope.from_cues(cues)
        self.glue = scope.glue()
        self.breaks = scope.breaks()
        self.places = HometownReader(cues, scope)
        self.intents = Intents(cues, scope, self.places.gazetteer)  # the group's: check-in, practice, graduation
        self.optouts = OptOut(cues, scope)
        self.questions = Question(cues, scope, self.optouts)

    @classmethod
    def with_additions(cls, extra: dict[str, Any] | None = None) -> "Reader":
        """The default cues plus a playbook's `language:` additions."""
        return cls(Cues.load(extra))

    def read(self, text: str, private: bool = False) -> Reading:
        """What the message says (linear in its length; folds at most FOLD_CHARS characters, recognises at most
        MAX_CHARS). A short text read before gives the same Reading again: a Reading is a pure function of the
        text and the cues, and what it has computed (intents asked so far) is kept with it."""
        if len(text) > self.MEMO_CHARS:
            return Reading(self, text, private)
        key = (text, private)
        memo = self._memo
        reading = memo.pop(key, None)
        if reading is None:
            reading = Reading(self, text, private)
            if len(memo) >= self.MEMO_SIZE:
                del memo[next(iter(memo))]  # the least recently read
        memo[key] = reading  # most recently read last
        return reading
