"""Slash commands as value objects: parsing and the registry of what each command is."""
from bot.commands.parser import Command, CommandSpec, UsageError, parse_command, shown, whole_number

__all__ = ["Command", "CommandSpec", "UsageError", "parse_command", "shown", "whole_number"]
