"""The survey's playbook section: its questions (single choice, multiple choice, free text), options with stable ids
(an answer is stored by id, so rewording a label keeps every member's choice), what an answer steers (the offer
frequency question gives each option its cap), the coupons that reward it, and what the survey says."""
from __future__ import annotations

import re

from pydantic import Field, model_validator

from bot.playbook.fields import Section, Text

ID = r"^[A-Za-z0-9_-]+$"


class SurveyOption(Section):
    """A choice: `id` is what is stored (never change it once members answered), `label` what members read."""

    id: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    pushes: int | None = Field(default=None, ge=0, le=50)  # offer_frequency: at most this many private pushes ...
    days: int | None = Field(default=None, ge=1, le=365)  # ... per this many days


class SurveyQuestion(Section):
    id: str = Field(pattern=ID)
    kind: str = Field(pattern=r"^(single|multiple|text)$")
    text: str = Field(min_length=1)
    options: list[SurveyOption] = Field(default_factory=list)
    use: str | None = Field(default=None, pattern=r"^(offer_frequency|channel)$")  # what the answer steers

    @model_validator(mode="after")
    def _options(self) -> "SurveyQuestion":
        if self.kind != "text" and len(self.options) < 2:
            raise ValueError(f"a {self.kind} choice question needs at least 2 options")
        if self.kind == "text" and self.options:
            raise ValueError("a text question has no options")
        for what in ("id", "label"):
            values = [getattr(o, what) for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError(f"option {what}s must be unique within a question, got {values}")
        if self.use and self.kind != "single":
            raise ValueError(f"use: {self.use} needs a single choice question (kind: single)")
        capped = self.use == "offer_frequency"
        for i, o in enumerate(self.options):
            if capped and (o.pushes is None or o.days is None):
                raise ValueError(f"options[{i}] ({o.id}): use: offer_frequency needs pushes and days for every option")
            if not capped and (o.pushes is not None or o.days is not None):
                raise ValueError(f"options[{i}] ({o.id}): pushes and days are only for the "
                                 "use: offer_frequency question")
        return self

    def option(self, stored: str | None) -> SurveyOption | None:
        """The option a stored answer means: its id, or (databases from before option ids) its current label."""
        if not stored:
            return None
        return next((o for o in self.options if o.id == stored), None) or \
            next((o for o in self.options if o.label == stored), None)


class Survey(Section):
    """问卷调研 in a private chat, rewarded with a coupon pack."""

    invite: Text() = "🎁 花1分钟填个小问卷，送你一份理财券包！回复「问卷」开始"
    start_keywords: list[str] = Field(default_factory=lambda: ["问卷", "填问卷"], min_length=1)
    # the whole message is one of these: the survey ends politely (a start keyword picks it up again)
    cancel_keywords: list[str] = Field(default_factory=lambda: ["取消", "退出", "不填了", "不想填了", "算了"])
    questions: list[SurveyQuestion] = Field(min_length=1)
    reward: list[str] = Field(default_factory=list)  # coupon ids
    done: Text() = "感谢填写！券包已发放 🎉"
    start: Text("total", "question") = "好的，一共{total}题，回复序号就行 👇\n{question}"
    resume: Text("question") = "我们继续～\n{question}"  # a start keyword in the middle of the survey
    already_done: Text() = "你已经填过问卷啦，券包也已发放，感谢支持 🙏"
    cancelled: Text() = "好的，问卷先不填了，不会再问你啦～想继续时回复「问卷」就行 🙏"
    not_understood: Text("got", "hint", "question") = "没看懂{got} 😅 {hint}\n{question}"
    not_text: Text() = "这条消息"  # {got} for a picture, a voice message ...
    hint_single: Text("n", "options") = "请回复一个序号（1-{n}）或选项文字：{options}"
    hint_multiple: Text("n", "options") = "可以多选：回复序号（1-{n}），多个用空格或逗号隔开，如「1 3」；也可以回复选项文字：{options}"
    hint_text: Text() = "这题请用文字回答，随便说说就好～"
    reward_expired: Text() = "感谢填写！不过券包里的券已经过期，没能发放，抱歉 🙏"
    reward_partial: Text() = "感谢填写！部分券已经过期，只发放了仍有效的券 🙏"

    @model_validator(mode="after")
    def _unique(self) -> "Survey":
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"survey.questions: ids must be unique, got {ids}")
        if sum(q.use == "offer_frequency" for q in self.questions) > 1:
            raise ValueError("survey.questions: only one question may have use: offer_frequency")
        return self

    def frequency_cap(self, stored: str | None) -> tuple[int, int] | None:
        """(pushes, days) for a member's stored offer-frequency answer (an option id, or an older database's label);
        None if the survey asks no such question or the answer is no current option."""
        question = next((q for q in self.questions if q.use == "offer_frequency"), None)
        option = question.option(stored) if question else None
        return (option.pushes, option.days) if option else None


def problems(pb) -> list[str]:
    """The reward's coupons exist (in the coupons section); the invitation names a word that starts the survey."""
    survey = pb.section("survey")
    if survey is None:
        return []
    coupon_ids = {c.id for c in pb.section("coupons").items} if pb.has_section("coupons") else set()
    found = [f"survey.reward: coupons 里没有这张券 {cid!r}（no coupon with this id）" for cid in survey.reward if cid not in coupon_ids]
    for word in re.findall(r"回复「([^」]+)」", survey.invite):
        if word not in survey.start_keywords:
            found.append(f"survey.invite: 让成员回复的「{word}」不在 survey.start_keywords（{', '.join(survey.start_keywords)}）里"
                         f"（the invitation asks for a word that does not start the survey）")
    return found
