"""The pictures section of the playbook: which pictures are posted, when, and their alt texts (what a transport that
cannot send images posts instead)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from bot.playbook.fields import LocalTime, Section, Text


class Pictures(Section):
    tally_card: bool = True  # the day's leaderboard card, posted right after the check-in tally (checkin.tally_time)
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
    tally_alt: Text("day", "count", "members", "rate", "leaders") = \
        "📊 第{day}天打卡榜：{count}/{members} 人打卡（{rate}）。连续打卡：{leaders}"
    map_alt: Text("people", "provinces", "top") = "🗺 我们来自 {provinces} 个省份（{people} 位同学签到）：{top}"
    class_alt: Text("count", "names") = "🎓 {course}毕业啦！{count} 位同学顺利毕业：{names}"
    certificate_alt: Text("name", "dates", "checkins", "tasks") = \
        "📜 {name}的结业证书：{dates}参加「{course}」，打卡 {checkins} 天，完成实操 {tasks} 次。恭喜毕业！"
    # the class picture's last line, by the certificates setting
    class_note_evening: Text() = "结业证书今晚私信发给每位毕业同学，也可以私聊我「证书」领取"
    class_note_on_request: Text() = "私聊我「证书」，领取你的结业证书"
    certificate_not_yet: Text() = "结业证书在毕业典礼上说「我毕业啦」之后就能领取哦～"
