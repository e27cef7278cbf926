"""What a fresh searching process pays: time to its first search, and its resident memory.

A server worker starts, opens the index and answers its first search; that search also reads
what each document belongs to (``search_index.columns``) and the field lengths the scorer needs
(``search_index.scoring``), once per segment and process. This script does exactly that in a
new process and prints JSON: seconds to open a searcher, seconds for the first search and for
the same search again, and the process's resident memory (``VmRSS``, with its anonymous and
file-backed parts) after them.

    .venv/bin/python bench/first_search.py INDEX_DIR [WORD]

``bench/search_bench.py`` runs it for each corpus size; run it alone on any index folder (the
one holding ``current``) to compare builds.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def resident_memory_mb() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from search_index.query import SearchRequest, search
    from search_index.store import IndexStore

    index_dir, word = argv[0], (argv[1] if len(argv) > 1 else "plainte")
    before = resident_memory_mb()
    store = IndexStore(index_dir)
    t0 = time.perf_counter()
    with store.searching():
        pass
    t1 = time.perf_counter()
    hits = search(store, SearchRequest(text=word)).total_hits
    t2 = time.perf_counter()
    search(store, SearchRequest(text=word))
    t3 = time.perf_counter()
    print(json.dumps({
        "open_s": t1 - t0,
        "first_search_s": t2 - t1,
        "next_search_s": t3 - t2,
        "hits": hits,
        "rss_before_mb": before.get("VmRSS", 0.0),
        "rss_mb": resident_memory_mb(),
    }))
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
