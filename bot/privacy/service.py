"""`/oneonone export` and `/oneonone forget me`.

An export holds everything this person may read in the app and nothing else, as the app shows
it: their settings; each of their 1:1s (as leader or as the other person) with its meetings;
their own answers, and, as the leader, the other person's too (the agenda shows a leader both
sides); shared notes and topics, and their own private ones; the action items of the 1:1.

Forgetting deletes what this person wrote (answers, notes, topics, the action items they
added), their profile and their calendar feed. What the other person wrote stays theirs. When
shared notes, topics or items they wrote go, the other person of that 1:1 is told, once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Planned
from bot.models import (
    ActionItem,
    Answer,
    CalendarFeed,
    Delivery,
    Meeting,
    Note,
    Pairing,
    ProcessedEvent,
    Profile,
    RateLimit,
    Topic,
    WorkspaceRemoval,
)
from bot.scheduling import service as pairings

logger = logging.getLogger(__name__)

FORMAT = "oneonone-export"
VERSION = 1


def export(session: Session, *, team_id: str, user_id: str, now: datetime) -> dict[str, Any]:
    """Everything `user_id` may read in the app, as one JSON-ready document."""
    profile = session.scalar(
        select(Profile).where(Profile.team_id == team_id, Profile.user_id == user_id)
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _when(now),
        "workspace": team_id,
        "person": user_id,
        "profile": _profile(profile),
        "one_on_ones": [
            _one_on_one(session, pairing, user_id)
            for pairing in _pairings_of(session, team_id, user_id)
        ],
    }


def _pairings_of(session: Session, team_id: str, user_id: str) -> Iterable[Pairing]:
    return session.scalars(
        select(Pairing)
        .where(
            Pairing.team_id == team_id,
            or_(Pairing.leader_id == user_id, Pairing.member_id == user_id),
        )
        .order_by(Pairing.id)
    )


def _profile(row: Profile | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "name": row.name,
        "timezone": row.tz,
        "away_until": _when(row.away_until),
        "working_hours": {
            "start_minute": row.work_start,
            "end_minute": row.work_end,
            "days": [int(day) for day in row.workdays],  # 0 is Monday
        },
        "as_leader": {
            "prompt_minutes_before": row.prompt_lead,
            "nudges": row.nudges,
            "nudge_minutes_before": row.nudge_lead,
            "agenda_minutes_before": row.agenda_lead,
            "summary": row.summary_on,
            "summary_weekday": row.summary_weekday,
            "summary_minute": row.summary_minute,
            "member_questions": row.member_questions,
            "leader_questions": row.leader_questions,
        },
    }


def _one_on_one(session: Session, pairing: Pairing, reader: str) -> dict[str, Any]:
    leads = pairing.leader_id == reader
    readable = {reader, pairing.member_id} if leads else {reader}
    meetings = []
    for meeting in pairing.meetings:
        answers = session.scalars(
            select(Answer)
            .where(Answer.meeting_id == meeting.id, Answer.author_id.in_(readable))
            .order_by(Answer.id)
        )
        notes = session.scalars(
            select(Note)
            .where(Note.meeting_id == meeting.id, or_(Note.shared, Note.author_id == reader))
            .order_by(Note.id)
        )
        meetings.append(
            {
                "starts_at": _when(meeting.starts_at),
                "minutes": meeting.minutes,
                "status": meeting.status.value,
                "answers": [
                    {
                        "author": _who(a.author_id, reader),
                        "question": a.asked or a.question,
                        "text": a.text,
                        "mood": a.mood,
                    }
                    for a in answers
                ],
                "notes": [
                    {"author": _who(n.author_id, reader), "shared": n.shared, "text": n.text}
                    for n in notes
                ],
            }
        )
    topics = session.scalars(
        select(Topic)
        .where(Topic.pairing_id == pairing.id, or_(Topic.shared, Topic.author_id == reader))
        .order_by(Topic.id)
    )
    items = session.scalars(
        select(ActionItem).where(ActionItem.pairing_id == pairing.id).order_by(ActionItem.id)
    )
    return {
        "role": "leader" if leads else "member",
        "with": pairings.other_of(pairing, reader),
        "status": pairing.status.value,
        "cadence": pairing.cadence.describe(),
        "minutes": pairing.minutes,
        "created_at": _when(pairing.created_at),
        "ended_at": _when(pairing.ended_at),
        "meetings": meetings,
        "topics": [
            {
                "author": _who(t.author_id, reader),
                "shared": t.shared,
                "text": t.text,
                "created_at": _when(t.created_at),
            }
            for t in topics
        ],
        "action_items": [
            {
                "owner": _who(i.owner_id, reader),
                "added_by": _who(i.created_by, reader),
                "text": i.text,
                "due": _when(i.due),
                "done_at": _when(i.done_at),
            }
            for i in items
        ],
    }


def _who(author: str, reader: str) -> str:
    return "you" if author == reader else author


def _when(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def forget(session: Session, *, team_id: str, user_id: str, now: datetime) -> list[Planned]:
    """Delete what `user_id` wrote and what we keep about them; a word (planned here) to the
    other person of each 1:1 where shared things they wrote went."""
    theirs = list(_pairings_of(session, team_id, user_id))
    touched: set[int] = set()
    for pairing in theirs:
        shared_notes = session.scalar(
            select(Note.id).where(
                Note.meeting_id.in_(select(Meeting.id).where(Meeting.pairing_id == pairing.id)),
                Note.author_id == user_id,
                Note.shared,
            )
        )
        shared_topics = session.scalar(
            select(Topic.id).where(
                Topic.pairing_id == pairing.id, Topic.author_id == user_id, Topic.shared
            )
        )
        items = session.scalar(
            select(ActionItem.id).where(
                ActionItem.pairing_id == pairing.id, ActionItem.created_by == user_id
            )
        )
        if shared_notes or shared_topics or items:
            touched.add(pairing.id)
    session.execute(delete(Answer).where(Answer.team_id == team_id, Answer.author_id == user_id))
    session.execute(delete(Note).where(Note.team_id == team_id, Note.author_id == user_id))
    session.execute(delete(Topic).where(Topic.team_id == team_id, Topic.author_id == user_id))
    session.execute(
        delete(ActionItem).where(ActionItem.team_id == team_id, ActionItem.created_by == user_id)
    )
    session.execute(
        delete(CalendarFeed).where(CalendarFeed.team_id == team_id, CalendarFeed.user_id == user_id)
    )
    session.execute(delete(Profile).where(Profile.team_id == team_id, Profile.user_id == user_id))
    session.flush()
    return [
        Planned(
            team_id,
            "notice",
            pairings.notice_subject(pairing, "forgotten", user_id),
            pairings.other_of(pairing, user_id),
            now,
            pairing.enterprise_id,
        )
        for pairing in theirs
        if pairing.id in touched
    ]


# -- what is kept, and for how long ---------------------------------------------------------


def expire(session: Session, now: datetime, *, days: int) -> dict[str, int]:
    """ONEONONE_RETENTION_DAYS: answers, notes and topics written, and action items done,
    more than `days` ago are deleted (the daily housekeeping)."""
    cutoff = now - timedelta(days=days)
    return {
        "answers": _deleted(session, delete(Answer).where(Answer.created_at < cutoff)),
        "notes": _deleted(session, delete(Note).where(Note.created_at < cutoff)),
        "topics": _deleted(session, delete(Topic).where(Topic.created_at < cutoff)),
        "done_items": _deleted(session, delete(ActionItem).where(ActionItem.done_at < cutoff)),
    }


def uninstalled(session: Session, *, team_id: str, now: datetime, grace_days: int) -> None:
    """The app was uninstalled from a workspace: its data goes after the grace period."""
    session.execute(delete(WorkspaceRemoval).where(WorkspaceRemoval.team_id == team_id))
    session.add(
        WorkspaceRemoval(
            team_id=team_id, uninstalled_at=now, delete_after=now + timedelta(days=grace_days)
        )
    )


def installed(session: Session, *, team_id: str) -> None:
    """Installed again (or still): a pending deletion of the workspace's data is cancelled."""
    session.execute(delete(WorkspaceRemoval).where(WorkspaceRemoval.team_id == team_id))


# Children before parents, so that no foreign key is left pointing at nothing.
WORKSPACE_TABLES = (
    Answer,
    Note,
    ActionItem,
    Topic,
    Meeting,
    Pairing,
    Profile,
    CalendarFeed,
    Delivery,
    ProcessedEvent,
    RateLimit,
)


def remove_uninstalled(session: Session, now: datetime) -> dict[str, int]:
    """Delete every row of each workspace whose grace period after uninstalling is over."""
    due = session.scalars(
        select(WorkspaceRemoval.team_id).where(WorkspaceRemoval.delete_after <= now)
    ).all()
    deleted = dict.fromkeys((model.__tablename__ for model in WORKSPACE_TABLES), 0)
    for team_id in due:
        for model in WORKSPACE_TABLES:
            statement = delete(model).where(model.team_id == team_id)
            deleted[model.__tablename__] += _deleted(session, statement)
        installed(session, team_id=team_id)
        logger.warning("workspace %s: its data is deleted, its grace period is over", team_id)
    return {f"uninstalled {table}": count for table, count in deleted.items()}


def _deleted(session: Session, statement: Any) -> int:
    return session.execute(statement).rowcount or 0
