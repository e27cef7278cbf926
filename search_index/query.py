"""Reading what people type, running it, grouping hits by webinar, counting facets, highlighting.

The query language is small and forgiving: words, ``"phrases"`` (an unclosed quote runs to
the end), ``-word`` or ``NOT word`` to exclude, ``OR``/``OU`` between two items, ``prefix*``.
Nothing a person types raises an error: what cannot be used is dropped and said in a notice.
"""

from __future__ import annotations

import heapq
import html
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any, Callable

from whoosh import query as Q

from search_index.analysis import FRENCH, LANGUAGES, Language, PhraseWord, elision_term, fold, language, pair_term, says
from search_index.i18n import _
from search_index.scoring import AcrossCues, MostOf, WordsInOrder, match_scores, ranked
from search_index.segments import per_segments, retain
from search_index.schema import BRIDGE_WORDS
from search_index.store import IndexStore
from search_index.synonyms import Expression, Thesaurus, thesaurus

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 20
MIN_PREFIX = 2
MAX_PREFIX_TERMS = 300  # a prefix is expanded to at most this many words, the most frequent first
MAX_SUGGESTED_WORDS = 3
MAX_SUGGESTED_LENGTH = 20
SUGGEST_BUDGET_S = 0.05
# To keep cues only, mask the other kinds of document: intersecting with "kind:cue", which
# matches nearly every document, costs several times the query itself (bench/RESULTS.md).
NOT_CUES = Q.Or([Q.Term("kind", "webinar"), Q.Term("kind", "resource")])
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # never in a query; \x01 marks a synonym (below)
_SYNONYM_MARK = "\x01"
_OR = {"OR", "OU", "|"}
_AND = {"AND", "ET", "&", "+"}
_NOT = {"NOT", "SAUF"}


@dataclass(frozen=True)
class SynonymUse:
    """Words of a query that a thesaurus group expanded: a hit that does not say them was found through another expression."""

    typed: str
    stems: tuple[tuple[str, ...], ...]  # each typed word's stem forms
    others: tuple[Expression, ...]
    language: str = "fr"  # the analysis these stems come from


@dataclass
class Clause:
    query: Q.Query
    terms: set[str] = field(default_factory=set)  # stemmed terms to highlight
    prefixes: set[str] = field(default_factory=set)  # folded prefixes to highlight
    words: list[str] = field(default_factory=list)  # plain words, for spelling suggestions
    synonyms: list[SynonymUse] = field(default_factory=list)


@dataclass
class ParsedQuery:
    query: Q.Query | None
    terms: set[str]
    prefixes: set[str]
    words: list[str]
    notices: list[str]
    only_negative: bool = False
    synonyms: list[SynonymUse] = field(default_factory=list)
    most_of: Q.Query | None = None  # several words: any of them, the more the better (when none holds them all)


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


# -- parsing --------------------------------------------------------------------------------


def clean_text(text: str | None) -> str:
    """What a person typed without control characters (never meant, and not allowed in XML feeds)."""
    return _CONTROL.sub(" ", text or "").strip()


def parse_query(text: str, synonyms: Thesaurus | None = None, lang: Language = FRENCH) -> ParsedQuery:  # noqa: C901 (README, Layout: the exceptions)
    """Turn what a person typed into a Whoosh query over one language's fields; never raises."""
    notices: list[str] = []
    text = clean_text(text)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(_("Votre recherche a été raccourcie à %(max)s caractères.", max=MAX_QUERY_CHARS))
    expanded: list[Clause] = []
    if synonyms:
        text, expanded = _with_synonyms(text, synonyms, lang)
    positives: list[list[Clause]] = []  # each inner list is an OR group
    negatives: list[Clause] = []
    pending_or = False
    negate_next = False
    dropped_stop = False
    short_prefix = False
    for match in _TOKEN.finditer(text):
        neg_quote, phrase, word = match.groups()
        if word is not None:
            if word in _OR:
                pending_or = bool(positives)
                continue
            if word in _AND:
                continue
            if word in _NOT:
                negate_next = True
                continue
            negated = word.startswith("-") and len(word) > 1
            if word.startswith(_SYNONYM_MARK):
                clause: Clause | None = expanded[int(word[1:])]
                reason: str | None = None
            else:
                clause, reason = _word_clause(word[1:] if negated else word, lang)
        else:
            negated = bool(neg_quote)
            clause, reason = _phrase_clause(phrase, lang)
        dropped_stop |= reason == "stop"
        short_prefix |= reason == "short_prefix"
        negated = negated or negate_next
        negate_next = False
        if clause is None:
            pending_or = False
            continue
        if negated:
            negatives.append(clause)
        elif pending_or and positives:
            positives[-1].append(clause)
        else:
            positives.append([clause])
        pending_or = False
        if len(positives) + len(negatives) >= MAX_CLAUSES:
            notices.append(_("Seuls les %(max)s premiers termes de la recherche sont pris en compte.", max=MAX_CLAUSES))
            break
    if short_prefix:
        notices.append(_("Une recherche par début de mot (mot*) demande au moins %(min)s lettres avant l'étoile.", min=MIN_PREFIX))
    if dropped_stop and not positives:
        notices.append(_("Les mots très courants (le, de, et…) ne sont pas recherchés seuls."))

    terms: set[str] = set()
    prefixes: set[str] = set()
    words: list[str] = []
    uses: list[SynonymUse] = []
    parts = []
    for group in positives:
        for clause in group:
            terms |= clause.terms
            prefixes |= clause.prefixes
            words += clause.words
            uses += clause.synonyms
        parts.append(group[0].query if len(group) == 1 else Q.Or([c.query for c in group]))
    if not parts:
        if negatives:
            notices.append(_("Une recherche ne peut pas contenir seulement des exclusions (-mot) : ajoutez un mot à chercher."))
        elif not notices:
            notices.append(_("Aucun mot à chercher dans cette recherche : essayez un mot ou une expression."))
        return ParsedQuery(None, terms, prefixes, words, notices, only_negative=bool(negatives))
    query: Q.Query = parts[0] if len(parts) == 1 else Q.And(parts)
    most_of = MostOf(parts) if len(parts) > 1 else None
    if negatives:
        excluded = Q.Or([c.query for c in negatives])
        query = Q.AndNot(query, excluded)
        most_of = Q.AndNot(most_of, excluded) if most_of is not None else None
    return ParsedQuery(query, terms, prefixes, words, notices, synonyms=uses, most_of=most_of)


def _with_synonyms(text: str, thesaurus: Thesaurus, lang: Language) -> tuple[str, list[Clause]]:
    """The query text with each run of unquoted words that says an expression of the thesaurus
    replaced by a mark, and the clause of each mark (what was typed, or the group's other expressions)."""
    items: list[tuple[int, int, tuple[str, ...]] | None] = []  # None: where no expression may run across
    negate_next = False
    for match in _TOKEN.finditer(text):
        word = match.group(3)
        plain = word is not None and not negate_next and word not in _OR | _AND and not word.startswith("-") and "*" not in word
        negate_next = word in _NOT
        if not plain or negate_next:
            items.append(None)
            continue
        items.append((match.start(), match.end(), tuple(lang.stem_forms(w)[0] for w in lang.query_words(word))))
    found: list[tuple[int, int, int, tuple[str, ...]]] = []  # start, end, group, key typed
    i = 0
    while i < len(items):
        first = items[i]
        if first is None or not first[2]:
            i += 1
            continue
        key: tuple[str, ...] = ()
        best = None
        for j in range(i, len(items)):
            item = items[j]
            if item is None:
                break
            key += item[2]
            if len(key) > thesaurus.longest:
                break
            group = thesaurus.group_of(key) if item[2] else None  # a small word never ends an expression
            if group is not None:
                best = (j, group, key)
        if best is None:
            i += 1
            continue
        j, group, key = best
        last = items[j]
        assert last is not None  # the loop above stops at a None
        found.append((first[0], last[1], group, key))
        i = j + 1
    clauses: list[Clause] = []
    for start, end, group, key in reversed(found):
        clauses.insert(0, _synonym_clause(text[start:end], thesaurus.groups[group], key, lang))
        text = f"{text[:start]} {_SYNONYM_MARK}{len(found) - len(clauses)} {text[end:]}"
    return text, clauses


def _synonym_clause(typed: str, group: tuple[Expression, ...], key: tuple[str, ...], lang: Language) -> Clause:
    """What was typed (its words, as without synonyms) or any other expression of its group, as an exact phrase."""
    parts = [c for c in (_word_clause(token, lang)[0] for token in typed.split()) if c is not None]
    queries = [parts[0].query if len(parts) == 1 else Q.And([c.query for c in parts])]
    terms = set().union(*(c.terms for c in parts))
    others = tuple(e for e in group if e.key != key)
    for other in others:
        if len(other.typed) == 1 and len(other.words) == 1:
            query, more = _word_term(other.words[0], lang)
        else:
            clause = _exact_phrase(list(other.typed), list(other.words), lang)
            query, more = clause.query, clause.terms
        queries.append(query)
        terms |= more
    words = [w for c in parts for w in c.words]
    use = SynonymUse(typed, tuple(lang.stem_forms(w) for w in words), others, lang.code)
    return Clause(Q.Or(queries), terms=terms, words=words, synonyms=[use])


def _word_term(word: str, lang: Language) -> tuple[Q.Query, set[str]]:
    forms = lang.stem_forms(word)
    field = lang.field("text")
    if len(forms) == 1:
        return Q.Term(field, forms[0]), {forms[0]}
    return Q.Or([Q.Term(field, f) for f in forms]), set(forms)


def _word_clause(token: str, lang: Language) -> tuple[Clause | None, str | None]:
    if token.endswith("*") and token.strip("*"):
        words = lang.query_words(token.rstrip("*?"))
        if not words:
            return None, "stop"
        *lead, last = words
        prefix = fold(last)
        if len(prefix) < MIN_PREFIX:
            return None, "short_prefix"
        if lead:  # "droit d'aut*": a phrase would need positions in the folded field; AND is close enough
            queries = [_word_term(w, lang)[0] for w in lead] + [Q.Prefix("folded", prefix)]
            terms = set().union(*(_word_term(w, lang)[1] for w in lead))
            return Clause(Q.And(queries), terms=terms, prefixes={prefix}), None
        return Clause(Q.Prefix("folded", prefix), prefixes={prefix}), None
    plain = token.replace("*", " ").replace("?", " ")
    words = lang.query_words(plain)
    if not words:
        return None, "short_prefix" if token.strip("*?") == "" and "*" in token else "stop"
    if len(words) == 1:
        query, terms = _word_term(words[0], lang)
        return Clause(query, terms=terms, words=words), None
    # A compound typed without quotes (mise-en-avant, aujourd'hui) is a phrase, its articles optional;
    # hyphenated, it is also the word written in one (cyber-harcèlement: cyberharcèlement).
    clause = _exact_phrase([PhraseWord(w.stem) for w in lang.phrase_words(plain)], words, lang)
    joined = plain.replace("-", "")
    if "-" in plain and re.fullmatch(r"\w+", joined) and lang.query_words(joined):
        query, terms = _word_term(lang.query_words(joined)[0], lang)
        clause = Clause(Q.Or([clause.query, query]), terms=clause.terms | terms, words=words)
    return clause, None


def _phrase_clause(phrase: str, lang: Language) -> tuple[Clause | None, str | None]:
    typed = lang.phrase_words(phrase)
    words = lang.query_words(phrase)  # the words that are not small words: highlighted, spell-checked
    if not typed:
        return None, "stop"
    if len(typed) == 1 and typed[0].elision is None:
        if not words:
            return None, "stop"
        query, terms = _word_term(words[0], lang)
        return Clause(query, terms=terms, words=words), None
    return _exact_phrase(typed, words, lang), None


def _exact_phrase(typed: list[PhraseWord], words: list[str], lang: Language) -> Clause:
    """Exactly these words in this order, small words included; an article typed must be said."""
    stems = [w.stem for w in typed]
    name = lang.field
    terms = [Q.Term(name("pairs"), elision_term(w.elision, w.stem)) for w in typed if w.elision]
    terms += [Q.Term(name("pairs"), pair_term(a, b)) for a, b in zip(stems, stems[1:], strict=False)]
    highlighted = {f for w in words for f in lang.stem_forms(w)}
    if len(terms) == 1:
        if len(stems) == 1:  # one word and its article
            return Clause(terms[0], terms=highlighted, words=words)
        # Two words: one indexed pair, within a cue or across its end (the cross field), exactly;
        # no position is read (Whoosh reads positions in pure Python, the slow part of phrases).
        pair = terms[0].text
        return Clause(Q.Or([terms[0], Q.Term(name("cross"), pair)]), terms=highlighted, words=words)
    # Said across two cues, wherever it is cut: this cue ends with its first k words (their pairs in
    # this cue, the pair at the cut in cross) and the next begins with the rest (checked, with the
    # articles, against the stored text and the next cue's first words).
    across = []
    for k in range(1, len(stems)):
        if len(stems) - k > BRIDGE_WORDS:
            continue
        parts = [Q.Term(name("cross"), pair_term(stems[k - 1], stems[k]))]
        parts += [Q.Term(name("pairs"), pair_term(a, b)) for a, b in zip(stems[: k - 1], stems[1:k], strict=False)]
        across.append(AcrossCues(parts, typed, k, lang))
    return Clause(Q.Or([WordsInOrder(terms, typed, lang), *across]), terms=highlighted, words=words)


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
            corrected.text = _accented(result.suggestion, request.text, corrected)
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


def _accented(suggestion: str, typed: str, result: SearchResult) -> str:
    """The suggestion with each corrected word as the passages found write it most often (« harcèlement »,
    not the index's folded « harcelement »)."""
    typed_words = {w.lower() for w in re.findall(r"\w+", typed)}
    said = Counter(
        word
        for group in result.groups
        for hit in group.hits
        for word in re.findall(r"\w+", html.unescape(re.sub(r"<[^>]+>", "", hit.snippet_html)))
    )

    def surface(match: re.Match[str]) -> str:
        word = match.group(0)
        if word.lower() in typed_words:
            return word
        forms = sorted(((n, form) for form, n in said.items() if fold(form) == fold(word)), reverse=True)
        lower = [form for _, form in forms if form.islower()]  # « Harcèlement » opening a sentence is « harcèlement »
        return lower[0] if lower else (forms[0][1] if forms else word)

    return re.sub(r"\w+", surface, suggestion)


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
        cache = _searcher_cache(searcher)
        scores = match_scores(searcher, _expand_prefixes(parsed.query, searcher, result.notices))
        owner, start = cache.owner, cache.start
        docs = sorted((d for d in scores if owner[d] == webinar_id), key=lambda d: (start[d], d))
        result.total = len(docs)
        result.cue_ids = [int(searcher.stored_fields(d)["doc_id"].split(":", 1)[1]) for d in docs[:limit]]
        if not docs:
            result.suggestion = _suggest(searcher, text, parsed.words)
    return result


def _run(searcher: Any, parsed: ParsedQuery, request: SearchRequest, result: SearchResult) -> None:
    cache = _searcher_cache(searcher)
    query = _expand_prefixes(parsed.query, searcher, result.notices)

    # One pass over the index for every kind of document (three searches would read the postings
    # three times); the few webinar and resource documents are then looked up among the matches.
    scores = match_scores(searcher, query)
    owner, key = cache.owner, cache.key
    others = {code: ranked(scores, [d for d in cache.others if owner[d] == code and d in scores]) for code in (_WEBINAR_DOC, _RESOURCE_DOC)}
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
        result.webinar_matches = _webinar_matches(searcher, others[_WEBINAR_DOC], parsed, request, cache.webinar_themes)
        result.resource_matches = _resource_matches(searcher, others[_RESOURCE_DOC], parsed, request)
    if result.total_hits == 0 and not result.webinar_matches and not result.resource_matches and request.suggest:
        result.suggestion = _suggest(searcher, request.text, parsed.words)


def _by_best_hit(scores: dict[int, float], cache: "_Cache", table_kept: dict[tuple[int, str | None], int], needed: int) -> list[int]:
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


def _hit(searcher: Any, cache: "_Cache", match: tuple[float, int], parsed: ParsedQuery) -> Hit:
    score, docnum = match
    fields = searcher.stored_fields(docnum)
    text = fields.get("text", "")
    lang = language(fields.get("lang"))
    stemmed = _stemmed(text, lang)  # analysed once for the highlighting and « trouvé via »
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


def found_via(text: str, uses: list[SynonymUse], lang: Language = FRENCH, stemmed: Any = None) -> tuple[str, ...]:
    """The expressions a passage was found through, for each group of synonyms whose typed words it does not say."""
    uses = [use for use in uses if use.language == lang.code]
    if not uses:
        return ()
    said = {stem for _, _, stem in (_stemmed(text, lang) if stemmed is None else stemmed)}
    words = None
    out = []
    for use in uses:
        if all(said.intersection(forms) for forms in use.stems):
            continue
        for other in use.others:
            if len(other.typed) == 1 and len(other.words) == 1:
                if said.intersection(lang.stem_forms(other.words[0])):
                    out.append(other.text)
                    break
            else:
                words = lang.phrase_words(text) if words is None else words
                if says(words, list(other.typed)):
                    out.append(other.text)
                    break
    return tuple(out)


# Owner codes of the documents that are not cues (a cue's owner is its webinar's id).
_WEBINAR_DOC = -1
_RESOURCE_DOC = -2


def _segment_columns(leaf: Any) -> tuple[list[int], list[tuple[int, str | None]], list[int]]:
    """For each document of one segment: its owner code, its (owner, speaker) key; and the documents that are not cues."""

    def read() -> tuple[list[int], list[tuple[int, str | None]], list[int]]:
        # Raw column values (bytes): decoding each of a million values would double the time.
        triples = list(zip(*(leaf.column_reader(name, translate=False) for name in ("kind", "webinar", "speaker")), strict=False))
        interned = {t: _doc_key(*t) for t in set(triples)}  # one tuple per (owner, speaker)
        keys = list(map(interned.__getitem__, triples))
        owner = list(map(itemgetter(0), keys))
        return owner, keys, [d for d, code in enumerate(owner) if code < 0]

    return per_segments([leaf], "owner+key", read)


def _index_columns(leaves: list[Any]) -> tuple[list[int], list[tuple[int, str | None]], list[int]]:
    """The segments' lists end to end (document numbers run through the segments in order), shared by searchers of the same segments."""

    def join() -> tuple[list[int], list[tuple[int, str | None]], list[int]]:
        segments = [_segment_columns(leaf) for leaf, _ in leaves]
        if len(segments) == 1:
            return segments[0]
        return (
            [code for seg in segments for code in seg[0]],
            [k for seg in segments for k in seg[1]],
            [offset + d for (_, offset), seg in zip(leaves, segments, strict=False) for d in seg[2]],
        )

    return per_segments([leaf for leaf, _ in leaves], "index columns", join) if leaves else ([], [], [])


def _doc_key(kind: bytes, webinar: bytes, speaker: bytes) -> tuple[int, str | None]:
    if kind == b"cue":
        owner = int(webinar)
    else:
        owner = _WEBINAR_DOC if kind == b"webinar" else _RESOURCE_DOC
    return owner, speaker.decode("utf-8") or None


@dataclass
class _Cache:
    """What a search needs from every matching document, read once per searcher (a new commit means a new searcher)."""

    owner: list[int]  # by document number: the cue's webinar id, or a negative code for other kinds
    key: list[tuple[int, str | None]]  # by document number: (owner, speaker)
    others: list[int]  # the documents that are not cues
    start: Any  # a Whoosh column reader: by document number, the cue's start in ms
    webinar_themes: dict[int, tuple[str, ...]]
    webinar_starts: dict[int, int]


def _searcher_cache(searcher: Any) -> _Cache:
    cache = getattr(searcher, "_portal_cache", None)
    if cache is None:
        reader = searcher.reader()
        leaves = reader.leaf_readers() if reader.doc_count_all() else []
        retain([leaf for leaf, _ in leaves])
        owner, key, others = _index_columns(leaves)
        themes: dict[int, tuple[str, ...]] = {}
        docnums: dict[int, int] = {}
        for docnum in searcher.docs_for_query(Q.Term("kind", "webinar")):
            fields = reader.stored_fields(docnum)
            themes[int(fields["webinar"])] = tuple(t for t in (fields.get("themes") or "").split(",") if t)
            docnums[int(fields["webinar"])] = docnum
        # An index without any segment (nothing published yet) has no column at all.
        starts_col = reader.column_reader("starts_at") if leaves else {}
        cache = _Cache(
            owner=owner,
            key=key,
            others=others,
            start=reader.column_reader("start_ms") if leaves else {},
            webinar_themes=themes,
            webinar_starts={wid: int(starts_col[d] or 0) for wid, d in docnums.items()},
        )
        searcher._portal_cache = cache
    return cache


def _expand_prefixes(query: Q.Query, searcher: Any, notices: list[str]) -> Q.Query:
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


def _suggest(searcher: Any, text: str, words: list[str]) -> str | None:
    """Replace each word unknown to the index by the closest word it knows.

    Bounded, since anyone can ask: at most MAX_SUGGESTED_WORDS words of at most MAX_SUGGESTED_LENGTH
    letters, each compared only with the words sharing its first letter, within SUGGEST_BUDGET_S.
    (Twenty unknown 24-letter words cost 1.7 s before, against 20 ms for a plain search.)
    """
    corrector = searcher.corrector("folded")
    suggestion = text
    changed = False
    tried = 0
    deadline = time.monotonic() + SUGGEST_BUDGET_S
    for word in words:
        folded = fold(word)
        if len(folded) < 3 or len(folded) > MAX_SUGGESTED_LENGTH or searcher.doc_frequency("folded", folded) > 0:
            continue
        if any(searcher.doc_frequency("text", form) for form in FRENCH.stem_forms(word)):
            continue  # not said as typed, but its stem is (« délai » for « délais »): no typo
        if tried >= MAX_SUGGESTED_WORDS or time.monotonic() > deadline:
            break
        tried += 1
        found = corrector.suggest(folded, limit=1, maxdist=2, prefix=1)
        if found and found[0] != folded:
            suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", found[0], suggestion, count=1, flags=re.IGNORECASE)
            changed = True
    return suggestion if changed else None


# -- highlighting ----------------------------------------------------------------------------


def _stemmed(text: str, lang: Language) -> tuple[tuple[int, int, str], ...]:
    """The indexed words of a text as (start, end, stem), both stem forms of a word in a row."""
    return tuple(
        (token.startchar, token.endchar, token.text)
        for token in lang.stemming(text, chars=True, mode="index", removestops=False)
        if not token.stopped
    )


def match_spans(text: str, terms: set[str], prefixes: set[str], lang: Language = FRENCH, stemmed: Any = None) -> list[tuple[int, int]]:
    """Where the words of ``text`` that a query matched are (character offsets, in order), in the text's language."""
    spans: list[tuple[int, int]] = []
    for start, end, stem in _stemmed(text, lang) if stemmed is None else stemmed:
        if stem in terms or (prefixes and any(fold(text[start:end]).startswith(p) for p in prefixes)):
            if not spans or spans[-1] != (start, end):
                spans.append((start, end))
    return spans


def highlight(
    text: str, terms: set[str], prefixes: set[str], window: int | None = None, lang: Language = FRENCH, stemmed: Any = None
) -> str:
    """Escape ``text`` and wrap the words that matched in ``<mark>``; ``window`` cuts long texts around the first match."""
    spans = match_spans(text, terms, prefixes, lang, stemmed)
    start, end, prefix, suffix = 0, len(text), "", ""
    if window is not None:
        words = list(re.finditer(r"\S+", text))
        if len(words) > window:
            first = spans[0][0] if spans else 0
            index = next((i for i, w in enumerate(words) if w.end() > first), 0)
            lo = max(0, index - window // 3)
            hi = min(len(words), lo + window)
            start, end = words[lo].start(), words[hi - 1].end()
            prefix = "… " if lo > 0 else ""
            suffix = " …" if hi < len(words) else ""
    out = [prefix]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[cursor:s], quote=False))
        out.append(f"<mark>{html.escape(text[s:e], quote=False)}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end], quote=False))
    out.append(suffix)
    return "".join(out)


def search_resources(store: IndexStore, text: str, theme: str | None = None, limit: int = 500) -> list[ResourceMatch]:
    """Resources whose title, description or file text match, best first (for the library page)."""
    parsed = parse_query(text)
    if parsed.query is None:
        return []
    with store.searching() as searcher:
        parsed = _in_every_language(searcher, parsed, text, ())
        cache = _searcher_cache(searcher)
        scores = match_scores(searcher, _expand_prefixes(parsed.query, searcher, []))
        scored = ranked(scores, [d for d in cache.others if cache.owner[d] == _RESOURCE_DOC and d in scores])
        return _resource_matches(searcher, scored, parsed, SearchRequest(text=text, theme=theme), limit=limit)
