"""Pictures drawn when they are sent, not when they are queued: a handler writes the picture's recipe (its kind and
values, a small JSON file beside the PNG's path) inside its transaction, and the transport that needs the bytes draws
the PNG just before sending it. A busy moment (a thousand groups' tally cards at 22:00) then costs a file write per
group, and the drawing is spread over the paced sending; a picture waiting in the outbox across a restart is drawn
from its recipe as it was queued."""
from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path

from bot.pictures.cards import (Certificate, ClassPicture, Funnel, Hometowns, Tally, certificate, class_picture,
                                funnel_chart, hometown_map, tally_card)
from bot.pictures.fonts import available

log = logging.getLogger("bot.pictures")

DRAWERS = {cls.__name__: (cls, draw) for cls, draw in (
    (Tally, tally_card), (Hometowns, hometown_map), (ClassPicture, class_picture), (Certificate, certificate),
    (Funnel, funnel_chart))}


def plan(path: Path, data) -> str:
    """Write the recipe of the picture `data` (one of the card dataclasses) for the PNG at path; returns the path."""
    if type(data).__name__ not in DRAWERS:
        raise TypeError(f"no drawing for {type(data).__name__}")
    path.parent.mkdir(parents=True, exist_ok=True)
    recipe = path.with_suffix(".json")
    tmp = recipe.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"kind": type(data).__name__, "data": dataclasses.asdict(data)}, ensure_ascii=False),
                   encoding="utf-8")
    os.replace(tmp, recipe)
    return str(path)


def ready(path: str) -> bool:
    """Is the PNG at path there, drawn from its latest recipe (drawing it now if not)? False when it cannot be
    (no recipe, no CJK font, a drawing error): the caller sends the alt text instead."""
    png = Path(path)
    recipe = png.with_suffix(".json")
    try:
        if not recipe.is_file():
            return png.is_file()
        if png.is_file() and png.stat().st_mtime_ns >= recipe.stat().st_mtime_ns:
            return True
        if not available():
            return False
        doc = json.loads(recipe.read_text(encoding="utf-8"))
        cls, draw = DRAWERS[doc["kind"]]
        data = draw(cls(**doc["data"]))
        tmp = png.with_suffix(".png.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, png)  # whole or not at all
        return True
    except Exception:  # a picture must never cost the message: its alt text goes instead
        log.exception("drawing %s failed; sending its text", path)
        return False
