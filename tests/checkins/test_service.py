"""The check-ins service: when nudges go (working hours in the person's own zone, or not at
all), and answers saved once however many times a form is submitted at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.checkins.service import nudge_times
from bot.models import Answer
from bot.people.service import Timeline, WorkingHours
from tests.conftest import PAIR_MEMBER, PAIR_NOW, PAIR_TEAM


def local(moment: datetime | None, zone: str) -> str | None:
    return None if moment is None else moment.astimezone(ZoneInfo(zone)).strftime("%a %H:%M")


@pytest.mark.parametrize(
    ("starts", "zone", "expected"),
    [
        ("2026-11-24T15:00Z", "Europe/Warsaw", "Tue 12:00"),  # 4 h before, in working hours
        # 06:00 is quiet, and 09:00 is the agenda: an hour before the end of the working day.
        ("2026-11-24T15:00Z", "America/New_York", "Mon 17:00"),
        ("2026-11-23T14:30Z", "America/New_York", None),  # Monday 09:30: nothing after Friday
        ("2026-11-24T01:00Z", "Asia/Tokyo", "Mon 17:00"),  # a 10:00 meeting in Tokyo
        ("2026-11-24T05:00Z", "Asia/Tokyo", "Tue 10:00"),  # 14:00 in Tokyo: 4 h before
        ("2026-11-28T15:00Z", "Europe/Warsaw", "Fri 17:00"),  # a Saturday meeting
        ("2026-03-30T08:00Z", "Europe/Warsaw", None),  # Monday 10:00 CEST: no time to nudge
        ("2026-03-31T08:00Z", "Europe/Warsaw", "Mon 17:00"),  # the first day of summer time
    ],
)
def test_nudges_keep_to_working_hours(starts: str, zone: str, expected: str | None) -> None:
    moment = datetime.fromisoformat(starts.replace("Z", "+00:00")).astimezone(UTC)
    times = nudge_times(moment, timeline=Timeline(), hours=WorkingHours(), tz=ZoneInfo(zone))
    assert [local(t, zone) for t in times] == ([] if expected is None else [expected])


# -- answers: the same form submitted many times at once ---------------------------------------

NOW = PAIR_NOW


def test_ten_submissions_of_one_answer_at_once_keep_one_answer(
    engine: Engine, active_pair: tuple[int, int]
) -> None:
    """Ten concurrent submissions of Bart's form (a double click, a slow network): each is
    saved or finds the one saved first, none fails, and one row remains."""
    _, meeting_id = active_pair
    start = threading.Barrier(10)
    failures: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            with Session(engine) as session, session.begin():
                meeting = checkins.meeting_for(
                    session, meeting_id=meeting_id, team_id=PAIR_TEAM, user_id=PAIR_MEMBER
                )
                start.wait()
                checkins.save_answers(
                    session, meeting, author_id=PAIR_MEMBER, given={"open": f"take {n}"}, now=NOW
                )
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    with Session(engine) as session:
        rows = session.scalars(select(Answer).where(Answer.meeting_id == meeting_id)).all()
        assert [(a.author_id, a.question) for a in rows] == [(PAIR_MEMBER, "open")]
