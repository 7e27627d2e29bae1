"""The playbook's core: who speaks (persona), the course and its days, shared settings and the marketing policy, the
language layer's additions, and which rituals the course uses. Each ritual's own section is declared by the ritual
(bot/ritual.py) and validated by the loader into `Playbook.section(key)`."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from bot.playbook.fields import Link, LocalTime, Section, Text, parse_hhmm

__all__ = ["Playbook", "parse_hhmm"]


class Persona(Section):
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    years: int = Field(ge=0, le=60)
    greeting: Text() = ""


class Course(Section):
    title: str = Field(min_length=1)
    days: int = Field(ge=1, le=60)
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知的时区（unknown time zone {v!r}），如 Asia/Shanghai") from None
        return v


class Acks(Section):
    gather_seconds: int = Field(default=60, ge=0, le=3600)
    min_interval_minutes: float = Field(default=5, ge=0, le=720)
    max_per_day: int = Field(default=6, ge=0, le=100)
    # each acknowledgement line names at most this many members and counts the rest (`more`)
    names: int = Field(default=10, ge=1, le=50)
    more: Text("count") = "等 {count} 位同学"
    # messages of the daily budget kept back until the day's last scheduled post (for replies, then a last
    # acknowledgement of what came after it)
    spare: int = Field(default=2, ge=0, le=20)


class Replies(Section):
    """Replies to members (not advisors): a few per person, a cap per room, identical answers once, per window."""

    per_person: int = Field(default=8, ge=1, le=100)
    per_room: int = Field(default=6, ge=1, le=1000)
    window_minutes: float = Field(default=10, gt=0, le=24 * 60)


class Retention(Section):
    """How long the daemon keeps what it no longer needs (pruned in small batches, at most once an hour)."""

    inbound_days: float = Field(default=7, ge=1, le=3650)  # ids of received events: a redelivery inside this is ignored
    outbox_days: float = Field(default=30, ge=1, le=3650)  # messages sent (or withdrawn) longer ago are deleted
    every_minutes: float = Field(default=60, ge=1, le=7 * 24 * 60)
    batch: int = Field(default=500, ge=1, le=100_000)


class Settings(Section):
    grace_minutes: int = Field(default=60, ge=0, le=24 * 60)
    # a scheduled post sent this much later than it was queued is late: logged, the advisors told (once an hour per
    # account), and `plan` warns when an account's posts will be
    late_post_minutes: int = Field(default=15, ge=1, le=24 * 60)
    backlog_max_age_minutes: int = Field(default=10, ge=1, le=7 * 24 * 60)
    mentions_per_message: int = Field(default=30, ge=1, le=200)
    # a reminder @-mentions at most mentions_per_message members in one message and counts the rest like this
    mentions_rest: Text("count") = "…还有 {count} 位同学"
    # what one course day may cost a group: every message to the room counts (lessons, tasks, reminders,
    # acknowledgements, tallies, pictures, replies); acknowledgements get what the scheduled posts leave
    daily_messages: int = Field(default=12, ge=3, le=200)
    max_message_chars: int = Field(default=1000, ge=200, le=10000)  # a longer text is split at line breaks
    acks: Acks = Acks()
    replies: Replies = Replies()
    retention: Retention = Retention()
    lesson_time: LocalTime = "09:00"
    # a scheduled post due in many groups on one account is spread over this many minutes after its time (each
    # group at its own stable moment, in step with what the account can send; a group alone is not delayed); 0 = off
    spread_minutes: float = Field(default=10, ge=0, le=120)
    spread: dict[str, float] = Field(default_factory=dict)  # per kind of scheduled post, e.g. {tally: 5, lesson: 0}

    @field_validator("spread")
    @classmethod
    def _spread(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [kind for kind, minutes in v.items() if not 0 <= minutes <= 120]
        if bad:
            raise ValueError(f"{bad[0]}: 分钟数须在 0 到 120 之间（minutes must be between 0 and 120）")
        return v

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: object) -> object:
        data = _moved_keywords(data, ("checkin_keywords", "practice_keywords", "graduation_keywords"), "settings")
        return _moved(data, "settings", {"checkin_reminder_time": "checkin.reminder_time", "tally_time": "checkin.tally_time",
                                         "leaderboard_size": "checkin.leaderboard_size"})


def _moved_keywords(data: object, keys: tuple[str, ...], section: str) -> object:
    """Keyword lists now live in the `language:` section: say so instead of 'extra fields not permitted'."""
    if isinstance(data, dict):
        for key in keys:
            if key in data:
                raise ValueError(f"{section}.{key} has moved: add words under `language:` (e.g. language.checkin.words), "
                                 "see bot/language/cues.yaml for the keys")
    return data


class Task(Section):
    title: str = Field(min_length=1)
    link: Link
    time: LocalTime = "12:00"
    due: LocalTime = "21:00"

    @model_validator(mode="after")
    def _order(self) -> "Task":
        if parse_hhmm(self.due) <= parse_hhmm(self.time):
            raise ValueError(f"截止时间必须晚于发布时间（due {self.due} must be after the task's post time {self.time}）")
        return self


class Day(Section):
    day: int = Field(ge=1)
    lesson: Text("day")
    task: Task | None = None


class Marketing(Section):
    """Honest marketing: opt-out is honoured, pushes are capped."""

    opt_out_confirm: Text() = "已为你退订营销消息，之后不会再给你推送优惠信息。课程通知不受影响。"
    group_cap_per_day: int = Field(default=2, ge=0, le=20)  # marketing posts per group per day
    private_cap_per_week: int = Field(default=3, ge=0, le=50)  # default for members who did not say in the survey
    countdown_hours: list[int] = Field(default_factory=lambda: [24, 2])  # offer countdowns, hours before the deadline
    countdown_text: Text("title", "price", "final_price", "discount", "deadline", "seats_left", "link", "left") = "⏰「{title}」距截止还有{left}（{deadline}截止），剩余{seats_left}个名额 👉 {link}"
    closed_text: Text("title", "state") = "📢「{title}」{state}，本期报名结束，感谢大家的关注。"

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: object) -> object:
        return _moved_keywords(data, ("opt_out_keywords",), "marketing")

    @field_validator("countdown_hours")
    @classmethod
    def _hours(cls, v: list[int]) -> list[int]:
        if any(h <= 0 or h > 24 * 30 for h in v) or len(set(v)) != len(v):
            raise ValueError(f"需要 1 到 720 之间互不相同的小时数（must be distinct hours between 1 and 720, got {v}）")
        return sorted(v, reverse=True)


def _moved(data: object, section: str, moves: dict[str, str]) -> object:
    """A key that moved to a ritual's section: say where, instead of 'not a known field'."""
    if isinstance(data, dict):
        for key, to in moves.items():
            if key in data:
                raise ValueError(f"{section}.{key} has moved to {to}")
    return data


class Playbook(Section):
    persona: Persona
    course: Course
    advisors: list[str] = Field(default_factory=list)
    settings: Settings = Settings()
    days: list[Day] = Field(min_length=1)
    marketing: Marketing = Marketing()
    # the rituals this course runs (default: every ritual in the rituals package)
    rituals: list[str] | None = None
    # words the language layer listens for, added to its defaults (bot/language/cues.yaml): same keys
    language: dict = Field(default_factory=dict)
    _sections: dict[str, Any] = PrivateAttr(default_factory=dict)
    _chosen: tuple = PrivateAttr(default=())

    @field_validator("language")
    @classmethod
    def _language(cls, v: dict, info: ValidationInfo) -> dict:
        if info.context and not info.context.get("language", True):  # a reader of the data only (`report`)
            return v
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
            raise ValueError(f"days: 第1到第{self.course.days}天每天必须正好列一次（must list each course day "
                             f"1..{self.course.days} once, got {numbers}）")
        return self

    def with_sections(self, rituals: tuple, sections: dict[str, Any]) -> "Playbook":
        """This playbook with its rituals and their validated sections (the loader's last step)."""
        self._chosen, self._sections = rituals, sections
        return self

    @property
    def chosen(self) -> tuple:
        """The rituals this course runs, in their order."""
        return self._chosen

    def section(self, key: str) -> Any:
        """A ritual's validated section (KeyError if no ritual of this course declares it)."""
        return self.__pydantic_private__["_sections"][key]  # on every message: not through pydantic's __getattr__

    def has_section(self, key: str) -> bool:
        return key in self.__pydantic_private__["_sections"]

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
