"""Alembic's environment for the portal (run by `flask db …`, with the app's database).

A database created before migrations existed (by `flask init` of the version of 2026-12-01) has the
tables but no `alembic_version`: it is recognised as the baseline revision and upgraded from there,
never recreated.
"""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

BASELINE = "0001"  # the schema of 2026-12-01, which databases without alembic_version have


def get_engine():
    return current_app.extensions["migrate"].db.engine


config.set_main_option("sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))
target_metadata = current_app.extensions["migrate"].db.metadata


def render_item(type_, obj, autogen_context):
    # Columns of the portal's UTCDateTime are plain timezone-aware DATETIMEs in the database: the
    # revisions must not import the application's code.
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _adopt_unversioned(connection) -> None:
    inspector = sa.inspect(connection)
    if inspector.has_table("webinars") and not inspector.has_table("alembic_version"):
        logger.info("Database without a revision: recognised as the baseline %s", BASELINE)
        context.get_context().stamp(context.script, BASELINE)
        connection.commit()


def run_migrations_online():
    def process_revision_directives(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_item=render_item, **conf_args)
        _adopt_unversioned(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
