"""The notes service: who may write and read notes, topics and action items of a 1:1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.models import Meeting, MeetingStatus, Pairing
from bot.notes import service as notes
from bot.scheduling.service import SchedulingError
from tests.conftest import PAIR_LEADER, PAIR_MEMBER, PAIR_NOW, PAIR_TEAM

CAROL = "UCAROL00001"


def record(session: Session, meeting: Meeting, author: str, **given: object) -> None:
    fields = {"shared": None, "private": None, "item": None, "owner_id": None, "due": None}
    notes.record(session, meeting, author_id=author, now=PAIR_NOW, **{**fields, **given})


def tick(session: Session, item_id: int, user: str, team: str = PAIR_TEAM) -> None:
    notes.tick_off(session, item_id=item_id, team_id=team, user_id=user, now=PAIR_NOW)


def topic(session: Session, pairing: Pairing, author: str, text: str, *, shared: bool) -> None:
    later = PAIR_NOW + timedelta(hours=1)
    notes.add_topic(session, pairing, author_id=author, text=text, shared=shared, now=later)


def test_private_notes_are_the_leaders_and_only_the_leader_reads_them(
    engine: Engine, active_pair: tuple[int, int]
) -> None:
    pairing_id, meeting_id = active_pair
    with Session(engine) as session, session.begin():
        first = session.get_one(Meeting, meeting_id)
        record(session, first, PAIR_LEADER, shared="Agreed on a plan", private="Seems tired")
        with pytest.raises(SchedulingError, match="Only the leader"):
            record(session, first, PAIR_MEMBER, private="My own secret")
        first.status = MeetingStatus.HELD
        second = session.get_one(Pairing, pairing_id).meetings[1]
        leaders = [n.text for n in notes.last_shared_notes(session, second, PAIR_LEADER)]
        members = [n.text for n in notes.last_shared_notes(session, second, PAIR_MEMBER)]
    assert sorted(leaders) == ["Agreed on a plan", "Seems tired"]
    assert members == ["Agreed on a plan"]


def test_an_item_is_owned_by_one_of_the_two_and_ticked_off_by_them_only(
    engine: Engine, active_pair: tuple[int, int]
) -> None:
    pairing_id, meeting_id = active_pair
    with Session(engine) as session, session.begin():
        meeting = session.get_one(Meeting, meeting_id)
        with pytest.raises(SchedulingError):
            record(session, meeting, PAIR_LEADER, item="Book the room", owner_id=CAROL)
        record(session, meeting, PAIR_LEADER, item="Draft the plan", owner_id=PAIR_MEMBER)
        (item,) = notes.open_items(session, session.get_one(Pairing, pairing_id))
        with pytest.raises(SchedulingError):
            tick(session, item.id, CAROL)
        with pytest.raises(SchedulingError):  # another workspace's id is nobody's here
            notes.tick_off(
                session, item_id=item.id, team_id="T2", user_id=PAIR_MEMBER, now=PAIR_NOW
            )
        notes.tick_off(
            session, item_id=item.id, team_id=PAIR_TEAM, user_id=PAIR_MEMBER, now=PAIR_NOW
        )
        assert notes.open_items(session, session.get_one(Pairing, pairing_id)) == []


def test_topics_reach_the_next_meeting_shared_or_for_their_author_only(
    engine: Engine, active_pair: tuple[int, int]
) -> None:
    pairing_id, meeting_id = active_pair
    with Session(engine) as session, session.begin():
        pairing = session.get_one(Pairing, pairing_id)
        later = PAIR_NOW + timedelta(hours=1)
        notes.add_topic(
            session, pairing, author_id=PAIR_MEMBER, text=" Offsite ", shared=True, now=later
        )
        notes.add_topic(
            session, pairing, author_id=PAIR_LEADER, text="His raise", shared=False, now=later
        )
        with pytest.raises(SchedulingError, match="Say what"):
            notes.add_topic(
                session, pairing, author_id=PAIR_LEADER, text="  ", shared=True, now=later
            )
        with pytest.raises(SchedulingError):
            notes.add_topic(
                session, pairing, author_id=CAROL, text="Gossip", shared=True, now=later
            )
        meeting = session.get_one(Meeting, meeting_id)
        for_bart = [t.text for t in notes.topics_for(session, meeting, PAIR_MEMBER)]
        for_ada = [t.text for t in notes.topics_for(session, meeting, PAIR_LEADER)]
    assert for_bart == ["Offsite"]
    assert for_ada == ["Offsite", "His raise"]
