"""Reading what people type: the query language, turned into a Whoosh query over one language's fields.

The query language is small and forgiving: words, ``"phrases"`` (an unclosed quote runs to
the end), ``-word`` or ``NOT word`` to exclude, ``OR``/``OU`` between two items, ``prefix*``.
Nothing a person types raises an error: what cannot be used is dropped and said in a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as Q

from search_index.analysis import FRENCH, Language, PhraseWord, elision_term, fold, pair_term
from search_index.i18n import _
from search_index.scoring import AcrossCues, MostOf, WordsInOrder
from search_index.schema import BRIDGE_WORDS
from search_index.synonyms import Expression, Thesaurus

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 20
MIN_PREFIX = 2
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
    """One item of a query (a word, a phrase, a prefix, an expression of the thesaurus) and what it highlights."""

    query: Q.Query
    terms: set[str] = field(default_factory=set)  # stemmed terms to highlight
    prefixes: set[str] = field(default_factory=set)  # folded prefixes to highlight
    words: list[str] = field(default_factory=list)  # plain words, for spelling suggestions
    synonyms: list[SynonymUse] = field(default_factory=list)


@dataclass
class ParsedQuery:
    """What a person typed, as the query to run, the words to highlight and suggest, and the notices to show."""

    query: Q.Query | None
    terms: set[str]
    prefixes: set[str]
    words: list[str]
    notices: list[str]
    only_negative: bool = False
    synonyms: list[SynonymUse] = field(default_factory=list)
    most_of: Q.Query | None = None  # several words: any of them, the more the better (when none holds them all)


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

