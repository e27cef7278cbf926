"""Atom feeds of the catalogue, a theme and a search."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from portal.ratelimit import limited
from portal.services import feeds

bp = Blueprint("feeds", __name__)
ATOM = "application/atom+xml"


def _atom(body: bytes) -> Response:
    return Response(body, mimetype=ATOM, headers={"Cache-Control": "public, max-age=300"})


@bp.get("/webinars.atom")
def webinars():
    return _atom(feeds.webinars_feed())


@bp.get("/themes/<slug>.atom")
def theme(slug: str):
    try:
        return _atom(feeds.webinars_feed(slug))
    except feeds.FeedError as err:
        abort(404, str(err))


@bp.get("/search.atom")
@limited("search", "SEARCH_RATE_PER_MINUTE")
def search():
    try:
        return _atom(feeds.search_feed(request.args))
    except feeds.FeedError as err:
        abort(400, str(err))
