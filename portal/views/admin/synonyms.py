"""Administration of the thesaurus: the groups of synonyms and acronyms every search applies."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.auth import admins_only
from portal.extensions import db
from portal.forms import ActionForm, SynonymForm, add_error
from portal.models import SynonymGroup
from portal.services import synonyms as service

bp = Blueprint("synonyms", __name__, url_prefix="/admin/synonyms")
admins_only(bp)


def _group(group_id: int) -> SynonymGroup:
    group = db.session.get(SynonymGroup, group_id)
    if group is None:
        abort(404, _("Ce groupe de synonymes n'existe pas (ou plus)."))
    return group


@bp.route("/", methods=["GET", "POST"])
def index():
    """The list, with the form to add a group on top."""
    form = SynonymForm()
    if form.validate_on_submit():
        try:
            group = service.save_group(None, form.expressions.data or "", form.note.data or "")
        except service.SynonymError as err:
            add_error(form.expressions, str(err))
        else:
            flash(_("Groupe ajouté : %(expressions)s. Il s'applique dès la prochaine recherche.", expressions=" = ".join(group.expression_list)), "success")
            return redirect(url_for("synonyms.index"))
    status = 400 if form.errors else 200
    return render_template("admin/synonyms.html", form=form, groups=service.all_groups(), action=ActionForm(), max_groups=service.MAX_GROUPS), status


@bp.route("/<int:group_id>", methods=["GET", "POST"])
def edit(group_id: int):
    group = _group(group_id)
    form = SynonymForm(data={"expressions": "\n".join(group.expression_list), "note": group.note})
    if form.validate_on_submit():
        try:
            service.save_group(group, form.expressions.data or "", form.note.data or "")
        except service.SynonymError as err:
            db.session.rollback()
            add_error(form.expressions, str(err))
        else:
            flash(_("Groupe enregistré. Il s'applique dès la prochaine recherche."), "success")
            return redirect(url_for("synonyms.index"))
    title = _("Synonymes : %(name)s", name=group.expression_list[0] if group.expression_list else group.id)
    return render_template("admin/simple_form.html", form=form, title=title, back=url_for("synonyms.index")), 400 if form.errors else 200


@bp.post("/<int:group_id>/delete")
def delete(group_id: int):
    group = _group(group_id)
    if ActionForm().validate_on_submit():
        label = " = ".join(group.expression_list)
        service.delete_group(group)
        flash(_("Groupe supprimé : %(expressions)s.", expressions=label), "success")
    else:
        flash(_("Le formulaire a expiré : rechargez la page et recommencez."), "error")
    return redirect(url_for("synonyms.index"))
