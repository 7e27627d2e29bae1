"""问卷调研 in a private chat: a per-member state machine (invited → asking → done) over its `surveys` row,
answers stored and put to use (offer frequency, channel), rewarded once with the playbook's coupon pack."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime

from statemachine import State, StateMachine

from bot.commands import Command, UsageError
from bot.context import Ctx
from bot.marketing import push_private
from bot.names import clean_text
from bot.persisted import PersistedState
from bot.ritual import Ritual
from bot.storage import Store
from bot.language.normalize import normalize as _normalize
from rituals.survey.section import Survey, SurveyQuestion, problems

ritual = Ritual("survey", section=("survey", Survey | None), order=90)
ritual.check(problems)
ALREADY_DONE = "你已经填过问卷啦，券包也已发放，感谢支持 🙏"
MAX_ANSWER = 500
_SPLIT = re.compile(r"[\s,，、;；/]+")


class SurveyFlow(StateMachine):
    """invited → asking (one question at a time, the index on the model) → done."""

    invited = State(initial=True)
    asking = State()
    done = State(final=True)

    start = invited.to(asking)
    answer = asking.to(done, cond="answered_all") | asking.to.itself()


@dataclass
class SurveyRun(PersistedState):
    """One member's survey: its `surveys` row and its machine; every transition is written back."""

    store: Store
    contact: str
    _state: str
    question: int  # index of the question being asked (= questions answered)
    total: int
    _pending: datetime | None = None  # the transition's time, set while it runs
    _machine: SurveyFlow | None = None

    @classmethod
    def load(cls, store: Store, contact: str, total: int) -> "SurveyRun | None":
        row = store.surveys.get(contact)
        return cls(store, contact, row[0], row[1], total) if row else None

    @classmethod
    def create(cls, store: Store, contact: str, total: int, ts: datetime) -> "SurveyRun":
        store.surveys.create(contact, ts)
        return cls.load(store, contact, total)

    def _persist(self, old: str, new: str) -> None:
        """Write the state and question index back to the member's `surveys` row."""
        ts = self._pending
        self.store.surveys.update(self.contact, new, self.question, started_at=ts if old == "invited" else None,
                                  completed_at=ts if new == "done" else None)

    @property
    def answered_all(self) -> bool:
        return self.question >= self.total

    def send(self, event: str, ts: datetime) -> None:
        """Fire an event; the new state and question index are persisted."""
        if self._machine is None:
            self._machine = SurveyFlow(model=self)
        self._pending = ts
        try:
            self._machine.send(event)
        finally:
            self._pending = None


def normalize(text: str) -> str:
    """An answer or option made comparable: half-width, simplified, no emoji or surrounding punctuation ('２.' -> '2')."""
    return _normalize(text, limit=200).strip(" .,;:!?~、")


def _choice(options: list[str], token: str) -> int | None:
    """'2', '２.' or the option's text -> its index."""
    t = normalize(token)
    if t.isdecimal():
        n = int(t) if len(t) <= 3 else 0  # never int() a number of thousands of digits
        return n - 1 if 1 <= n <= len(options) else None
    return next((i for i, o in enumerate(options) if normalize(o) == t), None)


def parse_answer(q: SurveyQuestion, text: str) -> str | None:
    """The answer to store (an option, a JSON list of options, or the text); None if it does not answer."""
    text = text.strip()
    if q.kind == "text":
        return text[:MAX_ANSWER] or None  # a free-text answer is kept short
    whole = _choice(q.options, text)
    if q.kind == "single":
        return q.options[whole] if whole is not None else None
    tokens = [t for t in _SPLIT.split(text) if normalize(t)]
    if len(tokens) == 1 and tokens[0].isdecimal() and len(q.options) < 10 and whole is None:
        tokens = list(tokens[0])  # '13' -> 1 and 3
    picks = [whole] if whole is not None else [_choice(q.options, t) for t in tokens]
    if not picks or None in picks:
        return None
    return json.dumps([q.options[i] for i in sorted(set(picks))], ensure_ascii=False)


def question_text(survey: Survey, i: int) -> str:
    q = survey.questions[i]
    lines = [f"（{i + 1}/{len(survey.questions)}）{q.text}", *(f"{n}. {o}" for n, o in enumerate(q.options, 1))]
    return "\n".join(lines)


def _hint(q: SurveyQuestion) -> str:
    n = len(q.options)
    if q.kind == "single":
        return f"请回复一个序号（1-{n}）或选项文字：{'、'.join(q.options)}"
    if q.kind == "multiple":
        return f"可以多选：回复序号（1-{n}），多个用空格或逗号隔开，如「1 3」；也可以回复选项文字：{'、'.join(q.options)}"
    return "这题请用文字回答，随便说说就好～"


def _record(ctx: Ctx, q: SurveyQuestion, answer: str) -> None:
    contact = ctx.message.sender
    ctx.store.surveys.answer(contact, q.id, answer, ctx.now)
    if q.use:
        value = "、".join(json.loads(answer)) if q.kind == "multiple" else answer
        ctx.store.funnel.set_preference(contact, q.use, value)


def _complete(ctx: Ctx, survey: Survey) -> None:
    """Record the reward's coupons (never an expired one: the member is told) and thank the member."""
    contact = ctx.message.sender
    expiry = {c.id: c.expires for c in ctx.pb.section("coupons")}
    given = [c for c in survey.reward if expiry[c] > ctx.now]
    for coupon in given:
        ctx.store.offers.claim(coupon, contact, None, ctx.now, "survey")
    ctx.store.funnel.stage(contact, "survey_completed", ctx.now, detail=",".join(given) or None)
    if len(given) == len(survey.reward):
        ctx.reply(ctx.fmt(survey.done))
    else:
        ctx.reply("感谢填写！" + ("不过券包里的券已经过期，没能发放，抱歉 🙏" if not given else "部分券已经过期，只发放了仍有效的券 🙏"))


def _paused(ctx: Ctx, contact: str) -> bool:
    """Opted out since they last took part: they asked to be left alone, and only 「问卷」 resumes the survey."""
    info = ctx.store.funnel.contact(contact)
    if not info or not info["opted_out_at"]:
        return False
    last = ctx.store.surveys.last_activity(contact)
    return last is None or info["opted_out_at"] > last


@ritual.private(unless=("optout", "resubscribe"), kinds=None)
def on_private(ctx: Ctx) -> None:
    """Start (「问卷」), answer the current question, or resume; anything else is left alone."""
    survey, msg = ritual.config(ctx.pb), ctx.message
    if survey is None or ctx.stale:
        return
    starting = msg.kind == "text" and ctx.reading.is_one_of(survey.start_keywords)
    total = len(survey.questions)
    run = SurveyRun.load(ctx.store, msg.sender, total)
    if run is None or run.state == "invited":
        if starting:
            ctx.store.funnel.ensure_contact(msg.sender, msg.name, "private", ctx.now)
            run = run or SurveyRun.create(ctx.store, msg.sender, total, ctx.now)
            run.send("start", ctx.now)
            ctx.store.funnel.stage(msg.sender, "survey_started", ctx.now)
            ctx.reply(f"好的，一共{total}题，回复序号就行 👇\n{question_text(survey, 0)}")
        return
    if run.state == "done":
        if starting:
            ctx.reply(ALREADY_DONE)
        return
    if starting:  # asked to continue: the current question again
        if _paused(ctx, msg.sender):
            ctx.store.funnel.stage(msg.sender, "survey_resumed", ctx.now)
        ctx.reply(f"我们继续～\n{question_text(survey, run.question)}")
        return
    if _paused(ctx, msg.sender):
        return
    q = survey.questions[run.question]
    answer = parse_answer(q, msg.text) if msg.kind == "text" else None
    if answer is None:
        echo = clean_text(msg.text, 20) if msg.kind == "text" else ""
        got = f"「{echo}」" if echo else "这条消息"
        ctx.reply(f"没看懂{got} 😅 {_hint(q)}\n{question_text(survey, run.question)}")
        return
    _record(ctx, q, answer)
    run.question += 1
    run.send("answer", ctx.now)
    if run.state == "done":
        _complete(ctx, survey)
    else:
        ctx.reply(question_text(survey, run.question))


@ritual.command("survey", "问卷", usage="/survey", help="私聊邀请本群成员填写问卷（已退订、超出推送频率、已邀请过的跳过）",
                needs_group=False)
def invite(ctx: Ctx, cmd: Command) -> None:
    """Invite every member of this room privately, through the marketing gate."""
    if ctx.room is None:
        raise UsageError("请在学习群里使用。")
    survey = ritual.config(ctx.pb)
    if survey is None:
        ctx.reply("剧本里没有配置问卷（survey），无法邀请。")
        return
    push = replace(ctx, broadcast=True)  # invitations queue behind replies to people
    invited = skipped = before = 0
    for member, name in ctx.member_list():
        ctx.store.funnel.ensure_contact(member, name, "group", ctx.now)
        if SurveyRun.load(ctx.store, member, len(survey.questions)) is not None:
            before += 1
        elif push_private(push, member, ctx.fmt(survey.invite), "survey_invite"):
            SurveyRun.create(ctx.store, member, len(survey.questions), ctx.now)
            ctx.store.funnel.stage(member, "survey_invited", ctx.now, ctx.room)
            invited += 1
        else:
            skipped += 1
    ctx.tell_advisor(f"已私聊邀请 {invited} 人填写问卷；跳过 {skipped} 人（已退订或超出推送频率）；{before} 人之前已邀请或已填写。")
