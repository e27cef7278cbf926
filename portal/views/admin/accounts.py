"""Administration: accounts (create, disable, reset link)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.forms import (
    ActionForm,
    UserCreateForm,
    add_error,
)
from portal.models import User
from portal.services import accounts, audit
from portal.views.admin import bp


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserCreateForm()
    reset_link = None
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.password.data, form.role.data)
        except accounts.AccountError as err:
            add_error(form.email, str(err))
        except accounts.PasswordError as err:
            add_error(form.password, str(err))
        else:
            flash(_("Compte créé pour %(email)s.", email=user.email), "success")
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
            flash(_("Vous ne pouvez pas désactiver votre propre compte."), "error")
        else:
            accounts.set_active(user, enable)
            audit.record("account.enable" if enable else "account.disable", "account", user.id, user.email)
            db.session.commit()
            flash(_("Compte %(email)s réactivé.", email=user.email) if enable else _("Compte %(email)s désactivé.", email=user.email), "success")
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
