"""Study-group bot: engine, storage, transports and scheduling."""
