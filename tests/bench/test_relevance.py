"""The judged search queries of bench/relevance.py: sound, pointing at real cues, and the figures not worse than recorded."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from media_meta.vtt import parse_transcript
from tests.conftest import DEMO, ROOT

# bench/ is a folder of scripts, not a package: load the script by its path.
_spec = importlib.util.spec_from_file_location("bench_relevance", ROOT / "bench" / "relevance.py")
relevance = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = relevance  # dataclasses look their module up while the script is executed
_spec.loader.exec_module(relevance)

TOLERANCE = 0.005  # the baseline is rounded down to 2 decimals: only a real drop fails


def demo_cue_starts() -> dict[str, set[int]]:
    """Each demo webinar's cue starts (ms), read from its VTT file with the portal's own parser."""
    catalogue = json.loads((DEMO / "catalogue.json").read_text(encoding="utf-8"))
    return {
        entry["slug"]: {cue.start_ms for cue in parse_transcript((DEMO / entry["transcript"]).read_bytes(), entry["transcript"]).cues}
        for entry in catalogue["webinars"]
    }


def test_judged_set_is_large_enough_and_covers_every_kind():
    queries = relevance.load_judgements()
    assert len(queries) >= 40
    assert len({q.text for q in queries}) == len(queries), "a query is judged twice"
    assert {q.kind for q in queries} == set(relevance.KINDS)
    assert all(q.note for q in queries)
    assert all(any(grade == 2 for grade in q.grades.values()) for q in queries), "every query has a passage that answers it"


def test_every_judged_moment_is_a_cue_of_the_demo_transcripts():
    starts = demo_cue_starts()
    raw = json.loads(relevance.JUDGEMENTS.read_text(encoding="utf-8"))
    missing = []
    for entry in raw["queries"]:
        for moment in entry["moments"]:
            ms = relevance.parse_time(moment["start"])
            # Written as in the VTT (hours, two-digit fields, milliseconds): a reader can grep for it.
            assert relevance.format_time(ms) == moment["start"], moment
            if ms not in starts.get(moment["webinar"], set()):
                missing.append(f"{entry['q']!r}: {moment['webinar']} {moment['start']}")
    assert not missing, "judged moments that are no cue start of the demo transcripts:\n" + "\n".join(missing)


def test_metrics_on_a_known_ranking():
    a, b, c = ("w", 1000), ("w", 2000), ("w", 3000)
    grades = {a: 2, b: 1}
    assert relevance.reciprocal_rank([c, b, a], grades) == 0.5
    assert relevance.reciprocal_rank([c], grades) == 0
    assert relevance.ndcg([a, b], grades) == 1
    assert relevance.ndcg([b, a], grades) == pytest.approx((1 + 2 / relevance.math.log2(3)) / (2 + 1 / relevance.math.log2(3)))
    assert relevance.ndcg([], grades) == 0


def test_search_relevance_does_not_drop_below_the_baseline(demo_app):
    demo_app.config["SEARCH_RATE_PER_MINUTE"] = 0  # 50-odd searches from one address
    report = relevance.evaluate(demo_app.test_client())
    baseline = json.loads(relevance.BASELINE.read_text(encoding="utf-8"))["overall"]
    overall = report["overall"]
    summary = relevance.markdown(report)
    assert overall["mrr"] >= baseline["mrr"] - TOLERANCE, summary
    assert overall["ndcg@10"] >= baseline["ndcg@10"] - TOLERANCE, summary
