"""Playbook: the course as data (YAML), validated on load."""
from bot.playbook.loader import PlaybookError, load_playbook
from bot.playbook.model import Playbook

__all__ = ["Playbook", "PlaybookError", "load_playbook"]
