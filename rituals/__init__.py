"""The community rituals: each module (or package) here defines `ritual = Ritual(...)` and is found by
bot.core.registry; a playbook's `rituals:` names the ones a course uses (default: all of them)."""
