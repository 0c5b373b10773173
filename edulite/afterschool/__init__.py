"""After-school service: input, sessions and plans (service), reads (queries, week) and its alerts."""
