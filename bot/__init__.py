"""Study-group bot: engine, storage, transports and scheduling."""

__version__ = "1.0.0"  # the one version string (`main.py --version`)
