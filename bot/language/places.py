"""Place names in a clause: every official name and short form, longest first, resolved to (province, city)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

from bot.language.gazetteer import MUNICIPALITIES, Place, nations, places, short_form

_CONNECTORS = set("省市区县·-/ 的")
# where the province is its own city: the municipalities (Hong Kong and Macau have no prefecture level and are
# read like a province named alone: city None, as the "only a province, city is null")
CITY_PROVINCES = dict(MUNICIPALITIES)


@dataclass(frozen=True, slots=True)
class Mention:
    """A run of adjacent place names in a clause ('四川成都', '北京朝阳区'), resolved."""

    start: int
    end: int
    province: str
    city: str | None
    level: int  # the deepest level named (1 province, 2 prefecture, 3 county/district)
    weak: bool = False  # a county's short name alone ('婺源'): a place only where the member says 'from'
    letters: bool = False  # pinyin initials ('hz', 'bj'): weak too, but also '…的' / '…人' ('bj的')


class Gazetteer:
    """Finds places in text in one pass (Aho-Corasick over ~9,000 names and short forms)."""

    def __init__(self, aliases: dict[str, str], not_places: tuple[str, ...]) -> None:
        ethnic = nations()
        self.index: dict[str, list[tuple[Place, bool]]] = {}
        for place in places().values():
            self._add(place.name, place, False)
            short = short_form(place.name, ethnic)
            if short != place.name and len(short) >= 2:
                self._add(short, place, True)
                if place.name.endswith("自治州"):  # '凉山州', '阿坝州', '恩施州': how people say it
                    self._add(short + "州", place, True)
        for alias, target in aliases.items():
            for place, short in self.index.get(target, []):
                self._add(alias, place, short)
        self.not_places = set(not_places)
        self._automaton = ahocorasick.Automaton()
        for form in self.index:
            self._automaton.add_word(form, form)
        self._automaton.make_automaton()

    def _add(self, form: str, place: Place, short: bool) -> None:
        entries = self.index.setdefault(form, [])
        if all(p.code != place.code for p, _ in entries):
            entries.append((place, short))

    def _standalone(self, form: str) -> list[Place]:
        """What a name can mean on its own: provinces, prefectures, county-level cities and municipal districts;
        other counties and districts only by their full name, and never a short form that is a common word."""
        if form in self.not_places:
            return []
        out = []
        for place, short in self.index[form]:
            if place.level < 3 or not short or place.name.endswith("市") or place.code[:2] in MUNICIPALITIES:
                out.append(place)
        return out

    def _county(self, form: str) -> list[Place]:
        """A county or a city's district by its short name ('婺源', '阳朔', '顺德', '萧山'): kept, but only as a weak
        reading."""
        if form in self.not_places:
            return []
        return [p for p, short in self.index[form] if p.level == 3 and short and p.name.endswith(("县", "旗", "区"))]

    def find(self, text: str) -> list[Mention]:
        """Runs of place names in the text, each resolved; an ambiguous run is left out."""
        hits = [(end - len(form) + 1, end + 1, form) for end, form in self._automaton.iter_long(text)
                if not (_LETTER.match(form) and _letters_touch(text, end - len(form) + 1, end + 1))]
        runs: list[list[tuple[int, int, str]]] = []
        for hit in hits:
            if runs and _joined(text, runs[-1][-1][1], hit[0]):
                runs[-1].append(hit)
            else:
                runs.append([hit])
        out = []
        for run in runs:
            mention = self._resolve(run)
            if mention is not None:
                out.append(mention)
        return out

    def _resolve(self, run: list[tuple[int, int, str]]) -> Mention | None:
        first = run[0][2]
        weak = False
        options = [self._standalone(first)] + [[p for p, _ in self.index[form]] for _, _, form in run[1:]]
        if not options[0]:
            if len(run) == 1:
                options[0], weak = self._county(first), True
                if not options[0]:
                    return None
            else:
                options[0] = [p for p, _ in self.index[first]]
        # the run names one place from the outside in: keep the readings whose provinces agree
        provinces = set.intersection(*({p.province for p in opts} for opts in options))
        if not provinces and first in self.not_places:
            return self._resolve(run[1:])  # '海滨城市大连': a common word (滨城) before the place, no part of it
        while not provinces:  # '湖南凤凰古城': the longest start of the run that agrees
            run, options = run[:-1], options[:-1]
            provinces = set.intersection(*({p.province for p in opts} for opts in options))
        chosen: list[Place] = []
        for opts in options:
            opts = [p for p in opts if p.province in provinces]
            if chosen and chosen[-1].level >= 2:  # below a city: its districts
                inside = [p for p in opts if p.city == chosen[-1].city]
                opts = inside or opts
            best = min(p.level for p in opts)
            opts = [p for p in opts if p.level == best]
            if len({(p.province, p.city) for p in opts}) > 1:
                if chosen:
                    break
                return None  # '鼓楼区' alone: which city's?
            chosen.append(opts[0])
        deepest = max(chosen, key=lambda p: p.level)
        city = deepest.city if deepest.level >= 2 else CITY_PROVINCES.get(deepest.code[:2])
        letters = len(run) == 1 and len(first) <= 3 and _LETTER.match(first) is not None
        return Mention(run[0][0], run[len(chosen) - 1][1], deepest.province, city, deepest.level, weak or letters, letters)


def known_place(name: str) -> bool:
    """Is the name an official name or short form of a place (for validating aliases)?"""
    ethnic = nations()
    return any(name in (p.name, short_form(p.name, ethnic)) for p in places().values())


_LETTER = re.compile(r"[a-z]")


def _letters_touch(text: str, start: int, end: int) -> bool:
    """An English or pinyin name inside a longer word ('sh' in 'shop', 'xian' in 'xiangtan') is no place."""
    return bool(start and _LETTER.match(text[start - 1]) or end < len(text) and _LETTER.match(text[end]))


def _joined(text: str, end: int, start: int) -> bool:
    """Two names belong to one place when at most a connector or two lies between them ('四川省·成都')."""
    gap = text[end:start]
    return len(gap) <= 2 and all(c in _CONNECTORS for c in gap)
