"""Pictures drawn from live data (rendering only: no rituals, no database): see cards.py. Each name is loaded from its
module when first used: Pillow and the drawing code are not imported by a command that draws nothing (`report`
imports every ritual, the pictures ritual among them)."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULE = {**dict.fromkeys(("ClassPicture", "Certificate", "Funnel", "Hometowns", "Tally", "certificate", "class_picture",
                            "funnel_chart", "hometown_map", "tally_card"), "cards"),
           "plan": "deferred", "ready": "deferred", "NoFont": "fonts", "available": "fonts"}

__all__ = ["ClassPicture", "Certificate", "Funnel", "Hometowns", "Tally", "certificate", "class_picture",
           "funnel_chart", "hometown_map", "tally_card", "NoFont", "available", "plan", "ready"]


def __getattr__(name: str) -> Any:
    """One of __all__, imported from its module the first time it is asked for (then kept here)."""
    if name not in _MODULE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = getattr(importlib.import_module(f"{__name__}.{_MODULE[name]}"), name)
    return value


if TYPE_CHECKING:  # what the names are, for type checkers and readers
    from bot.pictures.cards import (ClassPicture, Certificate, Funnel, Hometowns, Tally, certificate, class_picture,
                                    funnel_chart, hometown_map, tally_card)
    from bot.pictures.deferred import plan, ready
    from bot.pictures.fonts import NoFont, available
