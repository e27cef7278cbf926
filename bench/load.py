"""Two app nodes on one PostgreSQL under load, while the catalogue changes: does every node follow?

Starts a throwaway PostgreSQL, loads the demo catalogue, then two app nodes (gunicorn, 2 workers
each, the repository's gunicorn.conf.py) with separate index folders and a shared media folder (the
shared volume of README "Several servers"). For ``--seconds``:

- Locust (bench/locust_visitors.py) runs ``--users`` visitors spread over both nodes: searches (page
  and API), watch pages at a moment, a clip page, and 64 KiB range requests of a recording;
- an admin uploads a new transcript version of one webinar through the web form on node A every
  ``--upload-every`` seconds, each with a word of its own, and the script times how long until node B's
  search finds that word (and until A's does);
- ``flask reindex`` runs on node B at a third and at two thirds of the run.

Prints requests/s, p50/p95/p99 per route and failed requests (Locust), and the A-to-B times.
Loopback only (PostgreSQL listens on a Unix socket); nothing leaves the machine.

Needs the PostgreSQL server binaries (initdb, pg_ctl) and Locust: ``.venv/bin/pip install -e '.[bench]'``.
Run: .venv/bin/python bench/load.py [--seconds 120] [--users 20] [--upload-every 6]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from webclient import WebClient, free_port

HERE = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "admin@example.org", "une phrase de passe pour le banc d'essai"


def as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def start_postgres(folder: Path) -> tuple[str, callable]:
    if not (shutil.which("initdb") and shutil.which("pg_ctl")):
        raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) are needed: apt-get install postgresql")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = free_port()
    subprocess.run(as_postgres(["initdb", "-D", str(folder / "data"), "-A", "trust", "-U", "postgres"]), check=True, capture_output=True)
    settings = f"-p {port} -k {folder} -c listen_addresses='' -c max_connections=200"
    start = ["pg_ctl", "-D", str(folder / "data"), "-o", settings, "-l", str(folder / "log"), "-w", "start"]
    subprocess.run(as_postgres(start), check=True, capture_output=True)
    subprocess.run(as_postgres(["createdb", "-h", str(folder), "-p", str(port), "-U", "postgres", "portal"]), check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(as_postgres(["pg_ctl", "-D", str(folder / "data"), "-m", "fast", "stop"]), capture_output=True)

    return f"postgresql+psycopg://postgres@/portal?host={folder}&port={port}", stop


def node_env(tmp: Path, name: str, database: str) -> dict[str, str]:
    return dict(
        os.environ,
        PORTAL_ENV="testing",
        PORTAL_INSTANCE_PATH=str(tmp / name),
        PORTAL_SQLALCHEMY_DATABASE_URI=database,
        PORTAL_SEARCH_INDEX_DIR=str(tmp / name / "index"),
        PORTAL_MEDIA_DIR=str(tmp / "shared-media"),  # a shared volume: media are not in the database
        PORTAL_INDEX_FOLLOW_EVERY_S="1.0",
        PORTAL_SEARCH_RATE_PER_MINUTE="0",  # every visitor is 127.0.0.1 here: the limiter is bench/abuse_load.py's
        PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(prefix=f"metrics-{name}-", dir=tmp),
        PYTHONPATH=str(HERE),
    )


def prepare(env: dict[str, str]) -> tuple[str, str, str, int]:
    """Schema, demo catalogue, an admin, a clip; returns (webinar id, clip code, media name, media bytes)."""
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, %r)\n"
        "from portal import create_app; from portal.cli import init_schema; from portal.extensions import db\n"
        "from portal.models import Webinar; from portal.services import indexing\n"
        "from portal.services.accounts import create_user; from portal.services.catalogue import import_catalogue_file\n"
        "from portal.services.clips import create_clip\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    init_schema(); import_catalogue_file(Path(%r)); indexing.rebuild()\n"
        "    user = create_user(%r, %r, 'admin'); db.session.commit()\n"
        "    w = db.session.query(Webinar).filter_by(slug='session-2-loi').one()\n"
        "    clip = create_clip(user, w, 60_000, 120_000, 'Extrait du banc d essai'); db.session.commit()\n"
        "    print(w.id, clip.code, w.media_src, (Path(app.config['MEDIA_DIR']) / w.media_src).stat().st_size)\n"
    ) % (str(HERE), str(HERE / "demo" / "catalogue.json"), EMAIL, PASSWORD)
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True).stdout.split()
    webinar_id, code, media, size = out[-4:]
    return webinar_id, code, media, int(size)


def gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(HERE / "gunicorn.conf.py"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "portal:create_app()"],
        env=env, cwd=str(HERE), stdout=subprocess.DEVNULL, stderr=open(log, "w"),
    )


def versions(base: bytes, count: int) -> list[tuple[str, bytes]]:
    """``count`` versions of a real transcript, each with a made-up word of its own in its first line."""
    out = []
    for n in range(count):
        word = "zorblax" + "".join("abcdefghij"[int(d)] for d in f"{n:03d}")
        head, sep, rest = base.partition(b"-->")
        line_end = rest.index(b"\n") + 1
        out.append((word, head + sep + rest[:line_end] + word.encode() + b" " + rest[line_end:]))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:  # noqa: C901 (a script read top to bottom)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--upload-every", type=float, default=6.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="portal-load-"))
    database, stop_postgres = start_postgres(tmp)
    servers: list[subprocess.Popen] = []
    try:
        env_a, env_b = node_env(tmp, "node-a", database), node_env(tmp, "node-b", database)
        webinar_id, clip, media, media_bytes = prepare(env_a)
        ports = free_port(), free_port()
        servers = [gunicorn(env_a, ports[0], tmp / "node-a.log"), gunicorn(env_b, ports[1], tmp / "node-b.log")]
        a, b = WebClient(f"http://127.0.0.1:{ports[0]}"), WebClient(f"http://127.0.0.1:{ports[1]}")
        a.wait_until_up()
        b.wait_until_up()
        b.wait_until_up("/readyz", timeout=60)  # B built its index from the database by itself
        print(f"nodes: A {a.base}, B {b.base}; {args.users} visitors for {args.seconds} s; PostgreSQL on a socket in {tmp}")

        locust_env = dict(os.environ, LOAD_NODES=f"{a.base},{b.base}", LOAD_CLIP=clip, LOAD_MEDIA=media, LOAD_MEDIA_BYTES=str(media_bytes))
        stats = tmp / "locust"
        visitors = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(HERE / "bench" / "locust_visitors.py"), "--headless", "--only-summary",
             "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s", "--csv", str(stats), "--loglevel", "WARNING"],
            env=locust_env, stdout=subprocess.DEVNULL, stderr=open(tmp / "locust.log", "w"),
        )
        started = time.monotonic()
        admin = WebClient(a.base)
        admin.sign_in(EMAIL, PASSWORD)
        on_a: list[float] = []
        on_b: list[float] = []
        uploads: list[tuple[float, float]] = []
        problems: list[str] = []
        reindexes: list[str] = []

        def reindex_on_b() -> None:
            for share in (1 / 3, 2 / 3):
                time.sleep(max(0.0, started + args.seconds * share - time.monotonic()))
                t0 = time.monotonic()
                command = [sys.executable, "-m", "flask", "--app", "portal:create_app()", "reindex"]
                done = subprocess.run(command, env=env_b, cwd=str(HERE), capture_output=True, text=True)
                reindexes.append(f"{time.monotonic() - t0:.1f} s (exit {done.returncode})")
                if done.returncode:
                    problems.append(f"reindex on B: {done.stderr.strip()[-300:]}")

        reindexer = threading.Thread(target=reindex_on_b, daemon=True)
        reindexer.start()
        base = (HERE / "demo" / "transcripts" / "session-2-loi.vtt").read_bytes()
        for word, raw in versions(base, int(args.seconds / args.upload_every) + 1):
            if time.monotonic() - started > args.seconds - 10:
                break
            _, upload_s, confirm_s = admin.upload_transcript(webinar_id, f"{word}.vtt", raw)
            uploads.append((upload_s, confirm_s))
            confirmed = time.monotonic()
            seen: dict[str, float] = {}
            while len(seen) < 2 and time.monotonic() - confirmed < 30:
                for name, client in (("A", a), ("B", b)):
                    if name not in seen and client.total_hits(word) >= 1:
                        seen[name] = time.monotonic() - confirmed
                time.sleep(0.05)
            if "B" not in seen:
                problems.append(f"{word}: not searchable on B after 30 s")
            on_a.append(seen.get("A", 30.0))
            on_b.append(seen.get("B", 30.0))
            time.sleep(max(0.0, args.upload_every - (time.monotonic() - confirmed)))
        visitors.wait(timeout=args.seconds + 120)
        reindexer.join(timeout=120)

        rows = list(csv.DictReader(open(f"{stats}_stats.csv", encoding="utf-8")))
        print(f"\n{'route':28} {'requests':>9} {'failed':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
        for row in rows:
            name = row["Name"] if row["Name"] != "Aggregated" else "all routes"
            print(f"{name:28} {row['Request Count']:>9} {row['Failure Count']:>7} {float(row['Requests/s']):>7.1f} "
                  f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")
        failures = Path(f"{stats}_failures.csv").read_text(encoding="utf-8").strip().splitlines()[1:]
        for line in failures:
            print(f"  failure: {line}")
        print(f"\nadmin uploads on A: {len(uploads)}, upload+preview p50 {statistics.median(u for u, _ in uploads) * 1000:.0f} ms, "
              f"confirmation p50 {statistics.median(c for _, c in uploads) * 1000:.0f} ms")
        print(f"searchable on A after the confirmation: p50 {statistics.median(on_a):.2f} s, p95 {percentile(on_a, 95):.2f} s, max {max(on_a):.2f} s")
        print(f"searchable on B after the confirmation: p50 {statistics.median(on_b):.2f} s, p95 {percentile(on_b, 95):.2f} s, max {max(on_b):.2f} s")
        print(f"reindex on B: {', '.join(reindexes) or 'not run'}")
        for problem in problems:
            print(f"PROBLEM: {problem}")
        for name, log in (("A", tmp / "node-a.log"), ("B", tmp / "node-b.log")):
            lines = log.read_text(errors="replace").splitlines()
            errors = [i for i, line in enumerate(lines) if "Traceback" in line or "WORKER TIMEOUT" in line]
            print(f"node {name} log: {len(errors)} tracebacks or worker timeouts")
            if errors:
                print("\n".join("    " + line for line in lines[max(0, errors[0] - 3) : errors[0] + 40]))
                problems.append(f"node {name} logged {len(errors)} errors")
        if problems or failures or percentile(on_b, 95) >= 5.0:
            sys.exit(1)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        stop_postgres()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
