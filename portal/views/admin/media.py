"""Administration: upload a webinar's recording in the browser (streamed to disk, checked by ffprobe)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.auth import admins_only
from portal.errors import json_error
from media_meta.stored import file_size
from portal.forms import ActionForm
from portal.services import media as service
from portal.views.admin import webinar_or_404

bp = Blueprint("media_upload", __name__, url_prefix="/admin/webinars/<int:webinar_id>/media")
admins_only(bp)



def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/", methods=["GET", "POST"], endpoint="upload")
def upload(webinar_id: int):
    """The form, and the upload it sends: JSON for the page's script (which shows the progress), a page without it."""
    webinar = webinar_or_404(webinar_id)
    form = ActionForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            error = _("Le formulaire a expiré : rechargez la page puis envoyez de nouveau le fichier.")
        else:
            try:
                info = service.attach_upload(webinar, request.files.get("file") and request.files["file"].stream)
            except service.MediaUploadError as err:
                error = str(err)
            else:
                message = _("Nouvel enregistrement en ligne : %(recording)s. La durée du webinaire est maintenant celle du fichier.", recording=info.describe())
                if _wants_json():
                    flash(message, "success")
                    return jsonify({"ok": True, "redirect": url_for("media_upload.upload", webinar_id=webinar.id)})
                flash(message, "success")
                return redirect(url_for("media_upload.upload", webinar_id=webinar.id))
        if _wants_json():
            return json_error(400, error)
    limit = file_size(current_app.config["MAX_MEDIA_BYTES"])
    return render_template("admin/media.html", webinar=webinar, form=form, error=error, limit=limit), 400 if error else 200
