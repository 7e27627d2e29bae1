"""What the recognisers share: how many hits of a keyword are read, trailing particles, and a message taking itself
back ('打卡……算了明天吧')."""
from __future__ import annotations

from bot.language.clauses import Clause
from bot.language.cues import Cues
from bot.language.scope import Scope

HITS = 8  # a keyword's first occurrences in a clause are read: linear time however often a message repeats it
PARTICLES = ("了", "啦", "咯", "喽", "哦", "哈", "呀", "啊", "嘛", "哒")


def strip_particles(text: str, particles: tuple[str, ...]) -> str:
    """The text without trailing particles, repeatedly ('给我了谢谢' -> '')."""
    changed = True
    while text and changed:
        changed = False
        for p in particles:
            if text.endswith(p):
                text, changed = text[: -len(p)], True
                break
    return text


def strip_leading(text: str, words: tuple[str, ...]) -> str:
    """The text with any of the words removed from its start, repeatedly ('的小伙伴报到' -> '报到' for 的, 小伙伴)."""
    changed = True
    while text and changed:
        changed = False
        for w in words:
            if text.startswith(w):
                text, changed = text[len(w):], True
                break
    return text


class Retraction:
    """Does a message take itself back?"""

    def __init__(self, cues: Cues, scope: Scope) -> None:
        self.scope = scope
        self.retract = cues.words("scope", "retract")
        self.resume = cues.words("scope", "resume")

    def __call__(self, parts: list[Clause], resume: bool = False, words=None) -> bool:
        """'打卡……算了明天吧', '上次说退订是开玩笑的': the message takes itself back. With `resume` (the group's
        intents), a 算了 that turns to doing it now takes back the delay, not the deed ('明天再打吧……算了现在就打');
        with `words`, only what is said from the first clause naming them on is taken back ('我算了，月结余2300，实操完成':
        nothing said of the work comes before)."""
        if words is not None:
            first = next((k for k, c in enumerate(parts) if words.within(c.text)), len(parts))
            parts = parts[first:]
        for c in parts:
            if not self.retract.within(c.text) or not self.retract.within(self.scope.clean(c.text)):
                continue
            if resume and all(c.text.startswith(self.resume, e) for _, e in self.retract.spans(c.text)[:HITS]):
                continue
            return True
        return False
