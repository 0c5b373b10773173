"""Who a signed-in caller is and what they may reach, as plain values.

Pure so that reads and writes (homework/, reports/, school/...) take a scope without importing Flask;
web/ builds one from the session (auth.load_user).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """What a signed-in user may see; every query that a role reaches takes one."""

    user_id: int
    role: str
    school_id: int | None
    district_id: int | None
    lead_grade: int | None = None
