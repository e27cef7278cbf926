"""Content notes: admins warn of a passage (quoted hate, described violence) that viewers may skip."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import ContentNote, Webinar
from portal.services import audit
from media_meta.timecodes import format_clock

MAX_LABEL = 120
# Offered in the form; any other wording is accepted.
SUGGESTED_LABELS = (
    _l("Citation de propos racistes"),
    _l("Citation de propos sexistes"),
    _l("Citation de propos homophobes ou transphobes"),
    _l("Citation de propos antisémites"),
    _l("Description de violences"),
    _l("Description de violences sexuelles"),
    _l("Évocation du suicide"),
)


class ContentNoteError(ValueError):
    """A note that cannot be saved; the message says why, in the admin's language."""

    def __init__(self, message: str, field: str = "label"):
        super().__init__(message)
        self.field = field


def add_note(webinar: Webinar, start_ms: int, end_ms: int, label: str) -> ContentNote:
    """Warn of a passage, audited, in one transaction; raises ContentNoteError and saves nothing if it cannot."""
    label = " ".join((label or "").split())
    if len(label) < 3:
        raise ContentNoteError(_("Dites en quelques mots ce que contient le passage (ex. « Citation de propos racistes »)."))
    if len(label) > MAX_LABEL:
        raise ContentNoteError(_("%(count)s caractères au plus.", count=MAX_LABEL))
    if end_ms <= start_ms:
        raise ContentNoteError(_("La fin (%(end)s) doit venir après le début (%(start)s).", end=format_clock(end_ms), start=format_clock(start_ms)), "end")
    if webinar.duration_ms and start_ms >= webinar.duration_ms:
        raise ContentNoteError(
            _(
                "Le début (%(start)s) dépasse la durée de l'enregistrement (%(duration)s).",
                start=format_clock(start_ms),
                duration=format_clock(webinar.duration_ms),
            ),
            "start",
        )
    if webinar.duration_ms:
        end_ms = min(end_ms, webinar.duration_ms)
    note = ContentNote(webinar=webinar, start_ms=start_ms, end_ms=end_ms, label=label)
    db.session.add(note)
    db.session.flush()
    audit.record("content_note.create", "webinar", webinar.id, webinar.title, f"{format_clock(start_ms)}–{format_clock(end_ms)} : {label}")
    db.session.commit()
    return note


def delete_note(note: ContentNote) -> None:
    webinar = note.webinar
    audit.record("content_note.delete", "webinar", webinar.id, webinar.title, f"{format_clock(note.start_ms)}–{format_clock(note.end_ms)} : {note.label}")
    db.session.delete(note)
    db.session.commit()


def note_at(notes: list[ContentNote], ms: int) -> ContentNote | None:
    """The note whose passage holds this moment, if any."""
    return next((n for n in notes if n.start_ms <= ms < n.end_ms), None)


def notes_by_first_line(notes: list[ContentNote], cues) -> dict[int, list[ContentNote]]:
    """Each note under the first line of these that its passage reaches (shown before that line)."""
    found: dict[int, list[ContentNote]] = {}
    for note in notes:
        line = next((c for c in cues if c.end_ms > note.start_ms and c.start_ms < note.end_ms), None)
        if line is not None:
            found.setdefault(line.id, []).append(note)
    return found
