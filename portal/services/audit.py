"""The audit log: one line per change made through the admin, the API or the command line."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from portal.extensions import db
from portal.models import AuditEvent


def record(action: str, target_type: str, target_id: int | None = None, label: str = "", details: str = "", user=None) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits with its change)."""
    if user is None and has_request_context() and current_user and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        user_id=user.id if user is not None else None,
        user_email=user.email if user is not None else "(ligne de commande)",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=label[:300],
        details=details[:5000],
        ip=(request.remote_addr or "")[:64] if has_request_context() else "",
    )
    db.session.add(event)
    return event
