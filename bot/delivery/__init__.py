"""What the bot sends: the outbox handlers queue into, the paced sender, reply limits, the marketing gate."""
