"""Signing in and out, changing one's password, one-time reset links."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.links import safe_next
from portal.forms import ActionForm, LoginForm, PasswordChangeForm, ResetForm, add_error
from portal.services import accounts, audit

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def home_for(user) -> str:
    return url_for("admin.dashboard") if user.is_admin else url_for("public.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        email = form.email.data
        address = request.remote_addr or "?"
        wait = accounts.wait_before_attempt(email, address)
        if wait:
            response = make_response(render_template("auth/login.html", form=form, error=accounts.wait_message(wait)), 429)
            response.headers["Retry-After"] = str(wait)
            return response
        user = accounts.authenticate(email, form.password.data)
        if user is None:
            accounts.record_failure(email, address)
            error = _("Adresse e-mail ou mot de passe incorrect (ou compte désactivé).")
        else:
            try:
                accounts.clear_failures(email, address)
                session.clear()  # a new session at sign-in: nothing carried over from before
                _sign_in(user, remember=form.remember.data)
                audit.record("account.sign_in", "account", user.id, user.email, user=user)
                db.session.commit()
            except SQLAlchemyError:  # a sign-in must be recorded to be revocable: no record, no sign-in
                db.session.rollback()
                logout_user()
                session.clear()
                log.exception("Sign-in of %s could not be recorded", user.email)
                error = _("Votre connexion n'a pas pu être enregistrée (le serveur manque de place ou est occupé) : réessayez dans quelques minutes.")
                return render_template("auth/login.html", form=form, error=error), 503
            return redirect(safe_next(form.next.data) or home_for(user))
    status = 200 if request.method == "GET" or not (form.errors or error) else 400
    return render_template("auth/login.html", form=form, error=error), status


def _sign_in(user, remember: bool) -> None:
    """A new revocable sign-in for this device, as long as the remember cookie (or the session) lasts."""
    lasting = current_app.config["REMEMBER_COOKIE_DURATION"] if remember else current_app.config["SIGN_IN_LIFETIME"]
    accounts.start_sign_in(user, lasting if isinstance(lasting, timedelta) else timedelta(seconds=int(lasting)))
    login_user(user, remember=remember)


@bp.post("/logout")
def logout():
    form = ActionForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        accounts.end_sign_in(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("public.home"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    form = ActionForm()
    if form.validate_on_submit():
        count = accounts.end_all_sign_ins(current_user)
        audit.record("account.sign_out_all", "account", current_user.id, current_user.email, f"{count} connexion(s) fermée(s)")
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Vous êtes déconnecté·e de tous les appareils, y compris celui-ci."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.change_password"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        right, wait = accounts.check_password_attempt(current_user, form.current.data, request.remote_addr or "?")
        if wait:
            add_error(form.current, accounts.wait_message(wait))
        elif not right:
            add_error(form.current, _("Mot de passe actuel incorrect."))
        else:
            try:
                accounts.set_password(current_user, form.password.data)
            except accounts.PasswordError as err:
                add_error(form.password, str(err))
            else:
                user = current_user._get_current_object()
                # Every other device is signed out by the change; this one gets a new sign-in.
                remember = bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))
                _sign_in(user, remember=remember)
                audit.record("account.password_change", "account", user.id, user.email)
                db.session.commit()
                flash(_("Mot de passe modifié : vos autres appareils sont déconnectés."), "success")
                return redirect(home_for(user))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    found = accounts.find_reset(token)
    if found is None:
        abort(
            404,
            _(
                "Ce lien de réinitialisation n'est pas valable : il a déjà servi, a expiré ou a été remplacé. "
                "Demandez-en un nouveau à un·e administrateur·rice."
            ),
        )
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user = accounts.use_reset(found, form.password.data or "")
        except accounts.PasswordError as err:
            add_error(form.password, str(err))
        else:
            accounts.clear_failures(user.email)
            audit.record("account.password_reset", "account", user.id, user.email, user=user)
            db.session.commit()
            flash(_("Mot de passe enregistré : vous pouvez vous connecter."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, email=found.user.email), 400 if form.errors else 200
