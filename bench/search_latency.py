"""Latency of the portal's search on an index that already exists, with the benchmark's queries.

``bench/search_bench.py`` builds its corpus and index each time (17 minutes at 1,000 hours);
keep its working folder (``--workdir DIR --keep``) and this script measures
``search_index.query.search`` on that index in a minute or two, for comparing one change of the
search code with the next::

    .venv/bin/python bench/search_latency.py DIR/1000h/index --queries 50
    .venv/bin/python bench/search_latency.py DIR/100h/index --kinds single prefix

It prints p50, p95 and the maximum in milliseconds per kind of query, after one warm-up pass,
for the same queries as the benchmark (same generator and seed). ``--root`` runs the search code
of another checkout (a ``git worktree`` of an older commit) on the same index.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path, help="an index folder (the one holding `current`)")
    parser.add_argument("--queries", type=int, default=100, help="queries per kind")
    parser.add_argument("--kinds", nargs="+", help="only these kinds")
    parser.add_argument("--seed", type=int, default=20240425)
    parser.add_argument("--root", type=Path, default=HERE.parent, help="project whose search code runs")
    parser.add_argument("--profile", action="store_true", help="cProfile the measured searches and print the top functions")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(args.root.resolve()))
    sys.path.insert(1, str(HERE))
    import search_bench as bench
    from search_index.query import SearchRequest, search
    from search_index.store import IndexStore

    gen = bench.CorpusGenerator(seed=args.seed)
    # As search_bench.main() draws them (the smallest corpus it runs holds the source webinars).
    queries = bench.build_queries(gen, bench.QUERY_SOURCE_WEBINARS, args.queries, seed=args.seed + 1)
    store = IndexStore(args.index)
    try:  # the portal's seeded thesaurus, as a new portal applies it (absent from code before synonyms)
        from portal.services.synonyms import DEFAULT_SYNONYMS

        options = {"synonyms": DEFAULT_SYNONYMS}
    except ImportError:
        options = {}
    profiler = cProfile.Profile() if args.profile else None
    t0 = time.perf_counter()
    search(store, SearchRequest(text="plainte"))
    print(f"first search: {time.perf_counter() - t0:.2f} s")
    print("| kind | median hits | p50 ms | p95 ms | max ms |")
    print("|---|--:|--:|--:|--:|")
    for kind in args.kinds or bench.KINDS:
        for q in queries[kind]:
            search(store, SearchRequest(text=q.text, theme=q.theme, **options))
        times, hits = [], []
        for q in queries[kind]:
            t0 = time.perf_counter()
            if profiler:
                profiler.enable()
            result = search(store, SearchRequest(text=q.text, theme=q.theme, **options))
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - t0) * 1000)
            hits.append(result.total_hits)
        hits.sort()
        print(f"| {kind} | {hits[len(hits) // 2]:,} | {bench.percentile(times, 50):.1f} | "
              f"{bench.percentile(times, 95):.1f} | {max(times):.1f} |")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
