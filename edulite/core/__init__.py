"""The pure double-reduction core: calendar, policy, scope, homework and after-school rules, chart configs.

Standard library only (tests/unit/test_pure_imports.py checks every module here), so the rules can be
tested, reused and reasoned about without Flask or a database.
"""
