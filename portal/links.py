"""The only builders of links to moments: ``?t=``, media and transcript URLs."""

from __future__ import annotations

from flask import url_for

from media_meta.timecodes import seconds_param


def watch_url(slug: str, start_ms: int | None = None, *, external: bool = False) -> str:
    """The watch page of a webinar, at a moment when ``start_ms`` is given."""
    if start_ms is None:
        return url_for("public.webinar", slug=slug, _external=external)
    return url_for("public.webinar", slug=slug, t=seconds_param(start_ms), _external=external)


def media_url(webinar) -> str | None:
    """Where the browser fetches the recording, for ``file`` and ``url`` media."""
    if webinar.media_kind == "file" and webinar.media_src:
        return url_for("public.media", name=webinar.media_src)
    if webinar.media_kind == "url":
        return webinar.media_src
    return None


def transcript_url(slug: str, fmt: str = "vtt") -> str:
    return url_for("public.transcript", slug=slug, fmt=fmt)
