"""Public pages: home, catalogue, themes, the watch page, transcript files and media."""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from media_meta.export import to_text, to_vtt
from media_meta.stored import STORED_NAME
from media_meta.timecodes import resolve_moment
from portal.extensions import db
from portal.models import Resource, Theme, Webinar
from portal.services.clips import collections_of, parse_segment
from portal.services.webinars import find_published
from portal.forms import ErrorReportForm
from portal.services import findable, reports
from portal.services.content_notes import note_at, notes_by_first_line
from portal.services.resources import webinar_resources
from portal.services.search import search_webinar
from portal.params import bounded_int
from portal.services.transcripts import GAP_LOOKAHEAD_MS, active_cues, cue_at, TranscriptPart, part_at, part_count, transcript_part

bp = Blueprint("public", __name__)


def published_webinars(theme: Theme | None = None) -> list[Webinar]:
    query = select(Webinar).where(Webinar.published.is_(True)).order_by(Webinar.starts_at)
    if theme is not None:
        query = query.where(Webinar.themes.contains(theme))
    return list(db.session.scalars(query))


def get_published_webinar(slug: str) -> Webinar:
    webinar = find_published(slug)
    if webinar is None:
        abort(404, _("Ce webinaire n'existe pas ou n'est pas publié."))
    return webinar


def all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position)))


@bp.get("/")
def home():
    webinars = published_webinars()
    latest = sorted(webinars, key=lambda w: w.starts_at, reverse=True)[:4]
    return render_template("public/home.html", themes=all_themes(), latest=latest)


@bp.get("/webinars")
def catalogue():
    themes = all_themes()
    wanted = request.args.get("theme", "").strip()
    theme = next((t for t in themes if t.slug == wanted), None)
    notice = _("Thème inconnu « %(theme)s » : tous les webinaires sont affichés.", theme=wanted) if wanted and theme is None else None
    return render_template(
        "public/catalogue.html", themes=themes, theme=theme, webinars=published_webinars(theme), notice=notice
    )


@bp.get("/themes/<slug>")
def theme(slug: str):
    theme = db.session.scalar(select(Theme).filter_by(slug=slug))
    if theme is None:
        abort(404, _("Ce thème n'existe pas."))
    return render_template("public/theme.html", theme=theme, webinars=published_webinars(theme))


@bp.get("/webinars/<slug>")
def webinar(slug: str):
    webinar = get_published_webinar(slug)
    segment, notice = parse_segment(request.args.get("start"), request.args.get("end"), webinar)
    if segment is not None:
        start_ms = segment.start_ms
    else:
        start_ms, time_notice = resolve_moment(request.args.get("t"), webinar.duration_ms)
        notice = notice or time_notice
    located = segment is not None or bool(request.args.get("t"))
    # A long transcript is rendered one part at a time: the part asked for, else the moment's.
    asked = bounded_int(request.args.get("part"), 0, 0, 1_000_000) - 1
    moment_part = part_at(webinar, start_ms) if located else 0
    part = transcript_part(webinar, asked if asked >= 0 else moment_part)
    cues = part.cues
    resource_links = webinar_resources(webinar)
    markers = _markers(part, resource_links)
    current = cue_at(cues, start_ms) if located and part.index == moment_part else None
    q = request.args.get("q", "")
    within = search_webinar(webinar, q, cues if part.count == 1 else None) if q.strip() else None
    notes = list(webinar.content_notes)
    return render_template(
        "public/webinar.html",
        structured=findable.webinar_data(webinar, cues),
        notes=notes,
        notes_data=[{"start": n.start_ms, "end": n.end_ms, "label": n.label} for n in notes],
        note_marks=notes_by_first_line(notes, cues),
        landing_note=note_at(notes, start_ms) if located else None,
        webinar=webinar,
        cues=cues,
        part=part,
        start_ms=start_ms,
        segment=segment,
        time_notice=notice,
        located=located,
        current_cue=current,
        # A line about to start belongs to its chapter.
        current_chapter=_chapter_at(webinar.chapters, max(start_ms, current.start_ms) if current else start_ms),
        within=within,
        marked=within.marked() if within else {},
        resource_links=resource_links,
        markers=markers,
        all_resources=list(db.session.scalars(select(Resource).order_by(Resource.title))) if current_user.is_authenticated and current_user.is_admin else [],
        my_collections=collections_of(current_user),
    )


@bp.route("/webinars/<slug>/report", methods=["GET", "POST"])
def report_error(slug: str):
    """« Signaler une erreur »: the line at ``?t=``, and what the viewer proposes (no account needed)."""
    webinar = get_published_webinar(slug)
    cues = active_cues(webinar)
    if not cues:
        abort(404, _("Cette session n'a pas encore de transcription."))
    at_ms, _notice = resolve_moment(request.values.get("t"), webinar.duration_ms)
    line = cue_at(cues, at_ms) or cues[0]
    form = ErrorReportForm()
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                reports.send_report(webinar, line, form.proposed.data or "", form.stamp.data or "", form.website.data or "", request.remote_addr or "?")
            except reports.TooManyReports as err:
                error, status = str(err), 429
            except reports.ReportError as err:
                error, status = str(err), 400
            else:
                return render_template("public/report_sent.html", webinar=webinar, line=line)
        else:
            status = 400
    else:
        form.proposed.data = line.text
    form.stamp.data = reports.form_stamp()
    response = make_response(render_template("public/report.html", webinar=webinar, line=line, form=form, error=error), status)
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response


@bp.get("/sitemap.xml")
def sitemap():
    """Published webinars, their clips and the resources, with when each last changed."""
    body = render_template("public/sitemap.xml", entries=findable.sitemap_entries())
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", "Disallow: /account/", "Disallow: /login", "Disallow: /embed/",
             f"Sitemap: {url_for('public.sitemap', _external=True)}"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/webinars/<slug>/transcript/part/<int:number>")
def transcript_part_lines(slug: str, number: int):
    """One part of a long transcript, as the lines of the watch page's panel (watch.js swaps them in)."""
    webinar = get_published_webinar(slug)
    if not 1 <= number <= part_count(webinar):
        abort(404, _("Cette partie de la transcription n'existe pas."))
    part = transcript_part(webinar, number - 1)
    q = request.args.get("q", "")
    within = search_webinar(webinar, q) if q.strip() else None
    return render_template(
        "public/_transcript_part.html",
        webinar=webinar,
        part=part,
        marked=within.marked() if within else {},
        markers=_markers(part, webinar_resources(webinar)),
        note_marks=notes_by_first_line(list(webinar.content_notes), part.cues),
    )


def _markers(part: TranscriptPart, links: list) -> dict[int, list]:
    """The resources pinned to a moment, by the line of this part they appear under."""
    markers: dict[int, list] = {}
    for link in links:
        if link.start_ms is None or not _in_part(part, link.start_ms):
            continue
        cue = cue_at(part.cues, link.start_ms) or (part.cues[0] if part.cues else None)
        if cue is not None:
            markers.setdefault(cue.id, []).append(link)
    return markers


def _in_part(part: TranscriptPart, ms: int) -> bool:
    """Whether a moment's line is in this part: from a second before its first line (the line about to
    start) to a second before the next part's (a moment before the first line belongs to the first part)."""
    return (part.index == 0 or ms >= part.first_ms - GAP_LOOKAHEAD_MS) and (part.end_ms is None or ms < part.end_ms - GAP_LOOKAHEAD_MS)


def _chapter_at(chapters: list, ms: int) -> int | None:
    index = bisect_right([c.start_ms for c in chapters], ms) - 1
    return index if index >= 0 else None


@bp.get("/webinars/<slug>/transcript.<fmt>")
def transcript(slug: str, fmt: str):
    webinar = get_published_webinar(slug)
    cues = active_cues(webinar)
    if fmt == "vtt":
        body, mimetype = to_vtt(cues), "text/vtt"
    elif fmt == "txt":
        body, mimetype = to_text(cues, title=webinar.title), "text/plain"
    else:
        abort(404, _("Formats disponibles : .vtt et .txt."))
    response = Response(body, mimetype=mimetype)
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{webinar.slug}.{fmt}"'
    return response


@bp.get("/media/<name>")
def media(name: str):
    # Stored names are content hashes; anything else is refused before touching the disk.
    if not STORED_NAME.match(name):
        abort(404)
    directory = Path(current_app.config["MEDIA_DIR"])
    if not (directory / name).is_file():
        abort(404)
    # A recording is public once one of its webinars is published; before that only admins hear it.
    published = db.session.scalar(select(Webinar.id).where(Webinar.media_src == name, Webinar.published.is_(True)).limit(1))
    if published is None and not (current_user.is_authenticated and current_user.is_admin):
        abort(404)
    max_age = 86400 if published else 0
    accel = current_app.config.get("MEDIA_ACCEL_REDIRECT")
    if accel:
        # The check is done: nginx sends the file itself (ranges, sendfile), from its internal location.
        response = Response(status=200, headers={"X-Accel-Redirect": accel.rstrip("/") + "/" + name})
        response.headers["Cache-Control"] = f"public, max-age={max_age}" if published else "private, no-store"
        del response.headers["Content-Type"]  # nginx types the file
        return response
    return send_from_directory(directory, name, conditional=True, max_age=max_age)
