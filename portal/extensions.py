"""Extension objects, created unbound here and initialised in ``create_app``."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that migrations and PostgreSQL error messages are predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The models' base class. At run time Flask-SQLAlchemy's `db.Model`: a class it makes from Base's body (so
# Base's metadata) and its own mixins (the bind key, automatic table names, which every model here sets
# itself, and a `query` property, unused here); a copy of Base, not a subclass. mypy cannot take an
# attribute for a base class ("Name db.Model is not defined"), so it is told Base, which types the same
# columns and relationships (the `Mapped[...]` annotations); Flask-SQLAlchemy's mixins are not seen.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
login_manager = LoginManager()
csrf = CSRFProtect()
# Schema migrations (Alembic): the revisions are in migrations/ at the top of the repository. Batch mode
# because SQLite alters a table by copying it.
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
migrate = Migrate(directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    # SQLite ignores ON DELETE CASCADE unless asked; PostgreSQL always honours it.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
