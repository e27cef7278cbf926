"""Schema migrations: the models and the revisions agree, a database of the baseline (the version of
2026-12-01) keeps every row when upgraded, with or without an alembic_version table."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db
from tests.conftest import SAMPLE_VTT, _make_app, close_app

HEAD = "0006"


def invoke(app, *args: str):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def version(app) -> str | None:
    with app.app_context():
        with db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()


def fill_baseline(app) -> None:
    """Rows of the baseline schema, written as the version of 2026-12-01 would have (plain SQL)."""
    rows = [
        "INSERT INTO themes (id, slug, label, description, position) VALUES (1, 'law', 'Droit', 'La loi', 2)",
        "INSERT INTO users (id, email, password_hash, role, active, created_at) VALUES (1, 'a@example.org', 'scrypt:x', 'admin', 1, '2026-11-30 10:00:00+00:00')",
        "INSERT INTO webinars (id, slug, title, question, description, starts_at, timezone, duration_ms, language, published, speakers_note, is_demo, created_at, updated_at)"
        " VALUES (1, 'ancienne', 'Une session ancienne', 'Q ?', 'D.', '2024-04-25 10:30:00+00:00', 'Europe/Paris', 60000, 'fr', 1, '', 0, '2026-11-30 10:00:00+00:00', '2026-11-30 10:00:00+00:00')",
        "INSERT INTO webinar_themes (webinar_id, theme_id) VALUES (1, 1)",
        "INSERT INTO transcripts (id, webinar_id, language, version, format, original_filename, raw, sha256, size_bytes, cue_count, source, note, uploaded_at)"
        " VALUES (1, 1, 'fr', 1, 'vtt', 'a.vtt', :raw, 'abc', 10, 1, 'cli', '', '2026-11-30 10:00:00+00:00')",
        "INSERT INTO cues (id, transcript_id, position, start_ms, end_ms, speaker, text, source_line) VALUES (1, 1, 0, 1000, 4000, 'Intervenante', 'Une réplique conservée.', 3)",
        "UPDATE webinars SET active_transcript_id = 1 WHERE id = 1",
        "INSERT INTO audit_events (id, at, user_id, user_email, ip, action, target_type, target_id, target_label, details)"
        " VALUES (1, '2026-11-30 10:00:00+00:00', 1, 'a@example.org', '127.0.0.1', 'transcript.upload', 'transcript', 1, 'v1', '')",
    ]
    with app.app_context():
        with db.engine.begin() as connection:
            for statement in rows:
                connection.execute(sa.text(statement), {"raw": SAMPLE_VTT.encode()} if ":raw" in statement else {})


def counts(app) -> dict[str, int]:
    with app.app_context():
        with db.engine.connect() as connection:
            return {t: connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in ("webinars", "transcripts", "cues", "users", "audit_events", "themes")}


def test_the_models_and_the_migrations_agree(tmp_path):
    app = _make_app(tmp_path)
    try:
        invoke(app, "db", "upgrade")
        assert version(app) == HEAD
        with app.app_context():
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, db.metadata) == []
    finally:
        close_app(app)


def test_a_baseline_database_keeps_every_row_when_upgraded(tmp_path):
    app = _make_app(tmp_path)
    try:
        invoke(app, "db", "upgrade", "0001")
        fill_baseline(app)
        before = counts(app)
        invoke(app, "db", "upgrade")
        assert version(app) == HEAD and counts(app) == before
        with app.app_context():
            with db.engine.connect() as connection:
                assert connection.execute(sa.text("SELECT encoding, raw FROM transcripts")).one() == ("UTF-8", SAMPLE_VTT.encode())
        invoke(app, "init")  # themes and index on top; nothing duplicated
        assert counts(app)["webinars"] == 1
        page = app.test_client().get("/webinars/ancienne")
        assert page.status_code == 200 and "Une réplique conservée." in page.get_data(as_text=True)
    finally:
        close_app(app)


def test_a_database_made_before_migrations_is_recognised_and_upgraded_not_recreated(tmp_path):
    app = _make_app(tmp_path)
    try:
        invoke(app, "db", "upgrade", "0001")
        fill_baseline(app)
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP TABLE alembic_version"))  # as `db.create_all()` of 2026-12-01 left it
        # the missing column would answer 500 on every page that reads a transcript
        assert "encoding" not in [c["name"] for c in sa.inspect(_engine(app)).get_columns("transcripts")]
        before = counts(app)
        invoke(app, "db", "upgrade")
        assert version(app) == HEAD and counts(app) == before
        assert "encoding" in [c["name"] for c in sa.inspect(_engine(app)).get_columns("transcripts")]
        assert app.test_client().get("/webinars/ancienne").status_code == 200
    finally:
        close_app(app)


def test_init_upgrades_an_old_database_too_and_stays_idempotent(tmp_path):
    app = _make_app(tmp_path)
    try:
        invoke(app, "db", "upgrade", "0001")
        fill_baseline(app)
        invoke(app, "init")
        invoke(app, "init")
        assert version(app) == HEAD and counts(app)["webinars"] == 1 and counts(app)["themes"] == 4
    finally:
        close_app(app)


def test_a_new_database_from_init_is_at_the_latest_revision(tmp_path):
    app = _make_app(tmp_path)
    try:
        invoke(app, "init")
        assert version(app) == HEAD
        invoke(app, "db", "upgrade")  # nothing to do
        assert version(app) == HEAD
    finally:
        close_app(app)


def _engine(app):
    with app.app_context():
        return db.engine


def test_a_database_of_the_morning_before_migrations_is_upgraded_too(tmp_path):
    """The code of 2026-12-02 before this revision made sign_ins, request_counts and index_tasks with
    create_all, and no alembic_version: recognised as the baseline, its later tables are kept."""
    from portal.models import IndexTask, RequestCount, SignIn

    app = _make_app(tmp_path)
    try:
        invoke(app, "db", "upgrade", "0001")
        fill_baseline(app)
        with app.app_context():
            db.metadata.create_all(db.engine, tables=[SignIn.__table__, RequestCount.__table__, IndexTask.__table__])
            with db.engine.begin() as connection:
                connection.execute(sa.text("INSERT INTO index_tasks (id, webinar_id, created_at) VALUES (7, 1, '2026-12-02 03:00:00+00:00')"))
                connection.execute(sa.text("DROP TABLE alembic_version"))
        invoke(app, "db", "upgrade")
        assert version(app) == HEAD
        with app.app_context():
            with db.engine.connect() as connection:
                assert connection.execute(sa.text("SELECT id FROM index_tasks")).scalars().all() == [7]
                assert compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata) == []
    finally:
        close_app(app)
