"""Chinese place names: province and city by their full official names, via cpca."""
from __future__ import annotations

import re
import warnings

import emoji
from functools import lru_cache

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import cpca

MUNICIPALITIES = {"北京市", "上海市", "天津市", "重庆市"}

# Phrases that say "this is where I am from" (a hometown answer, not a passing mention).
_MARKERS = re.compile(
    r"^\s*(?:(?:更正|改一下|纠正|修改|重新签到)\s*[:：,，]?\s*)?"
    r"(?:我\s*(?:来自|是|家在|老家在?|的家乡是?)|来自|家乡\s*(?:是|在)?|老家\s*(?:是|在)?|坐标|签到\s*[:：]?|定位)"
    r"\s*[:：,，]?\s*(?P<place>.+)$"
)
# every emoji contains one of these characters: a cheap test before the costly emoji scan
_MAYBE_EMOJI = re.compile("[\u00a9\u00ae\u203c-\u3299\U0001F000-\U0001FFFF]")
_SUFFIX = re.compile(r"(人|的|哦|啊|呀|哈|~|～|！|!|。|\.)+$")


@lru_cache(maxsize=8192)
def locate(text: str) -> tuple[str | None, str | None]:
    """(province, city) named in the text, None where not recognisable."""
    # cpca.transform() wraps this per-sentence matcher in a pandas DataFrame (~260 µs); the matcher alone
    # costs ~4 µs. cpca is pinned (0.5.5), and transform() results are asserted in tests/test_hometown.py.
    found = cpca._get_one_addr(text, False, {})
    prov, city = found["省"], found["市"]
    prov = prov if isinstance(prov, str) and prov else None
    city = city if isinstance(city, str) and city else None
    if prov in MUNICIPALITIES and city is None:
        city = prov
    return prov, city


def hometown_answer(text: str) -> tuple[str, str | None, str | None] | None:
    """If the message answers the hometown prompt, (place text, province, city); else None.

    An answer is a marked phrase ('我来自四川成都', '家乡：湖南长沙', '坐标广东深圳', '老家山东青岛',
    '我是上海人') or a message that is nothing but a place name ('四川成都'). Chat that merely mentions
    a place ('明天去北京出差') is not an answer."""
    m = _MARKERS.match(text)
    candidate = m.group("place") if m else text
    if _MAYBE_EMOJI.search(candidate):
        candidate = emoji.replace_emoji(candidate, "")
    candidate = _SUFFIX.sub("", candidate.strip())
    if not candidate or len(candidate) > 20:
        return None
    prov, city = locate(candidate)
    if prov is None and city is None:
        return None
    # marked answers may name a district after the city ('北京朝阳'); anything else must be just a place
    if not _is_only_place(candidate, prov, city, leftover=4 if m else 0):
        return None
    return candidate, prov, city


def _is_only_place(text: str, prov: str | None, city: str | None, leftover: int = 0) -> bool:
    """True if the text starts with the place name and at most `leftover` characters of a district follow
    (no chatter around it: '我是第一次来深圳' and '在北京上班' are not answers)."""
    forms = sorted({f for name in filter(None, (prov, city)) for f in (name, _short(name))}, key=len, reverse=True)
    if not any(text.startswith(f) for f in forms):
        return False
    rest = text
    for form in forms:
        rest = rest.replace(form, "", 1)
    if re.search(r"[\s,，。.!！?？、;；]", rest):
        return False
    rest = re.sub(r"[·\-/]+|省|市|区|县", "", rest)
    return len(rest) <= leftover


def _short(name: str) -> str:
    """四川省 -> 四川, 成都市 -> 成都, 新疆维吾尔自治区 -> 新疆, 内蒙古自治区 -> 内蒙古."""
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
