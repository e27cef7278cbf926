"""Administration of viewers' error reports: read, correct (the cue correction, pre-filled), close."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.auth import admins_only
from portal.extensions import db
from portal.forms import ActionForm
from portal.models import REPORT_STATUSES, ErrorReport
from portal.services import reports as service

bp = Blueprint("reports", __name__, url_prefix="/admin/reports")
admins_only(bp)


@bp.get("/")
def index():
    status = request.args.get("status", "new")
    status = status if status in REPORT_STATUSES or status == "all" else "new"
    found = service.reports(None if status == "all" else status)
    lines = {r.id: service.line_now(r) for r in found}
    return render_template(
        "admin/reports.html", reports=found, lines=lines, status=status, labels=service.STATUS_LABELS, action=ActionForm()
    )


def _status_changed(status: str) -> str:
    """The confirmation of a report's new status, one whole sentence per status."""
    return {
        "new": _("Signalement à traiter."),
        "fixed": _("Signalement corrigé."),
        "rejected": _("Signalement écarté."),
    }[status]


@bp.post("/<int:report_id>/status")
def set_status(report_id: int):
    report = db.session.get(ErrorReport, report_id)
    if report is None:
        abort(404, _("Ce signalement n'existe pas (ou plus)."))
    if not ActionForm().validate_on_submit():
        flash(_("Le formulaire a expiré : rechargez la page et recommencez."), "error")
    else:
        try:
            service.set_status(report, request.form.get("status", ""))
        except service.ReportError as err:
            flash(str(err), "error")
        else:
            flash(_status_changed(report.status), "success")
    return redirect(url_for("reports.index"))
