"""The transcript editor's work: a whole edited list of lines, checked, compared with the active version,
saved as one new version (as an upload or a correction is: kept history, audited, searchable at once)."""

from __future__ import annotations

from typing import TypeGuard

from flask_babel import gettext as _

from media_meta.cues import CueData
from media_meta.diff import TranscriptDiff, diff_cues
from media_meta.errors import TranscriptError
from media_meta.export import to_vtt
from media_meta.timecodes import format_clock
from portal.models import User, Webinar
from portal.services import audit
from portal.services.transcripts import IngestResult, VersionConflict, active_cues, ingest_transcript

MAX_EDITOR_CUES = 20_000  # a longer transcript is corrected by uploading a new file
MAX_TEXT = 5000
MAX_SPEAKER = 200
MAX_MS = 24 * 3600 * 1000


class EditError(ValueError):
    """An edited list the portal cannot save; ``cue`` is the 1-based line it is about, if one."""

    def __init__(self, message: str, cue: int | None = None):
        super().__init__(message)
        self.message = message
        self.cue = cue


def _is_time(value: object) -> TypeGuard[int]:
    """A time the editor may send: whole milliseconds (not a boolean) within a day."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_MS


def read_cues(payload: object) -> list[CueData]:
    """The lines sent by the editor (a JSON list of {start_ms, end_ms, speaker, text}), checked, in time order."""
    if not isinstance(payload, list) or not payload:
        raise EditError(_("La transcription envoyée est vide : gardez au moins une réplique."))
    if len(payload) > MAX_EDITOR_CUES:
        raise EditError(
            _("L'éditeur enregistre %(count)s répliques au plus : pour une transcription plus longue, envoyez un fichier.", count=MAX_EDITOR_CUES)
        )
    cues = []
    for number, item in enumerate(payload, 1):
        if not isinstance(item, dict):
            raise EditError(_("Réplique illisible."), number)
        start, end = item.get("start_ms"), item.get("end_ms")
        if not (_is_time(start) and _is_time(end)):
            raise EditError(_("Réplique %(number)s : début et fin doivent être des temps entre 0:00 et 24:00:00.", number=number), number)
        if end <= start:
            end_s, start_s = format_clock(end, precise=True), format_clock(start, precise=True)
            raise EditError(_("Réplique %(number)s : la fin (%(end)s) doit venir après le début (%(start)s).", number=number, end=end_s, start=start_s), number)
        text, speaker = item.get("text"), item.get("speaker") or None
        if not isinstance(text, str) or not text.strip():
            raise EditError(_("Réplique %(number)s : son texte est vide (supprimez-la plutôt).", number=number), number)
        if len(text) > MAX_TEXT:
            raise EditError(_("Réplique %(number)s : %(length)s caractères ; %(limit)s au plus.", number=number, length=len(text), limit=MAX_TEXT), number)
        if speaker is not None and (not isinstance(speaker, str) or len(speaker) > MAX_SPEAKER):
            raise EditError(_("Réplique %(number)s : le nom de l'intervenant·e compte %(limit)s caractères au plus.", number=number, limit=MAX_SPEAKER), number)
        # A blank line ends a cue in WebVTT: the text's lines are kept together.
        text = "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())
        cues.append(CueData(start, end, text, speaker.strip() if speaker else None))
    return sorted(cues, key=lambda c: (c.start_ms, c.end_ms))


def changes(webinar: Webinar, cues: list[CueData]) -> TranscriptDiff:
    return diff_cues(active_cues(webinar), cues)


def save(webinar: Webinar, cues: list[CueData], base_transcript_id: object, user: User, note: str = "") -> IngestResult:
    """One new version made of these lines. Refused (VersionConflict) if another version became active
    since the editor was opened: nothing is overwritten without being seen."""
    if base_transcript_id != webinar.active_transcript_id:
        raise VersionConflict(
            _(
                "Une autre version de la transcription a été enregistrée depuis l'ouverture de l'éditeur : "
                "vos modifications n'ont pas été enregistrées. Rechargez la page pour partir de la version active."
            )
        )
    diff = changes(webinar, cues)
    raw = to_vtt(cues).encode("utf-8")
    previous = webinar.active_transcript.version if webinar.active_transcript else "?"
    labels = (("added", "ajoutées"), ("removed", "supprimées"), ("text", "textes"), ("times", "horaires"))
    summary = ", ".join(f"{diff.counts[k]} {label}" for k, label in labels)

    def with_version(transcript) -> None:
        label = f"{webinar.title} — version {transcript.version}"
        audit.record("transcript.editor", "transcript", transcript.id, label, f"depuis la version {previous} : {summary}")

    try:
        name = f"{webinar.slug}-editeur.vtt"
        return ingest_transcript(webinar, raw, name, uploaded_by=user, source="edit", note=note.strip()[:500], also=with_version)
    except TranscriptError as err:  # what the checks above let through and the file's own rules refuse
        raise EditError(_("La transcription ne peut pas être enregistrée : %(reason)s", reason=err.reason)) from None
