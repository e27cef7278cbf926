"""Screenshots of the watch page for the README, taken in headless Chromium on a throwaway portal.

The portal holds the demo catalogue and the generated 90-minute webinar (demo/synthetic.py). Each
shot is a phone (390 × 844) or a laptop (1280 × 800) view of one journey step. Refresh them with:

    .venv/bin/python docs/screenshots.py            # writes docs/*.png
    .venv/bin/python docs/screenshots.py --out /tmp/shots

Needs Debian's chromium (what .ci/run installs) and the test extras (Playwright's Python package).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from demo.synthetic import write_catalogue  # noqa: E402
from portal import create_app  # noqa: E402
from portal.cli import init_schema  # noqa: E402
from portal.services import indexing  # noqa: E402
from portal.services.catalogue import import_catalogue_file  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Webinar  # noqa: E402
from portal.services import clips  # noqa: E402
from portal.services.accounts import create_user  # noqa: E402
from sqlalchemy import select  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--autoplay-policy=no-user-gesture-required"]
PHONE, LAPTOP = (390, 844), (1280, 800)


def portal(tmp: Path):
    """The demo catalogue, the long webinar, and a trainer's clip and collection; returns (app, clip code, collection code)."""
    app = create_app("testing", INSTANCE_PATH=str(tmp / "instance"), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'portal.sqlite3'}",
                     SEARCH_INDEX_DIR=str(tmp / "index"), MEDIA_DIR=str(tmp / "media"))
    with app.app_context():
        init_schema()
        import_catalogue_file(ROOT / "demo" / "catalogue.json")
        import_catalogue_file(write_catalogue(tmp / "long"))
        indexing.rebuild()
        trainer = create_user("formatrice@example.org", "une phrase de passe assez longue", "trainer")
        db.session.commit()
        loi = db.session.scalar(select(Webinar).filter_by(slug="session-2-loi"))
        first = clips.create_clip(trainer, loi, 409_400, 433_000, "Conserver les preuves", "À montrer avant l'exercice de capture d'écran.")
        second = clips.create_clip(trainer, loi, 433_000, 452_000, "Signaler sur Pharos")
        collection = clips.create_collection(trainer, "Atelier : documenter et signaler", "Deux extraits pour ouvrir l'atelier.")
        clips.add_to_collection(trainer, collection, first)
        clips.add_to_collection(trainer, collection, second)
        return app, first.code, collection.code


def wait_ready(page) -> None:
    for _ in range(200):
        if page.evaluate("document.querySelector('.watch') && document.querySelector('.watch').getAttribute('data-player-ready') === 'true'"):
            return
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        app, clip_code, collection_code = portal(Path(tmp))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

            def shot(name: str, size: tuple[int, int], url: str, steps=None) -> None:
                context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-FR", is_mobile=size == PHONE, has_touch=size == PHONE)
                page = context.new_page()
                page.goto(base + url)
                wait_ready(page)
                if steps:
                    steps(page)
                page.wait_for_timeout(400)
                page.screenshot(path=str(args.out / f"{name}.png"))
                context.close()
                print(args.out / f"{name}.png")

            def playing(page) -> None:
                page.click("#listen")
                page.wait_for_timeout(5000)

            def searching(page) -> None:
                page.fill("#within-q", "plaintes")
                page.wait_for_timeout(800)
                page.locator("#within-q").press("Enter")

            shot("watch-phone-moment", PHONE, "/webinars/session-longue?t=45:00")
            shot("watch-phone-playing", PHONE, "/webinars/session-longue?t=45:00", playing)
            shot("watch-phone-search", PHONE, "/webinars/session-longue?t=45:00", searching)
            shot("watch-laptop-moment", LAPTOP, "/webinars/session-2-loi?t=6:49&q=plainte")
            shot("watch-laptop-search", LAPTOP, "/webinars/session-longue?t=45:00", searching)
            shot("clip-phone", PHONE, f"/c/{clip_code}")
            shot("collection-laptop", LAPTOP, f"/k/{collection_code}", lambda page: (page.click("#collection-play"), page.wait_for_timeout(2500)))
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
