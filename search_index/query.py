"""Running a search: a request in, hits grouped by webinar, facets and highlighted snippets out.

What was typed is read by ``parsing``, matched and scored by ``scoring``, counted and grouped from
the documents' ``columns``; a query that finds nothing may be run again with its spelling corrected
(``suggestions``) or for most of its words; snippets are marked by ``highlighting``.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any, Callable

from whoosh import query as Q

from search_index.analysis import FRENCH, LANGUAGES, language
from search_index.columns import RESOURCE_DOC, WEBINAR_DOC, SearcherCache, searcher_cache
from search_index.highlighting import found_via, highlight, stem_spans
from search_index.i18n import _
from search_index.parsing import ParsedQuery, parse_query
from search_index.scoring import match_scores, ranked
from search_index.store import IndexStore
from search_index.suggestions import accented, suggest
from search_index.synonyms import thesaurus

MAX_PREFIX_TERMS = 300  # a prefix is expanded to at most this many words, the most frequent first


@dataclass(frozen=True)
class SearchRequest:
    text: str
    theme: str | None = None
    speaker: str | None = None
    webinar_id: int | None = None
    page: int = 1
    sort: str = "relevance"  # or "date"
    hits_per_group: int = 3
    groups_per_page: int = 10
    hits_per_page: int = 20
    correct: bool = True  # a query that finds nothing is run again with its spelling corrected
    loosen: bool = True  # a query of several words that finds nothing is run again for most of them
    suggest: bool = True  # a query that finds nothing gets a spelling suggestion (not the corrected run itself)
    synonyms: tuple[tuple[str, ...], ...] = ()  # groups of equivalent expressions (see synonyms.py)


@dataclass(frozen=True)
class Hit:
    cue_id: int
    webinar_id: int
    start_ms: int
    end_ms: int
    speaker: str | None
    text: str
    snippet_html: str
    score: float
    via: tuple[str, ...] = ()  # the synonyms it was found through, when it does not say what was typed


@dataclass
class Group:
    webinar_id: int
    hit_count: int
    hits: list[Hit]
    best_score: float


@dataclass(frozen=True)
class WebinarMatch:
    webinar_id: int
    snippet_html: str
    score: float


@dataclass(frozen=True)
class ResourceMatch:
    resource_id: int
    snippet_html: str
    score: float


@dataclass
class SearchResult:
    text: str
    total_hits: int = 0
    groups: list[Group] = field(default_factory=list)
    webinar_matches: list[WebinarMatch] = field(default_factory=list)
    resource_matches: list[ResourceMatch] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {"themes": {}, "speakers": {}, "webinars": {}})
    suggestion: str | None = None
    notices: list[str] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    expanded: bool = False  # one webinar, hits paginated
    corrected_from: str | None = None  # what was typed, when these are the results of its correction
    loosened: bool = False  # no passage holds every word: these hold most of them

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.webinar_matches and not self.resource_matches


# -- searching ------------------------------------------------------------------------------


def search(store: IndexStore, request: SearchRequest) -> SearchResult:
    """Run a search; raises IndexUnavailable only when the index cannot be opened."""
    parsed = parse_query(request.text, thesaurus(request.synonyms) if request.synonyms else None)
    result = SearchResult(text=request.text, notices=list(parsed.notices), expanded=request.webinar_id is not None)
    if parsed.query is None:
        return result
    with store.searching() as searcher:
        parsed = _in_every_language(searcher, parsed, request.text, request.synonyms)
        _run(searcher, parsed, request, result)
    if request.correct and result.suggestion and result.total_hits == 0 and result.is_empty:
        # A typo: the corrected words at once, rather than a "did you mean" to tap on a phone.
        corrected = search(store, replace(request, text=result.suggestion, correct=False, suggest=False))
        if not corrected.is_empty:
            corrected.text = accented(result.suggestion, request.text, (hit.snippet_html for group in corrected.groups for hit in group.hits))
            corrected.corrected_from = request.text
            corrected.notices = result.notices + corrected.notices
            return corrected
        result.suggestion = None  # it finds nothing either: not worth a tap
    if request.loosen and parsed.most_of is not None and result.total_hits == 0 and result.is_empty:
        # No passage says every word: those that say the most of them, rather than nothing.
        loose = SearchResult(text=request.text, notices=list(result.notices), expanded=result.expanded, loosened=True)
        with store.searching() as searcher:
            _run(searcher, replace(parsed, query=parsed.most_of), replace(request, suggest=False), loose)
        if not loose.is_empty:
            return loose
    return result


def _in_every_language(searcher: Any, french: ParsedQuery, text: str, synonyms: tuple[tuple[str, ...], ...]) -> ParsedQuery:
    """The query analysed in each language the index holds besides French, the matches merged
    (a document is in one language: it matches through its own language's fields only)."""
    others = [lang for code, lang in LANGUAGES.items() if lang is not FRENCH and searcher.doc_frequency("lang", code)]
    if not others:
        return french
    merged = replace(french, terms=set(french.terms), synonyms=list(french.synonyms))
    queries = [french.query]
    loose = [french.most_of] if french.most_of is not None else []
    for lang in others:
        parsed = parse_query(text, thesaurus(synonyms, lang.code) if synonyms else None, lang)
        if parsed.query is not None:
            queries.append(parsed.query)
            merged.terms |= parsed.terms
            merged.synonyms += parsed.synonyms
        if parsed.most_of is not None:
            loose.append(parsed.most_of)
    merged.query = Q.Or(queries)
    merged.most_of = Q.Or(loose) if len(loose) > 1 else (loose[0] if loose else None)
    return merged


@dataclass
class WithinResult:
    """The cues of one webinar that match a query, in the order they are said."""

    text: str
    cue_ids: list[int] = field(default_factory=list)
    total: int = 0  # may exceed len(cue_ids) when capped
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    notices: list[str] = field(default_factory=list)
    suggestion: str | None = None


def search_within(store: IndexStore, text: str, webinar_id: int, limit: int = 2000, synonyms: tuple[tuple[str, ...], ...] = ()) -> WithinResult:
    """Every cue of one webinar matching ``text`` (same language as the site search), in time order.

    What to highlight is returned as terms and prefixes (see ``match_spans``), so the caller can
    mark the text it shows, which is the database's. Raises IndexUnavailable only when the index
    cannot be opened.
    """
    parsed = parse_query(text, thesaurus(synonyms) if synonyms else None)
    result = WithinResult(text=text, terms=parsed.terms, prefixes=parsed.prefixes, notices=list(parsed.notices))
    if parsed.query is None:
        return result
    with store.searching() as searcher:
        parsed = _in_every_language(searcher, parsed, text, synonyms)
        result.terms = parsed.terms
        cache = searcher_cache(searcher)
        scores = match_scores(searcher, expand_prefixes(parsed.query, searcher, result.notices))
        owner, start = cache.owner, cache.start
        docs = sorted((d for d in scores if owner[d] == webinar_id), key=lambda d: (start[d], d))
        result.total = len(docs)
        result.cue_ids = [int(searcher.stored_fields(d)["doc_id"].split(":", 1)[1]) for d in docs[:limit]]
        if not docs:
            result.suggestion = suggest(searcher, text, parsed.words)
    return result


def search_resources(store: IndexStore, text: str, theme: str | None = None, limit: int = 500) -> list[ResourceMatch]:
    """Resources whose title, description or file text match, best first (for the library page)."""
    parsed = parse_query(text)
    if parsed.query is None:
        return []
    with store.searching() as searcher:
        parsed = _in_every_language(searcher, parsed, text, ())
        cache = searcher_cache(searcher)
        scores = match_scores(searcher, expand_prefixes(parsed.query, searcher, []))
        scored = ranked(scores, [d for d in cache.others if cache.owner[d] == RESOURCE_DOC and d in scores])
        return _resource_matches(searcher, scored, parsed, SearchRequest(text=text, theme=theme), limit=limit)


# -- running ---------------------------------------------------------------------------------


def _run(searcher: Any, parsed: ParsedQuery, request: SearchRequest, result: SearchResult) -> None:
    cache = searcher_cache(searcher)
    query = expand_prefixes(parsed.query, searcher, result.notices)

    # One pass over the index for every kind of document (three searches would read the postings
    # three times); the few webinar and resource documents are then looked up among the matches.
    scores = match_scores(searcher, query)
    owner, key = cache.owner, cache.key
    others = {code: ranked(scores, [d for d in cache.others if owner[d] == code and d in scores]) for code in (WEBINAR_DOC, RESOURCE_DOC)}
    # Hits by (webinar, speaker): every count below is read from this small table, not the hits.
    table = Counter(map(key.__getitem__, scores))
    webinar_ok = _webinar_filter(request, cache.webinar_themes)
    table_kept = {k: n for k, n in table.items() if k[0] >= 0 and webinar_ok(k[0]) and (not request.speaker or k[1] == request.speaker)}
    result.facets = _facets(table, request, cache.webinar_themes)
    result.total_hits = sum(table_kept.values())
    hit_count: Counter[int] = Counter()
    for (wid, _speaker), n in table_kept.items():
        hit_count[wid] += n

    def hits_of(webinars: set[int]) -> list[tuple[float, int]]:
        """The kept hits of some webinars, best first."""
        return ranked(scores, [d for d in scores if owner[d] in webinars and key[d] in table_kept])

    page = max(1, request.page)
    if result.expanded:
        wid = request.webinar_id or 0  # expanded: a webinar is asked for
        hits = hits_of({wid}) if wid in hit_count else []
        if request.sort == "date":
            hits.sort(key=lambda m: cache.start[m[1]])
        result.pages = max(1, math.ceil(len(hits) / request.hits_per_page))
        page = min(page, result.pages)
        shown = hits[(page - 1) * request.hits_per_page : page * request.hits_per_page]
        if hits:
            result.groups = [Group(wid, len(hits), [_hit(searcher, cache, m, parsed) for m in shown], hits[0][0])]
    else:
        result.pages = max(1, math.ceil(len(hit_count) / request.groups_per_page))
        page = min(page, result.pages)
        if request.sort == "date":
            starts = cache.webinar_starts
            order = sorted(hit_count, key=lambda w: (starts.get(w, 0), w), reverse=True)  # same date: the later created
        else:
            order = _by_best_hit(scores, cache, table_kept, page * request.groups_per_page)
        shown_webinars = order[(page - 1) * request.groups_per_page : page * request.groups_per_page]
        by_webinar: dict[int, list[tuple[float, int]]] = {wid: [] for wid in shown_webinars}
        for match in hits_of(set(shown_webinars)):
            by_webinar[owner[match[1]]].append(match)
        for wid in shown_webinars:
            best = by_webinar[wid]
            if request.sort == "date":
                best = sorted(best, key=lambda m: cache.start[m[1]])
            group = Group(wid, hit_count[wid], [], by_webinar[wid][0][0])
            group.hits = [_hit(searcher, cache, m, parsed) for m in best[: request.hits_per_group]]
            result.groups.append(group)
    result.page = page

    if page == 1 and not result.expanded and not request.speaker:
        result.webinar_matches = _webinar_matches(searcher, others[WEBINAR_DOC], parsed, request, cache.webinar_themes)
        result.resource_matches = _resource_matches(searcher, others[RESOURCE_DOC], parsed, request)
    if result.total_hits == 0 and not result.webinar_matches and not result.resource_matches and request.suggest:
        result.suggestion = suggest(searcher, request.text, parsed.words)


def expand_prefixes(query: Q.Query, searcher: Any, notices: list[str]) -> Q.Query:
    """Replace each prefix by the words it stands for in the index, loaded at once and capped."""
    reader = searcher.reader()

    def expand(node: Q.Query) -> Q.Query:
        if not isinstance(node, Q.Prefix):
            return node
        words = list(reader.expand_prefix(node.fieldname, node.text))
        if not words:
            return Q.NullQuery
        if len(words) > MAX_PREFIX_TERMS:
            words.sort(key=lambda w: reader.doc_frequency(node.fieldname, w), reverse=True)
            words = words[:MAX_PREFIX_TERMS]
            notices.append(
                _("« %(prefix)s* » correspond à beaucoup de mots : seuls les %(max)s plus fréquents sont cherchés.", prefix=node.text, max=MAX_PREFIX_TERMS)
            )
        terms = Q.Or([Q.Term(node.fieldname, w) for w in words])
        terms.matcher_type = Q.Or.ARRAY_MATCHER
        return terms

    return query.accept(expand)


def _by_best_hit(scores: dict[int, float], cache: SearcherCache, table_kept: dict[tuple[int, str | None], int], needed: int) -> list[int]:
    """At least ``needed`` webinars (all there are, if fewer) ordered by their best kept hit.

    Webinars appear in this order among the hits ranked best first; ranking only the best few
    hundred (a partial sort) finds the first ten webinars without sorting 100,000 hits.
    """
    owner, key = cache.owner, cache.key
    wanted = len({k[0] for k in table_kept})
    size = max(256, needed * 16)
    while True:
        top = heapq.nlargest(size, scores.items(), key=itemgetter(1))
        if len(top) < len(scores):  # every hit scoring as the last one kept, or ties would pick at random
            cut = top[-1][1]
            top = [item for item in top if item[1] > cut] + [item for item in scores.items() if item[1] == cut]
        top.sort(key=lambda item: (-item[1], item[0]))  # ties by document number, as Whoosh ranks
        order = list(dict.fromkeys(owner[d] for d, _ in top if key[d] in table_kept))
        if len(order) >= min(needed, wanted) or size >= len(scores):
            return order
        size *= 4


def _webinar_filter(request: SearchRequest, webinar_themes: dict[int, tuple[str, ...]]) -> Callable[[int], bool]:
    """Whether a webinar's hits pass the theme and webinar filters of a request."""
    theme, only = request.theme, request.webinar_id

    def ok(wid: int) -> bool:
        if theme and theme not in webinar_themes.get(wid, ()):
            return False
        return only is None or wid == only

    return ok


def _facets(table: Counter[tuple[int, str | None]], request: SearchRequest, webinar_themes: dict[int, tuple[str, ...]]) -> dict[str, dict[str, int]]:
    """Theme, speaker and webinar counts; each facet counts the hits the *other* filters let through."""
    counts: dict[str, Counter[Any]] = {"themes": Counter(), "speakers": Counter(), "webinars": Counter()}
    for (wid, spk), n in table.items():
        if wid < 0:
            continue
        themes = webinar_themes.get(wid, ())
        theme_ok = not request.theme or request.theme in themes
        speaker_ok = not request.speaker or spk == request.speaker
        webinar_ok = request.webinar_id is None or wid == request.webinar_id
        if speaker_ok and webinar_ok:
            for theme in themes:
                counts["themes"][theme] += n
        if theme_ok and webinar_ok and spk:
            counts["speakers"][spk] += n
        if theme_ok and speaker_ok:
            counts["webinars"][str(wid)] += n
    return {name: dict(sorted(c.items(), key=lambda item: (-item[1], item[0]))) for name, c in counts.items()}


def _hit(searcher: Any, cache: SearcherCache, match: tuple[float, int], parsed: ParsedQuery) -> Hit:
    score, docnum = match
    fields = searcher.stored_fields(docnum)
    text = fields.get("text", "")
    lang = language(fields.get("lang"))
    stemmed = stem_spans(text, lang)  # analysed once for the highlighting and « trouvé via »
    return Hit(
        cue_id=int(fields["doc_id"].split(":", 1)[1]),
        webinar_id=cache.owner[docnum],
        start_ms=int(cache.start[docnum] or 0),
        end_ms=int(fields.get("end_ms", 0)),
        speaker=cache.key[docnum][1],
        text=text,
        snippet_html=highlight(text, parsed.terms, parsed.prefixes, lang=lang, stemmed=stemmed),
        score=float(score),
        via=found_via(text, parsed.synonyms, lang, stemmed),
    )


def _webinar_matches(
    searcher: Any, scored: list[tuple[float, int]], parsed: ParsedQuery, request: SearchRequest, themes: dict[int, tuple[str, ...]]
) -> list[WebinarMatch]:
    out = []
    for score, docnum in scored:
        fields = searcher.stored_fields(docnum)
        wid = int(fields["webinar"])
        if request.theme and request.theme not in themes.get(wid, ()):
            continue
        if request.webinar_id is not None and wid != request.webinar_id:
            continue
        out.append(WebinarMatch(wid, highlight(fields.get("text", ""), parsed.terms, parsed.prefixes, window=40, lang=language(fields.get("lang"))), score))
    return out


def _resource_matches(searcher: Any, scored: list[tuple[float, int]], parsed: ParsedQuery, request: SearchRequest, limit: int = 10) -> list[ResourceMatch]:
    out = []
    for score, docnum in scored:
        fields = searcher.stored_fields(docnum)
        if request.theme and request.theme not in (fields.get("themes") or "").split(","):
            continue
        snippet = highlight(fields.get("text", ""), parsed.terms, parsed.prefixes, window=40, lang=language(fields.get("lang")))
        out.append(ResourceMatch(int(fields["resource"]), snippet, score))
        if len(out) >= limit:
            break
    return out
