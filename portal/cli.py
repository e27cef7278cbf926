"""Command-line interface: thin wrappers over the services (``flask --app portal COMMAND``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from media_meta.errors import TranscriptError
from portal.extensions import db
from portal.models import ROLES, Webinar

DEMO_CATALOGUE = Path(__file__).resolve().parent.parent / "demo" / "catalogue.json"


def register_cli(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(import_catalogue_command)
    app.cli.add_command(import_transcript_command)
    app.cli.add_command(load_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(reindex_command)
    app.cli.add_command(check_index_command)
    app.cli.add_command(check_links_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(empty_trash_command)


def init_schema() -> None:
    """Bring the database to the latest schema revision, then make sure the four themes exist.

    A new database is created from the models and marked as the latest revision (the models and the
    migrations agree: tests/portal/test_migrations.py checks it); an existing one is upgraded, one made
    before migrations existed being recognised as the baseline (migrations/env.py).
    """
    import flask_migrate
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from portal.extensions import MIGRATIONS_DIR
    from portal.services.catalogue import seed_themes
    from portal.services.synonyms import seed_defaults as seed_synonyms

    if sa.inspect(db.engine).has_table("webinars"):
        flask_migrate.upgrade()
    else:
        db.create_all()
        with db.engine.begin() as connection:
            MigrationContext.configure(connection).stamp(ScriptDirectory(str(MIGRATIONS_DIR)), "head")
        seed_synonyms()  # an upgraded database got them from its migration
    seed_themes()


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create the database schema, the four themes and the search index (idempotent)."""
    from portal.services import indexing

    init_schema()
    click.echo(f"Base prête : {db.engine.url.render_as_string(hide_password=True)}")
    if indexing.get_store().current_generation() is None:
        stats = indexing.rebuild()
        if stats is not None:
            click.echo(f"Index de recherche créé : {stats.webinars} webinaire(s), {stats.cues} répliques.")


def _import(path: Path) -> None:
    from portal.services.catalogue import CatalogueError, import_catalogue_file

    init_schema()
    try:
        report = import_catalogue_file(path)
    except CatalogueError as err:
        click.echo(f"Catalogue refusé : {err}", err=True)
        sys.exit(1)
    click.echo(f"Catalogue importé : {report.summary()}.")


@click.command("import-catalogue")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_catalogue_command(path: Path) -> None:
    """Create or update webinars from a JSON catalogue (idempotent by slug)."""
    _import(path)


@click.command("load-demo")
@with_appcontext
def load_demo_command() -> None:
    """Import the demonstration catalogue shipped in demo/ (idempotent)."""
    _import(DEMO_CATALOGUE)


@click.command("import-transcript")
@with_appcontext
@click.argument("slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_transcript_command(slug: str, path: Path) -> None:
    """Upload a transcript file as the webinar's new active version."""
    from portal.services.transcripts import ingest_transcript

    webinar = db.session.scalar(select(Webinar).filter_by(slug=slug))
    if webinar is None:
        click.echo(f"Webinaire inconnu : {slug}", err=True)
        sys.exit(1)
    try:
        result = ingest_transcript(webinar, path.read_bytes(), path.name, source="cli")
    except TranscriptError as err:
        click.echo(err.located(str(path)), err=True)
        sys.exit(1)
    t = result.transcript
    click.echo(f"{slug} : version {t.version} active ({t.cue_count} répliques).")
    for warning in result.parsed.warnings:
        click.echo(f"attention : {warning}", err=True)


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
def create_user_command(email: str, role: str) -> None:
    """Create an account; the password is read from standard input when it is not a terminal."""
    from portal.services.accounts import AccountError, PasswordError, create_user

    if sys.stdin.isatty():
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(email, password, role)
    except (AccountError, PasswordError) as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    click.echo(f"Compte {role} créé : {user.email}")


@click.command("reindex")
@with_appcontext
@click.option("--procs", default=1, show_default=True, help="Writer processes (2 is faster for very large catalogues).")
def reindex_command(procs: int) -> None:
    """Rebuild the search index from the database, aside, then switch to it (searches go on)."""
    from portal.services import indexing

    stats = indexing.rebuild(procs=procs, announce=True)
    if stats is None:
        click.echo("Une reconstruction était déjà en cours dans un autre processus : elle vient de finir, l'index est à jour.")
        return
    click.echo(f"Index reconstruit : {stats.webinars} webinaire(s), {stats.cues} répliques en {stats.seconds:.1f} s.")


@click.command("check-index")
@with_appcontext
def check_index_command() -> None:
    """Compare the database and the search index; exit 1 and list the differences if they diverge."""
    from portal.services import indexing

    differences = indexing.check()
    if not differences:
        click.echo("Index conforme à la base.")
        return
    for diff in differences:
        click.echo(f"différence : {diff.message}")
    sys.exit(1)


@click.command("check-links")
@with_appcontext
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for each site.")
def check_links_command(timeout: float) -> None:
    """List the resources whose web address no longer answers; exit 1 if there is any."""
    from portal.services.resources import check_links

    statuses = check_links(timeout)
    dead = [s for s in statuses if not s.ok]
    for status in dead:
        click.echo(f"MORT {status.detail} {status.resource.url} (ressource n°{status.resource.id} « {status.resource.title} »)")
    click.echo(f"{len(statuses)} lien(s) vérifié(s), {len(dead)} mort(s).")
    if dead:
        sys.exit(1)


@click.command("backup")
@with_appcontext
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def backup_command(folder: Path) -> None:
    """Copy the database, media and resource files into FOLDER (new or empty), while the site runs."""
    from media_meta.stored import file_size
    from portal.services.backups import BackupError, create_backup

    try:
        report = create_backup(folder)
    except BackupError as err:
        click.echo(f"Sauvegarde impossible : {err}", err=True)
        sys.exit(1)
    click.echo(f"Sauvegarde faite dans {report.folder} : {report.files} fichier(s), {file_size(report.bytes)}, schéma {report.revision}.")


@click.command("restore")
@with_appcontext
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Restore a backup made by `backup` into this empty install, then upgrade the schema and rebuild the index."""
    import flask_migrate

    from portal.services import indexing
    from portal.services.backups import BackupError, restore_backup

    try:
        report = restore_backup(folder)
    except BackupError as err:
        click.echo(f"Restauration refusée : {err}", err=True)
        sys.exit(1)
    flask_migrate.upgrade()
    stats = indexing.rebuild()
    built = f"{stats.webinars} webinaire(s), {stats.cues} répliques" if stats else "par un autre processus"
    click.echo(f"Sauvegarde restaurée : {report.files} fichier(s) vérifiés ; index reconstruit ({built}).")


@click.command("empty-trash")
@with_appcontext
def empty_trash_command() -> None:
    """Erase the clips and collections in the trash for longer than 30 days (the trash page does it too; for cron)."""
    from portal.services.clips import TRASH_DAYS, empty_trash

    erased = empty_trash()
    click.echo(f"Corbeille : {erased} extrait(s) ou parcours effacé(s) après {TRASH_DAYS} jours.")
