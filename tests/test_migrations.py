"""Alembic owns the schema: the newest revision and the models agree on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from bot import db
from bot.models import Base


def drift(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_models_and_newest_revision_agree(engine: Engine) -> None:
    assert db.current_revision(engine) == db.head_revision()
    assert drift(engine) == []


def test_migrate_twice_changes_nothing(engine: Engine) -> None:
    before = sorted(inspect(engine).get_table_names())
    db.migrate(engine)
    assert sorted(inspect(engine).get_table_names()) == before
    assert db.current_revision(engine) == db.head_revision()


def test_downgrade_to_base_and_up_again(engine: Engine) -> None:
    db.downgrade(engine, "base")
    assert db.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.migrate(engine)
    assert drift(engine) == []
