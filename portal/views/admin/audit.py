"""Administration: the audit log."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent
from portal.params import bounded_int
from portal.views.admin import bp

AUDIT_PAGE = 50


@bp.get("/audit")
def audit_log():
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    filters = {key: (request.args.get(key) or "").strip()[:100] for key in ("action", "target_type", "user")}
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"]))
    if filters["target_type"]:
        query = query.where(AuditEvent.target_type == filters["target_type"])
    if filters["user"]:
        query = query.where(AuditEvent.user_email.contains(filters["user"].lower()))
    page = bounded_int(request.args.get("page"), 1, 1, 10**9)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = list(db.session.scalars(query.limit(AUDIT_PAGE).offset((page - 1) * AUDIT_PAGE)))
    actions = sorted(db.session.scalars(select(AuditEvent.action).distinct()))
    return render_template(
        "admin/audit.html", events=events, filters=filters, actions=actions, page=page, pages=max(1, -(-total // AUDIT_PAGE)), total=total
    )
