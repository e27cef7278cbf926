"""Editing the catalogue from the admin: webinars, their speakers, chapters and media; publishing; deleting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from flask_babel import gettext as _

from media_meta.errors import MediaMetaError
from media_meta.sources import parse_media_source
from media_meta.timecodes import format_clock, parse_timecode
from portal.extensions import db
from portal.models import Chapter, Speaker, Theme, Webinar, WebinarSpeaker
from portal.services import audit, indexing


@dataclass
class WebinarData:
    """What the webinar form carries, as text, before validation."""

    slug: str
    title: str
    question: str = ""
    description: str = ""
    starts_at: str = ""
    timezone: str = "Europe/Paris"
    duration: str = ""
    language: str = "fr"
    themes: list[str] = field(default_factory=list)
    speakers: str = ""
    speakers_note: str = ""
    media_kind: str = ""
    media_src: str = ""
    chapters: str = ""
    published: bool = False
    is_demo: bool = False


class WebinarFormError(ValueError):
    """Field-level problems: ``errors`` maps a field name to its messages (in the admin's language)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


def find_published(slug: object) -> Webinar | None:
    """The published webinar of this slug (a visitor never reaches another), or None."""
    if not isinstance(slug, str) or not slug:
        return None
    return db.session.scalar(select(Webinar).filter_by(slug=slug, published=True))


def form_values(webinar: Webinar) -> dict:
    """The webinar as the form shows it."""
    return {
        "slug": webinar.slug,
        "title": webinar.title,
        "question": webinar.question,
        "description": webinar.description,
        "starts_at": webinar.local_start.strftime("%Y-%m-%d %H:%M"),
        "timezone": webinar.timezone,
        "duration": format_clock(webinar.duration_ms),
        "language": webinar.language,
        "themes": [t.slug for t in webinar.themes],
        "speakers": "\n".join(f"{link.speaker.name} | {link.role}" for link in webinar.speaker_links),
        "speakers_note": webinar.speakers_note,
        "media_kind": webinar.media_kind or "",
        "media_src": webinar.media_src or "",
        "chapters": "\n".join(f"{format_clock(c.start_ms)} {c.title}" for c in webinar.chapters),
        "published": webinar.published,
        "is_demo": webinar.is_demo,
    }


def save_webinar(webinar: Webinar | None, data: WebinarData) -> Webinar:  # noqa: C901 (README, Layout: the exceptions)
    """Validate every field, then create or update; raises WebinarFormError and writes nothing on error."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    other = db.session.scalar(select(Webinar).filter_by(slug=data.slug))
    if other is not None and other is not webinar:
        fail("slug", _("Ce slug est déjà utilisé par un autre webinaire."))
    try:
        starts_at = datetime.strptime(data.starts_at.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(data.timezone))
    except ValueError:
        starts_at = None
        fail("starts_at", _("Date attendue au format AAAA-MM-JJ HH:MM (ex. 2024-09-05 12:30)."))
    try:
        duration_ms = parse_timecode(data.duration)
    except MediaMetaError as err:
        duration_ms = 0
        fail("duration", str(err))
    themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(data.themes))))
    speakers: list[tuple[Speaker, str]] = []
    for number, line in enumerate(data.speakers.splitlines(), 1):
        if not line.strip():
            continue
        name, _sep, role = line.partition("|")
        speaker = db.session.scalar(select(Speaker).filter_by(name=name.strip()))
        if speaker is None:
            fail(
                "speakers",
                _("Ligne %(number)s : « %(name)s » n'est pas dans la liste des intervenant·es ; créez d'abord sa fiche.", number=number, name=name.strip()),
            )
        else:
            speakers.append((speaker, role.strip()[:120]))
    media_kind = media_src = media_type = None
    if data.media_kind:
        try:
            source = parse_media_source(data.media_kind, data.media_src)
        except MediaMetaError as err:
            fail("media_src", str(err))
        else:
            media_kind, media_type = source.kind, source.media_type
            media_src = source.stored
            if source.kind == "file" and (webinar is None or webinar.media_src != source.src):
                fail(
                    "media_src",
                    _(
                        "Un fichier s'envoie depuis « Envoyer l'enregistrement » (ou par l'import du catalogue) ; "
                        "gardez ici la valeur actuelle ou choisissez une adresse."
                    ),
                )
    chapters: list[tuple[int, str]] = []
    for number, line in enumerate(data.chapters.splitlines(), 1):
        if not line.strip():
            continue
        start, _sep, title = line.strip().partition(" ")
        try:
            chapters.append((parse_timecode(start), title.strip()[:300] or _("Chapitre %(number)s", number=number)))
        except MediaMetaError as err:
            fail("chapters", _("Ligne %(number)s : %(error)s", number=number, error=err))
    if errors or starts_at is None:  # (no date is one of the errors)
        raise WebinarFormError(errors)

    created = webinar is None
    if webinar is None:
        webinar = Webinar(slug=data.slug, title=data.title, starts_at=starts_at)
        db.session.add(webinar)
    webinar.slug = data.slug
    webinar.title = data.title.strip()
    webinar.question = data.question.strip()
    webinar.description = data.description.strip()
    webinar.starts_at = starts_at
    webinar.timezone = data.timezone
    webinar.duration_ms = duration_ms
    webinar.language = data.language
    webinar.speakers_note = data.speakers_note.strip()
    webinar.media_kind, webinar.media_src, webinar.media_type = media_kind, media_src, media_type
    webinar.published = data.published
    webinar.is_demo = data.is_demo
    webinar.themes = themes
    if [(link.speaker_id, link.role) for link in webinar.speaker_links] != [(s.id, r) for s, r in speakers]:
        webinar.speaker_links.clear()
        db.session.flush()
        webinar.speaker_links = [WebinarSpeaker(speaker=s, role=r, position=i) for i, (s, r) in enumerate(speakers)]
    if [(c.start_ms, c.title) for c in webinar.chapters] != sorted(chapters):
        webinar.chapters = [Chapter(start_ms=s, title=t) for s, t in sorted(chapters)]
    db.session.flush()
    audit.record("webinar.create" if created else "webinar.update", "webinar", webinar.id, webinar.title)
    indexing.queue(webinar_id=webinar.id)
    db.session.commit()
    indexing.webinar_changed(webinar)
    return webinar


def set_published(webinar: Webinar, published: bool) -> None:
    webinar.published = published
    audit.record("webinar.publish" if published else "webinar.unpublish", "webinar", webinar.id, webinar.title)
    indexing.queue(webinar_id=webinar.id)
    db.session.commit()
    indexing.webinar_changed(webinar)


def delete_webinar(webinar: Webinar) -> None:
    """Delete a webinar, its transcripts and chapters (the media file stays: others may share it)."""
    webinar_id, title = webinar.id, webinar.title
    webinar.active_transcript = None
    db.session.flush()
    db.session.delete(webinar)
    audit.record("webinar.delete", "webinar", webinar_id, title)
    indexing.queue(webinar_id=webinar_id)
    db.session.commit()
    indexing.webinar_deleted(webinar_id)
