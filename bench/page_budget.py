"""Watch-page budget: server render time and compressed weight of a 90-minute webinar's page.

Builds a throwaway portal holding one webinar with about 1,400 cues (90 minutes), renders
its watch page through the Flask test client, and prints the median and p95 render time and
the gzip-compressed size of the HTML plus every CSS and JavaScript file the page loads
(media excluded). Targets: render under 100 ms, weight under 150 KB.

Run: .venv/bin/python bench/page_budget.py [--cues 1400] [--renders 50]
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.cli import init_schema  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Chapter, Webinar  # noqa: E402
from portal.services.transcripts import ingest_transcript  # noqa: E402

SENTENCES = [
    "L'algorithme de recommandation met en avant les contenus qui suscitent le plus de réactions.",
    "Les personnes visées par le harcèlement peuvent signaler les contenus et porter plainte.",
    "Le règlement sur les services numériques impose aux plateformes des obligations de transparence.",
    "Documenter les discriminations demande des captures d'écran datées et un archivage rigoureux.",
]


def transcript(cues: int) -> bytes:
    lines = ["WEBVTT", ""]
    step = 90 * 60_000 // cues
    for i in range(cues):
        start, end = i * step, i * step + step - 200
        speaker = ("Animation", "Intervenante 1", "Intervenante 2")[(i // 7) % 3]
        lines += [f"{_ts(start)} --> {_ts(end)}", f"<v {speaker}>{SENTENCES[i % len(SENTENCES)]}", ""]
    return "\n".join(lines).encode()


def _ts(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=1400)
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "testing",
            INSTANCE_PATH=tmp,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite3",
            SEARCH_INDEX_DIR=f"{tmp}/index",
            MEDIA_DIR=f"{tmp}/media",
        )
        with app.app_context():
            init_schema()
            webinar = Webinar(
                slug="budget", title="Webinaire de 90 minutes", question="Une question ?", description="Description.",
                starts_at=datetime(2024, 3, 26, 11, 30, tzinfo=timezone.utc), duration_ms=90 * 60_000, published=True,
                media_kind="url", media_src="https://example.org/a.mp3", media_type="audio/mpeg",
            )
            webinar.chapters = [Chapter(start_ms=i * 15 * 60_000, title=f"Chapitre {i + 1}") for i in range(6)]
            db.session.add(webinar)
            db.session.commit()
            ingest_transcript(webinar, transcript(args.cues), "budget.vtt")
        client = app.test_client()
        html = client.get("/webinars/budget?t=754").data
        for _ in range(5):
            client.get("/webinars/budget?t=754")
        times = []
        for _ in range(args.renders):
            started = time.perf_counter()
            response = client.get("/webinars/budget?t=754")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html.decode())
        sizes = {"HTML": (len(html), len(gzip.compress(html, 9)))}
        for path in assets:
            body = client.get(path).data
            sizes[path] = (len(body), len(gzip.compress(body, 9)))
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"watch page, {args.cues} cues: render median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({args.renders} renders)")
    print("| resource | bytes | gzip bytes |\n|---|---|---|")
    for name, (raw, packed) in sizes.items():
        print(f"| {name} | {raw:,} | {packed:,} |")
    total_raw = sum(r for r, _ in sizes.values())
    total = sum(p for _, p in sizes.values())
    print(f"| **total** | {total_raw:,} | **{total:,} ({total / 1024:.1f} KB)** |")


if __name__ == "__main__":
    main()
