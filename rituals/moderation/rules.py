"""What counts as spam, as pure functions over a message's text and kind (no database, no playbook file).

A member's text is untrusted: it is normalised once (NFKC folds full-width 'ＷＸ：ａｂｃ' to 'wx:abc', zero-width
characters go, '。' between letters becomes '.'), and every pattern here is linear-time: literal alternations
followed by bounded repetitions, or a single character class (no nested quantifiers, nothing to backtrack over).

The rules, in the order they are tried (the first that matches is the finding):
  keyword   a `keywords` word anywhere (spaces ignored: 「加 我 微 信」)              -> spam from anyone
  contact   a WeChat id, QQ number, mobile number or referral code                  -> spam from anyone
  link      a link that is not the course's, from a new member                      -> spam
            ... or from anyone, next to a `suspicious_words` word                    -> spam
  card      a link, mini-program or contact card from a new member                  -> spam (a link card to the
            course's own page is not)
            ... or from anyone, with a `suspicious_words` word in it                 -> spam
Links from members who are not new, with nothing else, are ordinary sharing (an article, a fund page): not spam.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from bot.language import fold

# what a link's host may end with when it has no http(s):// or www. (short links: t.cn, dwz.cn, bit.ly, suo.im)
TLDS = frozenset("""com cn net org top xyz vip cc me io info site club link ly co tk ml shop fun ink wang live app pro
biz asia tv im online store tech work ltd ren red kim pub icu cyou""".split())
_DOT = re.compile(r"(?<=[a-z0-9])[。｡](?=[a-z0-9])")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9./:?#=&%_~+@-]*")  # a link candidate: one character class, linear
_SPACE = re.compile(r"\s+")
_ALNUM = re.compile(r"[0-9a-z]")
_UNITS = "元块万亿%‰股份人次个笔w"
QUOTE_CHARS = 100
MEMO_CHARS, MEMO_SIZE = 120, 4096  # judgements remembered: of texts this short, this many
CARD_NAMES = {"url": "链接卡片", "mini_program": "小程序", "contact": "名片", "image": "图片"}


@dataclass(frozen=True)
class Finding:
    """Why a message is spam: the rule ('keyword', 'contact', 'link', 'card') and what matched (bounded, no
    member text beyond the matched word, the kind of contact detail or a link's host)."""

    rule: str
    detail: str
    word: str = ""  # the suspicious word next to a link or in a card
    new: bool = False  # the sender is a new member (that is why a link or a card is spam)

    def describe(self) -> str:
        """The reason in words, for the advisors: '关键词「日赚」', '新成员发外部链接 dwz.cn', '小程序「砍一刀」'."""
        what = {"keyword": f"关键词「{self.detail}」", "contact": f"留联系方式（{self.detail}）",
                "link": f"外部链接 {self.detail}", "card": self.detail}.get(self.rule, self.detail)
        if self.word:
            what += f"「{self.word}」"
        return f"新成员发{what}" if self.new and not self.word else what

    @property
    def evidence(self) -> str:
        """What is recorded with the decision (bounded)."""
        return f"{self.detail} {self.word}".strip()[:80]


def normalise(text: str) -> str:
    """NFKC, lower case, no zero-width characters (the language layer's fold), '。' between letters or digits read
    as '.'."""
    return _DOT.sub(".", fold(text))


def _words(words: Iterable[str]) -> tuple[str, ...]:
    """Normalised, without spaces, longest first (so '微信号' is tried before '微信')."""
    out = {_SPACE.sub("", normalise(w)) for w in words}
    return tuple(sorted((w for w in out if w), key=lambda w: (-len(w), w)))


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in words) or r"(?!x)x"


def host_and_path(link: str) -> tuple[str, str]:
    """'https://www.Example.com/a?b' -> ('example.com', '/a?b'): the host without 'www.' and a port, the rest."""
    rest = link.split("://", 1)[1] if "://" in link else link
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    host, path = rest[:cut], rest[cut:]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    return host.removeprefix("www."), path


def _is_link(token: str) -> bool:
    if "://" in token:
        return token.startswith(("http://", "https://")) and bool(host_and_path(token)[0])
    if token.startswith("www."):
        return True
    if "@" in token or "." not in token:  # an e-mail address is not a link, nor a host without a dot ('300', 'abc')
        return False
    host, _ = host_and_path(token)
    labels = host.split(".")
    return (len(labels) >= 2 and all(labels) and labels[-1] in TLDS
            and any(c.isalpha() for c in "".join(labels[:-1])))


@dataclass(frozen=True)
class Allowed:
    """The course's own links: domains (their subdomains too) and address prefixes."""

    domains: tuple[str, ...]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, entries: Iterable[str]) -> "Allowed":
        domains, prefixes = set(), set()
        for entry in entries:
            host, path = host_and_path(normalise(entry.strip()))
            path = path.split("?", 1)[0].split("#", 1)[0].rstrip("/")
            if host and path:
                prefixes.add(f"{host}{path}")
            elif host:
                domains.add(host)
        return cls(tuple(sorted(domains)), tuple(sorted(prefixes)))

    def __contains__(self, link: str) -> bool:
        host, path = host_and_path(link)
        if any(host == d or host.endswith("." + d) for d in self.domains):
            return True
        address = f"{host}{path}"
        return any(address == p or address.startswith((p + "/", p + "?", p + "#")) for p in self.prefixes)


class Rules:
    """One playbook section's rules, compiled once."""

    def __init__(self, cfg, task_links: Iterable[str] = ()) -> None:
        self.keywords = _words(cfg.keywords)
        self.suspicious = _words(cfg.suspicious_words)
        self.allowed = Allowed.of([*cfg.allow_links, *(task_links if cfg.allow_task_links else ())])
        self.new_member_kinds = frozenset(cfg.new_member_kinds)
        self.phone_numbers = cfg.phone_numbers
        self._alternations: dict[tuple[str, ...], re.Pattern] = {}
        sep = r"[\s:：号是为\-+➕]{0,4}"
        # an id after a contact word: a WeChat id (a letter, then 5-19 letters, digits, - or _) or 5-11 digits
        self._wechat = re.compile(rf"(?<![a-z0-9_])(?:{_alternation(_words(cfg.contact_words))})({sep})"
                                  r"([a-z][-_a-z0-9]{5,19}|\d{5,11})(?![-_a-z0-9])")
        self._qq = re.compile(rf"(?<![a-z0-9_])(?:{_alternation(_words(cfg.qq_words))})[群号]?{sep}(\d{{5,11}})(?!\d)")
        self._code = re.compile(rf"(?:{_alternation(_words(cfg.code_words))})[\s:：是为]{{0,4}}([a-z0-9]{{4,16}})(?![a-z0-9])")
        self._phone = re.compile(r"(?<![\d.])1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
        self._memo: dict[tuple[str, str, bool], Finding | None] = {}  # short texts judged before (chat repeats itself)

    # -- the parts of a message ----------------------------------------------------------------
    @classmethod
    def split(cls, text: str) -> tuple[str, list[str]]:
        """(the normalised text with its links blanked out, the links in it)."""
        return cls._split(normalise(text))

    @staticmethod
    def _split(t: str) -> tuple[str, list[str]]:
        if "." not in t and ":" not in t:  # a link has a dot in its host or a scheme's '://' (most chat has neither)
            return t, []
        links, parts, last = [], [], 0
        for m in _TOKEN.finditer(t):
            token = m.group().rstrip(".:?#=&%_~+@-")
            if _is_link(token):
                links.append(token)
                parts.append(t[last:m.start()])
                last = m.end()
        parts.append(t[last:])
        return " ".join(parts), links

    def keyword(self, compact: str, words: tuple[str, ...]) -> str | None:
        """The first of `words` (longest first where they overlap) in the text: one pass of a compiled alternation."""
        pattern = self._alternations.get(words)
        if pattern is None:
            pattern = self._alternations[words] = re.compile(_alternation(words))
        m = pattern.search(compact)
        return m.group() if m else None

    def contact(self, text: str) -> str | None:
        """The kind of contact detail in the (normalised, link-free) text: '微信号', 'QQ', '手机号', '推荐码'."""
        for m in self._wechat.finditer(text):
            sep, handle = m.group(1), m.group(2)
            if handle.isdigit():
                if not self._unit_after(text, m.end()):
                    return "微信号"
            elif any(c.isdigit() for c in handle) or any(c in sep for c in ":：号"):
                return "微信号"
        for m in self._qq.finditer(text):
            if not self._unit_after(text, m.end()):
                return "QQ"
        if self._code.search(text):
            return "推荐码"
        if self.phone_numbers:
            for m in self._phone.finditer(text):
                before = text[m.start() - 1] if m.start() else ""
                if before not in "¥￥$" and not self._unit_after(text, m.end()):
                    return "手机号"
        return None

    @staticmethod
    def _unit_after(text: str, end: int) -> bool:
        """An amount, not a number to call: '13000000000元', '12345678股'."""
        rest = text[end:end + 3].lstrip()
        return bool(rest) and rest[0] in _UNITS

    # -- the judgement -------------------------------------------------------------------------
    def judge(self, text: str, kind: str, new: bool) -> Finding | None:
        """Why this message (its text and kind, from a member who is new or not) is spam, or None."""
        return self.judge_folded(fold(text), kind, new)

    def judge_folded(self, folded: str, kind: str, new: bool) -> Finding | None:
        """judge() of a text already folded by the language layer (Reading.folded: not scanned again). A short text
        judged before is not judged again (the judgement is a pure function of the text, its kind and `new`)."""
        if len(folded) > MEMO_CHARS:
            return self._judge(folded, kind, new)
        key = (folded, kind, new)
        memo = self._memo
        if key in memo:
            return memo[key]
        if len(memo) >= MEMO_SIZE:
            memo.clear()  # bounded; refilled by what members say now
        finding = memo[key] = self._judge(folded, kind, new)
        return finding

    def _judge(self, folded: str, kind: str, new: bool) -> Finding | None:
        t = _DOT.sub(".", folded) if "。" in folded or "｡" in folded else folded
        if _ALNUM.search(t) is None:  # no letter or digit once normalised: no link and no contact detail to look for
            compact = _SPACE.sub("", t)
            if (word := self.keyword(compact, self.keywords)) is not None:
                return Finding("keyword", word)
            if kind in CARD_NAMES and kind != "image":
                return self._card(kind, new, [], [], self.keyword(compact, self.suspicious))
            return None
        rest, links = self._split(t)
        compact = _SPACE.sub("", rest)
        if (word := self.keyword(compact, self.keywords)) is not None:
            return Finding("keyword", word)
        if (what := self.contact(rest)) is not None:
            return Finding("contact", what)
        foreign = [link for link in links if link not in self.allowed]
        suspicious = self.keyword(compact, self.suspicious)
        if foreign and (new or suspicious):
            host = host_and_path(foreign[0])[0][:60]
            return Finding("link", host, "" if new else suspicious or "", new)
        if kind in CARD_NAMES and kind != "image":
            return self._card(kind, new, links, foreign, suspicious)
        return None

    def _card(self, kind: str, new: bool, links: list[str], foreign: list[str], suspicious: str | None) -> Finding | None:
        """A link, mini-program or contact card: spam from a new member (a link card to the course's own page is
        not), or with a suspicious word in it."""
        if new and kind in self.new_member_kinds and not (kind == "url" and links and not foreign):
            return Finding("card", CARD_NAMES[kind], new=True)
        if suspicious:
            return Finding("card", CARD_NAMES[kind], suspicious)
        return None


def quote(text: str, kind: str, limit: int = QUOTE_CHARS) -> str:
    """The message as the advisors see it: one line, at most `limit` characters, its kind named for cards."""
    line = _SPACE.sub(" ", text).strip()
    if len(line) > limit:
        line = line[:limit - 1] + "…"
    name = CARD_NAMES.get(kind)
    return f"[{name}] {line}".strip() if name else line or f"[{kind}]"
