"""The catalogue file: validate everything first, then create or update webinars by slug (idempotent)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from media_meta.errors import MediaMetaError, TranscriptError
from media_meta.sources import parse_media_source
from media_meta.stored import HASH_PREFIX, stored_name
from media_meta.timecodes import format_clock, parse_timecode
from media_meta.vtt import parse_chapters
from portal.extensions import db
from portal.i18n import N_
from portal.models import RESOURCE_KINDS, Chapter, Resource, ResourceLink, Speaker, Theme, Webinar, WebinarSpeaker
from portal.services import indexing, units
from portal.services.resources import ResourceData, ResourceError, check_file, check_url, link_resource, save_resource
from portal.services.transcripts import check_transcript, ingest_transcript

# Seeded in French; shown in the page's language until an admin changes them (portal.i18n.seeded).
THEMES = (
    ("algorithms", N_("Algorithmes"), N_("Comment les algorithmes de recommandation et de modération amplifient ou freinent la haine en ligne.")),
    ("law", N_("Droit"), N_("Ce que la loi impose aux réseaux sociaux et les droits des personnes visées.")),
    ("investigations", N_("Enquêtes"), N_("Documenter, mesurer et dénoncer les effets des plateformes par la recherche.")),
    ("litigation", N_("Contentieux"), N_("Porter plainte et aller en justice contre les entreprises des réseaux sociaux.")),
)  # fmt: skip
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CatalogueError(ValueError):
    """The catalogue file cannot be imported; the message names the entry and field."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    resources_changed: int = 0

    def summary(self) -> str:
        text = f"{len(self.created)} créé(s), {len(self.updated)} mis à jour, {len(self.unchanged)} inchangé(s)"
        return text + (f" ; {self.resources_changed} ressource(s) mise(s) à jour" if self.resources_changed else "")


@dataclass
class _ResourceSpec:
    data: ResourceData
    upload: tuple[bytes, str] | None
    links: list[tuple[str, int | None, str]]  # webinar slug, moment, note
    where: str = ""  # where the entry is in the catalogue, for messages


@dataclass
class _WebinarSpec:
    slug: str
    values: dict[str, Any]
    themes: list[str]
    speakers: list[dict[str, str]]
    media_file: Path | None
    transcript: tuple[Path, bytes] | None
    chapters: list[tuple[int, str]] | None


def seed_themes() -> None:
    """Create the four themes if missing (labels are not overwritten once edited)."""
    existing = {t.slug for t in db.session.scalars(select(Theme))}
    for position, (slug, label, description) in enumerate(THEMES):
        if slug not in existing:
            db.session.add(Theme(slug=slug, label=label, description=description, position=position))
    db.session.commit()


def import_catalogue_file(path: str | Path) -> ImportReport:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(_("%(path)s : fichier introuvable.", path=path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CatalogueError(_("%(path)s : JSON illisible (%(error)s).", path=path, error=err)) from None
    return import_catalogue(data, base_dir=path.parent)


def import_catalogue(data: Any, base_dir: Path) -> ImportReport:
    seed_themes()
    if not isinstance(data, dict) or not isinstance(data.get("webinars"), list):
        raise CatalogueError(_("le catalogue doit être un objet avec une liste « webinars »."))
    specs = [_validate(entry, f"webinars[{i}]", base_dir) for i, entry in enumerate(data["webinars"])]
    resource_specs: list[_ResourceSpec] = []
    for i, entry in enumerate(data["webinars"]):
        for j, item in enumerate(entry.get("resources") or []):
            resource_specs.append(_validate_resource(item, f"webinars[{i}].resources[{j}]", base_dir, default_slug=entry.get("slug")))
    shared = data.get("resources") or []
    if not isinstance(shared, list):
        raise CatalogueError(_("« resources » doit être une liste."))
    for i, item in enumerate(shared):
        resource_specs.append(_validate_resource(item, f"resources[{i}]", base_dir))
    # Every check before anything is written: a catalogue is imported whole or not at all.
    durations = {slug: ms for slug, ms in db.session.execute(select(Webinar.slug, Webinar.duration_ms))}
    durations.update({s.slug: s.values.get("duration_ms") or 0 for s in specs})
    for resource_spec in resource_specs:
        for slug, at, _note in resource_spec.links:
            if slug not in durations:
                raise CatalogueError(
                    _("%(where)s (« %(title)s ») : webinaire inconnu « %(slug)s ».", where=resource_spec.where, title=resource_spec.data.title, slug=slug)
                )
            if at is not None and durations[slug] and at > durations[slug]:
                raise CatalogueError(
                    _(
                        "%(where)s.at : le moment %(moment)s dépasse la durée du webinaire « %(slug)s » (%(duration)s).",
                        where=resource_spec.where,
                        moment=format_clock(at),
                        slug=slug,
                        duration=format_clock(durations[slug]),
                    )
                )
    slugs = [s.slug for s in specs]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise CatalogueError(_("slug en double dans le catalogue : %(slugs)s.", slugs=", ".join(duplicates)))
    report = ImportReport()
    try:
        with units.together():  # all of it, or none
            for webinar_spec in specs:
                outcome = _apply(webinar_spec)
                getattr(report, outcome).append(webinar_spec.slug)
            for resource_spec in resource_specs:
                if _apply_resource(resource_spec):
                    report.resources_changed += 1
    except SQLAlchemyError as err:
        raise CatalogueError(_("la base de données a refusé l'écriture (%(error)s) : rien n'a été enregistré.", error=getattr(err, "orig", err))) from None
    return report


# -- validation -------------------------------------------------------------------------------


def _validate(entry: Any, where: str, base_dir: Path) -> _WebinarSpec:  # noqa: C901 (README, Layout: the exceptions)
    if not isinstance(entry, dict):
        raise CatalogueError(_("%(where)s : chaque webinaire doit être un objet.", where=where))

    def text(key: str, required: bool = False, limit: int = 20000) -> str:
        value = entry.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            place = f"{where}.{key}"
            raise CatalogueError(_("%(field)s : texte attendu.", field=place))
        value = value.strip()
        if required and not value:
            place = f"{where}.{key}"
            raise CatalogueError(_("%(field)s : champ obligatoire.", field=place))
        if len(value) > limit:
            place = f"{where}.{key}"
            raise CatalogueError(_("%(field)s : %(length)s caractères, au plus %(limit)s.", field=place, length=len(value), limit=limit))
        return value

    slug = text("slug", required=True, limit=120)
    if not SLUG.match(slug):
        raise CatalogueError(
            _("%(where)s.slug : « %(slug)s » doit être en minuscules, chiffres et tirets (ex. session-1-algorithmes).", where=where, slug=slug)
        )
    where = f"{where} ({slug})"
    tz_name = text("timezone") or current_app.config["DEFAULT_TIMEZONE"]
    try:
        ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CatalogueError(_("%(where)s.timezone : fuseau horaire inconnu « %(zone)s ».", where=where, zone=tz_name)) from None
    starts_raw = text("starts_at", required=True, limit=40)
    try:
        starts_at = datetime.fromisoformat(starts_raw)
    except ValueError:
        raise CatalogueError(
            _("%(where)s.starts_at : « %(value)s » n'est pas une date ISO 8601 (2024-03-26T12:30:00+01:00).", where=where, value=starts_raw)
        ) from None
    if starts_at.tzinfo is None:
        raise CatalogueError(_("%(where)s.starts_at : indiquez le décalage horaire (ex. +01:00).", where=where))

    duration = entry.get("duration_s", 0)
    if isinstance(duration, bool) or not isinstance(duration, (int, float, str)):
        raise CatalogueError(_("%(where)s.duration_s : nombre de secondes attendu.", where=where))
    try:
        duration_ms = parse_timecode(str(duration))
    except MediaMetaError as err:
        place = f"{where}.duration_s"
        raise CatalogueError(_("%(field)s : %(error)s", field=place, error=err)) from None

    published = entry.get("published", True)
    is_demo = entry.get("demo", False)
    if not isinstance(published, bool) or not isinstance(is_demo, bool):
        raise CatalogueError(_("%(where)s.published / demo : true ou false attendu.", where=where))

    themes = entry.get("themes", [])
    known = _known_themes()
    if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
        raise CatalogueError(_("%(where)s.themes : liste de thèmes attendue.", where=where))
    unknown = [t for t in themes if t not in known]
    if unknown:
        raise CatalogueError(
            _("%(where)s.themes : thème inconnu %(unknown)s (connus : %(known)s).", where=where, unknown=", ".join(unknown), known=", ".join(sorted(known)))
        )

    speakers = _validate_speakers(entry.get("speakers", []), where)
    values: dict[str, Any] = {
        "title": text("title", required=True, limit=300),
        "question": text("question"),
        "description": text("description"),
        "speakers_note": text("speakers_note"),
        "starts_at": starts_at,
        "timezone": tz_name,
        "duration_ms": duration_ms,
        "language": text("language", limit=16) or "fr",
        "published": published,
        "is_demo": is_demo,
    }
    media_file = _validate_media(entry.get("media"), where, base_dir, values)
    transcript = None
    if entry.get("transcript"):
        tpath = _catalogue_file(entry["transcript"], f"{where}.transcript", base_dir)
        raw = tpath.read_bytes()
        try:
            check_transcript(raw, tpath.name)
        except TranscriptError as err:
            place = f"{where}.transcript"
            raise CatalogueError(_("%(field)s : %(error)s", field=place, error=err.located(str(tpath)))) from None
        transcript = (tpath, raw)
    chapters = _validate_chapters(entry.get("chapters"), where, base_dir)
    return _WebinarSpec(slug, values, themes, speakers, media_file, transcript, chapters)


def _validate_speakers(raw: Any, where: str) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise CatalogueError(_("%(where)s.speakers : liste attendue.", where=where))
    out = []
    for i, sp in enumerate(raw):
        if not isinstance(sp, dict) or not isinstance(sp.get("name"), str) or not sp["name"].strip():
            place = f"{where}.speakers[{i}]"
            raise CatalogueError(_("%(field)s : un nom (« name ») est obligatoire.", field=place))
        item = {}
        for key in ("name", "affiliation", "bio", "role"):
            value = sp.get(key) or ""
            if not isinstance(value, str):
                place = f"{where}.speakers[{i}].{key}"
                raise CatalogueError(_("%(field)s : texte attendu.", field=place))
            item[key] = value.strip()
        out.append(item)
    return out


def _validate_media(raw: Any, where: str, base_dir: Path, values: dict[str, Any]) -> Path | None:
    values.update(media_kind=None, media_src=None, media_type=None)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise CatalogueError(_("%(where)s.media : objet {\"kind\", \"src\"} attendu.", where=where))
    try:
        source = parse_media_source(str(raw.get("kind", "")), str(raw.get("src", "")))
    except MediaMetaError as err:
        place = f"{where}.media"
        raise CatalogueError(_("%(field)s : %(error)s", field=place, error=err)) from None
    values.update(media_kind=source.kind, media_type=source.media_type)
    if source.kind == "file":
        return _catalogue_file(source.src, f"{where}.media.src", base_dir)
    values["media_src"] = source.stored
    return None


def _validate_chapters(raw: Any, where: str, base_dir: Path) -> list[tuple[int, str]] | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        cpath = _catalogue_file(raw, f"{where}.chapters", base_dir)
        try:
            return [(c.start_ms, c.title[:300]) for c in parse_chapters(cpath.read_bytes(), cpath.name)]
        except TranscriptError as err:
            place = f"{where}.chapters"
            raise CatalogueError(_("%(field)s : %(error)s", field=place, error=err.located(str(cpath)))) from None
    if not isinstance(raw, list):
        raise CatalogueError(_("%(where)s.chapters : liste [{\"start\", \"title\"}] ou chemin d'un fichier WebVTT attendu.", where=where))
    out = []
    for i, ch in enumerate(raw):
        if not isinstance(ch, dict) or not str(ch.get("title", "")).strip():
            place = f"{where}.chapters[{i}]"
            raise CatalogueError(_("%(field)s : un titre (« title ») est obligatoire.", field=place))
        try:
            start = parse_timecode(str(ch.get("start", "")))
        except MediaMetaError as err:
            place = f"{where}.chapters[{i}].start"
            raise CatalogueError(_("%(field)s : %(error)s", field=place, error=err)) from None
        out.append((start, str(ch["title"]).strip()[:300]))
    return sorted(out)


def _validate_resource(entry: Any, where: str, base_dir: Path, default_slug: str | None = None) -> _ResourceSpec:
    if not isinstance(entry, dict):
        raise CatalogueError(_("%(where)s : objet attendu.", where=where))
    title = str(entry.get("title") or "").strip()
    if not title:
        place = f"{where}.title"
        raise CatalogueError(_("%(field)s : champ obligatoire.", field=place))
    kind = entry.get("kind", "other")
    if kind not in RESOURCE_KINDS:
        raise CatalogueError(_("%(where)s.kind : « %(kind)s » inconnu (%(known)s).", where=where, kind=kind, known=", ".join(RESOURCE_KINDS)))
    themes = entry.get("themes") or []
    known = _known_themes()
    if not isinstance(themes, list) or any(t not in known for t in themes):
        raise CatalogueError(_("%(where)s.themes : thèmes connus : %(known)s.", where=where, known=", ".join(sorted(known))))
    url, upload = str(entry.get("url") or "").strip(), None
    try:
        if url:
            check_url(url)
        if entry.get("file"):
            path = _catalogue_file(entry["file"], f"{where}.file", base_dir)
            raw = path.read_bytes()
            check_file(raw, path.name)
            upload = (raw, path.name)
    except ResourceError as err:
        raise CatalogueError(_("%(field)s : %(error)s", field=where, error=err.message)) from None
    if not url and upload is None:
        raise CatalogueError(_("%(where)s : « url » ou « file » est obligatoire.", where=where))
    links: list[tuple[str, int | None, str]] = []
    targets = entry.get("webinars") if default_slug is None else [{"slug": default_slug, "at": entry.get("at"), "note": entry.get("note", "")}]
    for k, target in enumerate(targets or []):
        if isinstance(target, str):
            target = {"slug": target}
        if not isinstance(target, dict) or not target.get("slug"):
            place = f"{where}.webinars[{k}]"
            raise CatalogueError(_("%(field)s : slug attendu.", field=place))
        at = None
        if target.get("at") not in (None, ""):
            try:
                at = parse_timecode(str(target["at"]))
            except MediaMetaError as err:
                place = f"{where}.at"
                raise CatalogueError(_("%(field)s : %(error)s", field=place, error=err)) from None
        links.append((target["slug"], at, str(target.get("note") or "").strip()))
    data = ResourceData(
        title=title, kind=kind, description=str(entry.get("description") or ""), language=str(entry.get("language") or "fr"),
        url=url, themes=tuple(themes),
    )  # fmt: skip
    return _ResourceSpec(data, upload, links, where)


def _apply_resource(spec: _ResourceSpec) -> bool:
    """Create or update one resource and its links; True if anything changed."""
    existing = None
    if spec.upload is not None:
        digest = hashlib.sha256(spec.upload[0]).hexdigest()[:HASH_PREFIX]
        existing = db.session.scalar(select(Resource).where(Resource.file_name.startswith(digest)))
    elif spec.data.url:
        existing = db.session.scalar(select(Resource).filter_by(url=spec.data.url, file_name=None))
    changed = False
    if existing is None or (
        existing.title, existing.kind, existing.description, existing.language, existing.url or "", sorted(t.slug for t in existing.themes)
    ) != (spec.data.title, spec.data.kind, spec.data.description.strip(), spec.data.language, spec.data.url, sorted(spec.data.themes)):
        existing = save_resource(existing, spec.data, spec.upload if existing is None or not existing.file_name else None)
        changed = True
    for slug, at, note in spec.links:
        webinar = db.session.scalars(select(Webinar).filter_by(slug=slug)).one()  # checked: in the database or the catalogue
        moment = ResourceLink.start_ms.is_(None) if at is None else ResourceLink.start_ms == at
        link = db.session.scalar(select(ResourceLink).where(ResourceLink.resource_id == existing.id, ResourceLink.webinar_id == webinar.id, moment))
        if link is None:
            link_resource(existing, webinar, at, note)
            changed = True
        elif link.note != note:
            link.note = note
            units.commit()
            changed = True
    return changed


def _known_themes() -> set[str]:
    """The four of the series and those admins created."""
    return {slug for slug, _label, _description in THEMES} | set(db.session.scalars(select(Theme.slug)))


def _catalogue_file(value: Any, where: str, base_dir: Path) -> Path:
    """A file named by the catalogue: relative to the catalogue file, or absolute (the catalogue is
    run from the command line by someone who can read the files anyway)."""
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(_("%(where)s : chemin de fichier attendu.", where=where))
    path = (base_dir / Path(value).expanduser()).resolve()
    if not path.is_file():
        raise CatalogueError(_("%(where)s : fichier introuvable « %(path)s ».", where=where, path=value))
    return path


# -- applying -------------------------------------------------------------------------------


def _apply(spec: _WebinarSpec) -> str:
    webinar = db.session.scalar(select(Webinar).filter_by(slug=spec.slug))
    created = webinar is None
    changed = False
    if webinar is None:
        webinar = Webinar(slug=spec.slug, **spec.values)
        db.session.add(webinar)
    values = dict(spec.values)
    if spec.media_file is not None:
        values["media_src"] = store_media_file(spec.media_file)
    for key, value in values.items():
        if getattr(webinar, key) != value:
            setattr(webinar, key, value)
            changed = True

    themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(spec.themes))))
    themes.sort(key=lambda t: spec.themes.index(t.slug))
    if [t.slug for t in webinar.themes] != spec.themes:
        webinar.themes = themes
        changed = True
    changed |= _apply_speakers(webinar, spec.speakers)
    if spec.chapters is not None and [(c.start_ms, c.title) for c in webinar.chapters] != spec.chapters:
        webinar.chapters = [Chapter(start_ms=s, title=t) for s, t in spec.chapters]
        changed = True
    if changed:
        db.session.flush()
        indexing.queue(webinar_id=webinar.id)
    committed = units.commit()

    if spec.transcript is not None:
        tpath, raw = spec.transcript
        result = ingest_transcript(webinar, raw, tpath.name, source="catalogue", skip_if_active_identical=True)
        changed |= not result.unchanged
    elif changed and committed:
        indexing.webinar_changed(webinar)
    if created:
        return "created"
    return "updated" if changed else "unchanged"


def _apply_speakers(webinar: Webinar, speakers: list[dict[str, str]]) -> bool:
    changed = False
    wanted = []
    for sp in speakers:
        speaker = db.session.scalar(select(Speaker).filter_by(name=sp["name"]))
        if speaker is None:
            speaker = Speaker(name=sp["name"], affiliation=sp["affiliation"], bio=sp["bio"])
            db.session.add(speaker)
            changed = True
        elif (speaker.affiliation, speaker.bio) != (sp["affiliation"], sp["bio"]):
            speaker.affiliation, speaker.bio = sp["affiliation"], sp["bio"]
            changed = True
        wanted.append((speaker, sp["role"]))
    current = [(link.speaker.name, link.role) for link in webinar.speaker_links]
    if current != [(s.name, role) for s, role in wanted]:
        webinar.speaker_links.clear()
        db.session.flush()
        webinar.speaker_links = [
            WebinarSpeaker(speaker=s, role=role, position=i) for i, (s, role) in enumerate(wanted)
        ]
        changed = True
    return changed


def store_media_file(source: Path) -> str:
    """Copy a media file into the media folder under a name derived from its content; return that name."""
    digest = hashlib.sha256()
    with source.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    name = stored_name(digest.hexdigest(), source.suffix)
    target_dir = Path(current_app.config["MEDIA_DIR"])
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(source, tmp)
        tmp.replace(target)
    return name
