"""Helpers shared by the parent-page web tests: links, revocation, and reading the page's figures."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import select

from edulite.db import session_scope
from edulite.models import ClassLink, utcnow

MON = date(2026, 11, 16)  # a Monday; its week runs to Sunday 22 November
TOKEN = "test-token-class3-0123456789abcdef"  # tests.support.factories: the link of class3
RANDOM = "Zq3kD9vX0mLp8RtY2bWc6nHs4JfGuA1e"  # well-formed, but no link has it


def add_link(app, klass, token: str) -> str:
    with session_scope(app) as s:
        s.add(ClassLink(class_id=klass.id, token=token))
    return token


def revoke(app, token: str) -> None:
    with session_scope(app) as s:
        link = s.exec(select(ClassLink).where(ClassLink.token == token)).one()
        link.revoked_at = utcnow()


def page(client, token: str = TOKEN, week: date | None = MON, lang: str | None = None):
    if lang:
        client.set_cookie("lang", lang)
    query = f"?week={week.isoformat()}" if week else ""
    return client.get(f"/c/{token}{query}")


def day_figures(html: str) -> dict[str, tuple[int, int]]:
    """{"2026-11-16": (counted, cap), ...} read from the page's day sections."""
    found = re.findall(r'id="day-(\d{4}-\d\d-\d\d)" data-counted="(\d+)" data-cap="(\d+)"', html)
    return {day: (int(counted), int(cap)) for day, counted, cap in found}
