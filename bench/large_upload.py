"""The largest transcript the portal accepts, sent by an admin to a portal served by gunicorn (its
default 30 s timeout, the repository's gunicorn.conf.py), over loopback HTTP.

Generates a WebVTT file of about 10 MiB (the limit, MAX_TRANSCRIPT_BYTES) and 110,000 lines, then
times: the upload and its preview; the confirmation; the time until the site search finds the
new version (indexed by the background job); the watch page at a moment near the end (its size,
the part it renders); one part of its lines (what the script fetches); and whether gunicorn had to
kill a worker. Nothing leaves the machine.

Run: .venv/bin/python bench/large_upload.py [--cues 110000]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from webclient import free_port, multipart

HERE = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "admin@example.org", "une phrase de passe pour le banc d'essai"
WORDS = ("la plateforme doit retirer le contenu haineux signalé par la victime ou par une association "
         "agréée et conserver les preuves du harcèlement").split()


def transcript(cues: int) -> bytes:
    """One line every 2 s, 8 to 10 words each (a speaker named every tenth line), « zygomatique » in
    every thousandth: 110,000 lines make 9.8 MiB, just under the 10 MiB limit."""
    lines = ["WEBVTT", ""]
    for i in range(cues):
        start = i * 2000
        h, m, s = start // 3_600_000, start // 60_000 % 60, start // 1000 % 60
        words = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(8 + i % 3)]
        if i % 1000 == 0:
            words.append("zygomatique")
        voice = "<v Intervenante>" if i % 10 == 0 else ""
        lines += [f"{h:02d}:{m:02d}:{s:02d}.000 --> {h:02d}:{m:02d}:{s:02d}.900", f"{voice}{' '.join(words)}.", ""]
    return "\n".join(lines).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=110_000)
    args = parser.parse_args()
    raw = transcript(args.cues)
    print(f"file: {len(raw) / 1048576:.2f} MiB, {args.cues:,} lines")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = dict(os.environ, PORTAL_ENV="testing", PORTAL_INSTANCE_PATH=str(tmp / "instance"),
                   PORTAL_SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'portal.sqlite3'}", PORTAL_SEARCH_INDEX_DIR=str(tmp / "index"),
                   PORTAL_MEDIA_DIR=str(tmp / "media"), PORTAL_SEARCH_RATE_PER_MINUTE="0", PYTHONPATH=str(HERE))
        script = (
            "import sys; from pathlib import Path; sys.path.insert(0, %r)\n"
            "from portal import create_app; from portal.cli import init_schema; from portal.extensions import db\n"
            "from portal.services import indexing; from portal.services.accounts import create_user\n"
            "from portal.services.catalogue import import_catalogue_file\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            "    init_schema(); import_catalogue_file(Path(%r)); indexing.rebuild(); create_user(%r, %r, 'admin'); db.session.commit()\n"
            "    from portal.models import Webinar; w = db.session.query(Webinar).filter_by(slug='session-2-loi').one()\n"
            "    w.duration_ms = %d; db.session.commit(); print(w.id)\n"  # a recording as long as the file
        ) % (str(HERE), str(HERE / "demo" / "catalogue.json"), EMAIL, PASSWORD, args.cues * 2000)
        webinar_id = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
        slug = "session-2-loi"
        port = free_port()
        log = tmp / "gunicorn.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(HERE / "gunicorn.conf.py"), "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "portal:create_app()"],
            env=env, cwd=str(HERE), stdout=subprocess.DEVNULL, stderr=open(log, "w"),
        )
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

        def fetch(path: str, data: bytes | None = None, content_type: str | None = None) -> tuple[int, bytes, float, str]:
            request = urllib.request.Request(base + path, data=data)
            if content_type:
                request.add_header("Content-Type", content_type)
            started = time.perf_counter()
            try:
                with opener.open(request, timeout=120) as response:
                    body, status, url = response.read(), response.status, response.url
            except urllib.error.HTTPError as err:
                body, status, url = err.read(), err.code, path
            return status, body, time.perf_counter() - started, url

        def token(html: bytes) -> str:
            return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1).decode()

        try:
            for _ in range(100):
                try:
                    fetch("/")
                    break
                except OSError:
                    time.sleep(0.2)
            login = fetch("/login")[1]
            form = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token(login)}).encode()
            assert fetch("/login", form, "application/x-www-form-urlencoded")[0] == 200
            page = f"/admin/webinars/{webinar_id}/transcripts"
            body, kind = multipart({"csrf_token": token(fetch(page)[1])}, "file", "tres-long.vtt", raw)
            status, preview, seconds, _ = fetch(page, body, kind)
            print(f"upload and preview: {status} in {seconds:.1f} s ({len(preview) / 1024:.0f} KB page)")
            if status != 200:
                refusal = re.search(rb'<div class="error-summary"[^>]*>(.*?)</div>', preview, re.S)
                raise SystemExit(f"the upload was refused: {re.sub(rb'<[^>]+>', b'', refusal.group(1)).decode().strip() if refusal else status}")
            fields = {"csrf_token": token(preview), "token": re.search(rb'name="token" type="hidden" value="([^"]+)"', preview).group(1).decode()}
            confirmed = time.perf_counter()
            status, done, seconds, _ = fetch(f"{page}/confirm", urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")
            flash = re.search(rb'class="flash[^"]*"[^>]*>([^<]+)', done)
            print(f"confirmation: {status} in {seconds:.1f} s: {flash.group(1).decode() if flash else '?'}")
            expected = len(range(0, args.cues, 1000))
            while True:
                data = fetch("/api/v1/search?q=zygomatique")[1].decode()
                found = int(re.search(r'"total_hits":\s*(\d+)', data).group(1))
                if found >= expected or time.perf_counter() - confirmed > 600:
                    break
                time.sleep(1)
            print(f"searchable ({found} of {expected} hits) {time.perf_counter() - confirmed:.1f} s after the confirmation was sent")
            near_end = args.cues * 2 - 100
            status, html, seconds, _ = fetch(f"/webinars/{slug}?t={near_end}")
            lines = len(re.findall(rb'<li id="cue-', html))
            part = re.search(rb'data-part="(\d+)" data-parts="(\d+)"', html)
            where = f"part {part.group(1).decode()} of {part.group(2).decode()}"
            print(f"watch page near the end: {status}, {len(html) / 1024:.0f} KB, {lines} lines ({where}) in {seconds * 1000:.0f} ms")
            status, fragment, seconds, _ = fetch(f"/webinars/{slug}/transcript/part/2")
            print(f"one part for the script: {status}, {len(fragment) / 1024:.0f} KB in {seconds * 1000:.0f} ms")
        finally:
            server.terminate()
            server.wait(timeout=30)
        killed = log.read_text().count("WORKER TIMEOUT")
        print(f"gunicorn worker timeouts: {killed}")


if __name__ == "__main__":
    main()
