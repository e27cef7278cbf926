"""Viewers' reports of transcription errors: sent without an account, read and acted on by admins."""

from __future__ import annotations

import time

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from portal.extensions import db
from portal.models import REPORT_STATUSES, Cue, ErrorReport, Webinar
from portal.ratelimit import hit
from portal.services import audit

MAX_PROPOSED = 1000
STATUS_LABELS = {"new": _l("à traiter"), "fixed": _l("corrigé"), "rejected": _l("écarté")}


class ReportError(ValueError):
    """A report that is not accepted; the message says why, in the person's language."""


class TooManyReports(ReportError):
    def __init__(self, wait: int):
        super().__init__(
            ngettext(
                "Trop de signalements en peu de temps depuis votre adresse : réessayez dans %(num)s seconde.",
                "Trop de signalements en peu de temps depuis votre adresse : réessayez dans %(num)s secondes.",
                wait,
            )
        )
        self.wait = wait


def _serializer() -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    if secret is None:  # every configuration has one (production refuses to start without a real one)
        raise RuntimeError("SECRET_KEY is not set")
    return URLSafeTimedSerializer(secret, salt="error-report")


def form_stamp() -> str:
    """A signed time for the form, to tell a person (who reads, then types) from a robot (who posts at once)."""
    return _serializer().dumps(int(time.time()))


def _check_stamp(stamp: str) -> None:
    try:
        shown = _serializer().loads(stamp or "", max_age=24 * 3600)
    except BadSignature:
        raise ReportError(_("Ce formulaire a expiré : rechargez la page et recommencez.")) from None
    if time.time() - int(shown) < current_app.config["REPORT_MIN_SECONDS"]:
        raise ReportError(_("Envoyé trop vite : relisez votre proposition, puis envoyez-la de nouveau."))


def send_report(webinar: Webinar, line, proposed: str, stamp: str, honeypot: str, address: str) -> ErrorReport:
    """Record a report on a line of the active transcript; raises ReportError (or TooManyReports) and saves nothing if it cannot."""
    limit = int(current_app.config.get("REPORT_RATE_PER_MINUTE") or 0)
    if limit:
        wait = hit(f"report:{address}", limit)
        if wait:
            raise TooManyReports(wait)
    if honeypot:
        raise ReportError(_("Ce signalement n'a pas pu être envoyé."))
    _check_stamp(stamp)
    proposed = (proposed or "").strip()
    if not proposed:
        raise ReportError(_("Écrivez ce qui est dit en réalité, ou ce qui ne va pas."))
    if len(proposed) > MAX_PROPOSED:
        raise ReportError(_("%(count)s caractères au plus.", count=MAX_PROPOSED))
    if proposed == line.text.strip():
        raise ReportError(_("Votre texte est celui de la transcription : modifiez-le là où elle se trompe."))
    report = ErrorReport(webinar_id=webinar.id, start_ms=line.start_ms, said=line.text, proposed=proposed, status="new")
    db.session.add(report)
    db.session.commit()
    return report


def reports(status: str | None = None) -> list[ErrorReport]:
    query = select(ErrorReport).order_by(ErrorReport.created_at.desc())
    if status in REPORT_STATUSES:
        query = query.where(ErrorReport.status == status)
    return list(db.session.scalars(query))


def set_status(report: ErrorReport, status: str) -> None:
    if status not in REPORT_STATUSES:
        raise ReportError(_("Statut inconnu."))
    before, report.status = report.status, status
    audit.record("report.status", "webinar", report.webinar_id, report.webinar.title, f"signalement {report.id} : {before} → {status}")
    db.session.commit()


def line_now(report: ErrorReport) -> Cue | None:
    """The line of the active transcript at the reported moment (a new version may have moved it)."""
    webinar = report.webinar
    if webinar.active_transcript_id is None:
        return None
    return db.session.scalar(
        select(Cue).where(Cue.transcript_id == webinar.active_transcript_id, Cue.start_ms <= report.start_ms).order_by(Cue.start_ms.desc()).limit(1)
    )
