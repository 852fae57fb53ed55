"""After the meeting: shared notes, the leader's private notes, and action items that carry
over until they are done. Only the two people read shared notes and action items; a private
note only its author."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.questions import ANSWER_LIMIT, Role
from bot.checkins.service import role_of
from bot.models import ActionItem, Meeting, MeetingStatus, Note, Pairing, Topic
from bot.scheduling.service import SchedulingError

ITEM_LIMIT = 300


def record(
    session: Session,
    meeting: Meeting,
    *,
    author_id: str,
    shared: str | None,
    private: str | None,
    item: str | None,
    owner_id: str | None,
    due: date | None,
    now: datetime,
) -> None:
    """Store one submission of the notes form. Private notes are for the leader only."""
    role = role_of(meeting.pairing, author_id)
    if private and role is not Role.LEADER:
        raise SchedulingError("Only the leader keeps private notes.")
    for text, is_shared in ((shared, True), (private, False)):
        if text and text.strip():
            if len(text) > ANSWER_LIMIT:
                raise SchedulingError(f"Notes hold at most {ANSWER_LIMIT} characters.")
            _save_note(session, meeting, author_id, is_shared, text.strip(), now)
    if item and item.strip():
        owner = owner_id or author_id
        role_of(meeting.pairing, owner)  # the owner must be one of the two
        if len(item) > ITEM_LIMIT:
            raise SchedulingError(f"An action item holds at most {ITEM_LIMIT} characters.")
        session.add(
            ActionItem(
                team_id=meeting.team_id,
                pairing_id=meeting.pairing_id,
                meeting_id=meeting.id,
                owner_id=owner,
                text=item.strip(),
                due=due,
                created_by=author_id,
                created_at=now,
            )
        )
    session.flush()


def _save_note(
    session: Session, meeting: Meeting, author_id: str, shared: bool, text: str, now: datetime
) -> None:
    note = session.scalars(
        select(Note).where(
            Note.meeting_id == meeting.id, Note.author_id == author_id, Note.shared == shared
        )
    ).first()
    if note is None:
        note = Note(
            team_id=meeting.team_id,
            meeting_id=meeting.id,
            author_id=author_id,
            shared=shared,
            created_at=now,
        )
        session.add(note)
    note.text, note.updated_at = text, now


def open_items(session: Session, pairing: Pairing) -> list[ActionItem]:
    """Open action items of a 1:1, oldest first (they carry over until done)."""
    return list(
        session.scalars(
            select(ActionItem)
            .where(ActionItem.pairing_id == pairing.id, ActionItem.done_at.is_(None))
            .order_by(ActionItem.created_at, ActionItem.id)
        )
    )


def tick_off(session: Session, *, item_id: int, team_id: str, user_id: str, now: datetime):
    item = session.get(ActionItem, item_id)
    if item is None or item.team_id != team_id:
        raise SchedulingError("Only the two people of a 1:1 can tick off its action items.")
    role_of(session.get_one(Pairing, item.pairing_id), user_id)
    if item.done_at is None:
        item.done_at = now
    session.flush()
    return item


def last_shared_notes(session: Session, meeting: Meeting, reader: str) -> list[Note]:
    """Shared notes of the pair's previous meeting, plus the reader's own private ones."""
    previous = session.scalars(
        select(Meeting)
        .where(
            Meeting.pairing_id == meeting.pairing_id,
            Meeting.starts_at < meeting.starts_at,
            Meeting.status.in_((MeetingStatus.SCHEDULED, MeetingStatus.HELD)),
        )
        .order_by(Meeting.starts_at.desc())
    ).first()
    if previous is None:
        return []
    return [
        note
        for note in session.scalars(select(Note).where(Note.meeting_id == previous.id))
        if note.shared or note.author_id == reader
    ]


TOPIC_LIMIT = 1000


def add_topic(
    session: Session, pairing: Pairing, *, author_id: str, text: str, shared: bool, now: datetime
) -> Topic:
    role_of(pairing, author_id)
    text = text.strip()
    if not text:
        raise SchedulingError("Say what the topic is.")
    if len(text) > TOPIC_LIMIT:
        raise SchedulingError(f"A topic holds at most {TOPIC_LIMIT} characters.")
    topic = Topic(
        team_id=pairing.team_id,
        pairing_id=pairing.id,
        author_id=author_id,
        text=text,
        shared=shared,
        created_at=now,
    )
    session.add(topic)
    session.flush()
    return topic


def topics_for(session: Session, meeting: Meeting, reader: str) -> list[Topic]:
    """Topics added since the pair's previous meeting began, that `reader` may see."""
    previous = session.scalar(
        select(Meeting.starts_at)
        .where(Meeting.pairing_id == meeting.pairing_id, Meeting.starts_at < meeting.starts_at)
        .order_by(Meeting.starts_at.desc())
    )
    query = select(Topic).where(
        Topic.pairing_id == meeting.pairing_id, Topic.created_at < meeting.starts_at
    )
    if previous is not None:
        query = query.where(Topic.created_at >= previous)
    return [
        topic
        for topic in session.scalars(query.order_by(Topic.created_at))
        if topic.shared or topic.author_id == reader
    ]
