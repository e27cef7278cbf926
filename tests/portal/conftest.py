"""Fixtures of the portal's tests that need more than an app: a throwaway PostgreSQL server."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

BINARIES = [shutil.which(name) for name in ("initdb", "pg_ctl")]


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@pytest.fixture
def postgres_url(tmp_path):
    if not all(BINARIES):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed on this machine")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a 'postgres' user to run the server as")
    # Outside pytest's private (0700) temp folder, so the server's user can reach it.
    data = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(_as_postgres(["initdb", "-D", str(data / "data"), "-A", "trust", "-U", "postgres"]), check=True, capture_output=True)
    subprocess.run(
        _as_postgres(["pg_ctl", "-D", str(data / "data"), "-o", f"-p {port} -k {data} -c listen_addresses=''", "-l", str(data / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        import psycopg

        with psycopg.connect(f"host={data} port={port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE portal")
        yield f"postgresql+psycopg://postgres@/portal?host={data}&port={port}"
    finally:
        subprocess.run(_as_postgres(["pg_ctl", "-D", str(data / "data"), "-m", "fast", "stop"]), capture_output=True)
        shutil.rmtree(data, ignore_errors=True)
