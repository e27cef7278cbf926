"""Search under abuse: a legitimate visitor's latency alone, then beside two attackers, on loopback.

Builds a throwaway portal (the demo catalogue and the generated 90-minute webinar), serves it with
gunicorn (2 workers, behind one "trusted proxy" so that each client has its own X-Forwarded-For
address), then for ``--seconds`` each:

1. one legitimate client searches ordinary queries back to back (site search API and a recording's
   search box), alone;
2. the same, while two attacker threads each send 2.7 requests a second of the costliest queries we
   know (twenty unknown words of 18 and 24 letters, which used to ask for twenty spelling
   suggestions), from their own addresses.

Prints the legitimate client's requests, p50 and p95, and what the attackers got (status counts).
Loopback only; nothing leaves the machine. ``--root DIR`` runs another checkout's portal code.

Run: .venv/bin/python bench/abuse_load.py [--seconds 30] [--root DIR]
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
LEGIT = ["harcèlement", "porter plainte", "algorithme de recommandation", "signalement", "DSA", "discrimin*", "preuve numérique"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(root: Path, tmp: Path) -> dict[str, str]:
    env = dict(os.environ, PORTAL_ENV="testing", PORTAL_INSTANCE_PATH=str(tmp / "instance"),
               PORTAL_SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'portal.sqlite3'}", PORTAL_SEARCH_INDEX_DIR=str(tmp / "index"),
               PORTAL_MEDIA_DIR=str(tmp / "media"), PORTAL_TRUSTED_PROXIES="1", PYTHONPATH=str(root))
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, %r); sys.path.insert(1, %r)\n"
        "from portal import create_app; from portal.cli import init_schema; from portal.services import indexing\n"
        "from portal.services.catalogue import import_catalogue_file; from demo.synthetic import write_catalogue\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    init_schema(); import_catalogue_file(Path(%r)); import_catalogue_file(write_catalogue(Path(%r))); indexing.rebuild()\n"
    ) % (str(root), str(HERE), str(root / "demo" / "catalogue.json"), str(tmp / "long"))
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    return env


def get(base: str, path: str, address: str) -> tuple[int, float]:
    request = urllib.request.Request(base + path, headers={"X-Forwarded-For": address})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    return status, (time.perf_counter() - started) * 1000


def legitimate(base: str, seconds: float, within: bool) -> tuple[list[float], collections.Counter]:
    times, statuses, deadline, i = [], collections.Counter(), time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        q = urllib.request.quote(LEGIT[i % len(LEGIT)])
        path = f"/api/v1/webinars/session-longue/search?q={q}" if within and i % 2 else f"/api/v1/search?q={q}"
        status, ms = get(base, path, "198.51.100.10")
        statuses[status] += 1
        if status == 200:
            times.append(ms)
        i += 1
        time.sleep(0.6)  # someone typing in a search box, without a pause to read: well above a person's pace
    return times, statuses


def attacker(base: str, seconds: float, address: str, statuses: collections.Counter, costs: list[float]) -> None:
    rng = random.Random(address)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        # Unknown words of 24 letters (the audit's) and of 18 (the longest that still gets a suggestion).
        words = " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(24 if n % 2 else 18)) for n in range(20))
        status, ms = get(base, f"/api/v1/search?q={urllib.request.quote(words)}", address)
        statuses[status] += 1
        costs.append(ms)
        time.sleep(1 / 2.7)


def report(label: str, result: tuple[list[float], collections.Counter]) -> None:
    times, statuses = sorted(result[0]), result[1]
    if not times:
        print(f"{label}: no search answered {dict(statuses)}")
        return
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label}: {len(times)} of {sum(statuses.values())} searches answered, p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--root", type=Path, default=HERE, help="a checkout whose portal/ to serve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = build(args.root.resolve(), Path(tmp))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--chdir", str(args.root), "--pythonpath", str(args.root), "portal:create_app()"],
            env=env, cwd=str(args.root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    get(base, "/", "198.51.100.1")
                    break
                except OSError:
                    time.sleep(0.2)
            # (a checkout from before the recording's search box has only the site search)
            within = get(base, "/api/v1/webinars/session-longue/search?q=plainte", "198.51.100.1")[0] == 200
            legitimate(base, 3, within)  # warm both workers' searchers
            report("alone", legitimate(base, args.seconds, within))
            statuses: collections.Counter = collections.Counter()
            costs: list[float] = []
            threads = [threading.Thread(target=attacker, args=(base, args.seconds, f"203.0.113.{i}", statuses, costs)) for i in (1, 2)]
            for t in threads:
                t.start()
            report("with two attackers", legitimate(base, args.seconds, within))
            for t in threads:
                t.join()
            print("attackers' answers:", dict(sorted(statuses.items())), f"(median {statistics.median(costs):.0f} ms each)")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
