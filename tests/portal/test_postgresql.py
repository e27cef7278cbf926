"""The same portal on PostgreSQL, given only PORTAL_SQLALCHEMY_DATABASE_URI (a throwaway server per run)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.models import Transcript, Webinar
from tests.conftest import DEMO, close_app


def test_portal_runs_unchanged_on_postgresql(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_SQLALCHEMY_DATABASE_URI", postgres_url)
    app = create_app("testing", INSTANCE_PATH=str(tmp_path / "instance"))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == postgres_url
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert "4 créé(s)" in runner.invoke(args=["load-demo"]).output
    assert "4 inchangé(s)" in runner.invoke(args=["load-demo"]).output
    assert runner.invoke(args=["reindex"]).exit_code == 0
    assert runner.invoke(args=["check-index"]).exit_code == 0
    client = app.test_client()
    assert client.get("/webinars/session-2-loi?t=90").status_code == 200
    data = client.get('/api/v1/search?q="porter plainte"').get_json()
    assert data["total_hits"] >= 10
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nx\n")
    assert runner.invoke(args=["import-transcript", "session-2-loi", str(bad)]).exit_code == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Transcript)) == 4
        s1 = db.session.scalar(select(Webinar).filter_by(slug="session-1-algorithmes"))
        assert s1.local_start.isoformat() == "2024-03-26T12:30:00+01:00"
    close_app(app)
    assert (DEMO / "catalogue.json").exists()


def test_migrations_build_the_models_schema_on_postgresql(postgres_url, tmp_path, monkeypatch):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    monkeypatch.setenv("PORTAL_SQLALCHEMY_DATABASE_URI", postgres_url)
    app = create_app("testing", INSTANCE_PATH=str(tmp_path / "instance"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert context.get_current_revision() == "0006"
            assert compare_metadata(context, db.metadata) == []
    close_app(app)


def test_backup_and_restore_round_trip_on_postgresql(postgres_url, tmp_path, monkeypatch):
    import psycopg
    from sqlalchemy.engine import make_url

    from tests.portal.test_backups import folder_files, table_rows

    url = make_url(postgres_url)
    with psycopg.connect(f"host={url.query['host']} port={url.query['port']} user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE restored")
    monkeypatch.setenv("PORTAL_SQLALCHEMY_DATABASE_URI", postgres_url)
    source = create_app("testing", INSTANCE_PATH=str(tmp_path / "source"))
    monkeypatch.setenv("PORTAL_SQLALCHEMY_DATABASE_URI", url.set(database="restored").render_as_string(hide_password=False))
    target = create_app("testing", INSTANCE_PATH=str(tmp_path / "target"))
    try:
        runner = source.test_cli_runner()
        assert runner.invoke(args=["init"]).exit_code == 0
        assert runner.invoke(args=["load-demo"]).exit_code == 0
        done = runner.invoke(args=["backup", str(tmp_path / "sauvegarde")])
        assert done.exit_code == 0, done.output
        assert (tmp_path / "sauvegarde" / "database.pgdump").is_file()
        assert target.test_cli_runner().invoke(args=["init"]).exit_code == 0
        restored = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "sauvegarde")])
        assert restored.exit_code == 0, restored.output
        assert table_rows(target) == table_rows(source)
        assert folder_files(tmp_path / "target" / "media") == folder_files(tmp_path / "source" / "media") != {}
        assert target.test_client().get('/api/v1/search?q="porter plainte"').get_json()["total_hits"] >= 10
    finally:
        close_app(source)
        close_app(target)
