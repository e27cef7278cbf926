"""Backups of an install, taken while the site runs, and their restoration into an empty install.

A backup is a folder: the database (SQLite's online backup API, or ``pg_dump`` for PostgreSQL),
the media and resource files, and ``manifest.json`` with the SHA-256 of every file and the schema
revision. The search index is not in it: it is rebuilt from the database after a restore.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import cast

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _

from portal.extensions import MIGRATIONS_DIR, db

FORMAT = 1
MANIFEST = "manifest.json"
# What a backup holds besides the database, by configuration key and folder name in the backup.
FOLDERS = {"MEDIA_DIR": "media", "RESOURCE_DIR": "resources"}
# Tables whose rows make an install not empty (a restore never mixes two installs).
CONTENT_TABLES = ("webinars", "users", "resources", "clips")


class BackupError(RuntimeError):
    """A backup that cannot be taken or restored; the message says why, in French."""


@dataclass(frozen=True)
class BackupReport:
    folder: Path
    files: int
    bytes: int
    revision: str | None


def create_backup(destination: Path) -> BackupReport:
    """Write a consistent copy of the database and the files into ``destination`` (new or empty)."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(_("%(folder)s n'est pas vide : choisissez un dossier nouveau ou vide.", folder=destination))
    destination.mkdir(parents=True, exist_ok=True)
    engine = db.engine
    database = _dump_database(engine, destination)
    files: dict[str, str] = {database: _sha256(destination / database)}
    for key, name in FOLDERS.items():
        source = Path(current_app.config[key])
        if not source.is_dir():
            continue
        for path in sorted(p for p in source.rglob("*") if p.is_file() and not p.name.endswith(".part")):
            relative = f"{name}/{path.relative_to(source).as_posix()}"
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            files[relative] = _sha256(target)
    revision = _revision(engine)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "database": {"kind": engine.dialect.name, "file": database},
        "schema_revision": revision,
        "files": files,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    size = sum((destination / f).stat().st_size for f in files)
    return BackupReport(destination, len(files), size, revision)


def restore_backup(source: Path) -> BackupReport:
    """Restore a backup into this install, whose database must be empty; checks every file first."""
    source = Path(source)
    manifest = _read_manifest(source)
    engine = db.engine
    if manifest["database"]["kind"] != engine.dialect.name:
        raise BackupError(
            _(
                "cette sauvegarde est d'une base %(saved)s, cette installation utilise %(used)s.",
                saved=manifest["database"]["kind"],
                used=engine.dialect.name,
            )
        )
    revision = manifest.get("schema_revision")
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}
    if revision is not None and revision not in known:
        raise BackupError(
            _(
                "cette sauvegarde vient d'une version plus récente du portail (schéma %(revision)s) : mettez le code à jour avant de la restaurer.",
                revision=revision,
            )
        )
    inspector = sa.inspect(engine)
    with engine.connect() as connection:
        for table in CONTENT_TABLES:
            if inspector.has_table(table) and connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first():
                raise BackupError(_("cette installation contient déjà des données : restaurez dans une installation vide."))
    for key in FOLDERS:
        target = Path(current_app.config[key])
        if target.is_dir() and any(target.iterdir()):
            raise BackupError(_("le dossier %(folder)s n'est pas vide : restaurez dans une installation vide.", folder=target))

    db.session.remove()
    _load_database(engine, source / manifest["database"]["file"])
    for relative in manifest["files"]:
        folder, _sep, rest = relative.partition("/")
        folder_key = next((k for k, name in FOLDERS.items() if name == folder), None)
        if folder_key is None or not rest:
            continue
        target = Path(current_app.config[folder_key]) / rest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, target)
    size = sum((source / f).stat().st_size for f in manifest["files"])
    return BackupReport(source, len(manifest["files"]), size, revision)


# -- the database ---------------------------------------------------------------------------------


def _dump_database(engine: sa.Engine, destination: Path) -> str:
    if engine.dialect.name == "sqlite":
        name = "database.sqlite3"
        raw = engine.raw_connection()
        try:
            target = sqlite3.connect(destination / name)
            try:
                # The sqlite dialect's driver connection is the sqlite3 module's.
                cast(sqlite3.Connection, raw.driver_connection).backup(target)  # consistent even while other processes write
            finally:
                target.close()
        finally:
            raw.close()
        return name
    if engine.dialect.name == "postgresql":
        name = "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(destination / name), _libpq_url(engine)])
        return name
    raise BackupError(_("sauvegarde impossible : base %(kind)s non prise en charge (SQLite ou PostgreSQL).", kind=engine.dialect.name))


def _load_database(engine: sa.Engine, path: Path) -> None:
    if engine.dialect.name == "sqlite":
        engine.dispose()
        source = sqlite3.connect(path)
        raw = engine.raw_connection()
        try:
            source.backup(cast(sqlite3.Connection, raw.driver_connection))
        finally:
            raw.close()
            source.close()
        engine.dispose()
        return
    db.metadata.drop_all(engine)  # the empty tables `init` may have made; pg_restore makes them again
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq_url(engine), str(path)])
    engine.dispose()


def _libpq_url(engine: sa.Engine) -> str:
    # Without the password: other local users see command lines (it goes through PGPASSWORD).
    return engine.url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(_("%(command)s est introuvable : installez les outils clients de PostgreSQL.", command=command[0]))
    env = dict(os.environ)
    if db.engine.url.password:
        env["PGPASSWORD"] = db.engine.url.password
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise BackupError(_("%(command)s a échoué : %(error)s", command=command[0], error=done.stderr.strip()[:500]))


def _revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


# -- checking -------------------------------------------------------------------------------------


def _read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(_("%(folder)s n'est pas une sauvegarde du portail : %(manifest)s est absent.", folder=source, manifest=MANIFEST)) from None
    except (OSError, ValueError) as err:
        raise BackupError(_("%(manifest)s est illisible : %(error)s", manifest=MANIFEST, error=err)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(_("%(manifest)s n'a pas le format attendu (format %(format)s).", manifest=MANIFEST, format=FORMAT))
    root = source.resolve()
    for relative, digest in manifest["files"].items():
        parts = Path(relative).parts
        path = (source / relative).resolve()
        # Names are written here and copied into the media and resource folders: plain relative names only.
        if not isinstance(relative, str) or Path(relative).is_absolute() or ".." in parts or root not in path.parents:
            raise BackupError(_("%(manifest)s nomme un fichier hors de la sauvegarde : %(path)s", manifest=MANIFEST, path=relative))
        if not path.is_file():
            raise BackupError(_("fichier manquant dans la sauvegarde : %(path)s", path=relative))
        if _sha256(path) != digest:
            raise BackupError(_("somme de contrôle incorrecte pour %(path)s : la sauvegarde est abîmée, rien n'a été restauré.", path=relative))
    if manifest.get("database", {}).get("file") not in manifest["files"]:
        raise BackupError(_("%(manifest)s ne nomme pas la base de données.", manifest=MANIFEST))
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
