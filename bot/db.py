"""The engine, sessions and the schema's revision.

SQLite is the embedded default (WAL, a busy timeout, foreign keys on); PostgreSQL is
first-class. Alembic owns the schema: nothing here calls `create_all`.
"""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from bot.config import ConfigError, bundled_file

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5, "application_name": "oneonone"},
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def insert_or_nothing(executor: Session | Connection, model: type[Any]) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING for `model`, in the executor's own database: the way to
    create a row that two processes (or requests) may try to create at once."""
    bind = executor.get_bind() if isinstance(executor, Session) else executor
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing()


def reachability_problem(engine: Engine) -> str | None:
    """Why the database cannot be reached, in the driver's words, or None when it can."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return None


def require_reachable(engine: Engine, shown_url: str) -> None:
    problem = reachability_problem(engine)
    if problem is not None:
        raise ConfigError(
            f"DATABASE_URL ({shown_url}) cannot be reached ({problem}): start the database "
            "or correct DATABASE_URL."
        )


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration for the shipped migrations, usable from any directory."""
    config = Config()
    config.set_main_option("script_location", str(bundled_file("migrations")))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(alembic_config(engine), revision)
