"""The trainer kit: a collection as a printable handout (HTML with a print stylesheet) and its PDF."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

import segno
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.security import safe_join

from portal import links
from portal.models import Collection, CollectionItem, Cue
from portal.services import clips

KIT_LINES = 60  # an excerpt's lines printed at most (a 30-minute clip says far more than a handout holds)


class KitError(RuntimeError):
    """The PDF could not be made (WeasyPrint missing its system libraries, say)."""


@dataclass(frozen=True)
class KitEntry:
    item: CollectionItem
    state: str  # clips.clip_state
    lines: list[Cue]
    more: int  # lines of the excerpt left out
    citation: str
    url: str
    qr_svg: Markup


def kit_entries(collection: Collection) -> list[KitEntry]:
    entries = []
    for item in collection.items:
        clip = item.clip
        state = clips.clip_state(clip)
        lines = clips.excerpt(clip.webinar, clip.start_ms, clip.end_ms) if state == "ok" else []
        url = links.clip_url(clip.code, external=True)
        qr = segno.make(url, error="m").svg_inline(scale=3, border=2, title=_("QR code : %(title)s", title=clip.title))
        entries.append(KitEntry(item, state, lines[:KIT_LINES], max(0, len(lines) - KIT_LINES), clips.citation(clip, url), url, Markup(qr)))
    return entries


def kit_pdf(html: str, base_url: str, static_url: str, static_folder: str) -> bytes:
    """The PDF of the kit's HTML. Only the portal's own static files are read (from disk): no request
    leaves the server, whatever the HTML names."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except (ImportError, OSError) as err:  # OSError: Pango or HarfBuzz missing on this machine
        raise KitError(_("la génération de PDF n'est pas disponible sur ce serveur (%(error)s).", error=type(err).__name__)) from None

    class StaticFiles(URLFetcher):
        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            path = url.split("?", 1)[0]
            if not path.startswith(static_url):
                raise ValueError(f"not fetched: {url}")
            target = safe_join(static_folder, path[len(static_url) :])
            if target is None or not Path(target).is_file():
                raise ValueError(f"not found: {url}")
            kind = mimetypes.guess_type(target)[0] or "application/octet-stream"
            return URLFetcherResponse(url, Path(target).read_bytes(), {"Content-Type": kind})

    return HTML(string=html, base_url=base_url, url_fetcher=StaticFiles()).write_pdf()
