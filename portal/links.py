"""The only builders of links to moments: ``?t=``, media and transcript URLs."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, g, request, url_for

from media_meta.errors import MediaSourceError
from media_meta.sources import HOSTED_KINDS, embed_url, external_watch_url, parse_media_source
from media_meta.timecodes import seconds_param


def watch_url(slug: str, start_ms: int | None = None, *, q: str | None = None, external: bool = False) -> str:
    """The watch page of a webinar, at a moment when ``start_ms`` is given; ``q`` fills its search box."""
    t = None if start_ms is None else seconds_param(start_ms)
    return url_for("public.webinar", slug=slug, t=t, q=q or None, _external=external)


def moment_links(slug: str) -> Callable[[int], str]:
    """``watch_url(slug, ms)`` for the many moments of one page: one ``url_for`` for a whole transcript."""
    base = url_for("public.webinar", slug=slug) + "?t="
    return lambda ms: base + seconds_param(ms)


def segment_url(slug: str, start_ms: int, end_ms: int, *, external: bool = False) -> str:
    """A link that plays only ``start_ms``–``end_ms`` of a webinar."""
    return url_for("public.webinar", slug=slug, start=seconds_param(start_ms), end=seconds_param(end_ms), _external=external)


def clip_url(code: str, *, external: bool = False) -> str:
    return url_for("clips.clip", code=code, _external=external)


def collection_url(code: str, *, external: bool = False) -> str:
    return url_for("clips.collection", code=code, _external=external)


def media_url(webinar, *, external: bool = False) -> str | None:
    """Where the browser fetches the recording, for ``file`` and ``url`` media."""
    if webinar.media_kind == "file" and webinar.media_src:
        return url_for("public.media", name=webinar.media_src, _external=external)
    if webinar.media_kind == "url":
        return webinar.media_src
    return None


def transcript_url(slug: str, fmt: str = "vtt") -> str:
    return url_for("public.transcript", slug=slug, fmt=fmt)


def external_player(webinar, start_ms: int = 0, end_ms: int | None = None) -> dict | None:
    """The iframe and plain links of a YouTube, PeerTube or Vimeo recording; allows its host in the page's CSP."""
    if webinar.media_kind not in HOSTED_KINDS or not webinar.media_src:
        return None
    try:
        source = parse_media_source(webinar.media_kind, webinar.media_src)
    except MediaSourceError:
        return None
    src = embed_url(source, start_ms, end_ms, bases=current_app.config.get("EMBED_BASES") or {})
    if src is None:  # not a kind with an external player (checked above): nothing to embed
        return None
    parts = urlsplit(src)
    if parts.scheme and parts.netloc:
        g.csp_frame_src = f"{parts.scheme}://{parts.netloc}"
    return {"kind": source.kind, "embed_src": src, "external_url": external_watch_url(source, start_ms)}


# -- where a redirect may go (no open redirects) -------------------------------------------


def safe_next(target: str | None) -> str | None:
    """Only a path of this portal: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or len(target) > 2000:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    return target


def same_site(url: str | None) -> bool:
    """An absolute URL of this portal (a ``Referer`` worth going back to)."""
    if not url:
        return False
    root = request.host_url.rstrip("/")
    return url.startswith(root + "/") and safe_next(url[len(root):]) is not None
