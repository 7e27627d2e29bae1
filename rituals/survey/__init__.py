"""问卷调研 in a private chat: a per-member state machine (invited → asking → done, or cancelled by 取消 / 退出 and
picked up again by 问卷) over its `surveys` row, answers stored and put to use (offer frequency, channel), rewarded
once with the playbook's coupon pack. A real question instead of an answer is left to the next private handler
(the relay to the advisors) rather than answered with 「没看懂」."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from statemachine import State, StateMachine

from bot.core.commands import Command, UsageError
from bot.core.context import Context
from bot.delivery.marketing import push_private
from bot.core.names import clean_text
from bot.core.persisted import PersistedState
from bot.core.ritual import STOP, Ritual
from bot.storage import Store
from rituals.survey.answers import hint, parse_answer, question_text
from rituals.survey.section import Survey, SurveyQuestion, problems

ritual = Ritual("survey", section=("survey", Survey | None), order=90)
ritual.check(problems)


class SurveyFlow(StateMachine):
    """invited → asking (one question at a time, the index on the model) → done; asking → cancelled → asking."""

    invited = State(initial=True)
    asking = State()
    cancelled = State()
    done = State(final=True)

    start = invited.to(asking) | cancelled.to(asking)
    answer = asking.to(done, cond="answered_all") | asking.to.itself()
    cancel = asking.to(cancelled)


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


def _record(ctx: Context, q: SurveyQuestion, answer: str) -> None:
    contact = ctx.message.sender
    ctx.store.surveys.answer(contact, q.id, answer, ctx.now)
    if q.use:  # a single choice (the section says so): the option's id
        ctx.store.funnel.set_preference(contact, q.use, answer)


def _complete(ctx: Context, survey: Survey) -> None:
    """Record the reward's coupons (never an expired one: the member is told) and thank the member."""
    contact = ctx.message.sender
    expiry = {c.id: c.expires for c in ctx.pb.section("coupons").items}
    given = [c for c in survey.reward if expiry[c] > ctx.now]
    for coupon in given:
        ctx.store.offers.claim(coupon, contact, None, ctx.now, "survey")
    ctx.store.funnel.stage(contact, "survey_completed", ctx.now, detail=",".join(given) or None)
    if len(given) == len(survey.reward):
        ctx.reply(ctx.fmt(survey.done))
    else:
        ctx.reply(ctx.fmt(survey.reward_partial if given else survey.reward_expired))


def _paused(ctx: Context, contact: str) -> bool:
    """Opted out since they last took part: they asked to be left alone, and only 「问卷」 resumes the survey."""
    info = ctx.store.funnel.contact(contact)
    if not info or not info["opted_out_at"]:
        return False
    last = ctx.store.surveys.last_activity(contact)
    return last is None or info["opted_out_at"] > last


@ritual.private(unless=("optout", "resubscribe"), kinds=None)
def on_private(ctx: Context) -> str | None:
    """Start (「问卷」), answer the current question, resume, or cancel (取消 / 退出); what the survey took is not
    seen by later private handlers (STOP). Anything else, and a question asked instead of an answer, is left alone."""
    survey, msg = ritual.config(ctx.pb), ctx.message
    if survey is None or ctx.stale:
        return None
    text = msg.kind == "text"
    starting = text and ctx.reading.is_one_of(survey.start_keywords)
    total = len(survey.questions)
    run = SurveyRun.load(ctx.store, msg.sender, total)
    if run is None or run.state == "invited":
        if not starting:
            return None
        ctx.store.funnel.ensure_contact(msg.sender, msg.name, "private", ctx.now)
        run = run or SurveyRun.create(ctx.store, msg.sender, total, ctx.now)
        run.send("start", ctx.now)
        ctx.store.funnel.stage(msg.sender, "survey_started", ctx.now)
        ctx.reply(ctx.fmt(survey.start, total=total, question=question_text(survey, 0)))
        return STOP
    if run.state in ("done", "cancelled"):
        if not starting:
            return None
        if run.state == "done":
            ctx.reply(ctx.fmt(survey.already_done))
        else:  # picked up again where it was left
            run.send("start", ctx.now)
            ctx.store.funnel.stage(msg.sender, "survey_resumed", ctx.now)
            ctx.reply(ctx.fmt(survey.resume, question=question_text(survey, run.question)))
        return STOP
    if starting:  # asked to continue: the current question again
        if _paused(ctx, msg.sender):
            ctx.store.funnel.stage(msg.sender, "survey_resumed", ctx.now)
        ctx.reply(ctx.fmt(survey.resume, question=question_text(survey, run.question)))
        return STOP
    if _paused(ctx, msg.sender):
        return None
    if text and ctx.reading.is_one_of(survey.cancel_keywords):
        run.send("cancel", ctx.now)
        ctx.store.funnel.stage(msg.sender, "survey_cancelled", ctx.now)
        ctx.reply(ctx.fmt(survey.cancelled))
        return STOP
    q = survey.questions[run.question]
    answer = parse_answer(q, msg.text) if text else None
    if answer is None and text and ctx.reading.question:
        return None  # a real question, not an answer: for the advisors (the relay), not 「没看懂」
    if answer is None:
        echo = clean_text(msg.text, 20) if msg.kind == "text" else ""
        got = f"「{echo}」" if echo else ctx.fmt(survey.not_text)
        ctx.reply(ctx.fmt(survey.not_understood, got=got, hint=hint(ctx, survey, q),
                          question=question_text(survey, run.question)))
        return STOP
    _record(ctx, q, answer)
    run.question += 1
    run.send("answer", ctx.now)
    if run.state == "done":
        _complete(ctx, survey)
    else:
        ctx.reply(question_text(survey, run.question))
    return STOP


@ritual.command("survey", "问卷", usage="/survey", help="私聊邀请本群成员填写问卷（已退订、超出推送频率、已邀请过的跳过）",
                needs_group=False)
def invite(ctx: Context, cmd: Command) -> None:
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
