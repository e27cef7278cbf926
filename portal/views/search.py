"""The search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from portal.ratelimit import limited
from portal.services.search import run_search

bp = Blueprint("search", __name__)


@bp.get("/search")
@limited("search", "SEARCH_RATE_PER_MINUTE")
def results():
    page = run_search(request.args)
    return render_template("search/results.html", page=page)
