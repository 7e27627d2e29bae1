"""Pictures drawn from live data (rendering only: no rituals, no database): see cards.py."""
from bot.pictures.cards import (ClassPicture, Certificate, Funnel, Hometowns, Tally, certificate, class_picture,
                                funnel_chart, hometown_map, tally_card)
from bot.pictures.deferred import plan, ready
from bot.pictures.fonts import NoFont, available

__all__ = ["ClassPicture", "Certificate", "Funnel", "Hometowns", "Tally", "certificate", "class_picture",
           "funnel_chart", "hometown_map", "tally_card", "NoFont", "available", "plan", "ready"]
