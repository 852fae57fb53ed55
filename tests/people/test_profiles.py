"""Profiles: being away, read as people write it, in their workspace only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.people import profiles
from bot.scheduling.service import SchedulingError
from tests.conftest import PAIR_NOW, PAIR_TEAM

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "until"),
    [("until 2026-12-24", date(2026, 12, 24)), ("UNTIL 2026-11-24", TODAY), ("off", None)],
)
def test_away_reads_a_date_or_off(text: str, until: date | None) -> None:
    assert profiles.parse_away(text, today=TODAY) == until


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("until 2026-02-30", "not a date"),
        ("until 2026-11-23", "passed"),
        ("until 2028-01-01", "within the next year"),
        ("until tomorrow", "not a date"),
        ("forever", "away until"),
    ],
)
def test_away_refuses_what_it_cannot_read(text: str, says: str) -> None:
    with pytest.raises(SchedulingError, match=says):
        profiles.parse_away(text, today=TODAY)


def test_away_is_kept_per_workspace_and_ends_after_its_day(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        profiles.set_away(
            session, team_id=PAIR_TEAM, user_id="UBART000001", until=TODAY, now=PAIR_NOW
        )
    with Session(engine) as session:
        here = {"user_id": "UBART000001", "team_id": PAIR_TEAM}
        assert profiles.away_until(session, **here, today=TODAY) == TODAY
        assert profiles.away_until(session, **here, today=date(2026, 11, 25)) is None
        elsewhere = {"user_id": "UBART000001", "team_id": "T2"}
        assert profiles.away_until(session, **elsewhere, today=TODAY) is None
