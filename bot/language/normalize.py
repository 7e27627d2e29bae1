"""A member's message made comparable: simplified characters, half-width, emoji and kaomoji out, typos fixed."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import emoji
import opencc

MAX_CHARS = 1000  # what a recogniser reads of one message: a check-in with a long reflection still fits
FOLD_CHARS = 2000  # what is folded of one message (the moderation rules judge it): all the inbox lets in
DONE = "✓"  # what ✅ ✔️ ☑️ 👌 ✌️ 🆗 √ become: a 'done' mark (alone, a check-in)
CAP = "🎓"  # a mortarboard stays: alone it says 'I graduated'
NOT = "✗"  # what ❌ ❎ ✖️ ✘ become: a 'not done' mark ('打卡❌ 摸鱼✅')
PIC = "🖼"  # what WeChat's '[图片]' (a picture, shown as text) becomes: a picture sent ('[图片] 实操')

_T2S = opencc.OpenCC("t2s")
_traditional: re.Pattern | None = None


def _traditional_pattern() -> re.Pattern:
    """Every character t2s changes on its own (asked of OpenCC once, ~15 ms: each CJK character alone), plus whatever
    lies beyond the BMP: a message with none of them is already simplified, and most messages skip the converter."""
    global _traditional
    if _traditional is None:
        chars = [chr(c) for a, b in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)) for c in range(a, b + 1)]
        changed = [c for c, s in zip(chars, _T2S.convert("\n".join(chars)).split("\n")) if c != s]
        _traditional = re.compile("[" + "".join(changed) + "\U00010000-\U0010FFFF]")
    return _traditional
_DONE_EMOJI = {"✅", "✔", "☑", "👌", "✌", "🆗", "💯", "√"}  # the tick typed as a root sign too ('实操 √')
_NOT_EMOJI = {"❌", "❎", "✖", "✗", "✘"}


def _emoji_class() -> str:
    """Every code point that occurs in an emoji (but not ASCII, CJK or the marks kept), as one regex class."""
    points = {ch for e in emoji.EMOJI_DATA for ch in e}
    points |= {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}
    points -= {c for c in points if ord(c) < 0x80} | _DONE_EMOJI | _NOT_EMOJI | {CAP, PIC}
    codes, ranges = sorted(map(ord, points)), []
    for code in codes:  # consecutive code points as ranges: a short class is a fast class
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_EMOJI = re.compile(f"[{_emoji_class()}]+")
# a lone 👌 (OK), with nothing but other emoji or emoticons around it, is an OK like a lone 👍: no 'done' mark
# ('打卡👌', '实操👌' keep it)
_OK_ALONE = re.compile(f"(?:\\s|👌[\ufe0f\U0001F3FB-\U0001F3FF]*|[{_emoji_class()}]|\\[[^\\[\\]\\s]{{1,5}}\\])+")
_DONE = re.compile("[" + "".join(_DONE_EMOJI) + "][\ufe0f\U0001F3FB-\U0001F3FF]*")
_NOT = re.compile("[" + "".join(_NOT_EMOJI) + "]\ufe0f?")
# a picture as WeChat writes it in text ('[图片]', '[照片]', '[image]'), and the mark itself
_PICTURE = re.compile(r"\[(?:图片|照片|截图|截屏|image|photo|picture|pic)\]|" + PIC)
# WeChat's own emoticons are typed as [微笑] [强] [捂脸]; they say nothing a ritual listens for
_BRACKET = re.compile(r"\[[^\[\]\s]{1,5}\]")
# kaomoji and decoration: runs of symbols that are neither CJK, letters, digits nor the marks kept
_NOISE = re.compile(r"[^\w\u4e00-\u9fff✓✗🎓🖼?!.,;:，。！？；：、~～…\s]+|[_ﾟ゚ﾞ゙ーｰ]+")
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]+")
_REPEAT = re.compile(r"([?!.,~，。！？~、…])\1+")
_SPACE = re.compile(r"\s+")
_STRETCH = re.compile(r"([aeiou])\1{2,}")  # '打kaaaa', 'biyeeee': a vowel drawn out is said once
_PLAIN = re.compile(r"[\u4e00-\u9fffa-zA-Z0-9\s?!.,;:~…，。！？；：、～]*")
_MENTION = re.compile(r"@[^\s@]{1,20}[\s\u2005]")  # '@李老师 打卡': WeChat ends a mention with a space
_QUOTES = re.compile("[\"'“”‘’「」『』《》〈〉@#]")  # quoted words stay in their sentence: '发“打卡”两个字吗'
_SPACED_ASCII = re.compile(r"\b([a-z]) (?=[a-z]\b)")  # 'T D' -> 'td'
# a quoted post ('「小助手：请回复你的家乡」' and WeChat's '- - - -' line under it): what was quoted is someone else's
# words, the member's own come after it
# ... and a quoted sentence that the member's own words follow ('「请大家回复家乡完成签到」→ 湖北武汉')
_QUOTED = re.compile(r"「[^「」\n:：]{1,24}[:：][^「」]{0,400}」|(?:^|\n)\s*-(?: -){3,}\s*(?:\n|$)"
                     r"|^\s*「[^「」]{6,400}」(?=\s*[^\s「」])")
# ... and a line quoted with '>' that the member's reply follows ('> 小助手：今天的实操是…\n我算了，实操完成'; read so in groups)
_QUOTED_LINE = re.compile(r"(?:^|\n)[ \t]*>[^\n]{1,400}\n(?=\s*[^\s>])")



def quoted(text: str, limit: int = MAX_CHARS, lines: bool = True) -> str:
    """What a message quotes ('「小助手：今天的实操是开一个账户」 做完了' -> '小助手:今天的实操是开一个账户'): the words the
    member's own reply may leave out."""
    text = text[:limit]
    said = [m.group(0) for m in _QUOTED.finditer(text)] if "「" in text else []
    if lines and ">" in text:
        said += [m.group(0) for m in _QUOTED_LINE.finditer(text)]
    return " ".join(s.strip("「」>- \n") for s in said)


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def fold(text: str) -> str:
    """NFKC, lower case, no zero-width characters: the one pass over a message's raw text that the recognisers
    (through normalize) and the moderation rules both start from."""
    return unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).lower()


def normalize(text: str, typos: dict[str, str] | None = None, limit: int = MAX_CHARS, lines: bool = False) -> str:
    """'我來自廣東廣州！！！😄[強]' -> '我来自广东广州!'; '打咔✅' -> '打卡✓' (linear; reads at most `limit` chars)."""
    text = text[:limit]
    if "「" in text or "- -" in text:
        text = _QUOTED.sub(" ", text)
    if lines and ">" in text:  # a group's '>' quote (a private chat's text is read as before)
        text = _QUOTED_LINE.sub("\n", text)
    text = _MENTION.sub("", text)  # '恭喜@王姐 完成实操': the words around a mention stay together
    text = unicodedata.normalize("NFKC", text)
    text = _QUOTES.sub("", text)
    if _traditional_pattern().search(text):
        text = _T2S.convert(text)
    if _PLAIN.fullmatch(text) is None:  # most messages are plain words: no emoji, kaomoji or brackets to clear
        if "👌" in text and _OK_ALONE.fullmatch(text):
            return ""
        text = _DONE.sub(f" {DONE} ", text).replace(CAP, f" {CAP} ")
        text = _NOT.sub(f" {NOT} ", _PICTURE.sub(f" {PIC} ", text))
        text = _EMOJI.sub(" ", text)
        text = _BRACKET.sub(" ", text)
        text = _KANA.sub(" ", text)
        text = _NOISE.sub(" ", text)
    text = _SPACED_ASCII.sub(r"\1", _REPEAT.sub(r"\1", text).lower())
    if "aaa" in text or "eee" in text or "ooo" in text or "iii" in text or "uuu" in text:
        text = _STRETCH.sub(r"\1", text)
    if typos:
        text = _pattern_of(typos).sub(lambda m: _fix(typos, m), text)
    return _SPACE.sub(" ", text).strip()


_LAST: tuple[dict | None, re.Pattern | None] = (None, None)


def _pattern_of(typos: dict[str, str]) -> re.Pattern:
    """The typo pattern of this very mapping (a reader passes the same one every time: no tuple of every typo built
    and hashed for each message)."""
    global _LAST
    last = _LAST
    if last[0] is not typos:
        last = _LAST = (typos, _typo_pattern(tuple(typos)))
    return last[1]


@lru_cache(maxsize=8)
def _typo_pattern(wrong: tuple[str, ...]) -> re.Pattern:
    """One pass over the text for every typo, longest first."""
    return re.compile("|".join(map(re.escape, sorted(wrong, key=len, reverse=True))) or r"(?!x)x")


_LEAD, _TRAIL = re.compile(r"^[a-z]{1,3}(?![a-z])"), re.compile(r"(?<![a-z])[a-z]{1,3}$")


def _fix(typos: dict[str, str], match: re.Match) -> str:
    """The meant word; but a typo with a short run of letters at an end ('zy', 'sc', '打ka') only where no other letter
    touches it ('lazy', 'school' keep their letters)."""
    word, text = match.group(0), match.string
    start, end = match.span()
    if (start and "a" <= text[start - 1] <= "z" and _LEAD.match(word)) or (
            end < len(text) and "a" <= text[end] <= "z" and _TRAIL.search(word)):
        return word
    return typos[word]
