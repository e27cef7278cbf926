"""Atom feeds (feedgen): the latest webinars, a theme's, and a saved search's passages.

A feed reader polls them: a new webinar, or a new passage saying what a search looks for (a
transcript published or replaced), appears as a new entry. Entry ids are the stable links people
open, so a reader never shows the same entry twice.
"""

from __future__ import annotations

from datetime import datetime, timezone

from feedgen.feed import FeedGenerator
from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from media_meta.timecodes import format_clock
from portal import links
from portal.extensions import db
from portal.i18n import language, seeded
from portal.models import Theme, Webinar
from portal.services.search import SearchPage, run_search

MAX_ENTRIES = 50
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


class FeedError(ValueError):
    """A feed that cannot be made from what was asked (the message says why, for the person, in their language)."""


def _feed(title: str, page_url: str, feed_url: str, subtitle: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.author({"name": current_app.config["ORGANISATION_NAME"]})
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    feed.language(language())  # the feed's own words are in the reader's language
    return feed


def _aware(value: datetime | None) -> datetime:
    if value is None:
        return EPOCH
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def webinars_feed(theme_slug: str | None = None) -> bytes:
    """The latest published webinars, newest first; a theme's only when ``theme_slug`` is given."""
    site = current_app.config["SITE_NAME"]
    query = select(Webinar).where(Webinar.published.is_(True)).order_by(Webinar.starts_at.desc()).limit(MAX_ENTRIES)
    if theme_slug is None:
        feed = _feed(site, url_for("public.catalogue", _external=True), url_for("feeds.webinars", _external=True), _("Les derniers webinaires publiés."))
    else:
        theme = db.session.scalar(select(Theme).filter_by(slug=theme_slug))
        if theme is None:
            raise FeedError(_("Ce thème n'existe pas."))
        query = query.where(Webinar.themes.contains(theme))
        feed = _feed(
            _("%(site)s · Thème : %(theme)s", site=site, theme=seeded(theme.label)),
            url_for("public.theme", slug=theme.slug, _external=True),
            url_for("feeds.theme", slug=theme.slug, _external=True),
            seeded(theme.description) or _("Les webinaires du thème %(theme)s.", theme=seeded(theme.label)),
        )
    webinars = list(db.session.scalars(query))
    feed.updated(max((_aware(w.updated_at) for w in webinars), default=EPOCH))
    for webinar in reversed(webinars):  # feedgen puts each added entry first
        entry = feed.add_entry()
        url = links.watch_url(webinar.slug, external=True)
        entry.id(url)
        entry.title(webinar.title)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(_aware(webinar.starts_at))
        entry.updated(_aware(webinar.updated_at))
        entry.summary(webinar.question or webinar.description or webinar.title)
        for theme in webinar.themes:
            entry.category(term=theme.slug, label=seeded(theme.label))
    return feed.atom_str(pretty=True)


def search_feed(args) -> bytes:
    """The passages a search finds, each an entry dated when its transcript was published."""
    text = (args.get("q") or "").strip()
    if not text:
        raise FeedError(_("Indiquez les mots recherchés : /search.atom?q=…"))
    page: SearchPage = run_search({"q": text, "theme": args.get("theme"), "exact": args.get("exact")})
    if page.unavailable:
        raise FeedError(page.unavailable)
    query = {"q": page.query, "theme": page.theme}
    feed = _feed(
        _("« %(query)s » · %(site)s", query=page.query, site=current_app.config["SITE_NAME"]),
        url_for("search.results", **query, _external=True),
        url_for("feeds.search", **query, _external=True),
        _("Les passages des replays qui répondent à cette recherche. Thème : %(theme)s.", theme=page.theme)
        if page.theme
        else _("Les passages des replays qui répondent à cette recherche."),
    )
    entries = []
    for group in page.groups:
        webinar = group.webinar
        said_at = _aware(webinar.active_transcript.uploaded_at if webinar.active_transcript else webinar.updated_at)
        for hit in group.hits:
            entries.append((said_at, webinar, hit))
    # The newest transcripts first; within one, its passages in the order they are said.
    entries.sort(key=lambda e: (-e[0].timestamp(), e[1].id, e[2].start_ms))
    entries = entries[:MAX_ENTRIES]
    feed.updated(max((e[0] for e in entries), default=EPOCH))
    for said_at, webinar, hit in reversed(entries):
        entry = feed.add_entry()
        url = links.watch_url(webinar.slug, hit.start_ms, q=page.query, external=True)
        entry.id(url)
        entry.title(f"{webinar.title} · {format_clock(hit.start_ms)}")
        entry.link(href=url, rel="alternate", type="text/html")
        entry.updated(said_at)
        said = _("%(speaker)s : %(passage)s", speaker=Markup.escape(hit.speaker), passage=hit.snippet_html) if hit.speaker else hit.snippet_html
        entry.content(f"<p>{said}</p>", type="html")
    return feed.atom_str(pretty=True)
