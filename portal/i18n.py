"""The interface's language (Flask-Babel): French by default and as the reference, English next.

A visitor's explicit choice (the header's switch, kept in a cookie, no account needed) wins, then the
browser's ``Accept-Language``, then French. Messages are written in French in the code and the
templates (the msgids); ``portal/translations/en`` holds the English catalogues: ``messages`` for the
pages and the Python code, ``js`` for the scripts (sent to them by :func:`js_catalogue`).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from babel import dates
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.support import Translations
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, format_datetime, format_decimal, format_number, get_locale, gettext
from markupsafe import Markup

import media_meta.i18n
import search_index.i18n

LANGUAGES = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"
COOKIE = "langue"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

babel = Babel()


def select_language() -> str:
    """The cookie's choice, then the browser's preference, then French."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    g.language_negotiated = True  # the response varies by Accept-Language and Cookie
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def language() -> str:
    """The current page's language code (``fr``, ``en``): ``<html lang>``, feeds, JSON-LD."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_language, default_locale=DEFAULT_LANGUAGE,
                   default_translation_directories=str(TRANSLATIONS_DIR), default_timezone=app.config["DEFAULT_TIMEZONE"])
    # The libraries' sentences are translated through the same catalogue (French outside a request).
    media_meta.i18n.install(gettext)
    search_index.i18n.install(gettext)
    # {% trans %} blocks are written across lines like the HTML around them: their whitespace is collapsed.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(language=language, languages=LANGUAGES, js_catalogue=js_catalogue, display_zone=display_zone)
    app.jinja_env.filters.update(long_date=long_date, local_time=local_time, seeded=seeded, number=format_number, decimal=format_decimal)

    @app.after_request
    def _vary(response: Response) -> Response:
        if getattr(g, "language_negotiated", False):
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
            response.headers.setdefault("Content-Language", language())
        return response


def N_(text: str) -> str:
    """Marks a text the portal stores (the seeded themes) for extraction; :func:`seeded` shows it translated."""
    return text


def seeded(text: str) -> str:
    """A catalogue text in the page's language when the portal itself wrote it (the four themes as
    ``flask init`` creates them); a text an admin wrote or changed is shown as written."""
    return gettext(text) if text else text


def long_date(value: datetime, with_time: bool = True) -> str:
    """``mardi 26 mars 2024 à 12:30`` / ``Tuesday, March 26, 2024 at 12:30 PM``, in the value's own time zone
    (a webinar's, given by the caller), never shifted to the visitor's."""
    locale = get_locale() or DEFAULT_LANGUAGE
    day = dates.format_date(value, "full", locale=locale)
    if not with_time:
        return day
    return gettext("%(date)s à %(time)s", date=day, time=dates.format_time(value, "short", tzinfo=value.tzinfo, locale=locale))


def display_zone() -> str:
    """The zone the portal shows its own events in (``DEFAULT_TIMEZONE``), by its name: ``Europe/Paris``."""
    return str(current_app.config["DEFAULT_TIMEZONE"])


def local_time(value: datetime | None, with_zone: bool = True) -> str:
    """When something happened in the portal (an upload, a report, an audit entry), in the configured zone
    and saying which: ``3 déc. 2026, 17:05:09 (Europe/Paris)``. Stored times without a zone are UTC.

    A webinar's own schedule is :func:`long_date`'s, in the webinar's zone."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    shown = format_datetime(value, "medium")
    return gettext("%(time)s (%(zone)s)", time=shown, zone=display_zone()) if with_zone else shown


_js_catalogues: dict[str, tuple[float, str]] = {}


def js_catalogue() -> Markup:
    """The scripts' messages in the page's language, as JSON for ``<script type="application/json">``.

    Empty in French: the scripts' own strings are the French reference.
    """
    code = language()
    mo = TRANSLATIONS_DIR / code / "LC_MESSAGES" / "js.mo"
    if code == DEFAULT_LANGUAGE or not mo.exists():
        return Markup("{}")
    mtime = mo.stat().st_mtime
    cached = _js_catalogues.get(code)
    if cached is None or cached[0] != mtime:
        with mo.open("rb") as handle:
            catalogue = Translations(handle, domain="js")
        entries = {key: value for key, value in catalogue._catalog.items() if isinstance(key, str) and key}
        # "</" never closes the script element it is in.
        cached = (mtime, json.dumps(entries, ensure_ascii=False, sort_keys=True).replace("</", "<\\/"))
        _js_catalogues[code] = cached
    return Markup(cached[1])


def compile_catalogues(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile each ``.po`` whose ``.mo`` is missing or older (``make setup`` and the tests call it)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = read_po(source)
        with mo.open("wb") as target:
            write_mo(target, catalogue)  # fuzzy entries are left out: they wait for a translator
        written.append(mo)
    return written


# Where each domain's messages are marked (the mapping files at the top of the repository).
DOMAINS = {"messages": ("babel.cfg", ()), "js": ("babel-js.cfg", ("portalT",))}


def extract_messages(domain: str) -> Catalog:
    """Every message marked in the code, templates or scripts of ``domain``, as a fresh catalogue."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = TRANSLATIONS_DIR.parent.parent
    mapping_file, keywords = DOMAINS[domain]
    with (root / mapping_file).open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, mapping_file)
    catalogue = Catalog(domain=domain, fuzzy=False)
    all_keywords = dict(DEFAULT_KEYWORDS) | {"_l": None, "N_": None} | {name: None for name in keywords}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=all_keywords, comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
        # Babel skips folders named "_…" by default: templates/_macros and _partials hold messages too.
        directory_filter=lambda path: not os.path.basename(path).startswith(".") and os.path.basename(path) not in {"__pycache__", "node_modules"},
    ):
        # The line numbers are not written (write_po's include_lineno=False): a catalogue changes with its messages only.
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalogue


def update_catalogues() -> None:
    """``make messages``: extract every domain and bring each language's ``.po`` up to date with it."""
    from babel.messages.pofile import read_po, write_po

    for domain in DOMAINS:
        template = extract_messages(domain)
        for po in sorted(TRANSLATIONS_DIR.glob(f"*/LC_MESSAGES/{domain}.po")):
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parent.parent.name, domain=domain)
            catalogue.update(template, no_fuzzy_matching=True)
            catalogue.obsolete.clear()
            with po.open("wb") as target:
                write_po(target, catalogue, width=120, sort_output=True, include_lineno=False)
            missing = sum(1 for message in catalogue if message.id and (not message.string or message.fuzzy))
            print(f"{po.relative_to(TRANSLATIONS_DIR.parent.parent)}: {len(catalogue)} messages, {missing} to translate")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["update"]:
        update_catalogues()
    for path in compile_catalogues():
        print(f"compiled {path.relative_to(TRANSLATIONS_DIR.parent.parent)}")
