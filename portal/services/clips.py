"""Clips (named segments of a webinar) and collections of clips: creation, rights, what they show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, true

from media_meta.clips import ClipError, new_code, normalise_code, validate_segment
from media_meta.errors import TimecodeError
from media_meta.timecodes import format_clock, parse_timecode
from portal.extensions import db
from portal.models import Clip, Collection, CollectionItem, Cue, User, Webinar, utcnow
from portal.services import audit
from portal.i18n import long_date

TRASH_DAYS = 30  # a deleted clip or collection can be restored this long, then it is erased
TITLE_MAX = 200
NOTE_MAX = 2000
INTRO_MAX = 5000

# What can be in the trash: a clip or a collection.
_Trashed = TypeVar("_Trashed", Clip, Collection)


class ClipFieldError(ValueError):
    """A clip or collection field that is not acceptable; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class NotAllowed(PermissionError):
    """This person may not change this clip or collection."""


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int


def parse_segment(start: str | None, end: str | None, webinar: Webinar) -> tuple[Segment | None, str | None]:
    """Read ``?start=&end=`` (same forms as ``t``); return the segment, or None and why not."""
    if not start and not end:
        return None, None
    try:
        start_ms = parse_timecode(start or "0")
        end_ms = parse_timecode(end) if end else None
    except TimecodeError as err:
        return None, _("Extrait illisible : %(error)s Le webinaire est lu en entier.", error=err)
    if end_ms is None:
        return None, _("Extrait sans fin (paramètre end) : le webinaire est lu en entier.")
    try:
        validate_segment(start_ms, end_ms, webinar.duration_ms or None, current_app.config["CLIP_MAX_MS"])
    except ClipError as err:
        return None, _("%(error)s Le webinaire est lu en entier.", error=err)
    return Segment(start_ms, end_ms), None


def excerpt(webinar: Webinar | None, start_ms: int, end_ms: int) -> list[Cue]:
    """The cues of the webinar's active transcript said within the segment (it follows a new version)."""
    if webinar is None or webinar.active_transcript_id is None:
        return []
    return list(
        db.session.scalars(
            select(Cue)
            .where(Cue.transcript_id == webinar.active_transcript_id, Cue.end_ms > start_ms, Cue.start_ms < end_ms)
            .order_by(Cue.position)
        )
    )


def _bounded(field: str, value: str, limit: int, too_long: Callable[[int, int], str], required: str | None = None) -> str:
    """The value, stripped; ``too_long(length, limit)`` says it is too long, ``required`` that it is missing."""
    value = (value or "").strip()
    if required and not value:
        raise ClipFieldError(field, required)
    if len(value) > limit:
        raise ClipFieldError(field, too_long(len(value), limit))
    return value


def _title_too_long(length: int, limit: int) -> str:
    return _("Le titre compte %(length)s caractères ; %(limit)s au plus.", length=length, limit=limit)


def _note_too_long(length: int, limit: int) -> str:
    return _("La note compte %(length)s caractères ; %(limit)s au plus.", length=length, limit=limit)


def _check_fields(title: str, note: str) -> tuple[str, str]:
    return (
        _bounded("title", title, TITLE_MAX, _title_too_long, _("Donnez un titre à l'extrait.")),
        _bounded("note", note, NOTE_MAX, _note_too_long),
    )


def _unique_code(model) -> str:
    while True:
        code = new_code()
        if db.session.scalar(select(model.id).filter_by(code=code)) is None:
            return code


def create_clip(user: User, webinar: Webinar, start_ms: int, end_ms: int, title: str, note: str = "") -> Clip:
    """Validate and save a clip; raises ClipError (times) or ClipFieldError (title, note)."""
    if not webinar.published:
        raise ClipFieldError("webinar", _("Ce webinaire n'est pas publié."))
    validate_segment(start_ms, end_ms, webinar.duration_ms or None, current_app.config["CLIP_MAX_MS"])
    title, note = _check_fields(title, note)
    clip = Clip(
        code=_unique_code(Clip), user=user, webinar=webinar, webinar_title=webinar.title,
        start_ms=start_ms, end_ms=end_ms, title=title, note=note,
    )  # fmt: skip
    db.session.add(clip)
    db.session.flush()
    audit.record("clip.create", "clip", clip.id, f"{clip.title} ({clip.code})", f"{webinar.slug} {format_clock(start_ms)}–{format_clock(end_ms)}", user=user)
    db.session.commit()
    return clip


def can_edit(user, owned) -> bool:
    """The one ownership rule: a clip or collection is edited by its author and by admins."""
    return bool(user and user.is_authenticated and (user.is_admin or owned.user_id == user.id))


def _editable_by(model: type[Clip] | type[Collection], user: User):
    """:func:`can_edit` as a SQL condition, for lists."""
    return true() if user.is_admin else model.user_id == user.id


def library_of(user: User) -> tuple[list[Clip], list[Collection]]:
    """The clips and collections this person can edit (an admin: everyone's), newest first, trash left out."""
    clips = select(Clip).where(Clip.deleted_at.is_(None), _editable_by(Clip, user)).order_by(Clip.created_at.desc())
    collections = select(Collection).where(Collection.deleted_at.is_(None), _editable_by(Collection, user)).order_by(Collection.updated_at.desc())
    return list(db.session.scalars(clips)), list(db.session.scalars(collections))


def update_clip(user: User, clip: Clip, start_ms: int, end_ms: int, title: str, note: str) -> Clip:
    if not can_edit(user, clip):
        raise NotAllowed()
    validate_segment(start_ms, end_ms, (clip.webinar.duration_ms or None) if clip.webinar else None, current_app.config["CLIP_MAX_MS"])
    clip.title, clip.note = _check_fields(title, note)
    clip.start_ms, clip.end_ms = start_ms, end_ms
    audit.record("clip.update", "clip", clip.id, f"{clip.title} ({clip.code})", user=user)
    db.session.commit()
    return clip


# -- the trash ---------------------------------------------------------------------------------
# Deleting a clip or a collection puts it in a trash for TRASH_DAYS: its link says it was removed
# (410) and its owner or an admin can restore it; then it is erased. Printed QR codes keep working
# if it comes back.


def _trash(user: User, owned, action: str, label: str) -> None:
    if not can_edit(user, owned):
        raise NotAllowed()
    if owned.deleted_at is not None:
        return
    owned.deleted_at = utcnow()
    audit.record(action, "clip", owned.id, label, f"à la corbeille pour {TRASH_DAYS} jours", user=user)
    db.session.commit()


def _restore(user: User, owned, action: str, label: str) -> None:
    if not can_edit(user, owned):
        raise NotAllowed()
    if owned.deleted_at is None:
        return
    owned.deleted_at = None
    audit.record(action, "clip", owned.id, label, user=user)
    db.session.commit()


def in_trash(owned) -> bool:
    return owned.deleted_at is not None


def erased_on(owned) -> datetime | None:
    """When a clip or collection in the trash is erased for good."""
    return owned.deleted_at + timedelta(days=TRASH_DAYS) if owned.deleted_at is not None else None


def trash_of(user: User) -> tuple[list[Clip], list[Collection]]:
    """What this person (an admin: anyone) has in the trash, last deleted first; the expired is erased first."""
    empty_trash()
    return _in_trash(Clip, user), _in_trash(Collection, user)


def _in_trash(model: type[_Trashed], user: User) -> list[_Trashed]:
    query = select(model).where(model.deleted_at.is_not(None), _editable_by(model, user)).order_by(model.deleted_at.desc())
    return list(db.session.scalars(query))


def empty_trash(now: datetime | None = None) -> int:
    """Erase what has been in the trash longer than TRASH_DAYS; returns how many clips and collections."""
    cutoff = (now or utcnow()) - timedelta(days=TRASH_DAYS)
    erased = _erase_expired(Collection, "collection.erase", cutoff)
    erased += _erase_expired(Clip, "clip.erase", cutoff)
    if erased:
        db.session.commit()
    return erased


def _erase_expired(model: type[_Trashed], action: str, cutoff: datetime) -> int:
    erased = 0
    for owned in db.session.scalars(select(model).where(model.deleted_at < cutoff)):
        audit.record(action, "clip", owned.id, owned.title, f"{TRASH_DAYS} jours dans la corbeille")
        db.session.delete(owned)
        erased += 1
    return erased


def _find_by_code(model, code: str):
    normal = normalise_code(code)
    return db.session.scalar(select(model).filter_by(code=normal)) if normal else None


def delete_clip(user: User, clip: Clip) -> None:
    """Put a clip in the trash (see ``TRASH_DAYS``)."""
    _trash(user, clip, "clip.delete", f"{clip.title} ({clip.code})")


def restore_clip(user: User, clip: Clip) -> None:
    _restore(user, clip, "clip.restore", f"{clip.title} ({clip.code})")


def collections_using(clip: Clip) -> list[CollectionItem]:
    return list(db.session.scalars(select(CollectionItem).where(CollectionItem.clip_id == clip.id)))


def find_clip(code: str) -> Clip | None:
    return _find_by_code(Clip, code)


def clip_state(clip: Clip) -> str:
    """``ok``, ``unpublished``, ``deleted`` (its webinar) or ``trashed`` (the clip): what the link can still show."""
    if clip.deleted_at is not None:
        return "trashed"
    if clip.webinar is None:
        return "deleted"
    return "ok" if clip.webinar.published else "unpublished"


def citation(clip: Clip, url: str) -> str:
    """``<Organisation>, <session title>, <date>, 12:34–14:44, <url>``, ready to paste."""
    organisation = current_app.config["ORGANISATION_NAME"]
    title = clip.webinar.title if clip.webinar else clip.webinar_title
    date = long_date(clip.webinar.local_start, with_time=False) if clip.webinar else ""
    parts = [organisation, _("« %(title)s »", title=title), date, f"{format_clock(clip.start_ms)}–{format_clock(clip.end_ms)}", url]
    return ", ".join(p for p in parts if p)


# -- collections ----------------------------------------------------------------------------


def create_collection(user: User, title: str, intro: str = "") -> Collection:
    title, intro = _check_collection(title, intro)
    collection = Collection(code=_unique_code(Collection), user=user, title=title, intro=intro)
    db.session.add(collection)
    db.session.flush()
    audit.record("collection.create", "clip", collection.id, f"parcours « {title} »", user=user)
    db.session.commit()
    return collection


def _check_collection(title: str, intro: str) -> tuple[str, str]:
    return (
        _bounded("title", title, TITLE_MAX, _title_too_long, _("Donnez un titre au parcours.")),
        _bounded("intro", intro, INTRO_MAX, _intro_too_long),
    )


def _intro_too_long(length: int, limit: int) -> str:
    return _("L'introduction compte %(length)s caractères ; %(limit)s au plus.", length=length, limit=limit)


def _item_note_too_long(length: int, limit: int) -> str:
    return _("Une note compte %(length)s caractères ; %(limit)s au plus.", length=length, limit=limit)


def update_collection(user: User, collection: Collection, title: str, intro: str, notes: dict[int, str]) -> None:
    if not can_edit(user, collection):
        raise NotAllowed()
    collection.title, collection.intro = _check_collection(title, intro)
    for item in collection.items:
        if item.id in notes:
            item.note = _bounded(f"note-{item.id}", notes[item.id], NOTE_MAX, _item_note_too_long)
    audit.record("collection.update", "clip", collection.id, f"parcours « {collection.title} »", user=user)
    db.session.commit()


def collections_of(user) -> list[Collection]:
    """The collections this person owns (not those in the trash), by title: where "Ajouter à un parcours" can add."""
    if not (user and user.is_authenticated):
        return []
    query = select(Collection).filter_by(user_id=user.id).where(Collection.deleted_at.is_(None)).order_by(Collection.title)
    return list(db.session.scalars(query))


def add_to_collection(user: User, collection: Collection, clip: Clip, note: str = "") -> CollectionItem:
    if not can_edit(user, collection):
        raise NotAllowed()
    item = CollectionItem(clip=clip, position=len(collection.items), note=note.strip()[:NOTE_MAX])
    collection.items.append(item)
    db.session.commit()
    return item


def move_item(user: User, collection: Collection, item_id: int, delta: int) -> None:
    if not can_edit(user, collection):
        raise NotAllowed()
    items = list(collection.items)
    index = next((i for i, it in enumerate(items) if it.id == item_id), None)
    if index is None:
        return
    target = max(0, min(len(items) - 1, index + delta))
    items.insert(target, items.pop(index))
    for position, item in enumerate(items):
        item.position = position
    db.session.commit()
    db.session.refresh(collection)


def remove_item(user: User, collection: Collection, item_id: int) -> None:
    if not can_edit(user, collection):
        raise NotAllowed()
    for item in list(collection.items):
        if item.id == item_id:
            collection.items.remove(item)
    for position, item in enumerate(collection.items):
        item.position = position
    db.session.commit()


def duplicate_collection(user: User, collection: Collection) -> Collection:
    """A copy owned by ``user`` (anyone signed in may start from a shared path)."""
    title = _("%(title)s (copie)", title=collection.title)[:TITLE_MAX]
    copy = Collection(code=_unique_code(Collection), user=user, title=title, intro=collection.intro)
    copy.items = [CollectionItem(clip_id=item.clip_id, position=i, note=item.note) for i, item in enumerate(collection.items)]
    db.session.add(copy)
    db.session.flush()
    audit.record("collection.duplicate", "clip", copy.id, f"parcours « {copy.title} »", f"copie de {collection.code}", user=user)
    db.session.commit()
    return copy


def delete_collection(user: User, collection: Collection) -> None:
    """Put a collection in the trash (its clips stay where they are)."""
    _trash(user, collection, "collection.delete", f"parcours « {collection.title} »")


def restore_collection(user: User, collection: Collection) -> None:
    _restore(user, collection, "collection.restore", f"parcours « {collection.title} »")


def find_collection(code: str) -> Collection | None:
    return _find_by_code(Collection, code)
