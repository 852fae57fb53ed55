"""What one person's App Home shows: their next 1:1s (and whether each side has prepared),
invitations waiting for them, their open action items, the last meetings of each pair, and
whether they are away. Everything is read for that person only, in their workspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.models import ActionItem, Meeting, MeetingStatus, Pairing, PairingStatus, Profile
from bot.people import profiles
from bot.scheduling import service as pairings
from bot.scheduling.cadence import Described

HISTORY_MEETINGS = 4


@dataclass(frozen=True)
class Upcoming:
    meeting_id: int
    other_id: str
    leads: bool
    starts_at: datetime
    you_prepared: bool
    they_prepared: bool


@dataclass(frozen=True)
class Invitation:
    pairing_id: int
    leader_id: str
    words: Described


@dataclass(frozen=True)
class Item:
    item_id: int
    text: str
    due: date | None
    other_id: str


@dataclass(frozen=True)
class Past:
    other_id: str
    meetings: list[tuple[datetime, MeetingStatus]]


@dataclass(frozen=True)
class HomeFacts:
    upcoming: list[Upcoming] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    waiting_for: list[str] = field(default_factory=list)  # invited by you, not yet accepted
    paused: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    history: list[Past] = field(default_factory=list)
    away_until: date | None = None


def opened(session: Session, *, team_id: str, users: list[str]) -> set[str]:
    """Which of these people have opened their App Home (a Home is published only then)."""
    return set(
        session.scalars(
            select(Profile.user_id).where(
                Profile.team_id == team_id,
                Profile.user_id.in_(users),
                Profile.home_opened_at.is_not(None),
            )
        )
    )


def load(session: Session, *, team_id: str, user_id: str, now: datetime, today: date) -> HomeFacts:
    facts = HomeFacts(
        away_until=profiles.away_until(session, team_id=team_id, user_id=user_id, today=today)
    )
    mine = pairings.pairings_of(session, team_id=team_id, user_id=user_id)
    upcoming: list[tuple[Meeting, Pairing]] = []
    for pairing in mine:
        other = pairings.other_of(pairing, user_id)
        if pairing.status is PairingStatus.INVITED:
            if pairing.member_id == user_id:
                words = pairings.cadence_for(session, pairing, user_id, now=now)
                facts.invitations.append(Invitation(pairing.id, pairing.leader_id, words))
            else:
                facts.waiting_for.append(other)
            continue
        if pairing.status is PairingStatus.PAUSED:
            facts.paused.append(other)
        else:
            following = pairings.next_meeting(pairing, now=now)
            if following is not None:
                upcoming.append((following, pairing))
        past = [
            (m.starts_at, m.status)
            for m in pairing.meetings
            if m.starts_at <= now and m.status is not MeetingStatus.CANCELLED
        ]
        if past:
            facts.history.append(Past(other, past[-HISTORY_MEETINGS:][::-1]))
    prepared = checkins.prepared(session, [m.id for m, _ in upcoming])
    for meeting, pairing in sorted(upcoming, key=lambda row: row[0].starts_at):
        other = pairings.other_of(pairing, user_id)
        facts.upcoming.append(
            Upcoming(
                meeting.id,
                other,
                pairing.leader_id == user_id,
                meeting.starts_at,
                (meeting.id, user_id) in prepared,
                (meeting.id, other) in prepared,
            )
        )
    others = {p.id: pairings.other_of(p, user_id) for p in mine}
    if others:
        items = session.scalars(
            select(ActionItem)
            .where(
                ActionItem.team_id == team_id,
                ActionItem.pairing_id.in_(others),
                ActionItem.owner_id == user_id,
                ActionItem.done_at.is_(None),
            )
            .order_by(ActionItem.created_at, ActionItem.id)
        )
        facts.items.extend(
            Item(item.id, item.text, item.due, others[item.pairing_id]) for item in items
        )
    return facts
