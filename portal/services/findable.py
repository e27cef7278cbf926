"""What search engines read: schema.org data of recordings and clips (JSON-LD), the sitemap, robots.txt.

Each chapter is a ``Clip`` part of its recording and the page takes a ``SeekToAction`` (``?t=``),
which is what lets an engine show "key moments" that open at the second they name.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import select

from media_meta.sources import PLAYED_KINDS, media_type_for

from portal import links
from portal.extensions import db
from portal.models import Clip, Resource, Webinar

SCHEMA = "https://schema.org"


def _duration(ms: int) -> str:
    """ISO 8601: ``PT12M30S``."""
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{seconds}S"


def _seconds(ms: int) -> int | float:
    """A schema.org offset: seconds, to the millisecond as the page's ``?t=`` links."""
    return ms // 1000 if ms % 1000 == 0 else round(ms / 1000, 3)


def _media_type(webinar: Webinar) -> str:
    media_type = webinar.media_type or media_type_for(webinar.media_src or "") or ""
    return "AudioObject" if webinar.media_kind in PLAYED_KINDS and media_type.startswith("audio/") else "VideoObject"


def webinar_data(webinar: Webinar, cues) -> dict:
    """The recording as schema.org sees it: chapters as ``Clip`` parts, the transcript, a ``SeekToAction``."""
    page = links.watch_url(webinar.slug, external=True)
    chapters = list(webinar.chapters)
    ends = [c.start_ms for c in chapters[1:]] + [webinar.duration_ms or None]  # each chapter ends where the next starts
    data: dict = {
        "@context": SCHEMA,
        "@type": _media_type(webinar),
        "name": webinar.title,
        "description": webinar.question or webinar.description or webinar.title,
        "uploadDate": webinar.starts_at.isoformat(),
        "inLanguage": webinar.language or "fr",
        "url": page,
        "potentialAction": {
            "@type": "SeekToAction",
            "target": f"{page}?t={{seek_to_second_number}}",
            "startOffset-input": "required name=seek_to_second_number",
        },
    }
    if webinar.duration_ms:
        data["duration"] = _duration(webinar.duration_ms)
    media = links.media_url(webinar, external=True)
    if media:
        data["contentUrl"] = media
    if cues:
        data["transcript"] = "\n".join(c.text for c in cues)
    parts = []
    for chapter, end in zip(chapters, ends[: len(chapters)], strict=True):
        part = {
            "@type": "Clip",
            "name": chapter.title,
            "startOffset": _seconds(chapter.start_ms),
            "url": links.watch_url(webinar.slug, chapter.start_ms, external=True),
        }
        if end:
            part["endOffset"] = _seconds(end)
        parts.append(part)
    if parts:
        data["hasPart"] = parts
    return data


def clip_data(clip: Clip) -> dict:
    """A saved clip as a ``Clip`` of its recording."""
    data: dict[str, object] = {
        "@context": SCHEMA,
        "@type": "Clip",
        "name": clip.title,
        "startOffset": _seconds(clip.start_ms),
        "endOffset": _seconds(clip.end_ms),
        "url": links.clip_url(clip.code, external=True),
    }
    if clip.webinar is not None and clip.webinar.published:
        data["isPartOf"] = {"@type": _media_type(clip.webinar), "name": clip.webinar.title, "url": links.watch_url(clip.webinar.slug, external=True)}
    return data


def sitemap_entries() -> list[tuple[str, datetime | None]]:
    """Every public page worth finding, with when it last changed: published webinars, their clips, resources."""
    published = _published()
    entries: list[tuple[str, datetime | None]] = [(url_for("public.home", _external=True), max((w.updated_at for w in published), default=None))]
    for webinar in published:
        entries.append((links.watch_url(webinar.slug, external=True), webinar.updated_at))
    clips = db.session.scalars(
        select(Clip).join(Webinar, Clip.webinar_id == Webinar.id).where(Webinar.published.is_(True), Clip.deleted_at.is_(None)).order_by(Clip.id)
    )
    entries += [(links.clip_url(c.code, external=True), c.updated_at) for c in clips]
    resources = db.session.scalars(select(Resource).order_by(Resource.id))
    entries += [(url_for("resources.resource", resource_id=r.id, _external=True), r.updated_at) for r in resources]
    return entries


def _published() -> list[Webinar]:
    return list(db.session.scalars(select(Webinar).where(Webinar.published.is_(True)).order_by(Webinar.starts_at)))
