"""A recording uploaded in the browser: checked by ffprobe, stored under its SHA-256, given to its webinar."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, gettext as _

from media_meta.errors import MediaProbeError
from media_meta.probe import MediaInfo, probe
from media_meta.stored import stored_name
from portal.extensions import db
from media_meta.stored import file_size
from portal.models import Webinar
from portal.services import audit
from portal.uploads import INCOMING, HashingFile, remove_stale_parts


class MediaUploadError(ValueError):
    """An upload that changed nothing, and why (a complete sentence, in the admin's language)."""


def attach_upload(webinar: Webinar, upload: object, user=None) -> MediaInfo:
    """Make an uploaded file the webinar's recording: the real duration becomes the webinar's, the
    previous file stays on disk (other webinars or clips may use it). Raises MediaUploadError, changing nothing.

    ``upload`` is what the request holds for the file, if anything: only a HashingFile (the stream the
    form parser wrote the upload to, portal/uploads.py) is a file to take."""
    media_dir = Path(current_app.config["MEDIA_DIR"])
    remove_stale_parts(media_dir / INCOMING)
    if not isinstance(upload, HashingFile) or upload.size == 0:
        raise MediaUploadError(_("Choisissez un fichier audio ou vidéo à envoyer."))
    upload.flush()
    try:
        info = probe(upload.path)
    except MediaProbeError as err:
        raise MediaUploadError(_("Enregistrement refusé : %(error)s", error=err)) from None
    name = stored_name(upload.hexdigest(), info.extension)  # as every stored file: its content names it
    target = media_dir / name
    if not target.exists():
        os.link(upload.path, target)  # same disk: instant; the .part is removed when the request ends
    before = webinar.media_src if webinar.media_kind == "file" else None
    webinar.media_kind, webinar.media_src, webinar.media_type = "file", name, info.media_type
    webinar.duration_ms = info.duration_ms
    with force_locale("fr"):  # the audit log is kept in French, whoever reads the admin in English
        details = f"{info.describe()}, {file_size(upload.size)}" + (f" (avant : {before})" if before else "")
    audit.record("webinar.media", "webinar", webinar.id, webinar.title, details, user=user)
    db.session.commit()
    return info
