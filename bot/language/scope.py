"""Does a keyword in a clause really affirm it? Negation, question, plan, modal, failure and third party rule it out."""
from __future__ import annotations

from dataclasses import dataclass

from bot.language.clauses import Clause
from bot.language.cues import Cues, Words


@dataclass(frozen=True)
class Scope:
    """The scope words, read once from the cues."""

    harmless: Words
    negation: Words
    plan: Words
    modal: Words
    failure: Words
    third_party: Words
    question_words: Words
    not_questions: Words
    endings: Words
    tag_endings: Words

    @classmethod
    def from_cues(cls, cues: Cues) -> "Scope":
        return cls(cues.words("scope", "harmless"), cues.words("scope", "negation"), cues.words("scope", "plan"),
                   cues.words("scope", "modal"), cues.words("scope", "failure"), cues.words("scope", "third_party"),
                   cues.words("question", "words"), cues.words("question", "not_questions"),
                   cues.words("question", "endings"), cues.words("question", "tag_endings"))

    def glue(self) -> frozenset[str]:
        """Scope words that may stand apart from their verb ('还没 打卡')."""
        return frozenset(w for w in (*self.negation, *self.plan) if len(w) <= 2)

    def clean(self, text: str) -> str:
        """The clause with harmless phrases blanked ('没想到', '跟大家一起'), positions kept."""
        if self.harmless.within(text):
            for phrase in self.harmless:
                if phrase in text:
                    text = text.replace(phrase, "_" * len(phrase))
        return text

    def asks(self, clause: Clause, text: str | None = None) -> bool:
        """A question: a question mark, a question word, or a final 吗/么/嘛."""
        text = clause.text if text is None else text
        if clause.asked or text.endswith(self.endings):
            return True
        if self.not_questions.within(text):
            for phrase in self.not_questions:
                text = text.replace(phrase, "_")
        return self.question_words.within(text)

    def affirms(self, clause: Clause, start: int, end: int) -> bool:
        """Does the keyword at text[start:end] say that the sender did it, now?"""
        text = self.clean(clause.text)
        before, after = text[:start], text[end:]
        if self.asks(clause, text) or text.endswith(self.tag_endings):
            return False
        if self.negation.within(before) or self.modal.within(before) or self.plan.within(text):
            return False
        if self.failure.within(after) or self.third_party.within(text):
            return False
        return True
