"""Several app servers on one database, each with its own index folder: every node's index follows the
database's journal, whichever node made the change (README "Several servers")."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import IndexTask, Webinar
from portal.services import indexing
from tests.conftest import SAMPLE_VTT, close_app

FOLLOW_S = 5.0  # the bound: a change on one node is searchable on the others within 5 s


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def nodes(database_url, tmp_path):
    """Start app nodes on the shared database, each with its own instance (index) folder."""
    started = []

    def start(name: str):
        app = create_app(
            "testing",
            INSTANCE_PATH=str(tmp_path / name),
            SQLALCHEMY_DATABASE_URI=database_url,
            INDEX_FOLLOW_EVERY_S=0.2,
        )
        started.append(app)
        assert app.test_client().get("/healthz").status_code == 200  # its first request starts its follow loop
        return app

    yield start
    for app in started:
        indexing.stop_following(app)
    for app in started:
        close_app(app)


def hits(app, query: str) -> int:
    response = app.test_client().get("/api/v1/search", query_string={"q": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["total_hits"]


def wait_until(check, timeout: float = FOLLOW_S) -> float:
    """Seconds until ``check()`` holds; fails the test after ``timeout``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, f"not within {timeout} s"
        time.sleep(0.05)
    return time.monotonic() - started


def demo_on_two_nodes(nodes):
    """Node A with the demo catalogue imported, node B started after and caught up."""
    a = nodes("a")
    cli(a, "init")
    cli(a, "load-demo")
    b = nodes("b")
    wait_until(lambda: hits(b, '"porter plainte"') >= 10)
    return a, b


def in_step(app) -> bool:
    """Whether this node's index has every change of the journal and matches the database."""
    with app.app_context():
        return indexing.lag().sequences == 0 and indexing.check() == []


def cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_changes_made_on_one_node_are_searchable_on_the_other(nodes, tmp_path):
    a = nodes("a")
    cli(a, "init")
    b = nodes("b")
    cli(a, "load-demo")
    # Imported on A: B's index follows by itself (its loop), with nobody searching on B meanwhile.
    wait_until(lambda: in_step(b))
    assert hits(b, '"porter plainte"') >= 10 and hits(b, "certificats") > 0

    # A replaced transcript version stops matching its old words on both nodes.
    new = tmp_path / "v2.vtt"
    new.write_text(SAMPLE_VTT.replace("Bienvenue", "Quetzalcoatl, bienvenue"), encoding="utf-8")
    cli(a, "import-transcript", "session-2-loi", str(new))
    assert hits(a, "quetzalcoatl") == 1 and hits(a, "certificats") == 0  # at once on the node that made it
    wait_until(lambda: hits(b, "quetzalcoatl") == 1)
    assert hits(b, "certificats") == 0

    # A deleted webinar disappears from both.
    with a.app_context():
        from portal.services.webinars import delete_webinar

        delete_webinar(db.session.scalar(select(Webinar).filter_by(slug="session-2-loi")))
    assert hits(a, "quetzalcoatl") == 0
    wait_until(lambda: hits(b, "quetzalcoatl") == 0)
    with b.app_context():
        assert indexing.check() == []

    # A node started late, with an empty folder, builds its index from the database and catches up.
    c = nodes("c")
    assert c.test_client().get("/readyz").status_code == 503  # no index yet: the probe starts building it
    wait_until(lambda: c.test_client().get("/readyz").status_code == 200, timeout=30)
    assert hits(c, '"porter plainte"') == hits(a, '"porter plainte"') > 0 and hits(c, "quetzalcoatl") == 0
    with c.app_context():
        assert indexing.check() == []


def test_a_failed_transaction_leaves_no_journal_row_and_no_index_change(nodes):
    a, b = demo_on_two_nodes(nodes)
    with a.app_context():
        before = db.session.scalar(select(IndexTask.id).order_by(IndexTask.id.desc()).limit(1))
        webinar = db.session.scalar(select(Webinar).filter_by(slug="session-1-algorithmes"))
        webinar.title = "Zanzibar et les algorithmes"
        indexing.queue(webinar_id=webinar.id)
        db.session.flush()  # the row is written, then the transaction fails
        db.session.rollback()
        assert db.session.scalar(select(IndexTask.id).order_by(IndexTask.id.desc()).limit(1)) == before
    time.sleep(1.0)  # five rounds of B's loop
    assert hits(a, "zanzibar") == 0 and hits(b, "zanzibar") == 0
    for node in (a, b):
        with node.app_context():
            assert indexing.lag().sequences == 0 and indexing.check() == []
    # The number the failed transaction took (PostgreSQL's sequences do not give it back) stops nothing.
    with a.app_context():
        from portal.services.webinars import set_published

        set_published(db.session.scalar(select(Webinar).filter_by(slug="session-1-algorithmes")), False)
    wait_until(lambda: in_step(b))


def test_a_node_behind_the_pruned_journal_rebuilds_and_one_ahead_of_a_restored_journal_too(nodes):
    a, b = demo_on_two_nodes(nodes)
    indexing.stop_following(b)  # B stops (a node switched off for the night)
    with a.app_context():
        from portal.services.webinars import set_published

        set_published(db.session.scalar(select(Webinar).filter_by(slug="session-2-loi")), False)
        for _ in range(3):  # later changes of another webinar
            indexing.queue(webinar_id=db.session.scalar(select(Webinar.id).filter_by(slug="session-1-algorithmes")))
            db.session.commit()
        assert indexing.prune_journal(keep_days=-1) > 0  # every row is past the horizon: all but the newest go
        assert db.session.query(IndexTask).count() == 1
    with b.app_context():
        built = indexing.get_store().meta()["built_at"]
        indexing.catch_up()  # B missed pruned rows: it cannot know which webinars changed, so it rebuilds
        assert indexing.get_store().meta()["built_at"] > built
        assert indexing.check() == [] and indexing.lag().sequences == 0
    assert hits(b, "certificats") == 0

    # The database restored from an older backup: its journal ends before what B has applied.
    with b.app_context():
        db.session.query(IndexTask).delete()
        db.session.add(IndexTask(id=1, webinar_id=1))  # as the backup had it
        db.session.commit()
        assert indexing.get_store().journal_state().applied > indexing._top()
        built = indexing.get_store().meta()["built_at"]
        indexing.catch_up()
        assert indexing.get_store().meta()["built_at"] > built
        assert indexing.get_store().journal_state().applied == indexing._top()


def test_a_reindex_on_one_node_makes_the_others_check_their_index(nodes):
    a, b = demo_on_two_nodes(nodes)
    with b.app_context():
        indexing.get_store().delete_document("w:1")  # B's index lost a document (a disk fault, say)
        assert indexing.check() != []
    assert "Index reconstruit" in cli(a, "reindex")
    wait_until(lambda: in_step(b))


def test_a_single_node_applies_its_own_changes_at_once_and_does_not_redo_them(tmp_path):
    app = create_app(
        "testing",
        INSTANCE_PATH=str(tmp_path / "one"),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'one.sqlite3'}",
    )
    try:
        cli(app, "init")
        cli(app, "load-demo")
        with app.app_context():
            store = indexing.get_store()
            state = store.journal_state()
            assert state.applied == indexing._top()  # the import's catch-up recorded every change
            generation = store.current_generation()
            segments = sorted(p.name for p in Path(generation).iterdir())
            webinar = db.session.scalar(select(Webinar).filter_by(slug="session-3-enquetes"))
            webinar.title = "Enquêtes et xylographie"
            indexing.queue(webinar_id=webinar.id)
            db.session.commit()
            indexing.webinar_changed(webinar)
            assert indexing.lag().sequences == 0  # searchable at once, recorded as applied ahead
            segments_after_write = sorted(p.name for p in Path(generation).iterdir())
            assert segments_after_write != segments
            assert indexing.catch_up() == 0  # the catch-up finds it applied: nothing written again
            assert store.journal_state().applied == indexing._top() and store.journal_state().ahead == {}
        found = app.test_client().get("/api/v1/search?q=xylographie").get_json()["webinar_matches"]
        assert [w["slug"] for w in found] == ["session-3-enquetes"]
    finally:
        close_app(app)
