"""Fixtures: an app with its own SQLite file, index folder and media folder for every test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portal import create_app
from portal.extensions import db

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "corpus"
DEMO = ROOT / "demo"

SAMPLE_VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Animation>Bienvenue à ce webinaire sur le harcèlement en ligne.

00:00:04.500 --> 00:00:09.000
<v Intervenante>L'algorithme de recommandation amplifie les discriminations.

00:00:09.500 --> 00:00:14.000
<v Intervenante>Vous pouvez porter

00:00:14.000 --> 00:00:18.000
<v Intervenante>plainte auprès du procureur de la République.
"""


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """The English catalogues, compiled from their .po as ``make setup`` does (a run without make too)."""
    from portal.i18n import compile_catalogues

    compile_catalogues()


def _make_app(tmp_path: Path, **overrides):
    return create_app(
        "testing",
        INSTANCE_PATH=str(tmp_path / "instance"),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
        MEDIA_DIR=str(tmp_path / "media"),
        **overrides,
    )


def close_app(app) -> None:
    """What an app holds open: its database connections and this thread's index searcher, once the
    background index work it started (a rebuild, a catch-up) has ended."""
    from portal.services import indexing

    indexing.wait_for_background()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if "search_store" in app.extensions:
        app.extensions["search_store"].close()


@pytest.fixture
def app(tmp_path):
    """An empty portal: schema and themes, no webinar."""
    app = _make_app(tmp_path)
    with app.app_context():
        from portal.cli import init_schema

        init_schema()
    yield app
    close_app(app)


def build_portal(base: Path, *catalogues: Path):
    """An app in ``base`` with the schema, these catalogue files imported through the real import, and its index built."""
    from portal.cli import init_schema
    from portal.services import indexing
    from portal.services.catalogue import import_catalogue_file

    app = _make_app(base)
    with app.app_context():
        init_schema()
        for catalogue in catalogues:
            import_catalogue_file(catalogue)
        indexing.rebuild()
    return app


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo catalogue imported and indexed once; each test gets a copy of the files."""
    base = tmp_path_factory.mktemp("demo-template")
    close_app(build_portal(base, DEMO / "catalogue.json"))
    return base


@pytest.fixture
def demo_app(demo_template, tmp_path):
    """A portal holding the four demo webinars, with its own copy of the database, index and media."""
    for name in ("portal.sqlite3", "index", "media", "instance"):
        source = demo_template / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, symlinks=True)
        elif source.exists():
            shutil.copy2(source, tmp_path / name)
    app = _make_app(tmp_path)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_webinar(app):
    """Create a published webinar (and optionally its transcript) through the real services."""

    def make(slug: str = "demo", transcript: str | bytes | None = None, **fields):
        from datetime import datetime, timezone

        from sqlalchemy import select

        from portal.models import Theme, Webinar
        from portal.services.transcripts import ingest_transcript

        themes = fields.pop("themes", ["law"])
        values = dict(
            slug=slug,
            title=f"Webinaire {slug}",
            question="Une question ?",
            starts_at=datetime(2024, 4, 25, 10, 30, tzinfo=timezone.utc),
            duration_ms=30 * 60_000,
            published=True,
        )
        values.update(fields)
        with app.app_context():
            webinar = Webinar(**values)
            webinar.themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(themes))))
            db.session.add(webinar)
            db.session.commit()
            if transcript is not None:
                raw = transcript.encode() if isinstance(transcript, str) else transcript
                ingest_transcript(webinar, raw, f"{slug}.vtt", source="cli")
            return webinar.id

    return make


ADMIN_PASSWORD = "correct horse battery staple"
TRAINER_PASSWORD = "violet mountain quietly sings"


def csrf_token(client, url: str) -> str:
    import re

    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(client, email: str, password: str, **extra):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token, **extra})


def _make_user(app, email: str, password: str, role: str) -> int:
    from portal.services.accounts import create_user

    with app.app_context():
        user = create_user(email, password, role)
        db.session.commit()
        return user.id


def signed_in_client(app, email: str, password: str, role: str):
    """A test client of a new account of ``role``, signed in through the real form."""
    _make_user(app, email, password, role)
    client = app.test_client()
    assert sign_in(client, email, password).status_code == 302
    return client


@pytest.fixture
def admin_client(app):
    return signed_in_client(app, "admin@example.org", ADMIN_PASSWORD, "admin")


@pytest.fixture
def trainer_client(app):
    return signed_in_client(app, "trainer@example.org", TRAINER_PASSWORD, "trainer")


@pytest.fixture
def demo_admin(demo_app):
    """The demo portal and a signed-in admin's client."""
    return signed_in_client(demo_app, "admin@example.org", ADMIN_PASSWORD, "admin")


def make_pdf(text: str) -> bytes:
    """A minimal one-page PDF holding ``text`` (Helvetica), enough for a real PDF reader to extract it."""
    content = f"BT /F1 12 Tf 72 720 Td ({text.replace('(', '').replace(')', '')}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_office(kind: str) -> bytes:
    """A tiny ZIP shaped like an ODP, PPTX or DOCX (what content sniffing looks at)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odp":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.presentation")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("ppt/presentation.xml" if kind == "pptx" else "word/document.xml", "<x/>")
    return buffer.getvalue()


def make_media(path: Path, seconds: float = 5, kind: str = "opus") -> Path:
    """A real recording made by ffmpeg: ``opus`` (a tone), ``mp4`` (H.264 test pattern and AAC tone),
    ``flac`` (a format browsers are not all sure to play), ``silent-mp4`` (pictures, no sound)."""
    import subprocess

    tone = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    picture = ["-f", "lavfi", "-i", f"testsrc=size=320x240:rate=25:duration={seconds}"]
    args = {
        "opus": [*tone, "-c:a", "libopus", "-b:a", "48k", "-f", "ogg"],
        "mp4": [*picture, *tone, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-b:v", "600k", "-c:a", "aac", "-shortest", "-f", "mp4"],
        "flac": [*tone, "-c:a", "flac", "-f", "flac"],
        "silent-mp4": [*picture, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-f", "mp4"],
    }[kind]
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(path)], check=True)
    return path
