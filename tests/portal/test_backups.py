"""`flask backup` and `flask restore`: a round trip into an empty install gives the same rows and
files, byte for byte, and a searchable site; a damaged or newer backup, or a non-empty install, is
refused without changing anything."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.conftest import DEMO, _make_app, close_app, make_pdf

PASSWORD = "une phrase de passe pour la sauvegarde"


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def filled(base: Path):
    """The demo catalogue, a PDF resource, a trainer with a clip in a collection, an audit trail."""
    from portal.models import Webinar
    from portal.services import audit, clips
    from portal.services.accounts import create_user
    from portal.services.resources import ResourceData, save_resource

    app = _make_app(base)
    assert invoke(app, "init").exit_code == 0
    assert invoke(app, "import-catalogue", str(DEMO / "catalogue.json")).exit_code == 0
    with app.app_context():
        trainer = create_user("formatrice@example.org", PASSWORD, "trainer")
        db.session.commit()
        webinar = db.session.scalar(sa.select(Webinar).filter_by(slug="session-2-loi"))
        clip = clips.create_clip(trainer, webinar, 409_400, 433_000, "Conserver les preuves", "Note")
        collection = clips.create_collection(trainer, "Atelier", "Deux extraits.")
        clips.add_to_collection(trainer, collection, clip)
        save_resource(None, ResourceData(title="Fiche tamanoir", kind="document", description="", language="fr", url="", themes=("law",)),
                      (make_pdf("Fiche pratique tamanoir"), "fiche.pdf"))
        audit.record("test.event", "webinar", webinar.id, webinar.title, "pour la sauvegarde")
        db.session.commit()
    return app


def table_rows(app) -> dict[str, list]:
    with app.app_context():
        with db.engine.connect() as connection:
            return {
                table.name: [tuple(row) for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))]
                for table in db.metadata.sorted_tables
            }


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} if folder.is_dir() else {}


def test_backup_then_restore_into_an_empty_install_is_byte_identical_and_searchable(tmp_path):
    source = filled(tmp_path / "source")
    target = _make_app(tmp_path / "target")
    try:
        done = invoke(source, "backup", str(tmp_path / "sauvegarde"))
        assert done.exit_code == 0 and "Sauvegarde faite" in done.output, done.output
        manifest = json.loads((tmp_path / "sauvegarde" / "manifest.json").read_text())
        assert manifest["schema_revision"] == "0006" and manifest["database"] == {"kind": "sqlite", "file": "database.sqlite3"}
        assert any(name.startswith("media/") for name in manifest["files"]) and any(name.startswith("resources/") for name in manifest["files"])
        assert invoke(target, "init").exit_code == 0  # an empty install, as after `make run` without the demo
        restored = invoke(target, "restore", str(tmp_path / "sauvegarde"))
        assert restored.exit_code == 0 and "Sauvegarde restaurée" in restored.output, restored.output
        assert table_rows(target) == table_rows(source)
        for key in ("MEDIA_DIR", "RESOURCE_DIR"):
            assert folder_files(Path(target.config[key])) == folder_files(Path(source.config[key])) != {}
        client = target.test_client()
        assert client.get('/api/v1/search?q="porter plainte"').get_json()["total_hits"] > 0
        assert "Fiche tamanoir" in client.get("/search?q=tamanoir").get_data(as_text=True)  # the resource, from its PDF
        assert invoke(target, "check-index").output.strip() == "Index conforme à la base."
        from tests.conftest import sign_in

        assert sign_in(client, "formatrice@example.org", PASSWORD).status_code == 302  # accounts and their passwords
    finally:
        close_app(source)
        close_app(target)


@pytest.mark.parametrize("damage", ["checksum", "newer", "missing", "outside", "climbing"])
def test_a_damaged_or_newer_backup_is_refused_and_nothing_is_restored(tmp_path, damage):
    source = filled(tmp_path / "source")
    target = _make_app(tmp_path / "target")
    folder = tmp_path / "sauvegarde"
    try:
        assert invoke(source, "backup", str(folder)).exit_code == 0
        manifest = json.loads((folder / "manifest.json").read_text())
        media = next(name for name in manifest["files"] if name.startswith("media/"))
        if damage == "checksum":
            (folder / media).write_bytes((folder / media).read_bytes()[:-1] + b"\0")
        elif damage == "missing":
            (folder / media).unlink()
        else:
            if damage == "newer":
                manifest["schema_revision"] = "9999"
            elif damage == "outside":
                manifest["files"]["../../etc/passwd"] = "0" * 64
            else:  # inside the backup, but would be copied next to the media folder
                (folder / "x").write_bytes(b"pas un media")
                manifest["files"]["media/../x"] = hashlib.sha256(b"pas un media").hexdigest()
            (folder / "manifest.json").write_text(json.dumps(manifest))
        assert invoke(target, "init").exit_code == 0
        result = invoke(target, "restore", str(folder))
        assert result.exit_code == 1
        expected = {"checksum": f"somme de contrôle incorrecte pour {media}", "newer": "version plus récente du portail (schéma 9999)",
                    "missing": f"fichier manquant dans la sauvegarde : {media}", "outside": "hors de la sauvegarde",
                    "climbing": "hors de la sauvegarde : media/../x"}[damage]
        assert expected in result.output
        assert all(not rows for name, rows in table_rows(target).items() if name not in ("themes", "synonym_groups"))
        assert folder_files(Path(target.config["MEDIA_DIR"])) == {}
    finally:
        close_app(source)
        close_app(target)


def test_a_restore_into_an_install_holding_data_is_refused(tmp_path):
    source = filled(tmp_path / "source")
    try:
        assert invoke(source, "backup", str(tmp_path / "sauvegarde")).exit_code == 0
        before = table_rows(source)
        result = invoke(source, "restore", str(tmp_path / "sauvegarde"))
        assert result.exit_code == 1 and "contient déjà des données" in result.output
        assert table_rows(source) == before
        again = invoke(source, "backup", str(tmp_path / "sauvegarde"))
        assert again.exit_code == 1 and "n'est pas vide" in again.output
    finally:
        close_app(source)
