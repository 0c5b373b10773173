"""The principal's read-only view of the school's audit trail."""

from __future__ import annotations

from flask import render_template, request

from edulite.auth import login_required
from edulite.db import get_session
from edulite.school import audit_log
from edulite.web.params import whole
from edulite.web.principal import bp
from edulite.web.principal.common import school_id


@bp.get("/audit")
@login_required("principal")
def audit():
    """List who changed what in the school, newest first; nothing here can be edited."""
    session = get_session()
    known = audit_log.entities(session, school_id=school_id())
    entity = request.args.get("entity") if request.args.get("entity") in known else None
    page = max(whole(request.args.get("page", "1"), high=100_000) or 1, 1)
    rows, older = audit_log.school_audit(session, school_id=school_id(), entity=entity, page=page)
    return render_template("principal/audit.html", rows=rows, older=older, page=page, entity=entity,
                           entities=known)
