"""Administration: catalogue, transcripts (upload, preview, versions, corrections), accounts, audit, operations.

Every route here is for signed-in admins only (checked once, before any view runs).
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from media_meta.errors import TranscriptError
from portal.auth import admins_only
from portal.extensions import db
from portal.forms import (
    ActionForm,
    ConfirmUploadForm,
    ResourceForm,
    ResourceLinkForm,
    CueEditForm,
    SpeakerForm,
    ThemeForm,
    TranscriptUploadForm,
    UserCreateForm,
    WebinarForm,
    choices,
)
from portal.params import bounded_int, record_id
from portal.models import RESOURCE_KINDS, AuditEvent, Cue, ErrorReport, Resource, ResourceLink, Speaker, Theme, Transcript, User, Webinar
from portal.services import accounts, audit, indexing
from portal.formatting import thousands
from portal.services import reports as reports_service
from portal.services import resources as resource_service
from media_meta.errors import MediaMetaError
from media_meta.timecodes import parse_timecode
from portal.services.transcripts import (
    VersionConflict,
    activate_version,
    active_cues,
    changes_from_active,
    confirm_upload,
    cues_of,
    edit_cue,
    pending_upload,
    stage_upload,
)
from portal.services.webinars import WebinarData, WebinarFormError, delete_webinar, form_values, save_webinar, set_published

bp = Blueprint("admin", __name__, url_prefix="/admin")
admins_only(bp)
PREVIEW_CUES = 40
MAX_SHOWN_CHANGES = 300  # changed lines listed on a page (all are counted)
AUDIT_PAGE = 50


def _webinar(webinar_id: int) -> Webinar:
    webinar = db.session.get(Webinar, webinar_id)
    if webinar is None:
        abort(404, "Ce webinaire n'existe pas (ou plus).")
    return webinar


@bp.get("/")
def dashboard():
    webinars = list(db.session.scalars(select(Webinar).order_by(Webinar.starts_at.desc())))
    return render_template("admin/dashboard.html", webinars=webinars, action=ActionForm())


# -- webinars ------------------------------------------------------------------------------------


def _theme_choices(form: WebinarForm) -> None:
    form.themes.choices = choices(*((t.slug, t.label) for t in db.session.scalars(select(Theme).order_by(Theme.position))))


def _save(form: WebinarForm, webinar: Webinar | None):
    data = WebinarData(**{name: form[name].data or ([] if name == "themes" else "") for name in WebinarData.__dataclass_fields__})
    data.published, data.is_demo = bool(form.published.data), bool(form.is_demo.data)
    try:
        return save_webinar(webinar, data)
    except WebinarFormError as err:
        for name, messages in err.errors.items():
            form[name].errors = list(form[name].errors) + messages
        return None


@bp.route("/webinars/new", methods=["GET", "POST"])
def webinar_new():
    form = WebinarForm()
    _theme_choices(form)
    if form.validate_on_submit():
        webinar = _save(form, None)
        if webinar is not None:
            flash(f"Webinaire « {webinar.title} » créé. Ajoutez maintenant sa transcription.", "success")
            return redirect(url_for("admin.transcripts", webinar_id=webinar.id))
    return render_template("admin/webinar_form.html", form=form, webinar=None), 400 if form.errors else 200


@bp.route("/webinars/<int:webinar_id>", methods=["GET", "POST"])
def webinar_edit(webinar_id: int):
    webinar = _webinar(webinar_id)
    form = WebinarForm(data=form_values(webinar) if request.method == "GET" else None)
    _theme_choices(form)
    if form.validate_on_submit():
        if _save(form, webinar) is not None:
            flash("Modifications enregistrées.", "success")
            return redirect(url_for("admin.webinar_edit", webinar_id=webinar.id))
    return render_template("admin/webinar_form.html", form=form, webinar=webinar, action=ActionForm()), 400 if form.errors else 200


@bp.post("/webinars/<int:webinar_id>/publish")
def webinar_publish(webinar_id: int):
    webinar = _webinar(webinar_id)
    if ActionForm().validate_on_submit():
        publish = request.form.get("published") == "1"
        set_published(webinar, publish)
        flash(f"« {webinar.title} » est {'publié' if publish else 'retiré du site'}.", "success")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("admin.dashboard"))


@bp.post("/webinars/<int:webinar_id>/delete")
def webinar_delete(webinar_id: int):
    webinar = _webinar(webinar_id)
    if ActionForm().validate_on_submit():
        if request.form.get("confirm_slug") != webinar.slug:
            flash("Pour supprimer, recopiez exactement le slug du webinaire.", "error")
            return redirect(url_for("admin.webinar_edit", webinar_id=webinar.id))
        title = webinar.title
        delete_webinar(webinar)
        flash(f"« {title} » a été supprimé.", "success")
    return redirect(url_for("admin.dashboard"))


def _same_site(url: str | None) -> bool:
    from portal.views.auth import safe_next

    if not url:
        return False
    root = request.host_url.rstrip("/")
    return url.startswith(root + "/") and safe_next(url[len(root):]) is not None


# -- transcripts ----------------------------------------------------------------------------------


@bp.route("/webinars/<int:webinar_id>/transcripts", methods=["GET", "POST"])
def transcripts(webinar_id: int):
    webinar = _webinar(webinar_id)
    form = TranscriptUploadForm()
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(int(request.max_content_length or 0) or None)
        try:
            token, parsed = stage_upload(webinar, raw, upload.filename or "transcription", current_user)
        except TranscriptError as err:
            error = err
            audit.record("transcript.rejected", "webinar", webinar.id, webinar.title, f"{upload.filename}: {err}")
            db.session.commit()
        else:
            return render_template(
                "admin/transcript_preview.html",
                webinar=webinar,
                parsed=parsed,
                preview=parsed.cues[:PREVIEW_CUES],
                filename=upload.filename,
                confirm=ConfirmUploadForm(token=token),
                diff=changes_from_active(webinar, parsed.cues),
                max_changes=MAX_SHOWN_CHANGES,
            )
    versions = list(db.session.scalars(select(Transcript).filter_by(webinar_id=webinar.id).order_by(Transcript.version.desc())))
    status = 400 if (error or form.errors) else 200
    return render_template(
        "admin/transcripts.html",
        webinar=webinar,
        form=form,
        error=error,
        versions=versions,
        action=ActionForm(),
        indexing_update=indexing.pending(webinar),
    ), status


@bp.get("/webinars/<int:webinar_id>/index-progress")
def index_progress(webinar_id: int):
    """Where the index update of a long transcript is (the transcript page asks every few seconds)."""
    update = indexing.pending(_webinar(webinar_id))
    if update is None:
        return jsonify(pending=False)
    return jsonify(pending=True, done=update.done, total=update.total, percent=update.percent)


@bp.post("/webinars/<int:webinar_id>/transcripts/confirm")
def transcript_confirm(webinar_id: int):
    webinar = _webinar(webinar_id)
    form = ConfirmUploadForm()
    if not form.validate_on_submit():
        abort(400)
    pending = pending_upload(webinar, form.token.data, current_user)
    if pending is None:
        flash("Cet envoi n'est plus en attente (déjà confirmé ou expiré) : renvoyez le fichier.", "error")
        return redirect(url_for("admin.transcripts", webinar_id=webinar.id))
    try:
        result = confirm_upload(webinar, pending, current_user)
    except TranscriptError as err:  # the configured limits changed since the preview
        flash(f"Le fichier n'a pas pu être enregistré : {err}", "error")
        return redirect(url_for("admin.transcripts", webinar_id=webinar.id))
    except VersionConflict as err:
        flash(str(err), "error")
        return redirect(url_for("admin.transcripts", webinar_id=webinar.id))
    lines = thousands(result.transcript.cue_count)
    if indexing.pending(webinar) is None:
        flash(f"Version {result.transcript.version} active ({lines} répliques) ; la recherche est à jour.", "success")
    else:
        flash(
            f"Version {result.transcript.version} active ({lines} répliques) : elle est en ligne, et la "
            "recherche la trouvera dès la fin de son indexation (ci-dessous).",
            "success",
        )
    return redirect(url_for("admin.transcripts", webinar_id=webinar.id))


@bp.get("/transcripts/<int:transcript_id>/download")
def transcript_download(transcript_id: int):
    transcript = db.session.get(Transcript, transcript_id)
    if transcript is None:
        abort(404)
    response = Response(transcript.raw, mimetype="application/octet-stream")
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in transcript.original_filename) or "transcription"
    response.headers["Content-Disposition"] = f'attachment; filename="v{transcript.version}-{ascii_name}"'
    response.headers["X-Checksum-SHA256"] = transcript.sha256
    return response


@bp.get("/transcripts/<int:transcript_id>/changes")
def transcript_changes(transcript_id: int):
    """What making this version active would change from the active one."""
    transcript = db.session.get(Transcript, transcript_id)
    if transcript is None:
        abort(404, "Cette version n'existe pas (ou plus).")
    webinar = transcript.webinar
    return render_template(
        "admin/transcript_changes.html",
        webinar=webinar,
        transcript=transcript,
        diff=changes_from_active(webinar, cues_of(transcript)),
        max_changes=MAX_SHOWN_CHANGES,
        action=ActionForm(),
    )


@bp.post("/transcripts/<int:transcript_id>/activate")
def transcript_activate(transcript_id: int):
    transcript = db.session.get(Transcript, transcript_id)
    if transcript is None:
        abort(404)
    if ActionForm().validate_on_submit():
        activate_version(transcript.webinar, transcript)
        flash(f"La version {transcript.version} est de nouveau active.", "success")
    return redirect(url_for("admin.transcripts", webinar_id=transcript.webinar_id))


@bp.get("/webinars/<int:webinar_id>/cues")
def cues(webinar_id: int):
    webinar = _webinar(webinar_id)
    return render_template("admin/cues.html", webinar=webinar, cues=active_cues(webinar))


@bp.route("/webinars/<int:webinar_id>/cues/<int:cue_id>", methods=["GET", "POST"])
def cue_edit(webinar_id: int, cue_id: int):
    webinar = _webinar(webinar_id)
    cue = db.session.get(Cue, cue_id)
    if cue is None or cue.transcript_id != webinar.active_transcript_id:
        abort(404, "Cette réplique n'appartient pas à la version active de la transcription.")
    report = db.session.get(ErrorReport, bounded_int(request.args.get("report"), 0, 0, 2**62)) if request.args.get("report") else None
    if report is not None and (report.webinar_id != webinar.id or report.status != "new"):
        report = None
    text = report.proposed if report is not None else cue.text
    note = f"Signalement {report.id}" if report is not None else ""
    form = CueEditForm(data={"speaker": cue.speaker or "", "text": text, "note": note} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            result = edit_cue(webinar, cue.id, form.text.data, form.speaker.data.strip() or None, current_user, form.note.data or "")
        except VersionConflict as err:
            flash(str(err), "error")
            return redirect(url_for("admin.cues", webinar_id=webinar.id))
        if report is not None:
            reports_service.set_status(report, "fixed")
        flash(f"Correction enregistrée dans la version {result.transcript.version} ; elle est déjà cherchable.", "success")
        moved = next((c for c in result.transcript.cues if c.position == cue.position), None)
        anchor = f"#cue-{moved.id}" if moved else ""
        return redirect(url_for("admin.cues", webinar_id=webinar.id) + anchor)
    return render_template("admin/cue_edit.html", webinar=webinar, cue=cue, form=form), 400 if form.errors else 200


# -- speakers and themes --------------------------------------------------------------------------


@bp.get("/speakers")
def speakers():
    return render_template("admin/speakers.html", speakers=list(db.session.scalars(select(Speaker).order_by(Speaker.name))))


@bp.route("/speakers/new", methods=["GET", "POST"])
@bp.route("/speakers/<int:speaker_id>", methods=["GET", "POST"])
def speaker_edit(speaker_id: int | None = None):
    speaker = db.session.get(Speaker, speaker_id) if speaker_id else None
    if speaker_id and speaker is None:
        abort(404)
    form = SpeakerForm(obj=speaker)
    if form.validate_on_submit():
        clash = db.session.scalar(select(Speaker).filter_by(name=form.name.data.strip()))
        if clash is not None and clash is not speaker:
            form.name.errors.append("Une fiche porte déjà ce nom.")
        else:
            speaker = speaker or Speaker()
            speaker.name, speaker.affiliation, speaker.bio = form.name.data.strip(), form.affiliation.data or "", form.bio.data or ""
            db.session.add(speaker)
            db.session.flush()
            audit.record("speaker.save", "speaker", speaker.id, speaker.name)
            for link in speaker.appearances:
                indexing.queue(webinar_id=link.webinar_id)
            db.session.commit()
            for link in speaker.appearances:
                indexing.webinar_changed(link.webinar)
            flash(f"Fiche de {speaker.name} enregistrée.", "success")
            return redirect(url_for("admin.speakers"))
    return render_template("admin/simple_form.html", form=form, title="Intervenant·e", back=url_for("admin.speakers")), 400 if form.errors else 200


@bp.get("/themes")
def themes():
    return render_template("admin/themes.html", themes=list(db.session.scalars(select(Theme).order_by(Theme.position))))


@bp.route("/themes/new", methods=["GET", "POST"])
@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
def theme_edit(theme_id: int | None = None):
    theme = db.session.get(Theme, theme_id) if theme_id else None
    if theme_id and theme is None:
        abort(404)
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        if theme is None:
            slug = (form.slug.data or "").strip()
            if not slug:
                form.slug.errors.append("Un nouveau thème a besoin d'un identifiant.")
            elif db.session.scalar(select(Theme).filter_by(slug=slug)):
                form.slug.errors.append("Ce thème existe déjà.")
            else:
                position = (db.session.scalar(select(func.max(Theme.position))) or 0) + 1
                theme = Theme(slug=slug, position=position)
                db.session.add(theme)
        if theme is not None and not form.slug.errors:
            theme.label, theme.description = form.label.data.strip(), form.description.data or ""
            db.session.flush()
            audit.record("theme.save", "theme", theme.id, theme.label)
            db.session.commit()
            flash("Thème enregistré.", "success")
            return redirect(url_for("admin.themes"))
    title = f"Thème « {theme.slug} »" if theme else "Nouveau thème"
    if theme is not None:
        del form.slug  # a slug is fixed once created: links and filters use it
    return render_template("admin/simple_form.html", form=form, title=title, back=url_for("admin.themes")), 400 if form.errors else 200


# -- accounts --------------------------------------------------------------------------------------


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserCreateForm()
    reset_link = None
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.password.data, form.role.data)
        except accounts.AccountError as err:
            form.email.errors.append(str(err))
        except accounts.PasswordError as err:
            form.password.errors.append(str(err))
        else:
            flash(f"Compte créé pour {user.email}.", "success")
            return redirect(url_for("admin.users"))
    all_users = list(db.session.scalars(select(User).order_by(User.email)))
    return render_template("admin/users.html", users=all_users, form=form, action=ActionForm(), reset_link=reset_link), 400 if form.errors else 200


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if ActionForm().validate_on_submit():
        enable = request.form.get("active") == "1"
        if user.id == current_user.id and not enable:
            flash("Vous ne pouvez pas désactiver votre propre compte.", "error")
        else:
            accounts.set_active(user, enable)
            audit.record("account.enable" if enable else "account.disable", "account", user.id, user.email)
            db.session.commit()
            flash(f"Compte {user.email} {'réactivé' if enable else 'désactivé'}.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/reset")
def user_reset(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    token = accounts.issue_reset(user, current_user)
    audit.record("account.reset_link", "account", user.id, user.email)
    db.session.commit()
    link = url_for("auth.reset", token=token, _external=True)
    return render_template("admin/reset_link.html", user=user, link=link, hours=int(accounts.RESET_LINK_LIFETIME.total_seconds() // 3600))


# -- audit and operations ----------------------------------------------------------------------


@bp.get("/audit")
def audit_log():
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    filters = {key: (request.args.get(key) or "").strip()[:100] for key in ("action", "target_type", "user")}
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"]))
    if filters["target_type"]:
        query = query.where(AuditEvent.target_type == filters["target_type"])
    if filters["user"]:
        query = query.where(AuditEvent.user_email.contains(filters["user"].lower()))
    page = bounded_int(request.args.get("page"), 1, 1, 10**9)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = list(db.session.scalars(query.limit(AUDIT_PAGE).offset((page - 1) * AUDIT_PAGE)))
    actions = sorted(db.session.scalars(select(AuditEvent.action).distinct()))
    return render_template(
        "admin/audit.html", events=events, filters=filters, actions=actions, page=page, pages=max(1, -(-total // AUDIT_PAGE)), total=total
    )


@bp.route("/operations", methods=["GET", "POST"])
def operations():
    form = ActionForm()
    if form.validate_on_submit():
        started = indexing.start_background_rebuild(announce=True)
        audit.record("index.rebuild", "index", None, "index de recherche", "démarrée" if started else "déjà en cours")
        db.session.commit()
        flash("Reconstruction de l'index lancée en arrière-plan ; le site reste disponible." if started else "Une reconstruction est déjà en cours.", "info")
        return redirect(url_for("admin.operations"))
    return render_template("admin/operations.html", status=indexing.status(), form=form, now=datetime.now(timezone.utc))


# -- resources ---------------------------------------------------------------------------------------


@bp.get("/resources")
def resources():
    items = list(db.session.scalars(select(Resource).order_by(Resource.title)))
    return render_template("admin/resources.html", resources=items)


def _resource_form(resource: Resource | None) -> ResourceForm:
    form = ResourceForm(obj=resource if request.method == "GET" else None)
    form.kind.choices = choices(*RESOURCE_KINDS.items())
    form.themes.choices = choices(*((t.slug, t.label) for t in db.session.scalars(select(Theme).order_by(Theme.position))))
    if request.method == "GET" and resource is not None:
        form.themes.data = [t.slug for t in resource.themes]
    return form


def _link_form() -> ResourceLinkForm:
    form = ResourceLinkForm()
    form.webinar.choices = choices(*((str(w.id), w.title) for w in db.session.scalars(select(Webinar).order_by(Webinar.starts_at))))
    return form


@bp.route("/resources/new", methods=["GET", "POST"])
@bp.route("/resources/<int:resource_id>", methods=["GET", "POST"])
def resource_edit(resource_id: int | None = None):
    resource = db.session.get(Resource, resource_id) if resource_id else None
    if resource_id and resource is None:
        abort(404)
    form = _resource_form(resource)
    if form.validate_on_submit():
        upload = None
        if form.file.data and form.file.data.filename:
            upload = (form.file.data.read(), form.file.data.filename)
        data = resource_service.ResourceData(
            title=form.title.data, kind=form.kind.data, description=form.description.data or "",
            language=form.language.data, url=form.url.data or "", themes=tuple(form.themes.data or ()),
        )  # fmt: skip
        try:
            saved = resource_service.save_resource(resource, data, upload)
        except resource_service.ResourceError as err:
            form[err.field].errors = list(form[err.field].errors) + [err.message]
        else:
            flash("Ressource enregistrée.", "success")
            return redirect(url_for("admin.resource_edit", resource_id=saved.id))
    return render_template(
        "admin/resource_form.html", form=form, resource=resource, link_form=_link_form(), action=ActionForm()
    ), 400 if form.errors else 200


@bp.post("/resources/<int:resource_id>/links")
def resource_link(resource_id: int):
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    form = _link_form()
    if form.validate_on_submit():
        webinar = db.session.get(Webinar, record_id(form.webinar.data))  # one of the form's choices
        try:
            at = parse_timecode(form.at.data) if form.at.data else None
            resource_service.link_resource(resource, webinar, at, form.note.data or "")
        except (MediaMetaError, resource_service.ResourceError) as err:
            flash(f"Lien non ajouté : {err}", "error")
        else:
            flash(f"Ressource liée à « {webinar.title} ».", "success")
    return redirect(url_for("admin.resource_edit", resource_id=resource.id) + "#links")


@bp.post("/resources/links/<int:link_id>/delete")
def resource_unlink(link_id: int):
    link = db.session.get(ResourceLink, link_id)
    if link is None:
        abort(404)
    resource_id = link.resource_id
    if ActionForm().validate_on_submit():
        resource_service.unlink(link)
        flash("Lien retiré.", "success")
    return redirect(url_for("admin.resource_edit", resource_id=resource_id) + "#links")


@bp.post("/resources/<int:resource_id>/delete")
def resource_delete(resource_id: int):
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    if ActionForm().validate_on_submit():
        resource_service.delete_resource(resource)
        flash("Ressource supprimée.", "success")
    return redirect(url_for("admin.resources"))


@bp.post("/resources/attach")
def resource_attach():
    """From a watch page: attach a resource at the moment being played."""
    form = ActionForm()
    webinar = db.session.scalar(select(Webinar).filter_by(slug=request.form.get("webinar", "")))
    resource_id = record_id(request.form.get("resource"))
    resource = db.session.get(Resource, resource_id) if resource_id else None
    if not form.validate_on_submit() or webinar is None or resource is None:
        abort(400)
    try:
        at = parse_timecode(request.form.get("at", "")) if request.form.get("at") else None
        resource_service.link_resource(resource, webinar, at, request.form.get("note", ""))
    except (MediaMetaError, resource_service.ResourceError) as err:
        flash(f"Ressource non attachée : {err}", "error")
        return redirect(url_for("public.webinar", slug=webinar.slug))
    flash(f"« {resource.title} » attachée à ce moment.", "success")
    return redirect(url_for("public.webinar", slug=webinar.slug, t=request.form.get("at") or None))
