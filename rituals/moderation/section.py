"""The moderation playbook section: what counts as spam (words, contact and link patterns, the new-member window,
the course's own links) and what the bot says about it. Every list is plain words, never a regular expression:
the patterns built from them are linear-time by construction (rituals/moderation/rules.py)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from bot.playbook.fields import Section, Text

Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
AllowedLink = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200, pattern=r"^\S+$")]
CardKind = Literal["url", "mini_program", "contact"]
MAX_WORDS = 300

DETAIL = Text("name", "room", "rule", "quote")  # what the advisors are told about a member's message


class Moderation(Section):
    """防骚扰: spam (ads, links, contact details, cards) is recognised, its sender warned once in the group and the
    advisors told privately; on a repeat the member is removed (can_remove: the bot's account is a group admin)
    or the advisors are asked to remove them. Advisors and members allowed with /allow are never checked."""

    # spam on its own, from anyone: 「加我微信」「日赚500」
    keywords: list[Word] = Field(max_length=MAX_WORDS, default_factory=lambda: [
        "加我微信", "加我vx", "加我v信", "加v信", "私聊我", "日赚", "刷单", "兼职日结", "带你赚钱", "招代理", "代理招募",
        "免费带单"])
    # spam only next to a link that is not the course's or in a card (alone they are ordinary questions:
    # 「支付宝扫码买基金安全吗」「信用卡返利怎么算」)
    suspicious_words: list[Word] = Field(max_length=MAX_WORDS, default_factory=lambda: [
        "加微信", "代理", "兼职", "免费领取", "点击领取", "返利", "扫码", "二维码", "红包", "福利", "砍一刀", "助力",
        "稳赚不赔", "躺赚", "内幕", "荐股", "网贷", "贷款", "套现", "代还", "拉人头"])
    # words that announce a WeChat id: 「vx：abc123」「V信 abc123」「薇信：abc123」 (an id needs a digit, or a colon or 号)
    contact_words: list[Word] = Field(max_length=MAX_WORDS, default_factory=lambda: [
        "微信号", "微信", "wechat", "weixin", "wx", "vx", "v信", "薇信", "威信", "徽信", "卫星号", "绿泡泡", "+v", "加v"])
    # words that announce a QQ number or group: 「QQ 12345678」「企鹅群 587246931」
    qq_words: list[Word] = Field(max_length=MAX_WORDS, default_factory=lambda: ["qq", "扣扣", "企鹅", "球球"])
    # words that announce a referral code: 「邀请码 K8M2QZ」
    code_words: list[Word] = Field(max_length=MAX_WORDS, default_factory=lambda: ["推荐码", "邀请码", "注册码", "推广码"])
    phone_numbers: bool = True  # a mobile number (1[3-9] and 9 digits, also 3-4-4 spaced) is a contact detail
    # the course's own links, never flagged: a domain ('course.example.com', its subdomains too) or an address
    # prefix ('example.com/course'); each day's task link is allowed as well (allow_task_links)
    allow_links: list[AllowedLink] = Field(default_factory=list, max_length=MAX_WORDS)
    allow_task_links: bool = True
    # a member the bot saw join within this many minutes is new: a link (not the course's) or a card from them is spam
    new_member_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)
    new_member_kinds: list[CardKind] = Field(default_factory=lambda: ["url", "mini_program", "contact"])
    # a new member whose first message is an image (it may be a QR code, or a practice screenshot): the advisors are
    # told privately to have a look; the member is not warned and the image still counts
    image_notice: bool = True
    can_remove: bool = False  # the bot's account is an admin of the groups: it removes a repeat offender itself

    warning: Text() = "请勿在学习群发布广告、链接或联系方式，再次发布将被移出本群。如有误会请私信{persona}老师。"
    notice: DETAIL = "🚨 疑似广告，已在群里提醒一次\n群：{room}\n成员：{name}\n原因：{rule}\n内容：{quote}\n如是误判，请在群里发送 /allow @{name}"
    removed: Text("name") = "🚫 已将发布广告的成员移出本群。提醒大家：不要添加群里陌生人的私聊，谨防理财诈骗。"
    removed_notice: DETAIL = "🚫 {name} 在「{room}」提醒后再次发布广告，已移出群聊\n原因：{rule}\n内容：{quote}"
    ask_remove: DETAIL = ("🚨 {name} 在「{room}」提醒后再次发布广告，机器人不是群管理员，请手动将其移出群聊\n原因：{rule}\n"
                          "内容：{quote}\n如是误判，请在群里发送 /unmute @{name}")
    image_notice_text: Text("name", "room") = "👀 新成员 {name} 进「{room}」后的第一条消息是一张图片，可能是二维码广告，请看一眼（是练习截图就不用处理）。"
    allowed: Text("name") = "已将 {name} 设为本群信任成员，之后不再检查其消息。"
    unmuted: Text("name") = "已清除 {name} 在本群的违规记录，之后再发广告会重新从提醒开始。"
