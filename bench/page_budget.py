"""Watch-page budget: server render time, bytes on the wire, and first paint on a throttled phone.

Builds a throwaway portal holding one 90-minute webinar with 1,400 lines (demo/synthetic.py: a
silent WAV, six chapters), then measures:

- server render of ``/webinars/<slug>?t=754`` through Flask's test client, median and p95 over
  ``--renders`` requests (also with ``&q=plainte``, which marks the hits of the search box);
- the bytes the browser receives: the HTML and every CSS and JavaScript file the page loads, as the
  portal serves them with ``Accept-Encoding: br, gzip`` (media excluded), beside raw and gzip -9;
- first paint and first contentful paint in headless Chromium (Debian's) through Playwright,
  emulating a phone: 390 × 844, 1.6 Mb/s down, 750 kb/s up, 150 ms round trip, CPU slowed 4×,
  no cache; the median of ``--loads`` page loads, with the time until the player is wired.

Targets (watch-page issue): render < 100 ms, HTML + CSS + JS < 60 KB compressed, first paint < 1 s.

Run: .venv/bin/python bench/page_budget.py [--cues 1400] [--renders 50] [--loads 5] [--no-browser]
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.synthetic import write_catalogue  # noqa: E402
from portal import create_app  # noqa: E402
from portal.cli import init_schema  # noqa: E402
from portal.services import indexing  # noqa: E402
from portal.services.catalogue import import_catalogue_file  # noqa: E402

SLUG = "budget"
PAGE = f"/webinars/{SLUG}?t=754"
THROTTLE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(0, int(round(len(values) * p)) - 1)]


def render_times(client, url: str, renders: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request (CPU time moves less when the machine is shared)."""
    for _ in range(5):
        client.get(url)
    wall, cpu = [], []
    for _ in range(renders):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    return wall, cpu


def wire_sizes(client) -> dict[str, tuple[int, int, int, str]]:
    """Per resource: raw bytes, bytes served (and how), gzip -9 bytes."""
    html = client.get(PAGE).data
    sizes = {}
    for name in ["HTML"] + re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)(?:\?v=\w+)?)"', html.decode()):
        url = PAGE if name == "HTML" else name
        raw = client.get(url).data
        served = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        sizes[name.split("?")[0]] = (len(raw), len(served.data), len(gzip.compress(raw, 9)), served.headers.get("Content-Encoding", "none"))
    return sizes


def first_paint(base: str, loads: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fr-FR")
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", THROTTLE)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            page.goto(base + PAGE, wait_until="load")
            for _ in range(200):
                if page.evaluate("document.querySelector('.watch').getAttribute('data-player-ready') === 'true'"):
                    break
                time.sleep(0.05)
            runs.append(
                page.evaluate(
                    """() => {
                        const paint = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
                        const nav = performance.getEntriesByType('navigation')[0];
                        return {fp: paint['first-paint'], fcp: paint['first-contentful-paint'], dcl: nav.domContentLoadedEventEnd,
                                load: nav.loadEventEnd, ready: performance.now()};
                    }"""
                )
            )
            context.close()
        browser.close()
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=1400)
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true", help="skip the throttled first-paint measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "testing", INSTANCE_PATH=tmp, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite3",
            SEARCH_INDEX_DIR=f"{tmp}/index", MEDIA_DIR=f"{tmp}/media",
        )
        with app.app_context():
            init_schema()
            import_catalogue_file(write_catalogue(Path(tmp) / "files", cues=args.cues, slug=SLUG))
            indexing.rebuild()
        client = app.test_client()
        plain = render_times(client, PAGE, args.renders)
        searched = render_times(client, PAGE + "&q=plainte", args.renders)
        sizes = wire_sizes(client)
        paints = []
        if not args.no_browser:
            # The server in a process of its own, so that driving the browser does not slow it down.
            from werkzeug.serving import make_server

            server = make_server("127.0.0.1", 0, app, threaded=True)
            serving = multiprocessing.get_context("fork").Process(target=server.serve_forever, daemon=True)
            serving.start()
            server.socket.close()
            try:
                paints = first_paint(f"http://127.0.0.1:{server.server_port}", args.loads)
            finally:
                serving.terminate()
                serving.join()
    print(f"watch page, {args.cues} lines, 90 minutes")
    for label, (wall, cpu) in (("render", plain), ("render with ?q=plainte", searched)):
        print(
            f"{label}: median {statistics.median(wall):.1f} ms, p95 {percentile(wall, 0.95):.1f} ms"
            f" (CPU median {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms; {args.renders} renders)"
        )
    print("\n| resource | bytes | served | as | gzip -9 |\n|---|--:|--:|---|--:|")
    for name, (raw, served, packed, encoding) in sizes.items():
        print(f"| {name} | {raw:,} | {served:,} | {encoding} | {packed:,} |")
    total_raw = sum(v[0] for v in sizes.values())
    total_served = sum(v[1] for v in sizes.values())
    total_gzip = sum(v[2] for v in sizes.values())
    print(f"| **total** | {total_raw:,} | **{total_served:,} ({total_served / 1024:.1f} KB)** | | {total_gzip:,} ({total_gzip / 1024:.1f} KB) |")
    if paints:
        print(f"\nthrottled phone (1.6 Mb/s, 150 ms RTT, CPU 4x, no cache), median of {len(paints)} loads:")
        labels = (("fp", "first paint"), ("fcp", "first contentful paint"), ("dcl", "DOMContentLoaded"),
                  ("load", "load event"), ("ready", "player wired (data-player-ready)"))
        for key, label in labels:
            values = [run[key] for run in paints if run.get(key)]
            print(f"  {label}: {statistics.median(values):.0f} ms (min {min(values):.0f}, max {max(values):.0f})")


if __name__ == "__main__":
    main()
