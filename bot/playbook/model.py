"""The playbook's shape: what a course posts, when, and what it listens for (validated on load)."""
from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def parse_hhmm(value: str) -> time:
    """'20:00' -> time(20, 0)."""
    hh, mm = value.split(":")
    return time(int(hh), int(mm))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_time(value: str) -> str:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ValueError(f"must be a local time HH:MM (24h), got {value!r}")
    return value


def _check_moment(value: str) -> str:
    """An ISO-8601 time with a UTC offset (deadlines, expiry)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"must be an ISO-8601 time, got {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"needs a UTC offset (e.g. +08:00), got {value!r}")
    return value


class Persona(_Strict):
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    years: int = Field(ge=0, le=60)
    motto: str = ""
    greeting: str = ""


class Course(_Strict):
    title: str = Field(min_length=1)
    days: int = Field(ge=1, le=60)
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v


class Acks(_Strict):
    gather_seconds: int = Field(default=60, ge=0, le=3600)
    min_interval_minutes: float = Field(default=5, ge=0, le=720)
    max_per_day: int = Field(default=6, ge=0, le=100)


class Replies(_Strict):
    """Replies to members (not advisors): a few per person, a cap per room, identical answers once, per window."""

    per_person: int = Field(default=8, ge=1, le=100)
    per_room: int = Field(default=6, ge=1, le=1000)
    window_minutes: float = Field(default=10, gt=0, le=24 * 60)


class Settings(_Strict):
    grace_minutes: int = Field(default=60, ge=0, le=24 * 60)
    backlog_max_age_minutes: int = Field(default=10, ge=1, le=7 * 24 * 60)
    mentions_per_message: int = Field(default=30, ge=1, le=200)
    acks: Acks = Acks()
    replies: Replies = Replies()
    lesson_time: str = "09:00"
    checkin_reminder_time: str = "20:00"
    tally_time: str = "22:00"
    leaderboard_size: int = Field(default=10, ge=1, le=50)

    _t = field_validator("lesson_time", "checkin_reminder_time", "tally_time")(_check_time)

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: object) -> object:
        return _moved_keywords(data, ("checkin_keywords", "practice_keywords", "graduation_keywords"), "settings")


def _moved_keywords(data: object, keys: tuple[str, ...], section: str) -> object:
    """Keyword lists now live in the `language:` section: say so instead of 'extra fields not permitted'."""
    if isinstance(data, dict):
        for key in keys:
            if key in data:
                raise ValueError(f"{section}.{key} has moved: add words under `language:` (e.g. language.checkin.words), "
                                 "see bot/language/cues.yaml for the keys")
    return data


class Texts(_Strict):
    checkin_ack: str = "✅ 打卡已记录：{names}（今日已打卡 {count}/{members} 人）"
    practice_ack: str = "📝 实操已完成：{names}"
    checkin_reminder: str = "⏰ 第{day}天还没打卡的同学，记得回复「打卡」哦～"
    practice_reminder: str = "📌 今天的实操「{task}」还没完成的同学抓紧啦：{link}"
    tally: str = "📊 第{day}天打卡统计：{count}/{members} 人，打卡率 {rate}\n🔥 连续打卡榜：\n{leaderboard}"
    hometown_summary: str = "🏠 家乡签到：{names}。已有 {count} 位同学签到，来自 {provinces} 个省份"


class Opening(_Strict):
    day: int = Field(default=0, ge=-7, le=1)
    time: str = "20:00"
    prompt: str = Field(min_length=1)

    _t = field_validator("time")(_check_time)


class Task(_Strict):
    title: str = Field(min_length=1)
    link: str
    time: str = "12:00"
    due: str = "21:00"

    _t = field_validator("time", "due")(_check_time)

    @field_validator("link")
    @classmethod
    def _link(cls, v: str) -> str:
        if not re.match(r"^https?://\S+$", v):
            raise ValueError(f"must be an http(s) URL, got {v!r}")
        return v

    @model_validator(mode="after")
    def _order(self) -> "Task":
        if parse_hhmm(self.due) <= parse_hhmm(self.time):
            raise ValueError(f"due {self.due} must be after the task's post time {self.time}")
        return self


class Day(_Strict):
    day: int = Field(ge=1)
    lesson: str = Field(min_length=1)
    task: Task | None = None


class Graduation(_Strict):
    day: int = Field(ge=1)
    time: str = "20:30"
    script: str = Field(min_length=1)
    congrats: str = "🎓 恭喜{name}毕业！打卡 {checkins} 天，完成实操 {tasks} 次 👏"
    congrats_batch: str = "🎓 恭喜毕业：{lines}"
    # to members who said 我毕业啦 before the ceremony: posted once when it opens, with their @-mentions
    early: str = "🎓 毕业典礼开始啦！之前提前说了「我毕业啦」的同学，现在再发一次就正式毕业啦～"

    _t = field_validator("time")(_check_time)


class AlumniPost(_Strict):
    day: int = Field(ge=1)
    time: str
    text: str = Field(min_length=1)

    _t = field_validator("time")(_check_time)


class Alumni(_Strict):
    day: int = Field(ge=1)
    time: str = "10:00"
    welcome: str = ""
    posts: list[AlumniPost] = Field(default_factory=list)
    close_day: int | None = None

    _t = field_validator("time")(_check_time)


class Funnel(_Strict):
    """Friend request -> persona greeting -> invitation into the next cohort."""

    accept_friends: bool = True
    invite_text: str = "已邀请你加入「{course}」学习群「{topic}」，第1天是 {start_date}，记得通过邀请哦～"
    no_cohort_text: str = "下一期「{course}」开课时间确定后，我会第一时间邀请你进群 😊"
    invite_limit: int = Field(default=40, ge=1, le=500)  # above this many members WeChat sends an invitation card
    # account safety: WeChat restricts accounts that accept more than about a hundred friends a day
    accept_per_day: int = Field(default=80, ge=0, le=100)  # requests above it wait (in order) for the next days
    accept_interval_seconds: int = Field(default=120, ge=0, le=3600)  # at least this long between two acceptances
    invite_per_day: int = Field(default=100, ge=0, le=500)  # room invitations a day; the rest wait for the next day


class Privacy(_Strict):
    """Private texts (survey free-text answers, friend-request notes) are deleted after retention_days."""

    retention_days: int = Field(default=90, ge=1, le=3650)


class Marketing(_Strict):
    """Honest marketing: opt-out is honoured, pushes are capped."""

    opt_out_confirm: str = "已为你退订营销消息，之后不会再给你推送优惠信息。课程通知不受影响。"
    group_cap_per_day: int = Field(default=2, ge=0, le=20)  # marketing posts per group per day
    private_cap_per_week: int = Field(default=3, ge=0, le=50)  # default for members who did not say in the survey
    countdown_hours: list[int] = Field(default_factory=lambda: [24, 2])  # offer countdowns, hours before the deadline
    countdown_text: str = "⏰「{title}」距截止还有{left}（{deadline}截止），剩余{seats_left}个名额 👉 {link}"
    closed_text: str = "📢「{title}」{state}，本期报名结束，感谢大家的关注。"

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: object) -> object:
        return _moved_keywords(data, ("opt_out_keywords",), "marketing")

    @field_validator("countdown_hours")
    @classmethod
    def _hours(cls, v: list[int]) -> list[int]:
        if any(h <= 0 or h > 24 * 30 for h in v) or len(set(v)) != len(v):
            raise ValueError(f"must be distinct hours between 1 and 720, got {v}")
        return sorted(v, reverse=True)


class Offer(_Strict):
    """A paid course offer; its messages are rendered from live data (true seats and a real deadline)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    title: str = Field(min_length=1)
    price: float = Field(gt=0)
    discount: float = Field(gt=0, le=1)  # 0.18 = 1.8折
    deadline: str  # ISO-8601 with UTC offset
    seats: int = Field(ge=1)
    link: str
    template: str = "🔥 {title}：原价{price}元，限时{discount}，{deadline}截止，剩余{seats_left}个名额 👉 {link}"

    _d = field_validator("deadline")(_check_moment)


class Coupon(_Strict):
    """A threshold coupon: amount off an investment of at least min_invest, valid until a date."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    amount: int = Field(gt=0)
    min_invest: int = Field(gt=0)
    valid_until: str  # ISO-8601 with UTC offset
    text: str = "🎁 满{min_invest}元减{amount}元理财券，{valid_until}前有效，回复「领券」领取"

    _v = field_validator("valid_until")(_check_moment)

    @property
    def expires(self) -> datetime:
        """valid_until as an aware datetime."""
        return datetime.fromisoformat(self.valid_until)


class SurveyQuestion(_Strict):
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


class Survey(_Strict):
    """问卷调研 in a private chat, rewarded with a coupon pack."""

    invite: str = "🎁 花1分钟填个小问卷，送你一份理财券包！回复「问卷」开始"
    start_keywords: list[str] = Field(default_factory=lambda: ["问卷", "填问卷"], min_length=1)
    questions: list[SurveyQuestion] = Field(min_length=1)
    reward: list[str] = Field(default_factory=list)  # coupon ids
    done: str = "感谢填写！券包已发放 🎉"


class Playbook(_Strict):
    version: int = 1
    persona: Persona
    course: Course
    advisors: list[str] = Field(default_factory=list)
    settings: Settings = Settings()
    texts: Texts = Texts()
    opening: Opening
    days: list[Day] = Field(min_length=1)
    graduation: Graduation
    alumni: Alumni
    funnel: Funnel = Funnel()
    marketing: Marketing = Marketing()
    privacy: Privacy = Privacy()
    offers: list[Offer] = Field(default_factory=list)
    coupons: list[Coupon] = Field(default_factory=list)
    survey: Survey | None = None
    # words the language layer listens for, added to its defaults (bot/language/cues.yaml): same keys
    language: dict = Field(default_factory=dict)

    @field_validator("language")
    @classmethod
    def _language(cls, v: dict) -> dict:
        from bot.language.cues import problems  # noqa: PLC0415 - the layer knows its own keys

        found = problems(v)
        if found:
            raise ValueError("; ".join(found))
        return v

    @model_validator(mode="after")
    def _calendar(self) -> "Playbook":
        numbers = [d.day for d in self.days]
        expected = list(range(1, self.course.days + 1))
        if sorted(numbers) != expected:
            raise ValueError(f"days: must list each course day 1..{self.course.days} once, got {numbers}")
        if self.graduation.day != self.course.days:
            raise ValueError(f"graduation.day: must be the last course day ({self.course.days}), got {self.graduation.day}")
        if self.alumni.day <= self.course.days:
            raise ValueError(f"alumni.day: must come after the last course day ({self.course.days}), got {self.alumni.day}")
        for i, post in enumerate(self.alumni.posts):
            if post.day < self.alumni.day:
                raise ValueError(f"alumni.posts[{i}].day: {post.day} is before alumni.day {self.alumni.day}")
        coupon_ids = {c.id for c in self.coupons}
        if self.survey is not None:
            for cid in self.survey.reward:
                if cid not in coupon_ids:
                    raise ValueError(f"survey.reward: no coupon with id {cid!r}")
        for kind, items in (("offers", self.offers), ("coupons", self.coupons)):
            ids = [i.id for i in items]
            if len(set(ids)) != len(ids):
                raise ValueError(f"{kind}: ids must be unique, got {ids}")
        if self.alumni.close_day is not None and self.alumni.close_day <= max([self.alumni.day] + [p.day for p in self.alumni.posts]):
            raise ValueError("alumni.close_day: must come after the alumni day and every alumni post")
        return self

    def day(self, n: int) -> Day:
        """The playbook entry for course day n."""
        return next(d for d in self.days if d.day == n)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.course.timezone)

    def persona_vars(self) -> dict[str, object]:
        """Placeholders every text may use."""
        return {
            "persona": self.persona.name,
            "title": self.persona.title,
            "years": self.persona.years,
            "course": self.course.title,
            "days": self.course.days,
        }
