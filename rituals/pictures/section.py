"""The pictures section of the playbook: which pictures are posted, when, and their alt texts (what a transport that
cannot send images posts instead)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from bot.playbook.fields import LocalTime, Section, Text


class Pictures(Section):
    # the day's leaderboard card at checkin.tally_time: "instead" of the text tally (one post: the card is the tally,
    # its alt text the full tally for a transport without images), "after" it (two posts), or "off"
    tally_card: Literal["instead", "after", "off"] = "instead"
    hometown_map: bool = True  # the map of where the class comes from, once the opening settles (and on /map)
    map_time: LocalTime = "22:30"  # on the opening day (opening.day), after the hometown prompt at opening.time
    class_picture: bool = True  # at graduation: the course, the graduates, their names, the map
    class_picture_time: LocalTime = "21:30"  # on the graduation day, after the ceremony
    # personal certificates (结业证书), privately: "evening" = paced from class_picture_time to certificates_until
    # each evening (and on request); "on_request" = only to those who ask with one of certificate_words; "off"
    certificates: Literal["evening", "on_request", "off"] = "evening"
    certificates_until: LocalTime = "23:30"
    certificates_per_round: int = Field(default=3, ge=1, le=20)
    certificates_gap_seconds: int = Field(default=60, ge=10, le=3600)
    certificate_words: list[str] = ["证书", "结业证书", "领证书", "我的证书", "领取证书"]
    leaderboard_size: int = Field(default=10, ge=1, le=10)
    # the card's text (posted when no picture can be): with tally_card "instead" it is the tally, so it says what the
    # text tally says; {leaderboard} = the streak board, one tally_alt_line a line; {leaders} = the top three, inline
    tally_alt: Text("day", "count", "members", "rate", "leaderboard", "leaders") = \
        "📊 第{day}天打卡统计：{count}/{members} 人，打卡率 {rate}\n🔥 连续打卡榜：\n{leaderboard}"
    tally_alt_line: Text("rank", "name", "streak") = "{rank}. {name} 🔥{streak}天"
    tally_alt_empty: Text() = "（暂无）"
    map_alt: Text("people", "provinces", "top") = "🗺 我们来自 {provinces} 个省份（{people} 位同学签到）：{top}"
    class_alt: Text("count", "names") = "🎓 {course}毕业啦！{count} 位同学顺利毕业：{names}"
    certificate_alt: Text("name", "dates", "checkins", "tasks") = \
        "📜 {name}的结业证书：{dates}参加「{course}」，打卡 {checkins} 天，完成实操 {tasks} 次。恭喜毕业！"
    # the class picture's last line, by the certificates setting
    class_note_evening: Text() = "结业证书今晚私信发给每位毕业同学，也可以私聊我「证书」领取"
    class_note_on_request: Text() = "私聊我「证书」，领取你的结业证书"
    certificate_not_yet: Text() = "结业证书在毕业典礼上说「我毕业啦」之后就能领取哦～"

    @field_validator("tally_card", mode="before")
    @classmethod
    def _old_switch(cls, value: object) -> object:
        """The old on/off switch: true meant the card after the tally (kept: a playbook that said so still gets both
        posts), false no card."""
        if isinstance(value, bool):
            return "after" if value else "off"
        return value
