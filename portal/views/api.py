"""JSON API, version 1."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from portal.services.search import page_as_json, run_search

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/search")
def search():
    return jsonify(page_as_json(run_search(request.args)))
