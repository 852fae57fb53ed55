"""What the App Home shows each person: their own 1:1s only, in their workspace."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.home import service as home
from tests.conftest import PAIR_LEADER, PAIR_MEMBER, PAIR_NOW, PAIR_TEAM


def facts(engine: Engine, user_id: str, team_id: str = PAIR_TEAM) -> home.HomeFacts:
    with Session(engine) as session:
        return home.load(
            session, team_id=team_id, user_id=user_id, now=PAIR_NOW, today=PAIR_NOW.date()
        )


def test_each_of_the_two_sees_the_next_meeting_from_their_side(
    engine: Engine, active_pair: tuple[int, int]
) -> None:
    _, meeting_id = active_pair
    (ada,) = facts(engine, PAIR_LEADER).upcoming
    (bart,) = facts(engine, PAIR_MEMBER).upcoming
    assert (ada.meeting_id, ada.other_id, ada.leads) == (meeting_id, PAIR_MEMBER, True)
    assert (bart.meeting_id, bart.other_id, bart.leads) == (meeting_id, PAIR_LEADER, False)
    assert (ada.you_prepared, ada.they_prepared) == (False, False)


def test_nobody_else_and_no_other_workspace_sees_it(
    engine: Engine, active_pair: tuple[int, int]
) -> None:
    assert facts(engine, "UCAROL00001") == home.HomeFacts()
    assert facts(engine, PAIR_MEMBER, team_id="T2") == home.HomeFacts()
