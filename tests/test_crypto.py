"""Encryption at rest: what people write is unreadable in the database with a key set."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from cryptography.fernet import Fernet
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from bot import crypto
from bot.models import Meeting, MeetingStatus, Note, Pairing, PairingStatus
from bot.scheduling.cadence import Cadence, Frequency

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


def write_note(engine: Engine, words: str) -> int:
    with Session(engine) as session, session.begin():
        pairing = Pairing(
            team_id="T1",
            leader_id="U1",
            member_id="U2",
            status=PairingStatus.ENDED,  # one of many past 1:1s of the two (one may be open)
            cadence=Cadence(Frequency.WEEKLY, 1, time(10), "UTC"),
            start=date(2026, 11, 24),
            minutes=30,
            created_at=NOW,
        )
        meeting = Meeting(team_id="T1", starts_at=NOW, minutes=30, status=MeetingStatus.HELD)
        pairing.meetings.append(meeting)
        session.add(pairing)
        session.flush()
        note = Note(
            team_id="T1",
            meeting_id=meeting.id,
            author_id="U1",
            shared=False,
            text=words,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(note)
        session.flush()
        return note.id


def stored(engine: Engine, note_id: int) -> str:
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT text FROM notes WHERE id = {note_id}")).scalar_one()


def read(engine: Engine, note_id: int) -> str:
    with Session(engine) as session:
        return session.scalar(select(Note.text).where(Note.id == note_id))


def test_with_a_key_the_database_holds_only_ciphertext(engine: Engine) -> None:
    crypto.configure(Fernet.generate_key().decode())
    note_id = write_note(engine, "Bart seems tired")
    assert stored(engine, note_id).startswith(crypto.PREFIX)
    assert "tired" not in stored(engine, note_id)
    assert read(engine, note_id) == "Bart seems tired"


def test_keys_rotate_and_old_plain_rows_stay_readable(engine: Engine) -> None:
    plain = write_note(engine, "written before any key")
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    crypto.configure(old)
    under_old = write_note(engine, "under the old key")
    crypto.configure(f"{new},{old}")
    assert read(engine, plain) == "written before any key"
    assert read(engine, under_old) == "under the old key"
    crypto.configure(new)
    assert read(engine, under_old) == crypto.UNREADABLE
    crypto.configure(None)
    assert read(engine, under_old) == crypto.UNREADABLE
