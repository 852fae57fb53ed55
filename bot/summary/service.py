"""A leader's weekly summary: what happened in their 1:1s last week and what comes next.

`load` reads the facts of one leader's 1:1s from the database; everything after it is a pure
function of those facts and a clock, so it can be tested with fixed data. The summary holds
participation (held, skipped, missed; who prepared), moods as numbers the person chose to
give (a mood not given is a gap, never a guess), open action items, and what is due; it never
quotes an answer or a note.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.delivery.outbox import Planned, Subject
from bot.models import (
    ActionItem,
    Answer,
    MeetingStatus,
    Pairing,
    PairingStatus,
    Profile,
)
from bot.people import service as preferences
from bot.scheduling import service as pairings

WEEK = timedelta(days=7)
MOOD_MEETINGS = 8
BARS = {1: "▁", 2: "▃", 3: "▄", 4: "▆", 5: "█"}  # ▁▂▃▄▅▆▇█, five of eight for 1 to 5
GAP = "·"
MOOD_DROP = 2
PLAN_BATCH = 500


@dataclass(frozen=True)
class MeetingFacts:
    starts_at: datetime
    status: MeetingStatus
    leader_prepared: bool = False
    member_prepared: bool = False
    mood: int | None = None  # the person's, if they gave one


@dataclass(frozen=True)
class ItemFacts:
    owner_id: str
    text: str
    created_at: datetime
    due: date | None = None


@dataclass(frozen=True)
class PairFacts:
    """One 1:1 a leader runs, as the summary needs it."""

    member_id: str
    period: timedelta  # the longest gap its cadence allows
    since: datetime  # when it began (accepted), for "no 1:1 yet"
    paused: bool = False
    meetings: Sequence[MeetingFacts] = ()  # in time order, past and future
    items: Sequence[ItemFacts] = ()  # open ones


@dataclass(frozen=True)
class PersonWeek:
    member_id: str
    last_week: list[MeetingFacts]
    moods: list[int | None]  # the last eight meetings held, oldest first
    sparkline: str
    mood_note: str | None


@dataclass(frozen=True)
class Summary:
    held: int
    skipped: int
    missed: int
    people: list[PersonWeek]
    items_by_owner: list[tuple[str, list[tuple[ItemFacts, bool]]]]  # (owner, [(item, overdue)])
    this_week: list[tuple[str, datetime]]
    neglected: list[tuple[str, int]]  # (person, whole weeks since the last 1:1)
    paused: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.people or self.this_week or self.items_by_owner)


def sparkline(moods: Sequence[int | None]) -> str:
    """▁▃▄▆█ for moods 1 to 5; a meeting without a mood is a gap (·), never a guess."""
    return "".join(BARS.get(mood, GAP) if mood is not None else GAP for mood in moods)


def mood_note(moods: Sequence[int | None]) -> str | None:
    """A plain sentence when the latest mood given is two or more below the one before it."""
    given = [m for m in moods if m is not None]
    if len(given) < 2 or given[-2] - given[-1] < MOOD_DROP:
        return None
    return f"mood dropped from {given[-2]} to {given[-1]} since the time before"


def build(pairs: Sequence[PairFacts], *, now: datetime, today: date) -> Summary:
    """The summary at `now`: last week is the seven days before it, this week the seven
    after; `today` is the leader's local date (for overdue action items)."""
    held = skipped = missed = 0
    people, this_week, neglected, paused = [], [], [], []
    owners: dict[str, list[tuple[ItemFacts, bool]]] = defaultdict(list)
    for pair in pairs:
        past = [m for m in pair.meetings if m.starts_at <= now]
        last_week = [m for m in past if m.starts_at > now - WEEK]
        held += sum(m.status is MeetingStatus.HELD for m in last_week)
        skipped += sum(m.status is MeetingStatus.SKIPPED for m in last_week)
        missed += sum(m.status is MeetingStatus.MISSED for m in last_week)
        moods = [m.mood for m in past if m.status is MeetingStatus.HELD][-MOOD_MEETINGS:]
        people.append(
            PersonWeek(pair.member_id, last_week, moods, sparkline(moods), mood_note(moods))
        )
        this_week += [
            (pair.member_id, m.starts_at)
            for m in pair.meetings
            if now < m.starts_at <= now + WEEK and m.status is MeetingStatus.SCHEDULED
        ]
        last_held = max(
            (m.starts_at for m in past if m.status is MeetingStatus.HELD), default=pair.since
        )
        if now - last_held > 2 * pair.period:
            neglected.append((pair.member_id, (now - last_held).days // 7))
        if pair.paused:
            paused.append(pair.member_id)
        for item in pair.items:
            owners[item.owner_id].append((item, item.due is not None and item.due < today))
    items_by_owner = [
        (owner, sorted(items, key=lambda pair: pair[0].created_at))
        for owner, items in sorted(owners.items(), key=lambda kv: kv[1][0][0].created_at)
    ]
    people.sort(key=lambda p: (p.mood_note is None, bool(p.last_week) and _prepared(p)))
    return Summary(
        held,
        skipped,
        missed,
        people,
        items_by_owner,
        sorted(this_week, key=lambda row: row[1]),
        sorted(neglected, key=lambda row: -row[1]),
        paused,
    )


def _prepared(person: PersonWeek) -> bool:
    return all(m.member_prepared for m in person.last_week)


# -- from the database -----------------------------------------------------------------------


def load(session: Session, *, team_id: str, leader_id: str, now: datetime) -> list[PairFacts]:
    """The facts of every running or paused 1:1 this leader leads, in this workspace."""
    led = session.scalars(
        select(Pairing)
        .where(
            Pairing.team_id == team_id,
            Pairing.leader_id == leader_id,
            Pairing.status.in_((PairingStatus.ACTIVE, PairingStatus.PAUSED)),
        )
        .order_by(Pairing.created_at)
    ).all()
    facts = []
    for pairing in led:
        held = [
            m for m in pairing.meetings if m.status is MeetingStatus.HELD and m.starts_at <= now
        ]
        near = [
            m
            for m in pairing.meetings
            if now - WEEK < m.starts_at <= now + WEEK and m.status is not MeetingStatus.CANCELLED
        ]
        meetings = sorted({*held[-MOOD_MEETINGS:], *near}, key=lambda m: m.starts_at)
        prepared = checkins.prepared(session, [m.id for m in meetings])
        moods = _moods(session, [m.id for m in meetings], pairing.member_id)
        facts.append(
            PairFacts(
                member_id=pairing.member_id,
                period=pairings.schedule_of(pairing).cadence.period,
                since=pairing.accepted_at or pairing.created_at,
                paused=pairing.status is PairingStatus.PAUSED,
                meetings=[
                    MeetingFacts(
                        m.starts_at,
                        m.status,
                        leader_prepared=(m.id, pairing.leader_id) in prepared,
                        member_prepared=(m.id, pairing.member_id) in prepared,
                        mood=moods.get(m.id),
                    )
                    for m in meetings
                ],
                items=[
                    ItemFacts(item.owner_id, item.text, item.created_at, item.due)
                    for item in session.scalars(
                        select(ActionItem)
                        .where(ActionItem.pairing_id == pairing.id, ActionItem.done_at.is_(None))
                        .order_by(ActionItem.created_at, ActionItem.id)
                    )
                ],
            )
        )
    return facts


def _moods(session: Session, meeting_ids: list[int], member_id: str) -> dict[int, int]:
    if not meeting_ids:
        return {}
    rows = session.execute(
        select(Answer.meeting_id, Answer.mood).where(
            Answer.meeting_id.in_(meeting_ids),
            Answer.author_id == member_id,
            Answer.mood.is_not(None),
        )
    )
    return {row.meeting_id: row.mood for row in rows}


def summary_subject(leader_id: str, local_day: date) -> Subject:
    return Subject("summary", leader_id, local_day.isoformat())


def day_of(subject: Subject) -> date | None:
    try:
        return date.fromisoformat(subject.event)
    except ValueError:
        return None


def plan(session: Session, *, now: datetime) -> list[Planned]:
    """Every leader whose summary is due (read through `ix_profiles_summary_at`) gets one,
    keyed by their local date, so it is sent once however often this runs; their next one
    is a week on, at their local time (daylight saving moves the UTC instant, not the hour)."""
    due = session.scalars(
        select(Profile)
        .where(Profile.summary_at <= now)
        .order_by(Profile.summary_at)
        .limit(PLAN_BATCH)
    ).all()
    planned = []
    for row in due:
        assert row.summary_at is not None
        day = row.summary_at.astimezone(ZoneInfo(row.tz or "UTC")).date()
        enterprise = session.scalar(
            select(Pairing.enterprise_id).where(
                Pairing.team_id == row.team_id, Pairing.leader_id == row.user_id
            )
        )
        planned.append(
            Planned(
                row.team_id,
                "summary",
                summary_subject(row.user_id, day),
                row.user_id,
                row.summary_at,
                enterprise,
            )
        )
        row.summary_at = None
        preferences.plan_summary(session, row, now=now)
    session.flush()
    return planned


def app_id(session: Session, *, team_id: str, leader_id: str) -> str | None:
    """The app's id, as Slack gave it with one of this leader's 1:1s (for a link to its Home)."""
    return session.scalar(
        select(Pairing.app_id).where(
            Pairing.team_id == team_id, Pairing.leader_id == leader_id, Pairing.app_id.is_not(None)
        )
    )
