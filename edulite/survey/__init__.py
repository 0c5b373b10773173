"""The anonymous homework-time survey of families (#13): links, answers, indicators and R-SV alerts."""
