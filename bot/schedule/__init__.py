"""Time: the clock, the course calendar, the scheduler that runs it, batched acknowledgements."""
