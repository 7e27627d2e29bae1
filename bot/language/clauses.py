"""A message cut into clauses: split on punctuation and spaces, each clause remembering how it ended."""
from __future__ import annotations

import re
from dataclasses import dataclass

_SPLIT = re.compile(r"([\s,.;:!?，。！？；：、~～…]+)")
_WORD = re.compile(r"[a-z]")


@dataclass(frozen=True, slots=True)
class Clause:
    text: str
    asked: bool = False  # ended with a question mark
    spaced: bool = False  # only a space separates it from the next clause ('湖南 益阳')
    cut: bool = False  # cut out of a run-on: nothing separates it from the clause before ('…以前从来|不知道什么是复利')


RUN_ON = 14  # a fragment this long without a stop may be several sentences said in one breath (voice to text)


def clauses(text: str, glue: frozenset[str] = frozenset(), breaks: re.Pattern | None = None) -> list[Clause]:
    """'还没 打卡，明天补?' -> [Clause('还没打卡'), Clause('明天补', asked=True)]. Across a space only, a fragment that
    is a scope word (in `glue`: '没', '还没', '晚点') stays with what follows, and spaced-out letters ('实 操 完 成')
    are read as one word; English words stay one clause ('how to buy'). A long fragment is also cut where `breaks`
    matches (a connective, a particle that ends a sentence: '我今天打卡了然后实操也做完了')."""
    parts = _SPLIT.split(text)
    out: list[Clause] = []
    piece = ""
    for i in range(0, len(parts), 2):
        frag = parts[i]
        sep = parts[i + 1] if i + 1 < len(parts) else ""
        piece += frag
        nxt = parts[i + 2] if i + 2 < len(parts) else ""
        if sep.isspace() and nxt and (piece in glue or (len(frag) == 1 and len(nxt) == 1)):
            continue
        if sep.isspace() and nxt and _WORD.match(frag[-1:]) and _WORD.match(nxt):
            piece += " "  # 'please stop sending me', 'how to buy': English words make one clause
            continue
        if breaks is not None and len(piece) >= RUN_ON:
            said = [p for p in breaks.split(piece) if p]
            out.extend(Clause(p, cut=k > 0) for k, p in enumerate(said[:-1]))
            piece = said[-1] if said else ""
            cut = len(said) > 1
        else:
            cut = False
        if piece:
            out.append(Clause(piece, "?" in sep, sep.isspace(), cut))
        piece = ""
    return out
