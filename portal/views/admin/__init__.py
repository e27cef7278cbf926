"""Administration, one module per feature (as Indico's per-feature modules): webinars, transcripts,
speakers and themes, accounts, audit, operations, resources; the editor, recordings and content
notes have their own blueprints here too. Every route is for signed-in admins only (checked once,
before any view runs).
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _

from portal.auth import admins_only
from portal.extensions import db
from portal.models import Webinar

bp = Blueprint("admin", __name__, url_prefix="/admin")
admins_only(bp)


def webinar_or_404(webinar_id: int) -> Webinar:
    webinar = db.session.get(Webinar, webinar_id)
    if webinar is None:
        abort(404, _("Ce webinaire n'existe pas (ou plus)."))
    return webinar


# The feature modules add their routes to ``bp`` (imported last: they import it).
from portal.views.admin import accounts, audit, operations, resources, speakers_and_themes, transcripts, webinars  # noqa: E402,F401
