"""How responses travel: compressed (Flask-Compress), and static files under content-hashed URLs cached for a year."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, g, request, url_for
from flask_compress import Compress

YEAR_S = 365 * 24 * 3600
# Transcripts and the search API compress as well as pages do; media never needs to.
COMPRESSED_TYPES = ["text/html", "text/css", "text/plain", "text/vtt", "application/javascript", "text/javascript", "application/json", "image/svg+xml"]

compress = Compress()
_digests: dict[str, tuple[float, str]] = {}


def asset_url(filename: str) -> str:
    """The URL of a static file with its content hash, so that it can be cached "forever"."""
    return url_for("static", filename=filename, v=_digest(filename))


def _digest(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    mtime = path.stat().st_mtime
    known = _digests.get(str(path))
    if known is None or known[0] != mtime:
        known = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        _digests[str(path)] = known
    return known[1]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    app.config["COMPRESS_REGISTER"] = False  # called below, only where it is safe
    compress.init_app(app)

    @app.after_request
    def _deliver(response: Response) -> Response:
        if request.endpoint == "static":
            try:
                current = _digest(request.view_args["filename"])
            except (OSError, KeyError):
                current = None
            if current == request.args.get("v"):
                response.cache_control.public = True
                response.cache_control.max_age = YEAR_S
                response.cache_control.immutable = True
            if response.mimetype in COMPRESSED_TYPES and response.direct_passthrough:
                # Read the (small) file now and close it, so that it is compressed whole.
                body = response.response
                response.direct_passthrough = False
                data = b"".join(response.iter_encoded())
                if hasattr(body, "close"):
                    body.close()
                response.set_data(data)
        if response.mimetype == "text/html" and response.status_code == 200:
            # Every page uses the one stylesheet: ask for it as soon as the headers arrive, before the (long) body.
            response.headers.add("Link", f"<{asset_url('css/portal.css')}>; rel=preload; as=style")
        # BREACH: a page that holds a CSRF token is never compressed, since it may also reflect what a visitor typed.
        if "csrf_token" in g:
            return response
        return compress.after_request(response)
