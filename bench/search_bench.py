"""Search benchmark: a synthetic French transcript corpus, imported, indexed and searched through the portal.

For each size (in hours of speech) the script:

1. generates a deterministic corpus of French-looking transcripts (900 cues an hour, 8 to 16 words a
   cue, voice tags, accents, plurals, conjugations, elisions, the series' theme vocabulary drawn
   from a Zipf-like distribution), split into 90-minute webinars written as real WebVTT files;
2. imports them through ``portal.services.transcripts.ingest_transcript`` (the CLI's code path)
   into a fresh SQLite database, and reports the import throughput;
3. builds the index with ``portal.services.indexing.rebuild(procs=2)`` then ``rebuild()``:
   throughput, seconds, size on disk, segments (what follows searches the default build), then
   runs ``bench/first_search.py`` in a new process: its first search and its resident memory;
4. measures query latency (p50, p95) for seven kinds of query (one word, two words, a quoted
   two-word phrase, a quoted three-word phrase with a small word in the middle, an expression of
   the portal's thesaurus alone or with a word, a prefix, a word filtered by theme), ~100 queries
   each from a fixed seed, after
   one warm-up pass, along three paths:
   - ``direct``: ``search_index.query.search(store, SearchRequest(...))``, the portal's own search;
   - ``http``:   ``GET /api/v1/search`` through Flask's test client (adds the database and JSON);
   - ``bare``:   a plain Whoosh search on the same index for the top 10 cues (the parsed query,
     other documents masked, ``limit=10``, theme as a ``filter``), without grouping, facets, highlighting or
     suggestions. Not a strict floor: Whoosh 2.7.4's top-N pruning can be slower than collecting
     every hit, and it can miss the best-scoring cue (the last column counts agreements);
5. measures how long a new 90-minute transcript takes to become searchable (from the call to
   ``ingest_transcript`` until a search for a word only it contains returns a hit);
6. prints one Markdown report per size (and writes them with ``--out``).

Run from the project root (each size builds its own throw-away database and index)::

    .venv/bin/python bench/search_bench.py --hours 10 100
    .venv/bin/python bench/search_bench.py --hours 10 100 --out bench/RESULTS.md
    .venv/bin/python bench/search_bench.py --hours 1000 --queries 50 --skip-procs2
    .venv/bin/python bench/search_bench.py --hours 100 --profile   # cProfile of the slowest kind

``--root`` points at the project when the script is run from elsewhere; ``--workdir`` and
``--keep`` keep the generated files, database and index for a closer look. The machine the
figures come from matters: run nothing else heavy meanwhile (Whoosh is single-threaded per query).

This file imports Whoosh for the ``bare`` baseline only; the portal keeps its Whoosh imports inside
``search_index/``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import logging
import math
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import Any

CUES_PER_HOUR = 900
WEBINAR_MINUTES = 90
CUES_PER_WEBINAR = CUES_PER_HOUR * WEBINAR_MINUTES // 60  # 1,350
CUE_MS = 3_600_000 // CUES_PER_HOUR  # 4 s between cue starts
MIN_WORDS, MAX_WORDS = 8, 16
THEMES = ("algorithms", "law", "investigations", "litigation")
KINDS = ("single", "two_words", "phrase", "small_words", "synonym", "prefix", "filtered")
# Queries that say an expression of the portal's default thesaurus, among the corpus' theme items.
SYNONYM_QUERIES = ("réseaux sociaux", "signalement", "DSA", "cyberharcèlement", "haine en ligne", "porter plainte",
                   "procureur", "modération", "Arcom", "Pharos", "algorithme de recommandation")
PATHS = ("direct", "http", "bare")
FILTER_THEME = "law"
# Query words and phrases come from the webinars every size holds, so each size runs the same queries.
QUERY_SOURCE_WEBINARS = 7
# Words that appear in no generated webinar, one per freshness run.
FRESH_WORDS = ("zéphyrinade", "quetzalcoatlisme", "xylophonerie", "borborygmation", "ornithorynquerie")

log = logging.getLogger("search_bench")


# -- the synthetic corpus -----------------------------------------------------------------------

# Frequent spoken content words, placed at the top of the Zipf ranking.
COMMON_WORDS = """
question questions personne personnes exemple exemples travail temps victime victimes loi lois droit
droits plateforme plateformes contenu contenus utilisateur utilisateurs utilisatrice utilisatrices
internet justice juge juges avocate avocat association associations données société problème problèmes
important importante importants effectivement évidemment vraiment toujours déjà aussi très beaucoup
faire fait faites dire dit disent voir vu pouvoir peut peuvent doit doivent savoir sait année années
moment moments cas situation situations réponse réponses système systèmes public publique publics
message messages compte comptes vidéo vidéos image images commentaire commentaires élève élèves école
écoles jeune jeunes femme femmes homme hommes enfant enfants parent parents groupe groupes parole
paroles pratique pratiques réalité exposition témoin témoins délai délais état états européen européenne
européens règlement obligation obligations sanction sanctions amende amendes outil outils modèle modèles
""".split()

PREFIXES = ("", "", "", "re", "dé", "pré", "con", "pro", "com", "in", "sur", "trans", "ex", "inter", "contre", "auto")
ROOTS = """
form port mand pos stat vis cour sign jug lég publi régul sécur vérit commun organ évalu analys répar
protég accompagn témoign mobilis financ modél dévelop expér présent ménag décid élabor bénéfic théor éduc
créat intérêt qualif matér numér territor médi fédér génér opér pénal procéd répét sépar tolér assoc
citoy parten bénévol économ politi sociét chiffr compt dénonc défend prévent contrôl plateform journal
archiv ressourc stratég réglement méthod catégor frontièr mémoir fenêtr hôpit forêt chât égl âg maîtr
""".split()
NOUN_FAMILIES = (
    ("ation", "ations"), ("ement", "ements"), ("ité", "ités"), ("age", "ages"), ("eur", "eurs"),
    ("ence", "ences"), ("isme", "ismes"), ("ure", "ures"), ("ie", "ies"), ("ance", "ances"),
)
VERB_ENDINGS = ("er", "e", "es", "ons", "ez", "ent", "ait", "aient", "é", "ée", "és", "ées", "ant", "era", "erons", "erait")
ADJ_FAMILIES = (
    ("ique", "iques"), ("el", "elle", "els", "elles"), ("if", "ive", "ifs", "ives"), ("al", "ale", "aux", "ales"),
    ("eux", "euse", "euses"), ("able", "ables"), ("aire", "aires"),
)

# Theme vocabulary (some items are several words), with its own Zipf-like ranking.
THEME_ITEMS = """
harcèlement|réseaux sociaux|plainte|modération|algorithme de recommandation|discriminations|signalement|
enquête|DSA|plaintes|contentieux|algorithmes de recommandation|harcèlements|discrimination|signalements|
enquêtes|réseau social|porter plainte|modérateurs|algorithme|algorithmes|discriminatoire|discriminatoires|
harceler|harcelée|harcelés|harcèle|modératrices|modérer|modéré|déposer plainte|portent plainte|
algorithmique|discriminer|signaler|signalé|signalées|enquêter|enquêtrice|enquêteurs|Arcom|Pharos|
procureur|procureure|juridiction|juridictions|tribunal|tribunaux|haine en ligne|cyberharcèlement|
preuve|preuves|transparence|responsabilité|responsabilités
""".replace("\n", "").split("|")

# Function words (French stop words) with rough weights; elided before a vowel where French does.
FUNCTION_WORDS: tuple[tuple[str, int], ...] = (
    ("de", 30), ("la", 18), ("le", 18), ("les", 20), ("et", 18), ("des", 14), ("à", 10), ("en", 9),
    ("que", 9), ("qui", 8), ("du", 7), ("un", 8), ("une", 8), ("est", 9), ("sont", 4), ("dans", 6),
    ("pour", 6), ("sur", 5), ("avec", 4), ("par", 4), ("il", 4), ("elle", 4), ("elles", 3), ("ils", 3),
    ("nous", 4), ("vous", 4), ("on", 5), ("ce", 4), ("cette", 3), ("ces", 3), ("ne", 3), ("pas", 4),
    ("plus", 3), ("mais", 3), ("ou", 3), ("se", 2), ("je", 3), ("au", 3), ("aux", 2), ("leur", 2),
)
ELIDABLE = {"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "je": "j'", "ne": "n'", "se": "s'"}
SUBJECTS = ("il", "ils", "elle", "elles", "on")
VOWELS = tuple("aeiouyhéèêàâîôûAEIOUYHÉÈÊÀÂÎÔÛ")
SPEAKERS = ("Animation", "Intervenante 1", "Intervenant 2", "Intervenante 3", "Intervenant 4")


def _zipf_cumulative(n: int, s: float = 1.0, q: float = 2.7) -> list[float]:
    """Cumulative Zipf-Mandelbrot weights 1/(rank+q)^s for ``random.choices(cum_weights=...)``."""
    return list(itertools.accumulate(1.0 / (rank + q) ** s for rank in range(n)))


def build_vocabulary(seed: int) -> list[str]:
    """A few thousand French-looking content words, most frequent first (stems x suffix families)."""
    rng = random.Random(seed)
    generated: list[str] = []
    for root in ROOTS:
        for prefix in rng.sample(PREFIXES, 3):
            stem = prefix + root
            for family in rng.sample(NOUN_FAMILIES, 2):
                generated += [stem + ending for ending in family]
            generated += [stem + ending for ending in rng.sample(VERB_ENDINGS, 8)]
            generated += [stem + ending for ending in rng.choice(ADJ_FAMILIES)]
    generated = list(dict.fromkeys(w for w in generated if w not in COMMON_WORDS))
    rng.shuffle(generated)
    # Real words lead, generated ones fill the long tail (a few real words further down too).
    head, tail = COMMON_WORDS[:120], COMMON_WORDS[120:]
    body = generated[:]
    for word in tail:
        body.insert(rng.randrange(0, min(len(body), 1500)), word)
    return list(dict.fromkeys(head + body))


@dataclass(frozen=True)
class SyntheticCue:
    start_ms: int
    end_ms: int
    speaker: str
    text: str


class CorpusGenerator:
    """Deterministic transcripts: webinar ``i`` is the same at every corpus size (a function of seed and i)."""

    def __init__(self, seed: int = 20240425, theme_rate: float = 0.08, function_rate: float = 0.42):
        self.seed = seed
        self.theme_rate = theme_rate
        self.function_rate = function_rate
        self.vocabulary = build_vocabulary(seed)
        self._vocab_cum = _zipf_cumulative(len(self.vocabulary))
        self._theme_cum = _zipf_cumulative(len(THEME_ITEMS), s=0.9, q=1.5)
        self._function_words = [w for w, _ in FUNCTION_WORDS]
        self._function_set = frozenset(self._function_words)
        self._function_cum = list(itertools.accumulate(weight for _, weight in FUNCTION_WORDS))

    def _content(self, rng: random.Random) -> list[str]:
        if rng.random() < self.theme_rate:
            item = rng.choices(THEME_ITEMS, cum_weights=self._theme_cum)[0]
            return item.split()
        return [rng.choices(self.vocabulary, cum_weights=self._vocab_cum)[0]]

    def sentence(self, rng: random.Random) -> str:
        """8 to 16 words (multi-word theme items may add one or two), elided, capitalised, punctuated."""
        target = rng.randint(MIN_WORDS, MAX_WORDS)
        words: list[str] = []
        while len(words) < target:
            if rng.random() < self.function_rate:
                words.append(rng.choices(self._function_words, cum_weights=self._function_cum)[0])
            else:
                words += self._content(rng)
        out: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            if word == "que" and rng.random() < 0.4:
                words.insert(i + 1, rng.choice(SUBJECTS))  # que + subject pronoun: qu'elles, qu'il
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if word in ELIDABLE and nxt.startswith(VOWELS) and (nxt not in self._function_set or nxt in SUBJECTS):
                out.append(ELIDABLE[word] + nxt)  # l'algorithme, d'enquête, qu'elles
                i += 2
                continue
            out.append(word)
            i += 1
        text = " ".join(out)
        text = text[0].upper() + text[1:]
        end = rng.choices((".", "?", " ?", "…", ","), weights=(70, 8, 6, 6, 10))[0]
        if rng.random() < 0.15 and len(out) > 6:  # two sentences in one cue
            cut = rng.randrange(3, len(out) - 2)
            text = " ".join(out[:cut]) + ". " + out[cut][:1].upper() + out[cut][1:] + " " + " ".join(out[cut + 1 :])
            text = text[0].upper() + text[1:]
        return text + end

    def webinar_cues(self, index: int, count: int = CUES_PER_WEBINAR) -> list[SyntheticCue]:
        rng = random.Random(f"{self.seed}:{index}")
        speakers = SPEAKERS[: rng.randint(3, len(SPEAKERS))]
        cues: list[SyntheticCue] = []
        speaker = speakers[0]
        for n in range(count):
            if n and rng.random() < 0.12:  # a new turn
                speaker = rng.choice(speakers)
            start = n * CUE_MS + rng.randrange(0, 300)
            end = (n + 1) * CUE_MS - rng.randrange(50, 600)
            cues.append(SyntheticCue(start, end, speaker, self.sentence(rng)))
        return cues

    @staticmethod
    def to_vtt(cues: Sequence[SyntheticCue], title: str) -> str:
        """A real WebVTT file: header, NOTE, numbered cues, voice tags, long cues on two lines."""
        parts = [f"WEBVTT - {title}", "", "NOTE Synthetic transcript generated by bench/search_bench.py", ""]
        for n, cue in enumerate(cues, 1):
            text = cue.text
            words = text.split(" ")
            if len(words) > 10 and n % 3 == 0:
                half = len(words) // 2
                text = " ".join(words[:half]) + "\n" + " ".join(words[half:])
            parts += [str(n), f"{_vtt_time(cue.start_ms)} --> {_vtt_time(cue.end_ms)}", f"<v {cue.speaker}>{text}", ""]
        return "\n".join(parts)


def _vtt_time(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def webinar_sizes(hours: float) -> list[int]:
    """Cue counts of the webinars making up ``hours`` of speech: 90-minute ones, the last maybe shorter."""
    total = round(hours * CUES_PER_HOUR)
    full, rest = divmod(total, CUES_PER_WEBINAR)
    return [CUES_PER_WEBINAR] * full + ([rest] if rest else [])


# -- queries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    text: str
    theme: str | None = None

    @property
    def label(self) -> str:
        return f"{self.text} [theme={self.theme}]" if self.theme else self.text


def build_queries(gen: CorpusGenerator, source_webinars: int, per_kind: int, seed: int) -> dict[str, list[BenchQuery]]:
    """``per_kind`` queries of each kind, drawn from the corpus vocabulary with a fixed seed.

    Words: a third from the theme vocabulary, a third from the 200 most frequent content words,
    a third from the rest of the vocabulary (so selectivity ranges from very common to rare).
    Two words: 70 % two content words said in one cue, 30 % two words drawn independently (these
    often match nothing, which exercises the spelling suggestions as people's typos do).
    Phrases: two consecutive content words of a cue. Cues come from the first webinars, which
    every corpus size holds, so every size runs the same queries.
    """
    from search_index.analysis import fold, query_words

    rng = random.Random(seed)
    theme_words = sorted({w for item in THEME_ITEMS for w in item.split() if query_words(w) == [w.lower()]})
    vocab = gen.vocabulary
    function_words = {w for w, _ in FUNCTION_WORDS}

    def word() -> str:
        while True:
            r = rng.random()
            if r < 1 / 3:
                w = rng.choice(theme_words)
            elif r < 2 / 3:
                w = vocab[rng.randrange(0, 200)]
            else:
                w = vocab[rng.randrange(200, len(vocab))]
            if query_words(w) == [w.lower()]:
                return w

    pairs: list[tuple[str, str]] = []  # adjacent content words
    together: list[tuple[str, str]] = []  # content words of one cue
    small: list[str] = []  # three words said in a row, a small word between two others ("plainte de harcèlement")
    for index in range(source_webinars):
        for cue in gen.webinar_cues(index)[::7]:
            said = re.findall(r"(?:\w+['’])?\w+", cue.text)
            small += [" ".join(w) for w in zip(said, said[1:], said[2:], strict=False)
                      if w[1].lower() in function_words and not {w[0].lower(), w[2].lower()} & function_words]
            words = query_words(cue.text)
            pairs += [(a, b) for a, b in itertools.pairwise(words) if not {a, b} & function_words]
            content = [w for w in dict.fromkeys(words) if w not in function_words]
            if len(content) >= 3:
                together.append((content[0], content[-1]))
    fixed_prefixes = ["discrimin*", "harcèl*", "signal*", "enquêt*", "modér*", "algorithm*", "plaint*", "réseau*"]

    queries: dict[str, list[BenchQuery]] = {k: [] for k in KINDS}
    for n in range(per_kind):
        queries["single"].append(BenchQuery("single", word()))
        if rng.random() < 0.7:
            a, b = rng.choice(together)
        else:
            a, b = word(), word()
            while fold(b) == fold(a):
                b = word()
        queries["two_words"].append(BenchQuery("two_words", f"{a} {b}"))
        p, q = rng.choice(pairs)
        queries["phrase"].append(BenchQuery("phrase", f'"{p} {q}"'))
        if n % 5 == 0:
            queries["prefix"].append(BenchQuery("prefix", fixed_prefixes[(n // 5) % len(fixed_prefixes)]))
        else:
            w = word()
            while len(w) < 5:
                w = word()
            queries["prefix"].append(BenchQuery("prefix", w[: rng.randint(4, min(7, len(w) - 1))] + "*"))
        queries["filtered"].append(BenchQuery("filtered", word(), theme=FILTER_THEME))
    # The kinds added later draw from a generator of their own: the others keep their queries.
    rng = random.Random(seed + 1)
    for n in range(per_kind):
        queries["small_words"].append(BenchQuery("small_words", f'"{rng.choice(small)}"'))
        expression = SYNONYM_QUERIES[n % len(SYNONYM_QUERIES)]
        queries["synonym"].append(BenchQuery("synonym", expression if n % 2 else f"{expression} {word()}"))
    return queries


# -- measuring ------------------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolation percentile (numpy's default), of a non-empty sequence."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * pct / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


@dataclass
class LatencyStats:
    ms: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PATHS})
    hits: list[int] = field(default_factory=list)  # total_hits of the portal's search, per query
    top_agree: int = 0  # queries whose best portal hit is the bare top hit
    compared: int = 0

    def p(self, path: str, pct: float) -> float:
        return percentile(self.ms[path], pct)


@dataclass
class SizeReport:
    hours: float
    webinars: int
    cues: int
    gen_s: float = 0.0
    vtt_mb: float = 0.0
    webinar_rows_s: float = 0.0
    import_s: float = 0.0
    import_hook_s: float = 0.0  # time spent in indexing.webinar_changed during import (no index yet)
    builds: list[dict[str, Any]] = field(default_factory=list)
    fresh: list[dict[str, Any]] = field(default_factory=list)
    latency: dict[str, LatencyStats] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    queries_per_kind: int = 0
    wall_s: float = 0.0
    profile: str = ""
    first: dict[str, Any] = field(default_factory=dict)  # bench/first_search.py's figures


class HookTimer:
    """Wraps ``portal.services.indexing.webinar_changed`` in this process to time the index update of an ingest."""

    def __init__(self) -> None:
        from portal.services import indexing

        self._indexing = indexing
        self._original: Callable[..., None] = indexing.webinar_changed
        self.seconds = 0.0
        self.calls = 0

    def __enter__(self) -> HookTimer:
        original = self._original

        def timed(webinar: Any) -> None:
            t0 = time.perf_counter()
            try:
                original(webinar)
            finally:
                self.seconds += time.perf_counter() - t0
                self.calls += 1

        self._indexing.webinar_changed = timed
        return self

    def __exit__(self, *exc: object) -> None:
        self._indexing.webinar_changed = self._original


class Bench:
    """One corpus size: its working folder, app, database and index."""

    def __init__(self, hours: float, workdir: Path, gen: CorpusGenerator, args: argparse.Namespace):
        self.hours = hours
        self.workdir = workdir
        self.gen = gen
        self.args = args
        sizes = webinar_sizes(hours)
        self.sizes = sizes
        self.report = SizeReport(hours, len(sizes), sum(sizes), queries_per_kind=args.queries)

    def say(self, message: str) -> None:
        print(f"[{self.hours:g} h] {message}", file=sys.stderr, flush=True)

    # -- set-up ------------------------------------------------------------------------------

    def make_app(self) -> Any:
        from portal import create_app

        return create_app(
            "testing",
            INSTANCE_PATH=str(self.workdir / "instance"),
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{self.workdir / 'bench.sqlite3'}",
            SEARCH_INDEX_DIR=str(self.workdir / "index"),
            MEDIA_DIR=str(self.workdir / "media"),
            SEARCH_RATE_PER_MINUTE=0,  # one client asking thousands of queries: the benchmark, not an abuse
        )

    def generate(self) -> list[Path]:
        vtt_dir = self.workdir / "vtt"
        vtt_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        paths = []
        for index, count in enumerate(self.sizes):
            path = vtt_dir / f"bench-{index:04d}.vtt"
            path.write_text(self.gen.to_vtt(self.gen.webinar_cues(index, count), f"Webinaire {index}"), encoding="utf-8")
            paths.append(path)
        self.report.gen_s = time.perf_counter() - t0
        self.report.vtt_mb = sum(p.stat().st_size for p in paths) / 1e6
        self.say(f"generated {len(paths)} WebVTT files ({self.report.vtt_mb:.1f} MB) in {self.report.gen_s:.1f} s")
        return paths

    @staticmethod
    def webinar_fields(index: int, cue_count: int) -> dict[str, Any]:
        themes = [THEMES[index % 4]] + ([THEMES[(index + 1) % 4]] if index % 3 == 0 else [])
        return dict(
            slug=f"bench-{index:04d}",
            title=f"Webinaire de test n° {index} : {THEMES[index % 4]}",
            question="Quelles obligations pour les réseaux sociaux face au harcèlement ?",
            description="Webinaire synthétique généré pour le banc d'essai de la recherche.",
            starts_at=datetime(2021, 1, 5, 10, 30, tzinfo=timezone.utc) + timedelta(days=7 * index),
            duration_ms=cue_count * CUE_MS,
            published=True,
            themes=themes,
        )

    def create_webinar(self, index: int, cue_count: int) -> int:
        from sqlalchemy import select

        from portal.extensions import db
        from portal.models import Theme, Webinar

        values = self.webinar_fields(index, cue_count)
        themes = values.pop("themes")
        webinar = Webinar(**values)
        webinar.themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(themes))))
        db.session.add(webinar)
        db.session.commit()
        return webinar.id

    def ingest(self, webinar_id: int, path: Path) -> None:
        from portal.extensions import db
        from portal.models import Webinar
        from portal.services.transcripts import ingest_transcript

        webinar = db.session.get(Webinar, webinar_id)
        assert webinar is not None
        ingest_transcript(webinar, path.read_bytes(), path.name, source="cli")
        db.session.expunge_all()  # keep memory flat: the ORM would otherwise hold every cue

    def import_all(self, paths: list[Path]) -> list[int]:
        t0 = time.perf_counter()
        ids = [self.create_webinar(i, n) for i, n in enumerate(self.sizes)]
        self.report.webinar_rows_s = time.perf_counter() - t0
        with HookTimer() as hook:
            t0 = time.perf_counter()
            for webinar_id, path in zip(ids, paths, strict=True):
                self.ingest(webinar_id, path)
            self.report.import_s = time.perf_counter() - t0
        self.report.import_hook_s = hook.seconds
        self.say(f"imported {self.report.cues:,} cues in {self.report.import_s:.1f} s "
                 f"({self.report.cues / self.report.import_s:,.0f} cues/s)")
        return ids

    def build(self, app: Any, procs: int) -> None:
        from portal.services import indexing

        t0 = time.perf_counter()
        stats = indexing.rebuild(procs=procs)
        total = time.perf_counter() - t0
        store = indexing.get_store(app)
        generation = store.current_generation()
        assert generation is not None
        with store.searching() as searcher:
            segments = len(searcher.reader().leaf_readers())
        entry = {
            "procs": procs,
            "seconds": total,
            "store_seconds": stats.seconds,
            "cues": stats.cues,
            "webinars": stats.webinars,
            "mb": dir_size_mb(generation),
            "segments": segments,
        }
        self.report.builds.append(entry)
        self.say(f"rebuild(procs={procs}): {total:.1f} s ({stats.cues / total:,.0f} cues/s), {entry['mb']:.0f} MB")

    # -- freshness ----------------------------------------------------------------------------

    def freshness(self, app: Any, runs: int) -> None:
        """A new 90-minute webinar holding a word no other has: ingest, then search until it is found."""
        from portal.services import indexing
        from search_index.query import SearchRequest, search

        store = indexing.get_store(app)
        vtt_dir = self.workdir / "vtt"
        for run in range(runs):
            index = len(self.sizes) + run
            word = FRESH_WORDS[run % len(FRESH_WORDS)]
            cues = self.gen.webinar_cues(index)
            rng = random.Random(f"fresh:{index}")
            at = rng.randrange(len(cues))
            c = cues[at]
            cues[at] = SyntheticCue(c.start_ms, c.end_ms, c.speaker, f"{c.text[:-1]} {word}.")
            path = vtt_dir / f"bench-{index:04d}.vtt"
            path.write_text(self.gen.to_vtt(cues, f"Webinaire {index}"), encoding="utf-8")
            webinar_id = self.create_webinar(index, len(cues))
            polls = 0
            with HookTimer() as hook:
                t0 = time.perf_counter()
                self.ingest(webinar_id, path)
                t_ingest = time.perf_counter() - t0
                while True:
                    polls += 1
                    result = search(store, SearchRequest(text=word))
                    if result.total_hits:
                        break
                    if time.perf_counter() - t0 > 600:
                        raise RuntimeError(f"{word} not searchable after 600 s")
                    time.sleep(0.05)
                t_found = time.perf_counter() - t0
            self.report.fresh.append(
                {"cues": len(cues), "ingest_s": t_ingest, "index_s": hook.seconds, "found_s": t_found, "polls": polls}
            )
            self.say(f"fresh webinar {run + 1}: searchable after {t_found:.2f} s (index update {hook.seconds:.2f} s)")

    # -- latency ------------------------------------------------------------------------------

    def latency(self, app: Any, queries: dict[str, list[BenchQuery]]) -> None:
        from whoosh import query as Q

        from portal.services import indexing
        from search_index.columns import NOT_CUES
        from search_index.parsing import parse_query
        from search_index.query import SearchRequest, search

        store = indexing.get_store(app)
        client = app.test_client()
        try:  # the portal's thesaurus, as the HTTP path applies it (absent from code before synonyms existed)
            from portal.services.synonyms import search_groups

            with app.app_context():
                groups = search_groups()
            options = {"synonyms": groups}
        except ImportError:
            options = {}

        def direct(q: BenchQuery) -> Any:
            return search(store, SearchRequest(text=q.text, theme=q.theme, **options))

        def http(q: BenchQuery) -> Any:
            params = {"q": q.text} | ({"theme": q.theme} if q.theme else {})
            response = client.get("/api/v1/search", query_string=params)
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code} for {q.label}")
            return response.get_json()

        def bare(q: BenchQuery) -> list[dict]:
            parsed = parse_query(q.text)
            theme_filter = Q.Term("themes", q.theme) if q.theme else None
            with store.searching() as searcher:
                results = searcher.search(parsed.query, mask=NOT_CUES, limit=10, filter=theme_filter)
                return [hit.fields() for hit in results]

        runners: dict[str, Callable[[BenchQuery], Any]] = {"direct": direct, "http": http, "bare": bare}
        # One warm-up pass: every query along every path (OS cache, Whoosh readers, stem caches, Flask).
        for kind in KINDS:
            for q in queries[kind]:
                for run in runners.values():
                    run(q)
        for kind in KINDS:
            stats = LatencyStats()
            for q in queries[kind]:
                for path in PATHS:
                    t0 = time.perf_counter()
                    out = runners[path](q)
                    stats.ms[path].append((time.perf_counter() - t0) * 1000)
                    if path == "direct":
                        stats.hits.append(out.total_hits)
                        best = out.groups[0].hits[0].cue_id if out.groups and out.groups[0].hits else None
                    elif path == "bare":
                        top = int(out[0]["doc_id"].split(":")[1]) if out else None
                        if best is not None or top is not None:
                            stats.compared += 1
                            stats.top_agree += best == top
            self.report.latency[kind] = stats
            self.report.examples[kind] = queries[kind][1].label
            self.say(f"{kind:>9}: direct p95 {stats.p('direct', 95):7.1f} ms, http p95 {stats.p('http', 95):7.1f} ms, "
                     f"bare p95 {stats.p('bare', 95):6.1f} ms")

    def profile(self, app: Any, queries: dict[str, list[BenchQuery]]) -> None:
        """cProfile of the portal's search over the queries of the kind with the slowest direct p95."""
        from portal.services import indexing
        from search_index.query import SearchRequest, search

        kind = max(self.report.latency, key=lambda k: self.report.latency[k].p("direct", 95))
        store = indexing.get_store(app)
        profiler = cProfile.Profile()
        profiler.enable()
        for q in queries[kind]:
            search(store, SearchRequest(text=q.text, theme=q.theme))
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        self.report.profile = f"Slowest kind: {kind}\n\n{out.getvalue()}"

    def first_search(self) -> None:
        """A new process's first search and its resident memory (``bench/first_search.py``)."""
        script = Path(__file__).resolve().parent / "first_search.py"
        done = subprocess.run([sys.executable, str(script), str(self.workdir / "index")], capture_output=True, text=True, check=True)
        self.report.first = json.loads(done.stdout)
        self.say(f"fresh process: first search {self.report.first['first_search_s']:.2f} s, "
                 f"resident memory {self.report.first['rss_mb']['VmRSS']:.0f} MB")

    # -- the whole run ------------------------------------------------------------------------

    def run(self, queries: dict[str, list[BenchQuery]]) -> SizeReport:
        started = time.perf_counter()
        self.workdir.mkdir(parents=True, exist_ok=True)
        paths = self.generate()
        app = self.make_app()
        from portal.cli import init_schema
        from portal.extensions import db

        with app.app_context():
            init_schema()
            self.import_all(paths)
            # procs=2 first, so that the index searched afterwards is the default build's (procs=1).
            if not self.args.skip_procs2:
                self.build(app, procs=2)
            self.build(app, procs=1)
            db.session.remove()
        self.first_search()
        with app.app_context():
            self.latency(app, queries)
            if self.args.profile:
                self.profile(app, queries)
            self.freshness(app, self.args.fresh_runs)
            db.session.remove()
            db.engine.dispose()
        self.report.wall_s = time.perf_counter() - started
        return self.report


# -- reporting ------------------------------------------------------------------------------------


def render(report: SizeReport) -> str:
    r = report
    lines = [
        f"## {r.hours:g} hours: {r.cues:,} cues in {r.webinars} webinars of up to {WEBINAR_MINUTES} min",
        "",
        "| stage | figure |",
        "|---|---|",
        f"| corpus generation | {r.gen_s:.1f} s, {r.vtt_mb:.1f} MB of WebVTT |",
        f"| import: `ingest_transcript` × {r.webinars} | {r.import_s:.1f} s, **{r.cues / r.import_s:,.0f} cues/s** "
        f"(of which index hook, no index yet: {r.import_hook_s:.1f} s); webinar rows {r.webinar_rows_s:.1f} s |",
    ]
    for b in sorted(r.builds, key=lambda b: b["procs"]):
        lines.append(
            f"| build: `rebuild(procs={b['procs']})` | {b['seconds']:.1f} s, **{b['cues'] / b['seconds']:,.0f} cues/s**, "
            f"**{b['mb']:.0f} MB** on disk, {b['segments']} segment(s) (writing the index: {b['store_seconds']:.1f} s; "
            f"catch-up and reconcile: {b['seconds'] - b['store_seconds']:.1f} s) |"
        )
    for n, f in enumerate(r.fresh, 1):
        lines.append(
            f"| new {WEBINAR_MINUTES}-min transcript searchable (run {n}) | **{f['found_s']:.2f} s** from the call "
            f"to first hit (ingest {f['ingest_s']:.2f} s, of which index update {f['index_s']:.2f} s; {f['polls']} search) |"
        )
    if r.first:
        f, rss = r.first, r.first["rss_mb"]
        lines.append(
            f"| a new process's first search (`bench/first_search.py`) | open {f['open_s']:.2f} s, **first search "
            f"{f['first_search_s']:.2f} s** (reads each document's webinar and speaker once), the same again "
            f"{f['next_search_s'] * 1000:.1f} ms; **resident memory {rss['VmRSS']:.0f} MB** "
            f"({rss['RssAnon']:.0f} MB anonymous, {rss['RssFile']:.0f} MB file pages) |"
        )
    lines.append(f"| whole run | {r.wall_s:.0f} s wall time |")
    lines += [
        "",
        f"Query latency in ms, {r.queries_per_kind} queries per kind after one warm-up pass "
        "(direct = `search_index.query.search`, http = `GET /api/v1/search` via the test client, "
        "bare = Whoosh top 10 with stored fields only):",
        "",
        "| kind | example | median hits | direct p50 | direct p95 | http p50 | http p95 | bare p50 | bare p95 "
        "| http p95 / bare p95 | 0-hit queries | best hit = bare top |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for kind, s in r.latency.items():
        ratio = s.p("http", 95) / s.p("bare", 95) if s.p("bare", 95) else float("inf")
        lines.append(
            f"| {kind} | `{r.examples[kind]}` | {statistics.median(s.hits):,.0f} | "
            f"{s.p('direct', 50):.1f} | {s.p('direct', 95):.1f} | {s.p('http', 50):.1f} | {s.p('http', 95):.1f} | "
            f"{s.p('bare', 50):.1f} | {s.p('bare', 95):.1f} | **{ratio:.1f}×** | {s.hits.count(0)} | "
            f"{s.top_agree}/{s.compared} |"
        )
    if r.profile:
        lines += ["", "<details><summary>cProfile</summary>", "", "```", r.profile.strip(), "```", "", "</details>"]
    return "\n".join(lines) + "\n"


def render_summary(reports: list[SizeReport]) -> str:
    if len(reports) < 2:
        return ""
    head = "| kind | " + " | ".join(f"{r.hours:g} h direct p95 | {r.hours:g} h http p95" for r in reports) + " |"
    lines = ["## Across sizes (p95, ms)", "", head, "|---|" + "--:|--:|" * len(reports)]
    for kind in KINDS:
        cells = " | ".join(f"{r.latency[kind].p('direct', 95):.1f} | {r.latency[kind].p('http', 95):.1f}" for r in reports)
        lines.append(f"| {kind} | {cells} |")
    return "\n".join(lines) + "\n"


def environment() -> str:
    import whoosh

    return (
        f"Python {platform.python_version()}, Whoosh {whoosh.versionstring()}, "
        f"{platform.machine()} {platform.system()}, {_cpu_count()} cores; {datetime.now():%Y-%m-%d %H:%M}"
    )


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# -- command line ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, nargs="+", default=[10.0, 100.0], help="corpus sizes in hours of speech")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="project root")
    parser.add_argument("--workdir", type=Path, help="where corpora, databases and indexes go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    parser.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    parser.add_argument("--queries", type=int, default=100, help="queries per kind")
    parser.add_argument("--seed", type=int, default=20240425)
    parser.add_argument("--fresh-runs", type=int, default=3, help="new 90-min webinars for the freshness figure")
    parser.add_argument("--skip-procs2", action="store_true", help="skip the rebuild(procs=2) figure")
    parser.add_argument("--profile", action="store_true", help="cProfile the slowest kind and add it to the report")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="search-bench-"))
    gen = CorpusGenerator(seed=args.seed)
    smallest = min(len(webinar_sizes(h)) for h in args.hours)
    queries = build_queries(gen, min(QUERY_SOURCE_WEBINARS, smallest), args.queries, seed=args.seed + 1)

    header = f"# Search benchmark\n\n{environment()}. Corpus seed {args.seed}, {len(gen.vocabulary):,} content words.\n"
    print(header)
    reports: list[SizeReport] = []
    try:
        for hours in args.hours:
            folder = workdir / f"{hours:g}h"
            if folder.exists():
                shutil.rmtree(folder)
            report = Bench(hours, folder, gen, args).run(queries)
            reports.append(report)
            print(render(report), flush=True)
            if args.out:  # written after each size, so a long run leaves its finished sizes behind
                args.out.write_text("\n".join([header, *(render(r) for r in reports), render_summary(reports)]), encoding="utf-8")
    finally:
        if args.keep or args.workdir:
            print(f"Working folder kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    summary = render_summary(reports)
    if summary:
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
