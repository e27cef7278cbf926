"""JSON API, version 1."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from media_meta.clips import ClipError
from portal import links
from portal.ratelimit import limited
from portal.services import clips
from portal.services.search import page_as_json, run_search, search_webinar, within_as_json
from portal.errors import json_error
from portal.services.webinars import find_published

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/search")
@limited("search", "SEARCH_RATE_PER_MINUTE")
def search():
    return jsonify(page_as_json(run_search(request.args)))


@bp.get("/webinars/<slug>/search")
@limited("search", "SEARCH_RATE_PER_MINUTE")
def search_in_webinar(slug: str):
    """The lines of one recording that match ``q``, in time order, with where to mark them."""
    webinar = find_published(slug)
    if webinar is None:
        return _error(404, _("Ce webinaire n'existe pas ou n'est pas publié."))
    return jsonify(within_as_json(webinar, search_webinar(webinar, request.args.get("q", ""))))


@bp.get("/webinars/<slug>")
def webinar(slug: str):
    """A published recording: what describes it, its chapters and its content notes (times in milliseconds)."""
    found = find_published(slug)
    if found is None:
        return _error(404, _("Ce webinaire n'existe pas ou n'est pas publié."))
    return jsonify(
        {
            "slug": found.slug,
            "title": found.title,
            "question": found.question,
            "starts_at": found.starts_at.isoformat(),
            "duration_ms": found.duration_ms,
            "language": found.language,
            "themes": [t.slug for t in found.themes],
            "url": links.watch_url(found.slug, external=True),
            "chapters": [{"start_ms": c.start_ms, "title": c.title} for c in found.chapters],
            "content_notes": [{"start_ms": n.start_ms, "end_ms": n.end_ms, "label": n.label} for n in found.content_notes],
        }
    )


def _error(status: int, message: str, field: str | None = None):
    return json_error(status, message, field)


@bp.post("/clips")
def create_clip():
    """Save a clip: ``{"webinar", "start_ms", "end_ms", "title", "note"}`` -> ``{"code", "url"}``."""
    if not current_user.is_authenticated:
        return _error(401, _("Connectez-vous pour enregistrer un extrait."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _error(400, _("Corps JSON attendu : {\"webinar\", \"start_ms\", \"end_ms\", \"title\", \"note\"}."))
    for name in ("start_ms", "end_ms"):
        if not isinstance(data.get(name), int) or isinstance(data.get(name), bool):
            return _error(422, _("« %(name)s » doit être un nombre entier de millisecondes.", name=name), name)
    for name in ("webinar", "title", "note"):
        if data.get(name) is not None and not isinstance(data.get(name), str):
            return _error(422, _("« %(name)s » doit être un texte.", name=name), name)
    webinar = find_published(data.get("webinar"))
    if webinar is None:
        return _error(422, _("Webinaire inconnu ou non publié."), "webinar")
    try:
        clip = clips.create_clip(current_user, webinar, data["start_ms"], data["end_ms"], data.get("title") or "", data.get("note") or "")
    except ClipError as err:
        return _error(422, str(err), "end_ms")
    except clips.ClipFieldError as err:
        return _error(422, err.message, err.field)
    return jsonify({"code": clip.code, "url": links.clip_url(clip.code, external=True)}), 201


@bp.get("/clips/<code>")
def get_clip(code: str):
    clip = clips.find_clip(code)
    if clip is None:
        return _error(404, _("Cet extrait n'existe pas."))
    if clips.in_trash(clip):
        return _error(410, _("Cet extrait a été supprimé par la personne qui l'avait créé."))
    state = clips.clip_state(clip)
    shown = clip.webinar if state == "ok" else None  # "ok": the clip has its webinar, published
    url = links.clip_url(clip.code, external=True)
    excerpt = clips.excerpt(clip.webinar, clip.start_ms, clip.end_ms) if state == "ok" else []
    return jsonify(
        {
            "code": clip.code,
            "url": url,
            "title": clip.title,
            "note": clip.note,
            "start_ms": clip.start_ms,
            "end_ms": clip.end_ms,
            "state": state,
            "webinar": {"slug": shown.slug, "title": shown.title} if shown is not None else None,
            "segment_url": links.segment_url(shown.slug, clip.start_ms, clip.end_ms, external=True) if shown is not None else None,
            "excerpt": [{"start_ms": c.start_ms, "end_ms": c.end_ms, "speaker": c.speaker, "text": c.text} for c in excerpt],
            "citation": clips.citation(clip, url),
        }
    )
