"""How responses travel: compressed (Flask-Compress), and static files under content-hashed URLs cached for a year."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Flask, Response, current_app, g, request, url_for
from flask_compress import Compress
from flask_login import current_user
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

YEAR_S = 365 * 24 * 3600
# Transcripts and the search API compress as well as pages do; media never needs to.
COMPRESSED_TYPES = ["text/html", "text/css", "text/plain", "text/vtt", "application/javascript", "text/javascript", "application/json", "image/svg+xml"]

compress = Compress()
_digests: dict[str, tuple[float, str]] = {}


def asset_url(filename: str) -> str:
    """The URL of a static file with its content hash, so that it can be cached "forever"."""
    return url_for("static", filename=filename, v=_digest(filename))


def _digest(filename: str) -> str | None:
    """The first 12 hex digits of a static file's SHA-256; None for anything that is not a file of the static folder."""
    static = current_app.static_folder
    path = safe_join(static, filename) if static is not None else None
    if path is None or not os.path.isfile(path):
        return None
    mtime = os.stat(path).st_mtime
    known = _digests.get(path)
    if known is None or known[0] != mtime:
        known = (mtime, hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12])
        _digests[path] = known
    return known[1]


class _SessionInterface(SecureCookieSessionInterface):
    """Static files are the same for everyone: their responses never set or refresh a cookie, and
    reading the session for them (Flask-Login's remember-cookie check does) adds no ``Vary: Cookie``,
    so that a shared cache may keep one copy for all."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = _SessionInterface()
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    app.config["COMPRESS_REGISTER"] = False  # called below, only where it is safe
    compress.init_app(app)

    @app.after_request
    def _deliver(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code == 200:
            # Only files the static view has just served get here, so the hash is of a real static file.
            if request.args.get("v") and request.view_args is not None and _digest(request.view_args["filename"]) == request.args["v"]:
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
        # BREACH: a page that holds a CSRF token (Flask-WTF keeps the page's token in g) or a signed-in
        # person's data is never compressed, since it may also reflect what a visitor typed.
        if request.endpoint != "static" and (current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g or current_user.is_authenticated):
            return response
        return compress.after_request(response)
