"""The offers' playbook section: paid course offers whose messages are rendered from live data (true seats and a
real deadline); a template that would claim something false is refused when the playbook loads."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from bot.playbook.fields import ItemsSection, Link, Moment, Section, Text
from bot.playbook.honesty import false_claims

PLACEHOLDERS = ("title", "price", "final_price", "discount", "deadline", "seats_left", "link")


class Offer(Section):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    title: str = Field(min_length=1)
    price: float = Field(gt=0)
    discount: float = Field(gt=0, le=1)  # 0.18 = 1.8折
    deadline: Moment
    seats: int = Field(ge=1)
    link: Link
    template: Text(*PLACEHOLDERS, own_deadline=True) = "🔥 {title}：原价{price}元，限时{discount}，{deadline}截止，剩余{seats_left}个名额 👉 {link}"


class Closed(Section):
    """Why an offer is over, in the words of `marketing.closed_text`'s {state} (and the advisor's /offers list)."""

    deadline: Text() = "已截止"
    sold_out: Text() = "名额已满"


class Offers(ItemsSection):
    """The playbook's offers (`items`) and what is said about them. A bare list is read as `items` (older playbooks)."""

    closed: Closed = Closed()
    items: list[Offer] = Field(default_factory=list)


def problems(pb) -> list[str]:
    """Unique ids, real discounts, and templates that claim nothing false."""
    section = pb.section("offers")
    found = section.id_problems("offers")
    for i, offer in enumerate(section.items):
        if offer.discount >= 1:
            found.append(f"offers.items[{i}].discount: 不是折扣（{offer.discount} is no discount; 0.18 means 1.8折）")
        for claim, why in false_claims(offer.template, offer.seats, datetime.fromisoformat(offer.deadline), pb.tz):
            found.append(f"offers.items[{i}].template: 不属实的说法（false claim）「{claim}」: {why}")
    return found
