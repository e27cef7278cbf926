"""A live portal on a loopback port and a real headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def wait_until(page, expression: str, timeout: float = 10.0, interval: float = 0.05):
    """Poll a JavaScript expression from Python (the portal's CSP forbids the eval that wait_for_function uses)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(interval)


def browser_sign_in(page, app, email: str, password: str, role: str) -> None:
    """Create an account and sign in through the real form."""
    from tests.conftest import _make_user

    _make_user(app, email, password, role)
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Se connecter')")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def live_server(demo_app):
    yield from serve(demo_app)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Debian's chromium where it is installed (CI), else Playwright's own (scripts/test-prerequisites).
        executable = CHROMIUM if shutil.os.path.exists(CHROMIUM) else None
        if executable is None and not shutil.os.path.exists(p.chromium.executable_path):
            pytest.fail("no Chromium for the browser tests: `make test` installs one (scripts/test-prerequisites)")
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def serve(app):
    """Serve an app on a loopback port from a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def open_context(browser, base_url: str, **options):
    """A browser context on ``base_url`` that records every request leaving it."""
    options.setdefault("locale", "fr-FR")  # the interface's reference language, whatever the machine's
    context = browser.new_context(base_url=base_url, **options)
    context.outside = []
    context.on("request", lambda request: context.outside.append(request.url) if not request.url.startswith(base_url) and not request.url.startswith("data:") else None)
    return context


@pytest.fixture
def page(browser, live_server):
    context = open_context(browser, live_server)
    page = context.new_page()
    yield page
    context.close()
    assert not context.outside, f"requests left the portal's origin: {context.outside}"


@pytest.fixture(scope="session")
def long_app(tmp_path_factory):
    """The demo catalogue plus a generated 90-minute, 1,200-line webinar with real (silent) media; not changed by tests."""
    from demo.synthetic import write_catalogue
    from tests.conftest import DEMO, build_portal, close_app

    base = tmp_path_factory.mktemp("long-webinar")
    app = build_portal(base, DEMO / "catalogue.json", write_catalogue(base / "files"))
    yield app
    close_app(app)


@pytest.fixture(scope="session")
def long_server(long_app):
    yield from serve(long_app)


@pytest.fixture(params=[(390, 844), (1280, 800)], ids=["phone", "laptop"])
def long_page(request, browser, long_server):
    """A page on the long webinar's portal, at a phone's and at a laptop's size."""
    width, height = request.param
    context = open_context(browser, long_server, viewport={"width": width, "height": height}, has_touch=width < 600, is_mobile=width < 600)
    page = context.new_page()
    yield page
    context.close()
    assert not context.outside, f"requests left the portal's origin: {context.outside}"


def long_transcript(cues: int = 60, step_s: int = 5) -> str:
    lines = ["WEBVTT", ""]
    for i in range(cues):
        start, end = i * step_s, i * step_s + step_s - 1
        speaker = "Animation" if i % 10 < 3 else "Intervenante"
        lines += [f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{end // 60:02d}:{end % 60:02d}.500", f"<v {speaker}>Réplique numéro {i} sur la modération des réseaux sociaux.", ""]
    return "\n".join(lines)


@pytest.fixture
def external_app(demo_app):
    """The demo portal plus three webinars hosted on YouTube, Vimeo and PeerTube, played by local fakes."""
    from datetime import datetime, timezone

    from portal.extensions import db
    from portal.models import Webinar
    from portal.services.transcripts import ingest_transcript
    from tests.browser import fakes

    demo_app.config["EMBED_BASES"] = {"youtube": "/fake/youtube", "vimeo": "/fake/vimeo", "peertube": "/fake/peertube"}
    demo_app.register_blueprint(fakes.bp)
    sources = {
        "youtube": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "vimeo": "https://vimeo.com/76979871",
        "peertube": "https://video.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
    }
    with demo_app.app_context():
        for kind, src in sources.items():
            webinar = Webinar(
                slug=f"externe-{kind}", title=f"Webinaire sur {kind}", starts_at=datetime(2024, 6, 1, tzinfo=timezone.utc),
                duration_ms=3600_000, published=True, media_kind=kind, media_src=src,
            )
            db.session.add(webinar)
            db.session.commit()
            ingest_transcript(webinar, long_transcript().encode(), f"{kind}.vtt")
    return demo_app


def pytest_collection_modifyitems(items):
    # The browser aborts media downloads mid-stream (seeking, closing the page); Werkzeug's
    # development server then drops the response without closing the file it was sending.
    # That leak belongs to the test server, not to the portal (gunicorn closes them).
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))
