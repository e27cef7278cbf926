"""Relevance of the site search, measured: MRR and nDCG@10 of ``GET /api/v1/search`` on judged queries.

The judged set is ``bench/relevance/queries.json``: queries an activist, a trainer or a lawyer would
type about the demo series, each with the moments that answer it, judged by reading the demo
transcripts. A moment is a cue: the webinar's slug and the cue's start time as written in the VTT
(``"00:07:40.618"``), with a grade (2: answers directly, 1: relevant; any other cue counts 0).

The script builds a throw-away portal with the demo catalogue imported and indexed (the same portal
as the tests' ``demo_app`` fixture, built by ``tests.conftest.build_portal``), sends every query to
the search API through Flask's test client, and reads the hits in the order a person sees them: the
webinar groups in order, then each group's hits (the API shows at most 3 hits per webinar, so a
query's list holds at most 12 hits on the 4 demo webinars). Webinar and resource matches are not
moments and are left out. A hit matches a judged moment when it is the same webinar and the same
cue start (milliseconds). For a query the engine rewrites (a typo corrected), the corrected
results are what the person sees, so they are what is scored.

Figures, per kind of query and overall (means over the queries):

- MRR: 1 / rank of the first hit graded 1 or 2 (0 when none is shown);
- nDCG@10: DCG of the first 10 hits, gain = grade, discount log2(rank + 1), divided by the DCG of
  the judged moments sorted by grade (the ideal list), also cut at 10. The ideal list ignores the
  3-hits-per-webinar cap on purpose: a query whose answers are all in one webinar then cannot reach
  1: the cap hides its other answers from the person too (on this set the cap alone limits the
  mean to about 0.86).

Run from the project root::

    .venv/bin/python bench/relevance.py            # Markdown table and the queries ranked 0
    .venv/bin/python bench/relevance.py --json     # the same figures as JSON
    .venv/bin/python bench/relevance.py --per-query

``--root`` points at the project when the script is run from elsewhere. ``tests/bench/test_relevance.py``
calls ``evaluate`` with the demo test client and compares with ``bench/relevance/baseline.json``.
Building the portal imports ``tests.conftest`` (pytest must be installed, as in the dev virtualenv).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
JUDGEMENTS = HERE / "relevance" / "queries.json"
BASELINE = HERE / "relevance" / "baseline.json"
KINDS = ("word", "words", "phrase", "synonym", "typo")
GRADES = (1, 2)
K = 10
_TIME = re.compile(r"^(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})$")

Moment = tuple[str, int]  # (webinar slug, cue start in milliseconds)


@dataclass(frozen=True)
class JudgedQuery:
    text: str
    kind: str
    note: str
    grades: dict[Moment, int]  # the judged moments; any other cue is graded 0


def parse_time(value: str) -> int:
    """``"00:07:40.618"`` (a VTT cue start, hours always written) -> 460618 milliseconds."""
    match = _TIME.match(value)
    if not match:
        raise ValueError(f"not a HH:MM:SS.mmm time: {value!r}")
    hours, minutes, seconds, millis = map(int, match.groups())
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def format_time(ms: int) -> str:
    """460618 -> ``"00:07:40.618"``, the inverse of ``parse_time``."""
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def load_judgements(path: Path = JUDGEMENTS) -> list[JudgedQuery]:
    """The judged queries; raises ValueError on a malformed entry (an unknown kind or grade, a bad time, a moment twice)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    queries = []
    for entry in data["queries"]:
        text = entry["q"]
        if entry["kind"] not in KINDS:
            raise ValueError(f"{text!r}: unknown kind {entry['kind']!r}")
        grades: dict[Moment, int] = {}
        for moment in entry["moments"]:
            key = (moment["webinar"], parse_time(moment["start"]))
            if moment["grade"] not in GRADES:
                raise ValueError(f"{text!r}: grade {moment['grade']!r} is not one of {GRADES}")
            if key in grades:
                raise ValueError(f"{text!r}: {moment['webinar']} {moment['start']} judged twice")
            grades[key] = moment["grade"]
        if not grades:
            raise ValueError(f"{text!r}: no judged moment")
        queries.append(JudgedQuery(text, entry["kind"], entry.get("note", ""), grades))
    return queries


def shown_moments(page: Mapping[str, Any]) -> list[Moment]:
    """The hits of an API answer in the order a person reads them: groups in order, then each group's hits."""
    return [(group["slug"], hit["start_ms"]) for group in page["webinars"] for hit in group["hits"]]


def reciprocal_rank(ranking: Sequence[Moment], grades: Mapping[Moment, int]) -> float:
    """1 / the rank of the first moment graded above 0; 0 when there is none."""
    for rank, moment in enumerate(ranking, 1):
        if grades.get(moment, 0) > 0:
            return 1 / rank
    return 0.0


def _dcg(gains: Iterable[int]) -> float:
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, 1))


def ndcg(ranking: Sequence[Moment], grades: Mapping[Moment, int], k: int = K) -> float:
    """DCG of the first ``k`` moments over the DCG of every judged grade sorted best first (also cut at ``k``)."""
    ideal = _dcg(sorted(grades.values(), reverse=True)[:k])
    return _dcg(grades.get(moment, 0) for moment in ranking[:k]) / ideal if ideal else 0.0


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def evaluate(client: Any, queries: Sequence[JudgedQuery] | None = None) -> dict[str, Any]:
    """Run every judged query through ``GET /api/v1/search`` with a Flask test client; the figures as a dict.

    ``overall`` and ``by_kind`` hold ``queries``, ``mrr`` and ``ndcg@10``; ``per_query`` each query's
    figures, the rank of its first relevant hit (None if none is shown) and the words it was corrected to;
    ``zero_rr`` the queries with no relevant hit shown.
    """
    queries = load_judgements() if queries is None else queries
    rows = []
    for query in queries:
        response = client.get("/api/v1/search", query_string={"q": query.text})
        if response.status_code != 200:  # a 429 would silently score 0: fail loudly instead
            raise RuntimeError(f"{query.text!r}: HTTP {response.status_code}")
        page = response.get_json()
        ranking = shown_moments(page)
        rr = reciprocal_rank(ranking, query.grades)
        rows.append(
            {
                "q": query.text,
                "kind": query.kind,
                "note": query.note,
                "rr": rr,
                "ndcg@10": ndcg(ranking, query.grades),
                "first_relevant": round(1 / rr) if rr else None,
                "shown": len(ranking),
                "judged_shown": sum(1 for m in ranking if m in query.grades),
                "judged": len(query.grades),
                "total_hits": page["total_hits"],
                # A typo corrected: the words whose results were shown (« harcelemnt » -> « harcèlement »).
                "corrected_to": page["query"] if page.get("corrected_from") else None,
            }
        )

    def summary(selected: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "queries": len(selected),
            "mrr": _mean([r["rr"] for r in selected]),
            "ndcg@10": _mean([r["ndcg@10"] for r in selected]),
        }

    return {
        "k": K,
        "overall": summary(rows),
        "by_kind": {kind: summary([r for r in rows if r["kind"] == kind]) for kind in KINDS if any(r["kind"] == kind for r in rows)},
        "per_query": rows,
        "zero_rr": [r["q"] for r in rows if r["rr"] == 0],
    }


def markdown(report: Mapping[str, Any], per_query: bool = False) -> str:
    lines = [
        f"| kind | queries | MRR | nDCG@{report['k']} |",
        "|---|---:|---:|---:|",
    ]
    for kind, figures in report["by_kind"].items():
        lines.append(f"| {kind} | {figures['queries']} | {figures['mrr']:.3f} | {figures['ndcg@10']:.3f} |")
    overall = report["overall"]
    lines.append(f"| **all** | **{overall['queries']}** | **{overall['mrr']:.3f}** | **{overall['ndcg@10']:.3f}** |")
    rows = report["per_query"]
    zero = [r for r in rows if r["rr"] == 0]
    lines += ["", f"Queries with reciprocal rank 0 ({len(zero)}):", ""]
    lines += [f"- `{r['q']}` ({r['kind']}, {_found(r)}): {r['note']}" for r in zero] or ["- none"]
    if per_query:
        lines += ["", f"| query | kind | first relevant | RR | nDCG@{report['k']} | judged shown / shown | hits |", "|---|---|---:|---:|---:|---:|---:|"]
        for r in rows:
            typed = f"`{r['q']}`" + (f" → `{r['corrected_to']}`" if r["corrected_to"] else "")
            rank = r["first_relevant"] or "-"
            lines.append(
                f"| {typed} | {r['kind']} | {rank} | {r['rr']:.2f} | {r['ndcg@10']:.2f} | {r['judged_shown']} / {r['shown']} | {r['total_hits']} |"
            )
    return "\n".join(lines)


def _found(row: Mapping[str, Any]) -> str:
    hits = f"{row['total_hits']} hit{'s' if row['total_hits'] != 1 else ''}"
    return f"corrected to `{row['corrected_to']}`, {hits}" if row["corrected_to"] else hits


def build_demo_portal(base: Path) -> Any:
    """The tests' demo portal (the demo catalogue imported and indexed) in ``base``; close it with ``close_app``."""
    from tests.conftest import DEMO, build_portal

    app = build_portal(base, DEMO / "catalogue.json")
    # Every query comes from one address: the search rate limit must not turn answers into 429s.
    app.config["SEARCH_RATE_PER_MINUTE"] = 0
    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--per-query", action="store_true", help="add a table of every query's figures")
    parser.add_argument("--root", type=Path, default=HERE.parent, help="the project's root (default: this script's parent folder)")
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS, help="the judged queries (default: %(default)s)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    from tests.conftest import close_app

    queries = load_judgements(args.judgements)
    with tempfile.TemporaryDirectory(prefix="relevance-") as base:
        app = build_demo_portal(Path(base))
        try:
            report = evaluate(app.test_client(), queries)
        finally:
            close_app(app)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else markdown(report, per_query=args.per_query))
    return 0


if __name__ == "__main__":
    sys.exit(main())
