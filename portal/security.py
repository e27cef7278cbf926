"""Response headers that every page gets: no third-party loads, no framing, no sniffing, no referrer."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_login import current_user

# No inline script anywhere: every script is a file under /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-src 'self'{frames}; frame-ancestors {ancestors}"
)
FRAMEABLE_PREFIXES = ("/embed/",)
PRIVATE_PREFIXES = ("/admin", "/account", "/reset", "/login", "/clips")


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        frameable = request.path.startswith(FRAMEABLE_PREFIXES)
        # An external player's host is allowed in frames only on the page that offers it.
        frames = f" {g.csp_frame_src}" if getattr(g, "csp_frame_src", None) else ""
        response.headers.setdefault(
            "Content-Security-Policy", CSP.format(ancestors="*" if frameable else "'none'", frames=frames)
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not frameable:
            response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["ENV_NAME"] == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if request.endpoint != "static" and (request.path.startswith(PRIVATE_PREFIXES) or current_user.is_authenticated):
            # Accounts, administration, reset links, signed-in pages: kept by no cache, shared or not.
            response.headers["Cache-Control"] = "no-store"
        return response
