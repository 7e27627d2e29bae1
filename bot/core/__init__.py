"""The engine and what handlers see: events, rituals and their wiring, the group lifecycle, commands."""
