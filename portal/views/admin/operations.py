"""Administration: the search index's state and its rebuild."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.extensions import db
from portal.forms import (
    ActionForm,
)
from portal.services import audit, indexing
from portal.views.admin import bp


@bp.route("/operations", methods=["GET", "POST"])
def operations():
    form = ActionForm()
    if form.validate_on_submit():
        started = indexing.start_background_rebuild(announce=True)
        audit.record("index.rebuild", "index", None, "index de recherche", "démarrée" if started else "déjà en cours")
        db.session.commit()
        if started:
            flash(_("Reconstruction de l'index lancée en arrière-plan ; le site reste disponible."), "info")
        else:
            flash(_("Une reconstruction est déjà en cours."), "info")
        return redirect(url_for("admin.operations"))
    return render_template("admin/operations.html", status=indexing.status(), form=form, now=datetime.now(timezone.utc))
