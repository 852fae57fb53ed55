"""Each person's data: an export holds what they may read and nothing else; forgetting someone
leaves nothing they wrote (read back through the ORM, so encrypted columns are read decrypted,
and the raw tables are searched too) and keeps what the other person wrote."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from bot import crypto
from bot.calendars import service as calendars
from bot.checkins import service as checkins
from bot.models import ActionItem, Answer, CalendarFeed, Meeting, Note, Pairing, Profile, Topic
from bot.notes import service as notes
from bot.people import service as preferences
from bot.privacy import service as privacy
from tests.conftest import PAIR_LEADER, PAIR_MEMBER, PAIR_NOW, PAIR_TEAM

ADA, BART = PAIR_LEADER, PAIR_MEMBER
WROTE = {  # everything each may write in the 1:1 (only a leader keeps notes and items)
    ADA: [
        "Ada answers",
        "Ada shares a topic",
        "Ada keeps a topic",
        "Ada shares a note",
        "Ada keeps a note",
        "Ada adds an item",
    ],
    BART: ["Bart answers", "Bart shares a topic", "Bart keeps a topic"],
}


@pytest.fixture(params=["plain", "encrypted"])
def written(request: pytest.FixtureRequest, engine: Engine, active_pair: tuple[int, int]) -> int:
    """Ada and Bart both wrote everything they may; returns the pairing id."""
    if request.param == "encrypted":
        crypto.configure(Fernet.generate_key().decode())
    pairing_id, meeting_id = active_pair
    with Session(engine) as session, session.begin():
        meeting = session.get_one(Meeting, meeting_id)
        pairing = session.get_one(Pairing, pairing_id)
        for person, (answer, shared_topic, own_topic, *_) in WROTE.items():
            key = checkins.questions(session, meeting, person)[0].key
            checkins.save_answers(
                session, meeting, author_id=person, given={key: answer}, now=PAIR_NOW
            )
            later = PAIR_NOW + timedelta(hours=1)
            for words, shared in ((shared_topic, True), (own_topic, False)):
                notes.add_topic(
                    session, pairing, author_id=person, text=words, shared=shared, now=later
                )
            preferences.profile(session, team_id=PAIR_TEAM, user_id=person, now=PAIR_NOW)
            calendars.reset(session, team_id=PAIR_TEAM, user_id=person, now=PAIR_NOW)
        shared_note, own_note, item = WROTE[ADA][3:]
        notes.record(
            session,
            meeting,
            author_id=ADA,
            shared=shared_note,
            private=own_note,
            item=item,
            owner_id=BART,
            due=None,
            now=PAIR_NOW,
        )
    return pairing_id


def left_of(engine: Engine, person: str) -> list[str]:
    """What of `person` is still stored: what they wrote (decrypted), and their rows."""
    with Session(engine) as session:
        found = [
            a.text or "" for a in session.scalars(select(Answer).where(Answer.author_id == person))
        ]
        found += [n.text for n in session.scalars(select(Note).where(Note.author_id == person))]
        found += [t.text for t in session.scalars(select(Topic).where(Topic.author_id == person))]
        found += [
            i.text
            for i in session.scalars(select(ActionItem).where(ActionItem.created_by == person))
        ]
        for model in (Profile, CalendarFeed):
            rows = session.scalars(select(model).where(model.user_id == person)).all()
            found += [f"a {model.__tablename__} row"] * len(rows)
    return found


def raw_text(engine: Engine) -> str:
    """Every stored value of every table, as the database holds it."""
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        return "\n".join(
            str(row)
            for table in tables
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))
        )


@pytest.mark.parametrize(("who", "other"), [(BART, ADA), (ADA, BART)])
def test_forgetting_someone_leaves_nothing_of_theirs_and_all_of_the_other(
    engine: Engine, written: int, who: str, other: str
) -> None:
    assert sorted(left_of(engine, who)) == sorted(
        [*WROTE[who], "a profiles row", "a calendar_feeds row"]
    )
    with Session(engine) as session, session.begin():
        told = privacy.forget(session, team_id=PAIR_TEAM, user_id=who, now=PAIR_NOW)
    assert left_of(engine, who) == []
    stored = raw_text(engine)
    assert not [words for words in WROTE[who] if words in stored]
    assert sorted(left_of(engine, other)) == sorted(
        [*WROTE[other], "a profiles row", "a calendar_feeds row"]
    )
    assert [(t.recipient, t.subject.event) for t in told] == [(other, "forgotten")]


def test_an_export_holds_what_its_reader_may_read_and_nothing_else(
    engine: Engine, written: int
) -> None:
    with Session(engine) as session:
        bart = privacy.export(session, team_id=PAIR_TEAM, user_id=BART, now=PAIR_NOW)
        ada = privacy.export(session, team_id=PAIR_TEAM, user_id=ADA, now=PAIR_NOW)
    as_member, as_leader = json.dumps(bart), json.dumps(ada)
    # Bart reads his own answer, shared notes and topics, the item, and his private topic;
    # never Ada's answer (the agenda shows it to her only) or her private note or topic.
    for words in [*WROTE[BART], "Ada shares a topic", "Ada shares a note", "Ada adds an item"]:
        assert words in as_member
    for words in ("Ada answers", "Ada keeps a topic", "Ada keeps a note"):
        assert words not in as_member
    # Ada, the leader, reads both answers, and never Bart's private topic.
    for words in [*WROTE[ADA], "Bart answers", "Bart shares a topic"]:
        assert words in as_leader
    assert "Bart keeps a topic" not in as_leader
    (one,) = bart["one_on_ones"]
    assert (one["role"], one["with"], bart["format"], bart["version"]) == (
        "member",
        ADA,
        "oneonone-export",
        1,
    )


def test_retention_deletes_what_was_written_and_done_before_its_days(
    engine: Engine, written: int
) -> None:
    with Session(engine) as session, session.begin():
        (item,) = session.scalars(select(ActionItem)).all()
        item.done_at = PAIR_NOW + timedelta(days=2)
    with Session(engine) as session, session.begin():
        early = privacy.expire(session, PAIR_NOW + timedelta(days=30), days=30)
    assert set(early.values()) == {0}  # written an hour after PAIR_NOW at the latest
    with Session(engine) as session, session.begin():
        late = privacy.expire(session, PAIR_NOW + timedelta(days=31, hours=2), days=30)
    assert late == {"answers": 2, "notes": 2, "topics": 4, "done_items": 0}
    with Session(engine) as session, session.begin():
        done = privacy.expire(session, PAIR_NOW + timedelta(days=33), days=30)
    assert done["done_items"] == 1
    assert left_of(engine, BART) == ["a profiles row", "a calendar_feeds row"]


def test_an_uninstalled_workspace_goes_after_its_grace_period_unless_it_comes_back(
    engine: Engine, written: int
) -> None:
    with Session(engine) as session, session.begin():
        preferences.profile(session, team_id="T2", user_id=BART, now=PAIR_NOW)  # elsewhere
        privacy.uninstalled(session, team_id=PAIR_TEAM, now=PAIR_NOW, grace_days=30)
    with Session(engine) as session, session.begin():
        assert not any(privacy.remove_uninstalled(session, PAIR_NOW + timedelta(days=29)).values())
    with Session(engine) as session, session.begin():
        gone = privacy.remove_uninstalled(session, PAIR_NOW + timedelta(days=30))
    assert gone["uninstalled pairings"] == 1
    with Session(engine) as session:
        for model in privacy.WORKSPACE_TABLES:
            assert session.scalars(select(model).where(model.team_id == PAIR_TEAM)).all() == []
        assert session.scalars(select(Profile.team_id)).all() == ["T2"]  # another workspace


def test_installing_again_within_the_grace_period_keeps_everything(
    engine: Engine, written: int
) -> None:
    with Session(engine) as session, session.begin():
        privacy.uninstalled(session, team_id=PAIR_TEAM, now=PAIR_NOW, grace_days=30)
        privacy.installed(session, team_id=PAIR_TEAM)
    with Session(engine) as session, session.begin():
        assert not any(privacy.remove_uninstalled(session, PAIR_NOW + timedelta(days=90)).values())
    assert len(left_of(engine, BART)) == len(WROTE[BART]) + 2
