"""Alembic owns the schema: the newest revision and the models agree on both databases."""

from __future__ import annotations

from datetime import date, time

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from bot import db
from bot.models import Base, Pairing
from bot.scheduling.cadence import Cadence, Frequency, Schedule


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


def test_an_open_suggestion_in_words_becomes_columns(engine: Engine) -> None:
    """Revision f2b6c8d4a1e7: a suggestion kept as words (as `propose` wrote them) is read
    once into the columns that hold it now."""
    db.downgrade(engine, "e5a1f7c3b2d8")
    words = "every 2 weeks on Thursday at 09:00 in Warsaw starting 2026-12-03 for 45 min"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO pairings (team_id, leader_id, member_id, status, frequency, weekday,"
                " at, zone, interval, positions, start, minutes, created_at, sequence, proposal)"
                " VALUES ('T1', 'UADA0000001', 'UBART000001', 'invited', 'weekly', 1, '10:00:00',"
                " 'America/New_York', 1, '', '2026-12-01', 30, '2026-11-30 10:00:00+00:00', 0,"
                " :words)"
            ),
            {"words": words},
        )
    db.migrate(engine)
    with Session(engine) as session:
        pairing = session.scalars(select(Pairing)).one()
        assert pairing.suggested == Schedule(
            Cadence(Frequency.WEEKLY, 3, time(9), "Europe/Warsaw", 2), date(2026, 12, 3), 45
        )
