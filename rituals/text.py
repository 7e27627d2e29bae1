"""Recognising members' words: keywords, negations, emoji-only messages."""
from __future__ import annotations

import re
from functools import lru_cache

import emoji

_NEGATED = re.compile(r"(没有?|沒有?|未|不用|不需要|不|别|忘了|忘记|怎么|如何|哪里|在哪)\s*$")
_QUESTION = re.compile(r"^\s*[了没]?\s*(吗|么|嘛|没|\?|？)")
_PUNCT = re.compile(r"[\s!！.。,，~～、…:：;；\-—_*#'\"“”‘’()（）\[\]【】]+")


def strip_emoji(text: str) -> str:
    """The text without emoji."""
    return emoji.replace_emoji(text, "")


def bare(text: str) -> str:
    """Text without emoji, whitespace and punctuation: '我毕业啦！🎓' -> '我毕业啦'."""
    return _PUNCT.sub("", strip_emoji(text))


def only_emoji(text: str, wanted: str) -> bool:
    """True if the message is nothing but `wanted` (repeated, spaced, with variation selectors)."""
    items = [e["emoji"].replace("\ufe0f", "") for e in emoji.emoji_list(text)]
    rest = emoji.replace_emoji(text, "").strip()
    return bool(items) and not rest and all(i == wanted.replace("\ufe0f", "") for i in items)


@lru_cache(maxsize=256)
def _is_emoji(keyword: str) -> bool:
    return emoji.purely_emoji(keyword)


def says(text: str, keyword: str) -> bool:
    """Does the text affirm the keyword? Emoji keywords must stand alone; word keywords may sit in a
    sentence but not after a negation or as a question ('还没打卡', '怎么打卡', '打卡吗？')."""
    if _is_emoji(keyword):
        return keyword.replace("\ufe0f", "") in text and only_emoji(text, keyword)
    start = text.find(keyword)
    while start != -1:
        before, after = text[:start], text[start + len(keyword):]
        if not _NEGATED.search(before) and not _QUESTION.match(after):
            return True
        start = text.find(keyword, start + 1)
    return False


def says_any(text: str, keywords: list[str]) -> bool:
    return any(says(text, k) for k in keywords)
