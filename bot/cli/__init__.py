"""The commands of main.py: the daemon, simulate, replay, contacts import, configuration."""
