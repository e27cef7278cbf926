"""The portal as the README says to serve it: gunicorn, several worker processes, a reindex running beside."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture
def gunicorn_env(demo_app, tmp_path):
    env = dict(os.environ)
    env.update(
        PORTAL_ENV="production",
        PORTAL_SECRET_KEY="test-secret-key-for-the-gunicorn-run-only",
        PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
        PORTAL_SQLALCHEMY_DATABASE_URI=demo_app.config["SQLALCHEMY_DATABASE_URI"],
        PORTAL_SEARCH_INDEX_DIR=demo_app.config["SEARCH_INDEX_DIR"],
        PORTAL_MEDIA_DIR=demo_app.config["MEDIA_DIR"],
        PORTAL_TRUSTED_HOSTS='["127.0.0.1"]',
        PORTAL_SEARCH_RATE_PER_MINUTE="0",  # two threads searching flat out during a reindex: a load test
    )
    return env


def test_gunicorn_with_workers_serves_and_searches_while_reindexing(gunicorn_env, tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "portal:create_app()"],
            env=gunicorn_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if fetch(base + "/")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            assert server.poll() is None, log.read_text()
            time.sleep(0.2)

        status, body = fetch(base + "/webinars/session-2-loi")
        assert status == 200 and "face à la loi" in body.decode()
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            assert "gunicorn" not in response.headers.get("Server", "").lower()  # gunicorn.conf.py
            assert response.headers["Strict-Transport-Security"]
        assert fetch(base + "/webinars/nope")[0] == 404

        failures: list[str] = []
        totals: set[int] = set()
        stop = threading.Event()

        def search() -> None:
            url = base + "/api/v1/search?" + urllib.parse.urlencode({"q": "harcèlement"})
            while not stop.is_set():
                status, body = fetch(url)
                data = json.loads(body)
                if status != 200 or not data["total_hits"]:
                    failures.append(f"{status} {data.get('notices')}")
                totals.add(data["total_hits"])

        threads = [threading.Thread(target=search) for _ in range(2)]
        for t in threads:
            t.start()
        try:
            reindex = subprocess.run(
                [str(BIN / "flask"), "--app", "portal", "reindex"], env=gunicorn_env, capture_output=True, text=True, timeout=120
            )
            assert reindex.returncode == 0, reindex.stderr
            time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join()
        assert not failures and len(totals) == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
