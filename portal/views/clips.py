"""Clips and collections: saved segments with short links, their pages, embeds, oEmbed and QR codes."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import segno
from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import escape

from media_meta.clips import ClipError
from media_meta.errors import TimecodeError
from media_meta.timecodes import parse_timecode
from portal import links
from portal.errors import json_error
from portal.forms import ActionForm
from portal.models import Clip, Collection, Webinar
from portal.params import bounded_int
from portal.ratelimit import limited
from portal.services import clips as service
from portal.services import findable, kits
from portal.views.public import get_published_webinar

bp = Blueprint("clips", __name__)
EMBED_WIDTH, EMBED_HEIGHT = 640, 360


def _clip_or_404(code: str, trashed: bool = False) -> Clip:
    """The clip of this code: 404 if there is none, 410 if it is in the trash (unless ``trashed``)."""
    clip = service.find_clip(code)
    if clip is None:
        abort(404, _("Cet extrait n'existe pas ou a été supprimé."))
    if service.in_trash(clip) and not trashed:
        abort(410, _("Cet extrait a été supprimé par la personne qui l'avait créé."))
    return clip


def _collection_or_404(code: str, trashed: bool = False) -> Collection:
    collection = service.find_collection(code)
    if collection is None:
        abort(404, _("Ce parcours n'existe pas ou a été supprimé."))
    if service.in_trash(collection) and not trashed:
        abort(410, _("Ce parcours a été supprimé par la personne qui l'avait créé."))
    return collection


def _removed(owned, kind: str):
    """The page of a clip or collection in the trash: 410, and for its owner the way back."""
    return render_template(
        "clips/removed.html",
        owned=owned,
        kind=kind,
        can_edit=service.can_edit(current_user, owned),
        erased_on=service.erased_on(owned),
        action=ActionForm() if current_user.is_authenticated else None,
    ), 410


def _guard(owned) -> None:
    if not service.can_edit(current_user, owned):
        abort(403)


def _times(start: str, end: str) -> tuple[int, int]:
    try:
        return parse_timecode(start), parse_timecode(end)
    except TimecodeError as err:
        raise ClipError(str(err)) from None


# -- clips -------------------------------------------------------------------------------------


@bp.post("/clips/new")
@login_required
def clip_new():
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    webinar = get_published_webinar(request.form.get("webinar", ""))
    collection = _my_collection(request.form.get("collection", ""))
    try:
        start_ms, end_ms = _times(request.form.get("start", ""), request.form.get("end", ""))
        clip = service.create_clip(current_user, webinar, start_ms, end_ms, request.form.get("title", ""), request.form.get("note", ""))
    except (ClipError, service.ClipFieldError) as err:
        flash(_("Extrait non enregistré : %(error)s", error=err), "error")
        return redirect(links.watch_url(webinar.slug) + "?clip=1#clip-maker")
    if collection is not None:
        service.add_to_collection(current_user, collection, clip)
        flash(_("Extrait enregistré et ajouté au parcours « %(title)s » : voici son lien court.", title=collection.title), "success")
    else:
        flash(_("Extrait enregistré : voici son lien court."), "success")
    return redirect(links.clip_url(clip.code))


def _my_collection(code: str) -> Collection | None:
    """The collection chosen in a form ("" for none), if it exists and this person may change it."""
    if not code:
        return None
    collection = _collection_or_404(code)
    _guard(collection)
    return collection


@bp.get("/clips")
@login_required
def my_clips():
    mine, collections = service.library_of(current_user)
    trashed_clips, trashed_collections = service.trash_of(current_user)
    return render_template(
        "clips/mine.html",
        clips=mine,
        collections=collections,
        in_trash=len(trashed_clips) + len(trashed_collections),
        action=ActionForm(),
    )


@bp.get("/clips/trash")
@login_required
def trash():
    clips, collections = service.trash_of(current_user)
    return render_template(
        "clips/trash.html", clips=clips, collections=collections, erased_on=service.erased_on, days=service.TRASH_DAYS, action=ActionForm()
    )


@bp.get("/c/<code>")
def clip(code: str):
    clip = _clip_or_404(code, trashed=True)
    if service.in_trash(clip):
        return _removed(clip, "clip")
    state = service.clip_state(clip)
    url = links.clip_url(clip.code, external=True)
    excerpt = service.excerpt(clip.webinar, clip.start_ms, clip.end_ms) if state == "ok" else []
    return render_template(
        "clips/clip.html",
        clip=clip,
        state=state,
        excerpt=excerpt,
        url=url,
        citation=service.citation(clip, url),
        embed_src=url_for("clips.embed_clip", code=clip.code, _external=True),
        can_edit=service.can_edit(current_user, clip),
        my_collections=service.collections_of(current_user),
        action=ActionForm() if current_user.is_authenticated else None,  # no token, no session cookie for visitors
        webinar=clip.webinar,
        start_ms=clip.start_ms,
        segment=service.Segment(clip.start_ms, clip.end_ms),
        structured=findable.clip_data(clip),
    )


@bp.get("/c/<code>/qr.svg")
def clip_qr(code: str):
    clip = _clip_or_404(code)
    return _qr(links.clip_url(clip.code, external=True), _("QR code : %(title)s", title=clip.title))


def _qr(data: str, title: str) -> Response:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=6, border=2, title=title, xmldecl=False)
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/c/<code>/edit", methods=["GET", "POST"])
@login_required
def clip_edit(code: str):
    clip = _clip_or_404(code)
    _guard(clip)
    form = ActionForm()
    error = None
    if form.validate_on_submit():
        try:
            start_ms, end_ms = _times(request.form.get("start", ""), request.form.get("end", ""))
            service.update_clip(current_user, clip, start_ms, end_ms, request.form.get("title", ""), request.form.get("note", ""))
        except (ClipError, service.ClipFieldError) as err:
            error = str(err)
        else:
            flash(_("Extrait modifié."), "success")
            return redirect(links.clip_url(clip.code))
    values = request.form if request.method == "POST" else None
    return render_template("clips/edit.html", clip=clip, form=form, error=error, values=values), 400 if error else 200


@bp.route("/c/<code>/delete", methods=["GET", "POST"])
@login_required
def clip_delete(code: str):
    """Asks first (a page, so that it works without JavaScript), then puts the clip in the trash."""
    clip = _clip_or_404(code)
    _guard(clip)
    form = ActionForm()
    if request.method == "GET":
        used_in = sorted({item.collection.title for item in service.collections_using(clip)})
        return render_template("clips/delete.html", owned=clip, kind="clip", used_in=used_in, days=service.TRASH_DAYS, form=form)
    if not form.validate_on_submit():
        abort(400)
    service.delete_clip(current_user, clip)
    message = _("Extrait « %(title)s » mis à la corbeille : vous pouvez le restaurer pendant %(days)s jours.", title=clip.title, days=service.TRASH_DAYS)
    flash(message, "success")
    return redirect(url_for("clips.trash"))


@bp.post("/c/<code>/restore")
@login_required
def clip_restore(code: str):
    clip = _clip_or_404(code, trashed=True)
    _guard(clip)
    if not ActionForm().validate_on_submit():
        abort(400)
    service.restore_clip(current_user, clip)
    flash(_("Extrait « %(title)s » restauré : son lien fonctionne de nouveau.", title=clip.title), "success")
    return redirect(links.clip_url(clip.code))


# -- collections -----------------------------------------------------------------------------------


@bp.post("/collections/new")
@login_required
def collection_new():
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        collection = service.create_collection(current_user, request.form.get("title", ""), request.form.get("intro", ""))
    except service.ClipFieldError as err:
        flash(str(err), "error")
        return redirect(url_for("clips.my_clips"))
    return redirect(url_for("clips.collection_edit", code=collection.code))


@bp.get("/k/<code>")
def collection(code: str):
    collection = _collection_or_404(code, trashed=True)
    if service.in_trash(collection):
        return _removed(collection, "collection")
    items = []
    for item in collection.items:
        state = service.clip_state(item.clip)
        webinar = item.clip.webinar
        items.append(
            {
                "item": item,
                "clip": item.clip,
                "state": state,
                "media": links.media_url(webinar) if state == "ok" else None,
                "excerpt": service.excerpt(webinar, item.clip.start_ms, item.clip.end_ms) if state == "ok" else [],
            }
        )
    url = links.collection_url(collection.code, external=True)
    return render_template(
        "clips/collection.html",
        collection=collection,
        items=items,
        url=url,
        can_edit=service.can_edit(current_user, collection),
        action=ActionForm() if current_user.is_authenticated else None,
    )


@bp.route("/k/<code>/edit", methods=["GET", "POST"])
@login_required
def collection_edit(code: str):
    collection = _collection_or_404(code)
    _guard(collection)
    form = ActionForm()
    error = None
    if form.validate_on_submit():
        notes = {item.id: request.form.get(f"note-{item.id}", item.note) for item in collection.items}
        # "Monter", "Descendre" and "Retirer" are buttons of this form: what was typed is saved with the move.
        item_id, _sep, move = request.form.get("move", "").partition(":")
        try:
            service.update_collection(current_user, collection, request.form.get("title", ""), request.form.get("intro", ""), notes)
        except service.ClipFieldError as err:
            error = str(err)
        else:
            anchor = "items"
            if move in ("up", "down") and item_id.isascii() and item_id.isdigit():
                service.move_item(current_user, collection, int(item_id), -1 if move == "up" else 1)
                anchor = f"item-{item_id}"
            elif move == "remove" and item_id.isascii() and item_id.isdigit():
                service.remove_item(current_user, collection, int(item_id))
            else:
                anchor = ""
            flash(_("Parcours enregistré.") if not move else _("Parcours enregistré, dans le nouvel ordre."), "success")
            return redirect(url_for("clips.collection_edit", code=collection.code) + (f"#{anchor}" if anchor else ""))
    return render_template("clips/collection_edit.html", collection=collection, form=form, error=error), 400 if error else 200


@bp.post("/k/<code>/items")
@login_required
def collection_add(code: str):
    collection = _collection_or_404(code)
    _guard(collection)
    if not ActionForm().validate_on_submit():
        abort(400)
    clip = service.find_clip(request.form.get("clip", ""))
    if clip is None:
        flash(_("Aucun extrait ne porte ce code."), "error")
    elif service.in_trash(clip):
        flash(_("Cet extrait est dans la corbeille : restaurez-le pour l'ajouter."), "error")
    else:
        service.add_to_collection(current_user, collection, clip, request.form.get("note", ""))
        flash(_("« %(title)s » ajouté au parcours.", title=clip.title), "success")
    return redirect(url_for("clips.collection_edit", code=collection.code))


@bp.post("/k/<code>/duplicate")
@login_required
def collection_duplicate(code: str):
    collection = _collection_or_404(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    copy = service.duplicate_collection(current_user, collection)
    flash(_("Copie créée : elle est à vous."), "success")
    return redirect(url_for("clips.collection_edit", code=copy.code))


@bp.route("/k/<code>/delete", methods=["GET", "POST"])
@login_required
def collection_delete(code: str):
    collection = _collection_or_404(code)
    _guard(collection)
    form = ActionForm()
    if request.method == "GET":
        return render_template("clips/delete.html", owned=collection, kind="collection", used_in=[], days=service.TRASH_DAYS, form=form)
    if not form.validate_on_submit():
        abort(400)
    service.delete_collection(current_user, collection)
    message = _(
        "Parcours « %(title)s » mis à la corbeille : vous pouvez le restaurer pendant %(days)s jours.", title=collection.title, days=service.TRASH_DAYS
    )
    flash(message, "success")
    return redirect(url_for("clips.trash"))


@bp.post("/k/<code>/restore")
@login_required
def collection_restore(code: str):
    collection = _collection_or_404(code, trashed=True)
    _guard(collection)
    if not ActionForm().validate_on_submit():
        abort(400)
    service.restore_collection(current_user, collection)
    flash(_("Parcours « %(title)s » restauré : son lien fonctionne de nouveau.", title=collection.title), "success")
    return redirect(links.collection_url(collection.code))


@bp.get("/k/<code>/kit")
def collection_kit(code: str):
    """The collection as an A4 handout (print it from the browser, or take its PDF)."""
    collection = _collection_or_404(code)
    return render_template("clips/kit.html", **_kit(collection))


def _too_many_pdfs(wait: int) -> str:
    return ngettext(
        "Trop de PDF demandés en peu de temps depuis votre adresse : réessayez dans %(num)s seconde.",
        "Trop de PDF demandés en peu de temps depuis votre adresse : réessayez dans %(num)s secondes.",
        wait,
    )


@bp.get("/k/<code>/kit.pdf")
@limited("kit", "KIT_PDF_RATE_PER_MINUTE", too_many=_too_many_pdfs)
def collection_kit_pdf(code: str):
    collection = _collection_or_404(code)
    static_folder = current_app.static_folder
    if static_folder is None:  # never: create_app gives the app its static folder
        abort(503)
    html = render_template("clips/kit.html", pdf=True, **_kit(collection))
    try:
        pdf = kits.kit_pdf(html, request.host_url, url_for("static", filename="", _external=True), static_folder)
    except kits.KitError as err:
        abort(503, str(err))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="parcours-{collection.code}.pdf"'
    return response


def _kit(collection: Collection) -> dict:
    return {"collection": collection, "entries": kits.kit_entries(collection), "url": links.collection_url(collection.code, external=True)}


@bp.get("/k/<code>/qr.svg")
def collection_qr(code: str):
    collection = _collection_or_404(code)
    return _qr(links.collection_url(collection.code, external=True), _("QR code : %(title)s", title=collection.title))


# -- embeds and oEmbed -------------------------------------------------------------------------------


def _embed(webinar: Webinar, start_ms: int, end_ms: int, title: str):
    return render_template(
        "clips/embed.html",
        webinar=webinar,
        start_ms=start_ms,
        segment=service.Segment(start_ms, end_ms),
        title=title,
        cues=service.excerpt(webinar, start_ms, end_ms),
        link=links.segment_url(webinar.slug, start_ms, end_ms, external=True),
    )


@bp.get("/embed/<slug>")
def embed_segment(slug: str):
    webinar = get_published_webinar(slug)
    segment, notice = service.parse_segment(request.args.get("start"), request.args.get("end"), webinar)
    if segment is None:
        segment = service.Segment(0, webinar.duration_ms or 0)
    return _embed(webinar, segment.start_ms, segment.end_ms, webinar.title)


@bp.get("/embed/c/<code>")
def embed_clip(code: str):
    clip = _clip_or_404(code)
    if service.clip_state(clip) != "ok" or clip.webinar is None:  # ("ok": the clip has its webinar, published)
        return render_template("clips/embed_gone.html", clip=clip, state=service.clip_state(clip)), 410
    return _embed(clip.webinar, clip.start_ms, clip.end_ms, clip.title)


@bp.get("/oembed")
def oembed():
    if (request.args.get("format") or "json") != "json":  # the oEmbed answer to other formats is 501
        return json_error(501, _("Seul le format json est proposé."))
    try:
        target = urlsplit(request.args.get("url", ""))
        netloc = target.netloc
    except ValueError:  # "http://[::1" and other addresses that are not URLs
        abort(404)
    if netloc and netloc != request.host:
        abort(404)
    parts = [p for p in target.path.split("/") if p]
    width = bounded_int(request.args.get("maxwidth"), EMBED_WIDTH, 200, EMBED_WIDTH)
    height = width * EMBED_HEIGHT // EMBED_WIDTH
    if len(parts) == 2 and parts[0] == "c":
        clip = _clip_or_404(parts[1])
        if service.clip_state(clip) != "ok":
            abort(404)
        title, src = clip.title, url_for("clips.embed_clip", code=clip.code, _external=True)
        author = clip.webinar.title
    elif len(parts) == 2 and parts[0] == "webinars":
        webinar = get_published_webinar(parts[1])
        query = parse_qs(target.query)
        segment, _notice = service.parse_segment((query.get("start") or [None])[0], (query.get("end") or [None])[0], webinar)
        params = {}
        if segment:
            params = {"start": links.seconds_param(segment.start_ms), "end": links.seconds_param(segment.end_ms)}
        title, src, author = webinar.title, url_for("clips.embed_segment", slug=webinar.slug, _external=True, **params), webinar.title
    else:
        abort(404)
    html = (
        f'<iframe src="{src}" width="{width}" height="{height}" title="{_attr(title)}" '
        'loading="lazy" referrerpolicy="strict-origin" allow="fullscreen" style="border:0"></iframe>'
    )
    return jsonify(
        {
            "version": "1.0",
            "type": "video",
            "title": title,
            "author_name": author,
            "provider_name": current_app.config["ORGANISATION_NAME"],
            "provider_url": url_for("public.home", _external=True),
            "html": html,
            "width": width,
            "height": height,
        }
    )


def _attr(text: str) -> str:
    return str(escape(text))


@bp.post("/c/<code>/add")
@login_required
def clip_add_to_collection(code: str):
    clip = _clip_or_404(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    chosen = request.form.get("collection", "")
    if chosen == "new":  # "Nouveau parcours…": one named after the clip, to rename in its editor
        collection = service.create_collection(current_user, _("Parcours : %(title)s", title=clip.title)[: service.TITLE_MAX])
    else:
        collection = _collection_or_404(chosen)
        _guard(collection)
    service.add_to_collection(current_user, collection, clip, request.form.get("note", ""))
    flash(_("Ajouté au parcours « %(title)s ».", title=collection.title), "success")
    if chosen == "new":
        return redirect(url_for("clips.collection_edit", code=collection.code))
    return redirect(links.clip_url(clip.code))
