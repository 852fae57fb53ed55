"""The scheduling service: a Slack status as we keep it, and one open 1:1 per two people."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.models import Pairing
from bot.scheduling import service
from bot.scheduling.grammar import parse_schedule
from bot.scheduling.service import Status
from tests.conftest import PAIR_LEADER, PAIR_MEMBER, PAIR_TEAM


@pytest.mark.parametrize(
    ("expiration", "expected"),
    [
        (1767225600, datetime(2026, 1, 1, tzinfo=UTC)),
        ("1767225600", datetime(2026, 1, 1, tzinfo=UTC)),
        (0, None),  # Slack's "never expires"
        (None, None),
        (-5, None),
        (99999999999999, None),  # past any calendar: a 500 once
        ("soon", None),
        ([1], None),
    ],
)
def test_a_status_expiry_is_a_time_or_none(expiration: object, expected: datetime | None) -> None:
    status = Status.from_slack({"status_text": "Away", "status_expiration": expiration})
    assert status.text == "Away"
    assert status.expires_at == expected


# -- scheduling: one open 1:1 per two people --------------------------------------------------

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
TEAM, ADA, BART = "T1", "UADA0000001", "UBART000001"


def person(user_id: str) -> service.Person:
    return service.Person(id=user_id, team_id=TEAM, name=user_id.lower(), tz="UTC")


def schedule(session: Session, leader: str, member: str) -> Pairing:
    plan = parse_schedule("weekly on Tuesday at 10:00", default_zone="UTC", today=NOW.date())
    pairing, _ = service.schedule(
        session,
        team_id=TEAM,
        enterprise_id=None,
        leader_id=leader,
        person=person(member),
        plan=plan,
        now=NOW,
    )
    return pairing


def test_two_rival_schedules_of_the_same_two_people_make_one_1_1(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ada schedules Bart while Bart schedules Ada: both pass the check for an open 1:1
    before either commits. The database keeps one (a unique open pair, whoever leads)."""
    with Session(engine) as session, session.begin():
        schedule(session, ADA, BART)
    monkeypatch.setattr(service, "find_open", lambda *_a, **_k: None)  # the rival's view
    with Session(engine) as session, session.begin(), pytest.raises(service.SchedulingError):
        schedule(session, BART, ADA)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Pairing)) == 1


def test_an_ended_1_1_frees_the_pair_for_a_new_one(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        first = schedule(session, ADA, BART)
        assert first.open_pair == f"{ADA} {BART}"
        service.end(session, first, by=ADA, now=NOW)
    with Session(engine) as session, session.begin():
        again = schedule(session, BART, ADA)
        assert again.open_pair == f"{ADA} {BART}"
    with Session(engine) as session:
        statuses = sorted(p.status.value for p in session.scalars(select(Pairing)))
        assert statuses == ["ended", "invited"]


def test_a_button_s_1_1_is_found_only_for_its_two_people_in_its_workspace(
    engine: Engine, active_pair: tuple[int, int]
) -> None:
    pairing_id, _ = active_pair
    with Session(engine) as session:
        for user in (PAIR_LEADER, PAIR_MEMBER):
            found = service.pairing_for(
                session, pairing_id=pairing_id, team_id=PAIR_TEAM, user_id=user, refusal="no"
            )
            assert found.id == pairing_id
        for team, user, number in (
            (PAIR_TEAM, "UCAROL00001", pairing_id),  # a third person
            ("T2", PAIR_MEMBER, pairing_id),  # the same id from another workspace
            (PAIR_TEAM, PAIR_MEMBER, 2**31 - 1),  # no such 1:1 (larger ids stop at read_id)
        ):
            with pytest.raises(service.SchedulingError, match="not yours"):
                service.pairing_for(
                    session,
                    pairing_id=number,
                    team_id=team,
                    user_id=user,
                    refusal="This 1:1 is not yours.",
                )
