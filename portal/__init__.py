"""The replay portal: a Flask application composed from media_meta and search_index."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from config import CONFIGS, INSECURE_SECRET_KEYS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PATH_KEYS = ("MEDIA_DIR", "SEARCH_INDEX_DIR", "RESOURCE_DIR")


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the app: config, extensions, blueprints, error pages, CLI."""
    name = config_name or os.environ.get("PORTAL_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"PORTAL_ENV={name!r} is not one of {sorted(CONFIGS)}")
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get(
        "PORTAL_INSTANCE_PATH", str(PROJECT_ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
    )
    from portal.params import RecordIdConverter

    app.url_map.converters["int"] = RecordIdConverter
    app.config.from_object(CONFIGS[name])
    app.config.from_prefixed_env("PORTAL")
    app.config.update(overrides)
    _resolve_paths(app)
    _check_production(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = int(app.config["TRUSTED_PROXIES"])
        # Flask's documented way to add a WSGI middleware (see Flask.wsgi_app); mypy refuses any assignment to a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    from portal.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    login_manager.init_app(app)

    from portal import auth, delivery, errors, i18n, metrics, security, templating, uploads
    from portal.cli import register_cli
    from portal.services import indexing
    from portal.views import admin, api, clips, feeds, health, language, public, resources, search
    from portal.views import auth as auth_views
    from portal.views.admin import content_notes, editor, media, reports, synonyms

    i18n.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    delivery.init_app(app)
    errors.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(synonyms.bp)
    app.register_blueprint(content_notes.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(clips.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(language.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(editor.bp)
    uploads.init_app(app)
    health.init_app(app)
    indexing.init_app(app)
    register_cli(app)
    return app


def _resolve_paths(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    for key in PATH_KEYS:
        path = Path(app.config[key])
        if not path.is_absolute():
            path = Path(app.instance_path) / path
        app.config[key] = str(path)


def _check_production(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    if app.config.get("SECRET_KEY") in INSECURE_SECRET_KEYS | {None}:
        raise RuntimeError(
            "Production refuses to start without a real secret key: set PORTAL_SECRET_KEY "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if not app.config.get("TRUSTED_HOSTS") and not app.config.get("SERVER_NAME"):
        raise RuntimeError(
            "Production refuses to start without the portal's host name: set PORTAL_TRUSTED_HOSTS "
            "(for example: PORTAL_TRUSTED_HOSTS='[\"replays.example.org\"]'), so that links are never built from a forged Host header."
        )
