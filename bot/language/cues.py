"""The cue lists: built-in defaults (cues.yaml) plus what a playbook adds under `language:`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.language.normalize import normalize

DEFAULTS_FILE = Path(__file__).with_name("cues.yaml")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's where available: the same, ~10x faster


def _defaults() -> dict[str, Any]:
    return yaml.load(DEFAULTS_FILE.read_text(encoding="utf-8"), Loader=SAFE_LOADER)


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Lists are extended, mappings merged key by key (the playbook adds words, it never has to repeat ours)."""
    out = dict(base)
    for key, value in extra.items():
        have = out.get(key)
        if isinstance(have, dict) and isinstance(value, dict):
            out[key] = merge(have, value)
        elif isinstance(have, list) and isinstance(value, list):
            out[key] = have + [v for v in value if v not in have]
        else:
            out[key] = value
    return out


_ASCII = re.compile(r"[a-z0-9]")


class Words(tuple):
    """A word list, longest first, searched in one pass of a compiled alternation (C speed, linear in the text)."""

    def __new__(cls, words) -> "Words":
        self = super().__new__(cls, sorted(set(words), key=len, reverse=True))
        self._re = re.compile("|".join(map(re.escape, self))) if self else re.compile(r"(?!x)x")
        return self

    def within(self, text: str) -> bool:
        """Does any word occur in the text?"""
        return self._re.search(text) is not None

    def first_end(self, text: str, default: int) -> int:
        """Where the first word found in the text ends (default if none)."""
        m = self._re.search(text)
        return m.end() if m else default

    def sub(self, text: str, by: str) -> str:
        """The text with each of these words replaced by `by`."""
        return self._re.sub(by.replace("\\", r"\\"), text)

    def removed(self, text: str) -> str:
        """The text without these words ('再给我' -> '' for fillers)."""
        return self._re.sub("", text)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each word in the text, leftmost-longest, not overlapping; an ASCII word ('td') only
        where it stands as a word of its own."""
        out = []
        for m in self._re.finditer(text):
            start, end = m.span()
            if _ASCII.match(text[start]) and ((start and _ASCII.match(text[start - 1]))
                                              or (end < len(text) and _ASCII.match(text[end]))):
                continue
            out.append((start, end))
        return out


@dataclass(frozen=True)
class Cues:
    """Every word list the recognisers use, normalised the way messages are."""

    raw: dict[str, Any]

    @classmethod
    def load(cls, extra: dict[str, Any] | None = None) -> "Cues":
        return cls(merge(_defaults(), extra or {}))

    def words(self, section: str, key: str | None = None) -> Words:
        """A word list, normalised the way messages are, longest first (so '打个卡' is tried before '打卡')."""
        value = self.raw[section] if key is None else self.raw[section][key]
        return Words(normalize(str(w), limit=200) or str(w) for w in value)

    @property
    def typos(self) -> dict[str, str]:
        """Written -> meant; a guard is read as itself, so a typo inside it is left alone ('可以打卡' is no '以打卡')."""
        guards = {str(w).lower(): str(w).lower() for w in self.raw.get("typo_guards", [])}
        return guards | {str(k).lower(): str(v) for k, v in self.raw.get("typos", {}).items() if str(k).lower() not in guards}

    @property
    def place_aliases(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.raw.get("place_aliases", {}).items()}


MAX_WORD = 30


def problems(extra: object) -> list[str]:
    """What is wrong with a playbook's `language:` additions, each as 'key: problem' (empty if fine)."""
    if not isinstance(extra, dict):
        return ["must be a mapping of the keys in bot/language/cues.yaml"]
    return _problems(_defaults(), extra, "language")


def _problems(base: dict[str, Any], extra: dict[str, Any], where: str) -> list[str]:
    out = []
    for key, value in extra.items():
        path = f"{where}.{key}"
        if key not in base:
            out.append(f"{path}: unknown key (known: {', '.join(base)})")
        elif isinstance(base[key], dict) and isinstance(value, dict):
            if all(isinstance(v, list) for v in base[key].values()):
                out += _problems(base[key], value, path)
            else:  # a mapping of words (typos, place_aliases)
                out += [f"{path}.{k}: must map a word to a word" for k, v in value.items()
                        if not _word(k) or not _word(v)]
        elif isinstance(base[key], list) and isinstance(value, list):
            out += [f"{path}: {w!r} must be a non-blank word of at most {MAX_WORD} characters" for w in value if not _word(w)]
        else:
            out.append(f"{path}: must be a {'list of words' if isinstance(base[key], list) else 'mapping'}")
    if where == "language" and isinstance(extra.get("place_aliases"), dict):
        from bot.language.places import known_place  # noqa: PLC0415 - loads the gazetteer only when aliases are given
        out += [f"{where}.place_aliases.{k}: {v!r} is not a place name we know" for k, v in extra["place_aliases"].items()
                if _word(v) and not known_place(str(v))]
    return out


def _word(w: object) -> bool:
    return isinstance(w, (str, int)) and 0 < len(str(w).strip()) <= MAX_WORD
