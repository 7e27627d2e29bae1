"""The community rituals, one router each, joined into an engine in one place."""
from __future__ import annotations

from typing import Iterable

from bot.engine import Engine
from bot.playbook import Playbook
from bot.storage import Store
from rituals import alumni, checkin, course, funnel, graduation, hometown, practice
from rituals import optout, privacy, survey
from rituals import coupons, offers


def build_engine(store: Store, playbook: Playbook, clock, advisors: Iterable[str]) -> Engine:
    """An engine with every ritual wired in."""
    engine = Engine(store, playbook, clock, advisors)
    engine.include_routers(course.router, hometown.router, checkin.router, practice.router, graduation.router, alumni.router,
                           funnel.router)
    engine.include_routers(optout.router, survey.router)
    engine.include_routers(offers.router, coupons.router)
    engine.include_routers(privacy.router)
    # one acknowledgement names everything recorded since the last, in this order
    engine.acks.add("hometowns", hometown.compose_ack)
    engine.acks.add("checkins", checkin.compose_ack)
    engine.acks.add("practice", practice.compose_ack)
    engine.acks.add("graduates", graduation.compose_ack)
    return engine
