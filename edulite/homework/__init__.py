"""Homework items: input validation, writes (service), reads (queries, loads), the budget and history."""
