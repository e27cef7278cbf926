"""The resource library: material linked to webinars and to moments in them, uploaded files checked by content."""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from media_meta.stored import display_name, file_size, stored_name
from media_meta.timecodes import format_clock
from portal.extensions import db
from portal.models import RESOURCE_KINDS, Resource, ResourceLink, Theme, Webinar
from portal.services import audit, units

log = logging.getLogger(__name__)
MAX_PDF_TEXT = 200_000  # characters kept for search from one PDF


class ResourceError(ValueError):
    """A resource that cannot be saved; ``field`` names the culprit, the message says why (in the admin's language)."""

    def __init__(self, message: str, field: str = "file"):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class FileType:
    extension: str
    mimetype: str
    label: str


PDF = FileType(".pdf", "application/pdf", "PDF")
PNG = FileType(".png", "image/png", _l("image PNG"))
JPEG = FileType(".jpg", "image/jpeg", _l("image JPEG"))
ODP = FileType(".odp", "application/vnd.oasis.opendocument.presentation", _l("présentation OpenDocument"))
PPTX = FileType(".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", _l("présentation PowerPoint"))
DOCX = FileType(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _l("document Word"))
ACCEPTED = _l("PDF, ODP, PPTX, DOCX, PNG ou JPEG")


def sniff(raw: bytes) -> FileType | None:
    """What a file really is, from its first bytes and, for office files, its inner structure."""
    if raw.startswith(b"%PDF-"):
        return PDF
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if raw.startswith(b"\xff\xd8\xff"):
        return JPEG
    if raw.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = set(archive.namelist())
                # Only the names (the central directory) and the first bytes of one member are read,
                # by streaming: a small archive can hold a member of gigabytes (a zip bomb).
                if "mimetype" in names and _head(archive, "mimetype").strip() == ODP.mimetype.encode():
                    return ODP
                if "[Content_Types].xml" in names:
                    if any(n.startswith("ppt/") for n in names):
                        return PPTX
                    if any(n.startswith("word/") for n in names):
                        return DOCX
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, RuntimeError):
            return None
    return None


def _head(archive: zipfile.ZipFile, name: str, size: int = 200) -> bytes:
    with archive.open(name) as member:
        return member.read(size)


def check_file(raw: bytes, filename: str) -> FileType:
    """Accept a file only for what its content is; raise ResourceError saying what it is not."""
    limit = current_app.config["MAX_RESOURCE_BYTES"]
    if not raw:
        raise ResourceError(_("Le fichier est vide."))
    if len(raw) > limit:
        raise ResourceError(_("Le fichier pèse %(size)s ; %(limit)s au plus.", size=file_size(len(raw)), limit=file_size(limit)))
    found = sniff(raw)
    claimed = Path(filename or "").suffix.lower()
    if found is None:
        if claimed:
            raise ResourceError(
                _(
                    "Le contenu de « %(name)s » n'est pas un fichier accepté (%(accepted)s), quel que soit son nom (il se dit %(claimed)s).",
                    name=filename,
                    accepted=ACCEPTED,
                    claimed=claimed,
                )
            )
        raise ResourceError(
            _("Le contenu de « %(name)s » n'est pas un fichier accepté (%(accepted)s), quel que soit son nom.", name=filename, accepted=ACCEPTED)
        )
    if claimed and claimed not in (found.extension, ".jpeg" if found is JPEG else found.extension):
        raise ResourceError(
            _("« %(name)s » porte l'extension %(claimed)s mais son contenu est un fichier %(kind)s.", name=filename, claimed=claimed, kind=found.label)
        )
    return found


def pdf_text(raw: bytes) -> str:
    """The text of a PDF, for search; empty if it has none or cannot be read."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(raw))
        parts = []
        for page in reader.pages[:200]:
            parts.append(page.extract_text() or "")
            if sum(len(p) for p in parts) > MAX_PDF_TEXT:
                break
        return " ".join(" ".join(parts).split())[:MAX_PDF_TEXT]
    except Exception:  # pypdf raises many kinds on damaged files; the file is still offered
        log.warning("Could not extract text from a PDF resource", exc_info=True)
        return ""


def store_file(raw: bytes, file_type: FileType) -> str:
    name = stored_name(hashlib.sha256(raw).hexdigest(), file_type.extension)
    directory = Path(current_app.config["RESOURCE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    if not target.exists():
        tmp = directory / (name + ".part")
        tmp.write_bytes(raw)
        tmp.replace(target)
    return name


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise ResourceError(_("Adresse web attendue, commençant par https://"), "url")
    return url


@dataclass
class ResourceData:
    title: str
    kind: str = "other"
    description: str = ""
    language: str = "fr"
    url: str = ""
    themes: tuple[str, ...] = ()


def save_resource(resource: Resource | None, data: ResourceData, upload: tuple[bytes, str] | None = None) -> Resource:
    """Create or update a resource (a URL, an uploaded file, or both); nothing is written on error."""
    title = data.title.strip()
    if not title:
        raise ResourceError(_("Donnez un titre."), "title")
    if len(title) > 300:
        raise ResourceError(_("%(count)s caractères au plus.", count=300), "title")
    if data.kind not in RESOURCE_KINDS:
        raise ResourceError(_("Type inconnu."), "kind")
    url = check_url(data.url) if data.url.strip() else None
    file_fields = {}
    if upload is not None:
        raw, filename = upload
        file_type = check_file(raw, filename)
        file_fields = {
            "file_name": store_file(raw, file_type),
            "file_type": file_type.mimetype,
            "file_size": len(raw),
            "original_filename": display_name(filename, "fichier"),
            "text": pdf_text(raw) if file_type is PDF else "",
        }
    has_file = bool(file_fields) or (resource is not None and resource.file_name)
    if not url and not has_file:
        raise ResourceError(_("Indiquez une adresse web ou joignez un fichier."), "url")
    created = resource is None
    resource = resource or Resource(title=title)
    resource.title, resource.kind, resource.url = title, data.kind, url
    resource.description, resource.language = data.description.strip()[:5000], data.language or "fr"
    for key, value in file_fields.items():
        setattr(resource, key, value)
    resource.themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(data.themes))))
    db.session.add(resource)
    db.session.flush()
    audit.record("resource.create" if created else "resource.update", "resource", resource.id, title)
    _commit_and_reindex(resource)
    return resource


def link_resource(resource: Resource, webinar: Webinar, start_ms: int | None, note: str = "") -> ResourceLink:
    if start_ms is not None and webinar.duration_ms and start_ms > webinar.duration_ms:
        raise ResourceError(
            _(
                "Ce moment (%(moment)s) dépasse la durée du webinaire (%(duration)s).",
                moment=format_clock(start_ms),
                duration=format_clock(webinar.duration_ms),
            ),
            "at",
        )
    link = ResourceLink(resource=resource, webinar=webinar, start_ms=start_ms, note=(note or "").strip()[:500])
    db.session.add(link)
    audit.record("resource.link", "resource", resource.id, resource.title, f"{webinar.slug}" + (f" à {format_clock(start_ms)}" if start_ms is not None else ""))
    _commit_and_reindex(resource)
    return link


def unlink(link: ResourceLink) -> None:
    resource = link.resource
    audit.record("resource.unlink", "resource", resource.id, resource.title, link.webinar.slug)
    db.session.delete(link)
    _commit_and_reindex(resource)


def delete_resource(resource: Resource) -> None:
    resource_id, title = resource.id, resource.title
    db.session.delete(resource)
    audit.record("resource.delete", "resource", resource_id, title)
    from portal.services import indexing

    indexing.queue(resource_id=resource_id)
    db.session.commit()
    indexing.resource_deleted(resource_id)


def _commit_and_reindex(resource: Resource) -> None:
    from portal.services import indexing

    indexing.queue(resource_id=resource.id)
    if units.commit():
        indexing.resource_changed(resource)


def webinar_resources(webinar: Webinar) -> list[ResourceLink]:
    """The webinar's resources: those tied to a moment first, in time order, then the others."""
    links = list(db.session.scalars(select(ResourceLink).filter_by(webinar_id=webinar.id)))
    return sorted(links, key=lambda link: (link.start_ms is None, link.start_ms or 0, link.resource.title.lower()))


def visible_links(resource: Resource) -> list[ResourceLink]:
    return [link for link in resource.links if link.webinar.published]


def file_path(resource: Resource) -> Path | None:
    if not resource.file_name:
        return None
    path = Path(current_app.config["RESOURCE_DIR"]) / resource.file_name
    return path if path.is_file() else None


def search_ids(text: str) -> list[int] | None:
    """Resource ids matching ``text``, best first, with the replays' French analysis; None if the index is unavailable."""
    from portal.services.indexing import get_store, index_unavailable
    from search_index.query import search_resources
    from search_index.store import IndexUnavailable

    try:
        return [m.resource_id for m in search_resources(get_store(), text)]
    except IndexUnavailable as err:
        index_unavailable(err)
        return None


@dataclass(frozen=True)
class LinkStatus:
    resource: Resource
    ok: bool
    detail: str  # HTTP status or the network error


def check_links(timeout: float = 10.0) -> list[LinkStatus]:
    """Ask each resource's URL whether it still answers (HEAD, then GET where HEAD is refused). Run by hand, not in tests."""
    import urllib.error
    import urllib.request

    statuses = []
    for resource in db.session.scalars(select(Resource).where(Resource.url.is_not(None)).order_by(Resource.id)):
        url = resource.url
        if url is None:  # not selected: the query keeps the resources with a URL
            continue
        detail, ok = "", False
        for method in ("HEAD", "GET"):
            request = urllib.request.Request(url, method=method, headers={"User-Agent": "portail-replays-check-links/1.0"})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    detail, ok = str(response.status), 200 <= response.status < 400
                    break
            except urllib.error.HTTPError as err:
                detail, ok = str(err.code), False
                if err.code not in (403, 405, 501):
                    break
            except (urllib.error.URLError, TimeoutError, OSError, ValueError) as err:
                detail, ok = f"injoignable ({getattr(err, 'reason', err)})", False
                break
        statuses.append(LinkStatus(resource, ok, detail))
    return statuses
