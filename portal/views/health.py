"""For load balancers and monitoring: liveness, readiness and metrics."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal import metrics
from portal.extensions import db
from portal.services import indexing
from search_index.store import IndexUnavailable

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

bp = Blueprint("health", __name__)
PROBE_PATHS = ("/healthz", "/readyz", "/metrics")


def init_app(app: Flask) -> None:
    """Probes answer whatever Host they send: a load balancer checks a node by its address, and these
    answers hold no link (every other page still refuses a host not in TRUSTED_HOSTS)."""
    hosts = app.config.get("TRUSTED_HOSTS")
    if not hosts:
        return
    inner, canonical = app.wsgi_app, str(hosts[0]).lstrip(".")

    def probes_from_any_host(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in PROBE_PATHS:
            environ["HTTP_HOST"] = canonical
        return inner(environ, start_response)

    # Flask's documented way to add a WSGI middleware (see Flask.wsgi_app); mypy refuses any assignment to a method.
    app.wsgi_app = probes_from_any_host  # type: ignore[method-assign]


@bp.get("/healthz")
def healthz():
    """The process answers (nothing else is checked: a load balancer restarts what fails this)."""
    return _plain({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz() -> Response:
    """Whether this node should receive traffic: database reachable, index present and nearly up to date."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError as err:
        db.session.rollback()
        checks["database"] = f"unreachable ({err.__class__.__name__})"
        return _plain({"status": "unready", "checks": checks}, 503)
    try:
        lag = indexing.lag()
    except SQLAlchemyError as err:  # a database whose schema is not upgraded yet (`flask db upgrade`)
        db.session.rollback()
        checks["database"] = f"schema not upgraded ({err.__class__.__name__})"
        return _plain({"status": "unready", "checks": checks}, 503)
    try:
        indexing.get_store().doc_count()
        checks["index"] = "ok"
    except IndexUnavailable as err:
        indexing.index_unavailable(err)  # starts building it: the node becomes ready by itself
        checks["index"] = f"{err.code}: {err.reason}"
    allowed = current_app.config["READY_MAX_LAG"]
    checks["lag"] = f"{lag.sequences} changes behind, {lag.seconds:.1f} s (at most {allowed})"
    ready = checks["index"] == "ok" and lag.sequences <= allowed
    return _plain({"status": "ready" if ready else "unready", "checks": checks}, 200 if ready else 503)


@bp.get("/metrics")
def prometheus():
    """Prometheus text format, for the loopback address or a bearer token only (404 to anyone else)."""
    if not _may_read_metrics():
        abort(404)
    body, content_type = metrics.exposition(current_app._get_current_object())
    return Response(body, 200, content_type=content_type, headers={"Cache-Control": "no-store"})


def _may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), str(token).encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _plain(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
