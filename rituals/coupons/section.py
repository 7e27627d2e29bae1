"""The coupons' playbook section: threshold coupons (`items`), the words a member claims one with, and what the
ritual says; a coupon text that claims another threshold or date than the coupon's is refused when the playbook loads."""
from __future__ import annotations

import re
from datetime import datetime

from pydantic import Field

from bot.playbook.fields import ItemsSection, Moment, Section, Text
from bot.playbook.honesty import deadline_claims

COUPON = ("amount", "min_invest", "valid_until")


class Coupon(Section):
    """A threshold coupon: amount off an investment of at least min_invest, valid until a date."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    amount: int = Field(gt=0)
    min_invest: int = Field(gt=0)
    valid_until: Moment
    text: Text(*COUPON, own_deadline=True) = "🎁 满{min_invest}元减{amount}元理财券，{valid_until}前有效，回复「领券」领取"

    @property
    def expires(self) -> datetime:
        """valid_until as an aware datetime."""
        return datetime.fromisoformat(self.valid_until)


class Segments(Section):
    """Who `/coupon ID graduates|all` means, in the advisor's reply when nobody is left to send to."""

    graduates: Text() = "本群已毕业的同学"
    all: Text() = "本群所有成员"


class Coupons(ItemsSection):
    """The playbook's coupons and what the ritual says. A bare list is read as `items` (older playbooks)."""

    claim_words: list[str] = Field(default_factory=lambda: ["领券", "我要领券"], min_length=1)  # the whole message
    description: Text(*COUPON) = "满{min_invest}元减{amount}元理财券（{valid_until}前有效）"  # {coupon} below
    claimed: Text("coupon") = "🎉 领取成功：{coupon}"
    already_claimed: Text("coupon") = "已经领过这张券啦：{coupon}"
    expired: Text() = "这张券已经过期了，下次活动再来哦～"
    none_to_claim: Text() = "目前没有可以领取的券哦～"
    segments: Segments = Segments()
    items: list[Coupon] = Field(default_factory=list)

    def get(self, coupon_id: str) -> Coupon | None:
        return next((c for c in self.items if c.id == coupon_id), None)


def problems(pb) -> list[str]:
    """Unique ids, real discounts, texts that say what the coupon is and name a word that claims it."""
    section = pb.section("coupons")
    coupons = section.items
    found = section.id_problems("coupons")
    for i, coupon in enumerate(coupons):
        where = f"coupons.items[{i}]"
        if coupon.amount >= coupon.min_invest:
            found.append(f"{where}.amount: 减免必须小于门槛（{coupon.amount} off must be less than min_invest {coupon.min_invest}）")
        for m in re.finditer(r"满\s*(\d+)\s*元?\s*减\s*(\d+)", coupon.text):
            if (int(m.group(1)), int(m.group(2))) != (coupon.min_invest, coupon.amount):
                found.append(f"{where}.text: 不属实的说法（false claim）「{m.group(0)}」: the coupon is "
                             f"满{coupon.min_invest}减{coupon.amount} (use {{min_invest}} and {{amount}})")
        for claim, why in deadline_claims(coupon.text, coupon.expires, pb.tz):
            found.append(f"{where}.text: 不属实的说法（false claim）「{claim}」: {why.replace('deadline', 'coupon is valid until')}")
        for word in re.findall(r"回复「([^」]+)」", coupon.text):
            if word not in section.claim_words:
                found.append(f"{where}.text: 让成员回复的「{word}」不在 coupons.claim_words（{', '.join(section.claim_words)}）里"
                             f"（asks members to reply 「{word}」, which is not in coupons.claim_words）")
    return found
