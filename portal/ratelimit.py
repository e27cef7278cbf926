"""Requests per address and minute, counted in the database so that every worker shares the count."""

from __future__ import annotations

import logging
import time
from functools import wraps
from typing import Callable

from flask import current_app, make_response, request
from flask_babel import ngettext
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from portal.extensions import db
from portal.models import RequestCount

WINDOW_S = 60
log = logging.getLogger(__name__)


def hit(key: str, limit: int, now: float | None = None) -> int:
    """Count one request under ``key``; the seconds to wait if that makes more than ``limit`` this minute, else 0."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_S)
    table = RequestCount.__table__
    try:
        return _count(table, key, window, limit, now)
    except SQLAlchemyError as err:
        # A full disk, a locked database, a schema not upgraded yet (`flask init`): searching matters more.
        log.warning("Rate limit not counted for %s: %s", key, err.__class__.__name__)
        return 0


def _count(table, key: str, window: int, limit: int, now: float) -> int:
    # Its own short transaction: a search writes nothing else, and must not commit a view's session.
    with db.engine.begin() as connection:
        counted = connection.execute(
            update(table).where(table.c.key == key, table.c.minute == window).values(count=table.c.count + 1)
        ).rowcount
        if not counted:
            try:
                with connection.begin_nested():
                    connection.execute(insert(table).values(key=key, minute=window, count=1))
            except IntegrityError:  # another worker inserted it first
                connection.execute(update(table).where(table.c.key == key, table.c.minute == window).values(count=table.c.count + 1))
            connection.execute(delete(table).where(table.c.minute < window - 1))
        count = connection.execute(select(table.c.count).where(table.c.key == key, table.c.minute == window)).scalar_one()
    return 0 if count <= limit else max(1, int((window + 1) * WINDOW_S - now))


def too_many_searches(wait: int) -> str:
    return ngettext(
        "Trop de recherches en peu de temps depuis votre adresse : réessayez dans %(num)s seconde.",
        "Trop de recherches en peu de temps depuis votre adresse : réessayez dans %(num)s secondes.",
        wait,
    )


def limited(bucket: str, setting: str, too_many: Callable[[int], str] = too_many_searches) -> Callable:
    """Answer 429 (with Retry-After, HTML or JSON) past ``config[setting]`` requests a minute per address;
    ``too_many(seconds)`` is the sentence that says so."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            limit = int(current_app.config.get(setting) or 0)
            if limit:
                wait = hit(f"{bucket}:{request.remote_addr or '?'}", limit)
                if wait:
                    from portal.errors import render_error

                    response = make_response(render_error(429, too_many(wait)))
                    response.headers["Retry-After"] = str(wait)
                    return response
            return view(*args, **kwargs)

        return wrapped

    return decorator
