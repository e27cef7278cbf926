"""Search as the pages and the API see it: request arguments in, webinars and links out."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from portal import links, metrics
from portal.extensions import db
from portal.params import bounded_int
from portal.models import Resource, ResourceLink, Theme, Webinar
from portal.services.indexing import ensure_index, get_store, index_unavailable
from portal.services.synonyms import search_groups as synonym_groups
from portal.services.transcripts import CueLine, active_cues
from portal.services.webinars import find_published
from search_index.analysis import language
from search_index.highlighting import highlight, match_spans
from search_index.parsing import clean_text
from search_index.query import SearchRequest, SearchResult, search, search_within
from search_index.store import IndexUnavailable

SORTS = ("relevance", "date")


@dataclass(frozen=True)
class HitView:
    start_ms: int
    end_ms: int
    speaker: str | None
    snippet_html: Markup
    url: str
    via: tuple[str, ...] = ()  # the synonyms that found it, when it does not say what was typed


@dataclass
class GroupView:
    webinar: Webinar
    hit_count: int
    hits: list[HitView]


@dataclass
class SearchPage:
    query: str
    theme: str | None = None
    speaker: str | None = None
    webinar: Webinar | None = None
    sort: str = "relevance"
    result: SearchResult | None = None
    groups: list[GroupView] = field(default_factory=list)
    webinar_matches: list[tuple[Webinar, Markup]] = field(default_factory=list)
    resource_matches: list[tuple[Resource, Markup, list]] = field(default_factory=list)
    facet_themes: list[tuple[Theme, int]] = field(default_factory=list)
    facet_speakers: list[tuple[str, int]] = field(default_factory=list)
    facet_webinars: list[tuple[Any, int]] = field(default_factory=list)  # (row with id, slug, title; count)
    notices: list[str] = field(default_factory=list)
    unavailable: str | None = None
    corrected_from: str | None = None  # what was typed, when the page shows its corrected spelling's results
    loosened: bool = False  # no passage holds every word: the page shows those holding the most of them
    browse_themes: list[Theme] = field(default_factory=list)  # offered when nothing is found
    latest: list[Webinar] = field(default_factory=list)

    @property
    def total_hits(self) -> int:
        return self.result.total_hits if self.result else 0


Args = Mapping[str, str | None]  # the request's arguments (request.args, or a feed's few)


def run_search(args: Args, *, within: Webinar | None = None) -> SearchPage:
    """Parse the request arguments (never trusting them), search, and load what the page shows."""
    text = clean_text(args.get("q"))
    page = SearchPage(query=text, sort=_sort(args))
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    _filters(args, themes, within, page)
    if not text:
        return page
    page.unavailable = ensure_index()
    if page.unavailable:
        return page
    result = _searched(_request(args, text, page), page)
    if result is None:
        return page
    text = _take_result(result, page)
    _load_groups(result, text, page)
    _load_resources(result, page)
    _load_facets(result, themes, page)
    if not page.groups and not page.webinar_matches and not page.resource_matches:
        _somewhere_to_go(themes, page)
    return page


def _sort(args: Args) -> str:
    """The order asked for, if it is one the search knows."""
    sort = args.get("sort")
    return sort if sort is not None and sort in SORTS else "relevance"


def _filters(args: Args, themes: dict[str, Theme], within: Webinar | None, page: SearchPage) -> None:
    """The theme, speaker and webinar filters on the page; an unknown theme or webinar is ignored with a notice."""
    theme = args.get("theme") or None
    if theme and theme not in themes:
        page.notices.append(_("Thème inconnu « %(theme)s » : filtre ignoré.", theme=theme))
        theme = None
    page.theme = theme
    page.speaker = (args.get("speaker") or "").strip()[:200] or None
    webinar = within
    if webinar is None and args.get("webinar"):
        webinar = find_published(args.get("webinar"))
        if webinar is None:
            page.notices.append(_("Webinaire inconnu « %(webinar)s » : filtre ignoré.", webinar=args.get("webinar")))
    page.webinar = webinar


def _request(args: Args, text: str, page: SearchPage) -> SearchRequest:
    """The search to run for these words and the page's filters."""
    return SearchRequest(
        text=text,
        theme=page.theme,
        speaker=page.speaker,
        webinar_id=page.webinar.id if page.webinar else None,
        page=bounded_int(args.get("page"), 1, 1, 10_000),
        sort=page.sort,
        correct=not args.get("exact"),  # "Rechercher plutôt « harcelemnt »": the words as typed
        synonyms=synonym_groups(),
    )


def _searched(request: SearchRequest, page: SearchPage) -> SearchResult | None:
    """The search's result, timed; None (and why, on the page) when the index cannot answer."""
    started = time.perf_counter()
    try:
        result = search(get_store(), request)
    except IndexUnavailable as err:
        page.unavailable = index_unavailable(err)
        return None
    metrics.observe_search(metrics.search_kind(request.text), time.perf_counter() - started)
    return result


def _take_result(result: SearchResult, page: SearchPage) -> str:
    """The result and its notices on the page; returns the words the hits' links carry (those that found them)."""
    page.result = result
    page.notices += result.notices
    page.loosened = result.loosened
    if result.corrected_from is not None:
        page.corrected_from, page.query = result.corrected_from, result.text
    return result.text


def _load_groups(result: SearchResult, text: str, page: SearchPage) -> None:
    """The page's webinars, with their hits and their own matches, as they are published now."""
    # The page's webinars with their themes in one query.
    shown = {g.webinar_id for g in result.groups} | {m.webinar_id for m in result.webinar_matches}
    webinars = {w.id: w for w in db.session.scalars(_published(Webinar, shown).options(selectinload(Webinar.themes)))}
    for group in result.groups:
        w = webinars.get(group.webinar_id)
        if w is None:  # unpublished since it was indexed
            continue
        hits = [
            HitView(h.start_ms, h.end_ms, h.speaker, Markup(h.snippet_html), links.watch_url(w.slug, h.start_ms, q=text), h.via)
            for h in group.hits
        ]
        page.groups.append(GroupView(w, group.hit_count, hits))
    page.webinar_matches = [
        (webinars[m.webinar_id], Markup(m.snippet_html)) for m in result.webinar_matches if m.webinar_id in webinars
    ]


def _load_resources(result: SearchResult, page: SearchPage) -> None:
    """The resources found, each with the published moments it is linked to."""
    found = {}
    if result.resource_matches:
        query = select(Resource).where(Resource.id.in_([m.resource_id for m in result.resource_matches]))
        found = {r.id: r for r in db.session.scalars(query.options(selectinload(Resource.links).joinedload(ResourceLink.webinar)))}
    for match in result.resource_matches:
        resource = found.get(match.resource_id)
        if resource is not None:
            moments = [link for link in resource.links if link.webinar.published and link.start_ms is not None]
            page.resource_matches.append((resource, Markup(match.snippet_html), moments))


def _load_facets(result: SearchResult, themes: dict[str, Theme], page: SearchPage) -> None:
    """The facets' themes, speakers and published webinars with their counts."""
    # For the webinars, only slugs and titles (a common word is said in every webinar of a large catalogue).
    facet_ids = {int(w) for w in result.facets["webinars"]}
    names = {row.id: row for row in db.session.execute(_published(WebinarName, facet_ids))} if facet_ids else {}
    page.facet_themes = [(themes[s], n) for s, n in result.facets["themes"].items() if s in themes]
    page.facet_speakers = list(result.facets["speakers"].items())
    page.facet_webinars = [(names[int(w)], n) for w, n in result.facets["webinars"].items() if int(w) in names]


def _somewhere_to_go(themes: dict[str, Theme], page: SearchPage) -> None:
    """Nothing found: the themes to browse and the latest webinars."""
    page.browse_themes = sorted(themes.values(), key=lambda t: t.position)
    page.latest = list(db.session.scalars(select(Webinar).where(Webinar.published.is_(True)).order_by(Webinar.starts_at.desc()).limit(4)))


WebinarName = (Webinar.id, Webinar.slug, Webinar.title)


def _published(what: Any, ids: set[int]) -> Select[Any]:
    """A query for some published webinars (whole, or some of their columns)."""
    columns = what if isinstance(what, tuple) else (what,)
    return select(*columns).where(Webinar.id.in_(ids), Webinar.published.is_(True))


def page_as_json(page: SearchPage) -> dict:
    return {
        "query": page.query,
        "total_hits": page.total_hits,
        "page": page.result.page if page.result else 1,
        "pages": page.result.pages if page.result else 1,
        "webinars": [
            {
                "slug": g.webinar.slug,
                "title": g.webinar.title,
                "themes": [t.slug for t in g.webinar.themes],
                "hit_count": g.hit_count,
                "url": links.watch_url(g.webinar.slug),
                "hits": [
                    {"start_ms": h.start_ms, "end_ms": h.end_ms, "speaker": h.speaker, "snippet_html": str(h.snippet_html), "url": h.url, "via": list(h.via)}
                    for h in g.hits
                ],
            }
            for g in page.groups
        ],
        "webinar_matches": [{"slug": w.slug, "title": w.title, "snippet_html": str(s)} for w, s in page.webinar_matches],
        "resources": [
            {
                "id": r.id,
                "title": r.title,
                "kind": r.kind,
                "url": url_for("resources.resource", resource_id=r.id),
                "snippet_html": str(s),
                "moments": [{"webinar": m.webinar.slug, "start_ms": m.start_ms, "url": links.watch_url(m.webinar.slug, m.start_ms)} for m in moments],
            }
            for r, s, moments in page.resource_matches
        ],
        "facets": {
            "themes": {t.slug: n for t, n in page.facet_themes},
            "speakers": dict(page.facet_speakers),
            "webinars": {w.slug: n for w, n in page.facet_webinars},
        },
        "suggestion": page.result.suggestion if page.result else None,
        "corrected_from": page.corrected_from,
        "loosened": page.loosened,
        "notices": page.notices + ([page.unavailable] if page.unavailable else []),
    }


# -- inside one recording -----------------------------------------------------------------------


@dataclass
class WithinPage:
    """What the search box of a watch page shows: the matching lines of that recording, in time order."""

    query: str
    cues: list[CueLine] = field(default_factory=list)
    total: int = 0
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    notices: list[str] = field(default_factory=list)
    suggestion: str | None = None
    unavailable: str | None = None
    language: str = "fr"  # the recording's: its words are matched with its analysis

    def marked(self) -> dict[int, Markup]:
        """Each matching cue's text, escaped, with its matched words in ``<mark>``."""
        lang = language(self.language)
        return {c.id: Markup(highlight(c.text, self.terms, self.prefixes, lang=lang)) for c in self.cues}

    def spans(self, cue: CueLine) -> list[tuple[int, int]]:
        """Where the matched words of a cue are, in UTF-16 code units (as JavaScript counts)."""
        spans = match_spans(cue.text, self.terms, self.prefixes, language(self.language))
        return [(_utf16(cue.text, s), _utf16(cue.text, e)) for s, e in spans]


def search_webinar(webinar: Webinar, text: str, cues: list[CueLine] | None = None) -> WithinPage:
    """Search one webinar's active transcript (in its own language, synonyms applied); never raises."""
    text = clean_text(text)
    page = WithinPage(query=text, language=webinar.language or "fr")
    if not text:
        return page
    page.unavailable = ensure_index()
    if page.unavailable:
        return page
    started = time.perf_counter()
    try:
        found = search_within(get_store(), text, webinar.id, synonyms=synonym_groups())
    except IndexUnavailable as err:
        page.unavailable = index_unavailable(err)
        return page
    metrics.observe_search("within", time.perf_counter() - started)
    page.terms, page.prefixes = found.terms, found.prefixes
    page.notices, page.suggestion = found.notices, found.suggestion
    lines = cues if cues is not None else active_cues(webinar, only=found.cue_ids)
    by_id = {c.id: c for c in lines}
    # The index may briefly hold a previous version's cues: only the active transcript's lines count.
    page.cues = [by_id[i] for i in found.cue_ids if i in by_id]
    page.total = len(page.cues) + max(0, found.total - len(found.cue_ids))
    return page


def _utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def within_as_json(webinar: Webinar, page: WithinPage) -> dict:
    return {
        "webinar": webinar.slug,
        "query": page.query,
        "total": page.total,
        "hits": [
            {
                "cue": c.position,
                "start_ms": c.start_ms,
                "end_ms": c.end_ms,
                "url": links.watch_url(webinar.slug, c.start_ms, q=page.query),
                "marks": page.spans(c),
            }
            for c in page.cues
        ],
        "notices": page.notices + ([page.unavailable] if page.unavailable else []),
        "suggestion": page.suggestion,
        "search_all_url": url_for("search.results", q=page.query) if page.query else url_for("search.results"),
    }
