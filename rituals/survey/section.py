"""The survey's playbook section: its questions (single choice, multiple choice, free text), what an answer steers,
and the coupons that reward it."""
from __future__ import annotations

from pydantic import Field, model_validator

from bot.playbook.fields import Section, Text


class SurveyQuestion(Section):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    kind: str = Field(pattern=r"^(single|multiple|text)$")
    text: str = Field(min_length=1)
    options: list[str] = Field(default_factory=list)
    use: str | None = Field(default=None, pattern=r"^(offer_frequency|channel)$")  # what the answer steers

    @model_validator(mode="after")
    def _options(self) -> "SurveyQuestion":
        if self.kind != "text" and len(self.options) < 2:
            raise ValueError(f"a {self.kind} choice question needs at least 2 options")
        return self



class Survey(Section):
    """问卷调研 in a private chat, rewarded with a coupon pack."""

    invite: Text() = "🎁 花1分钟填个小问卷，送你一份理财券包！回复「问卷」开始"
    start_keywords: list[str] = Field(default_factory=lambda: ["问卷", "填问卷"], min_length=1)
    questions: list[SurveyQuestion] = Field(min_length=1)
    reward: list[str] = Field(default_factory=list)  # coupon ids
    done: Text() = "感谢填写！券包已发放 🎉"


def problems(pb) -> list[str]:
    """The reward's coupons exist (in the coupons section)."""
    survey = pb.section("survey")
    if survey is None:
        return []
    coupon_ids = {c.id for c in pb.section("coupons")} if pb.has_section("coupons") else set()
    return [f"survey.reward: no coupon with id {cid!r}" for cid in survey.reward if cid not in coupon_ids]
