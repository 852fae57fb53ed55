"""Pairings and their meetings: who may schedule whom, invitations, and the meetings ahead.

Services take the session explicitly and never commit; the caller owns the unit of work.
Nothing here talks to Slack: what Slack told us about a person arrives as a `Person`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.delivery.outbox import Planned, Subject, enqueue_returning_id
from bot.models import OPEN_STATUSES, Meeting, MeetingStatus, Pairing, PairingStatus
from bot.people import service as preferences
from bot.scheduling.cadence import (
    Described,
    Schedule,
    describe_for,
    occurrences,
)

MEETINGS_AHEAD = 3
OPEN = OPEN_STATUSES


@dataclass(frozen=True)
class Status:
    """Someone's Slack status: "Vacationing" or "Out sick" holds nudges to them."""

    text: str = ""
    emoji: str = ""
    expires_at: datetime | None = None

    @classmethod
    def from_slack(cls, profile: Mapping[str, Any]) -> Status:
        try:
            seconds = int(profile.get("status_expiration") or 0)
            expires_at = datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None
        except (TypeError, ValueError, OverflowError, OSError):  # not a time on any calendar
            expires_at = None
        return cls(
            text=str(profile.get("status_text") or ""),
            emoji=str(profile.get("status_emoji") or ""),
            expires_at=expires_at,
        )


@dataclass(frozen=True)
class Person:
    """What Slack's users.info says about someone, as far as scheduling cares."""

    id: str
    team_id: str
    name: str
    tz: str
    is_bot: bool = False
    deleted: bool = False
    status: Status = Status()


class SchedulingError(ValueError):
    """A request that cannot be done; the message is a sentence for the person who asked."""


def invitation_subject(pairing: Pairing) -> Subject:
    return Subject("pairing", str(pairing.id))


def accepted_subject(pairing: Pairing) -> Subject:
    return Subject("pairing", str(pairing.id), "accepted")


def changed(pairing: Pairing, *, now: datetime) -> None:
    """Something a calendar shows changed: its event's SEQUENCE rises (bot.calendars)."""
    pairing.sequence = (pairing.sequence or 0) + 1
    pairing.changed_at = now


def schedule_of(pairing: Pairing) -> Schedule:
    return Schedule(pairing.cadence, pairing.start, pairing.minutes)


def cadence_for(
    session: Session, pairing: Pairing, reader: str, *, now: datetime, plan: Schedule | None = None
) -> Described:
    """The 1:1's cadence (or `plan`, a cadence proposed for it) in the words of `reader`, in
    their own Slack timezone as we last heard it."""
    zone = preferences.of(session, team_id=pairing.team_id, user_id=reader, zone=pairing.zone).zone
    return describe_for(plan or schedule_of(pairing), zone, after=now)


def find_open(session: Session, *, team_id: str, one: str, other: str) -> Pairing | None:
    """The open 1:1 between two people, whichever of them leads it."""
    return session.scalars(
        select(Pairing).where(
            Pairing.team_id == team_id,
            Pairing.status.in_(OPEN),
            or_(
                (Pairing.leader_id == one) & (Pairing.member_id == other),
                (Pairing.leader_id == other) & (Pairing.member_id == one),
            ),
        )
    ).first()


def check_person(leader_id: str, team_id: str, person: Person) -> None:
    if person.id == leader_id:
        raise SchedulingError("A 1:1 takes two people: you can't schedule one with yourself.")
    if person.is_bot:
        raise SchedulingError(f"{person.name} is a bot: 1:1s are for people.")
    if person.deleted:
        raise SchedulingError(f"{person.name}'s account is deactivated, so they can't be invited.")
    if person.team_id != team_id:
        raise SchedulingError(
            f"{person.name} is in another workspace: 1:1s are between people of one workspace."
        )


def schedule(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    leader_id: str,
    person: Person,
    plan: Schedule,
    now: datetime,
    app_id: str | None = None,
) -> tuple[Pairing, int]:
    """Create the 1:1 as an invitation and enqueue the invitation DM; (pairing, delivery id)."""
    check_person(leader_id, team_id, person)
    already = SchedulingError(
        f"You already have a 1:1 with {person.name}: use `/oneonone reschedule` to change "
        "when it happens."
    )
    if find_open(session, team_id=team_id, one=leader_id, other=person.id) is not None:
        raise already
    pairing = Pairing(
        team_id=team_id,
        enterprise_id=enterprise_id,
        leader_id=leader_id,
        member_id=person.id,
        status=PairingStatus.INVITED,
        created_at=now,
        app_id=app_id,
    )
    _set_plan(pairing, plan)
    try:
        with session.begin_nested():  # a rival schedule of the same two, committed meanwhile
            session.add(pairing)
    except IntegrityError:
        raise already from None
    return pairing, _enqueue_now(session, pairing, invitation_subject(pairing), person.id, now)


def accept(session: Session, *, pairing_id: int, team_id: str, user_id: str, now: datetime):
    """The invited person accepts: the 1:1 becomes active, its next meetings exist, and the
    leader is told. Returns (pairing, the leader's delivery id or None if already accepted)."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or pairing.team_id != team_id or pairing.member_id != user_id:
        raise SchedulingError("This invitation is not yours to accept.")
    if pairing.status is PairingStatus.ACTIVE:
        return pairing, None  # a second click changes nothing
    if pairing.status is not PairingStatus.INVITED:
        raise SchedulingError("This invitation is no longer open.")
    pairing.status = PairingStatus.ACTIVE
    pairing.accepted_at = now
    changed(pairing, now=now)
    materialise(session, pairing, now=now)
    _plan_summary(session, pairing, now)
    return pairing, _enqueue_now(
        session, pairing, accepted_subject(pairing), pairing.leader_id, now
    )


def _plan_summary(session: Session, pairing: Pairing, now: datetime) -> None:
    """A running 1:1 gives its leader a weekly summary (unless they turned it off)."""
    row = preferences.profile(session, team_id=pairing.team_id, user_id=pairing.leader_id, now=now)
    preferences.plan_summary(session, row, now=now)


def materialise(session: Session, pairing: Pairing, *, now: datetime) -> list[Meeting]:
    """Make sure the next `MEETINGS_AHEAD` meetings exist as rows (a skipped one still takes
    its place; a cancelled one does not)."""
    upcoming = [
        m for m in pairing.meetings if m.starts_at > now and m.status is not MeetingStatus.CANCELLED
    ]
    missing = MEETINGS_AHEAD - len(upcoming)
    if missing > 0:
        after = max([now, *(m.starts_at for m in upcoming)])
        for starts_at in occurrences(schedule_of(pairing), after=after, count=missing):
            meeting = Meeting(
                team_id=pairing.team_id,
                starts_at=starts_at,
                minutes=pairing.minutes,
                status=MeetingStatus.SCHEDULED,
            )
            pairing.meetings.append(meeting)
            upcoming.append(meeting)
    pairing.top_up_at = min((m.starts_at for m in upcoming), default=None)
    session.flush()
    return upcoming


def top_up(session: Session, *, now: datetime, limit: int = 1000) -> int:
    """Keep every running 1:1's next meetings in the database as time passes: a planner of
    the outbox's pass. Only 1:1s whose next meeting has begun are read (an index scan)."""
    due = session.scalars(
        select(Pairing)
        .where(Pairing.top_up_at <= now, Pairing.status == PairingStatus.ACTIVE)
        .order_by(Pairing.top_up_at)
        .limit(limit)
    ).all()
    for pairing in due:
        materialise(session, pairing, now=now)
    return len(due)


def close_meetings(session: Session, *, now: datetime, limit: int = 1000) -> int:
    """Meetings whose time has passed are held if their 1:1 was running, cancelled if it was
    paused or had ended: a planner of the outbox's pass. Only scheduled meetings that have
    begun are read (`ix_meetings_open`); one still going on is left for a later pass."""
    begun = session.scalars(
        select(Meeting)
        .where(Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at <= now)
        .order_by(Meeting.starts_at)
        .limit(limit)
    ).all()
    closed = 0
    for meeting in begun:
        if meeting.starts_at + timedelta(minutes=meeting.minutes) > now:
            continue
        running = meeting.pairing.status is PairingStatus.ACTIVE
        meeting.status = MeetingStatus.HELD if running else MeetingStatus.CANCELLED
        closed += 1
    session.flush()
    return closed


def mark_missed(session: Session, meeting: Meeting, *, by: str, now: datetime) -> None:
    """One of the two says a meeting did not happen after all (missed, not skipped)."""
    if by not in (meeting.pairing.leader_id, meeting.pairing.member_id):
        raise SchedulingError("Only the two people of a 1:1 can say whether it happened.")
    if meeting.starts_at > now:
        raise SchedulingError("This meeting is still ahead: skip it instead.")
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.HELD, MeetingStatus.MISSED):
        raise SchedulingError(f"This meeting was {meeting.status.value}.")
    meeting.status = MeetingStatus.MISSED
    session.flush()


def next_meeting(pairing: Pairing, *, now: datetime) -> Meeting | None:
    return next(
        (m for m in pairing.meetings if m.starts_at > now and m.status is MeetingStatus.SCHEDULED),
        None,
    )


def pairings_of(session: Session, *, team_id: str, user_id: str) -> list[Pairing]:
    """Your open 1:1s, as leader and as the other person."""
    return list(
        session.scalars(
            select(Pairing)
            .where(
                Pairing.team_id == team_id,
                Pairing.status.in_(OPEN),
                or_(Pairing.leader_id == user_id, Pairing.member_id == user_id),
            )
            .order_by(Pairing.created_at)
        )
    )


def _enqueue_now(
    session: Session,
    pairing: Pairing,
    subject: Subject,
    to: str,
    now: datetime,
    *,
    kind: str = "invitation",
) -> int:
    planned = Planned(pairing.team_id, kind, subject, to, now, pairing.enterprise_id)
    return enqueue_returning_id(session, planned, now=now)


def unreachable_subject(pairing: Pairing, person_id: str) -> Subject:
    return Subject("pairing", str(pairing.id), "unreachable", person_id)


def unreachable(
    session: Session, *, team_id: str, person_id: str, enterprise_id: str | None, now: datetime
) -> list[Planned]:
    """Slack says `person_id` can no longer be messaged (deactivated, gone, a bot): pause every
    open 1:1 they are in, and plan one word to the other person of each (once: the notice's
    key is unique)."""
    notices = []
    for pairing in pairings_of(session, team_id=team_id, user_id=person_id):
        if pairing.status is not PairingStatus.ENDED:
            pairing.status = PairingStatus.PAUSED
        other = pairing.member_id if pairing.leader_id == person_id else pairing.leader_id
        subject = unreachable_subject(pairing, person_id)
        notices.append(Planned(team_id, "notice", subject, other, now, enterprise_id))
    session.flush()
    return notices


def notice_subject(pairing: Pairing, event: str, detail: object) -> Subject:
    return Subject("pairing", str(pairing.id), event, str(detail))


def pairing_for(
    session: Session, *, pairing_id: int, team_id: str, user_id: str, refusal: str
) -> Pairing:
    """The 1:1 a button names, if `user_id` is one of its two people in this workspace;
    otherwise `refusal`, and nothing is read of it."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or pairing.team_id != team_id:
        raise SchedulingError(refusal)
    if user_id not in (pairing.leader_id, pairing.member_id):
        raise SchedulingError(refusal)
    return pairing


def find_with(session: Session, *, team_id: str, user_id: str, other: Person) -> Pairing:
    """Your open 1:1 with `other`, or a plain sentence saying there is none."""
    pairing = find_open(session, team_id=team_id, one=user_id, other=other.id)
    if pairing is None:
        raise SchedulingError(f"You have no 1:1 with {other.name} to change.")
    return pairing


def _require_leader(pairing: Pairing, user_id: str, doing: str) -> None:
    if pairing.leader_id != user_id:
        raise SchedulingError(f"Only <@{pairing.leader_id}> can {doing} this 1:1.")


def other_of(pairing: Pairing, user_id: str) -> str:
    """The other person of a 1:1."""
    return pairing.member_id if pairing.leader_id == user_id else pairing.leader_id


def _tell(session: Session, pairing: Pairing, subject: Subject, to: str, now: datetime) -> int:
    return _enqueue_now(session, pairing, subject, to, now, kind="notice")


def skip(
    session: Session,
    pairing: Pairing,
    *,
    by: str,
    now: datetime,
    meeting: Meeting | None = None,
) -> tuple[Meeting, int]:
    """Either person skips one meeting (the next, unless named; skipped is not missed); the
    other is told."""
    if pairing.status is not PairingStatus.ACTIVE:
        raise SchedulingError(f"This 1:1 is {pairing.status.value}, so there is nothing to skip.")
    meeting = meeting or next_meeting(pairing, now=now)
    if meeting is None or meeting.starts_at <= now or meeting.status is not MeetingStatus.SCHEDULED:
        raise SchedulingError("There is no upcoming meeting to skip.")
    meeting.status = MeetingStatus.SKIPPED
    changed(pairing, now=now)
    materialise(session, pairing, now=now)
    subject = notice_subject(pairing, "skipped", meeting.id)
    return meeting, _tell(session, pairing, subject, other_of(pairing, by), now)


def pause(session: Session, pairing: Pairing, *, by: str, now: datetime) -> None:
    _require_leader(pairing, by, "pause")
    if pairing.status is not PairingStatus.ACTIVE:
        raise SchedulingError(
            f"This 1:1 is {pairing.status.value}, not running, so it can't pause."
        )
    pairing.status = PairingStatus.PAUSED
    changed(pairing, now=now)
    session.flush()


def resume(session: Session, pairing: Pairing, *, by: str, now: datetime) -> Meeting | None:
    """Start a paused 1:1 again; meetings that fell in the pause did not happen."""
    _require_leader(pairing, by, "resume")
    if pairing.status is not PairingStatus.PAUSED:
        raise SchedulingError(f"This 1:1 is {pairing.status.value}, not paused.")
    pairing.status = PairingStatus.ACTIVE
    changed(pairing, now=now)
    for meeting in pairing.meetings:
        if meeting.starts_at <= now and meeting.status is MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.CANCELLED
    materialise(session, pairing, now=now)
    _plan_summary(session, pairing, now)
    return next_meeting(pairing, now=now)


def end(session: Session, pairing: Pairing, *, by: str, now: datetime) -> int:
    """Either person ends the 1:1; its history stays, and the other person is told kindly."""
    if by not in (pairing.leader_id, pairing.member_id):
        raise SchedulingError("This 1:1 is not yours to end.")
    if pairing.status not in OPEN:
        raise SchedulingError("This 1:1 has already ended.")
    pairing.status = PairingStatus.ENDED
    pairing.ended_at = now
    changed(pairing, now=now)
    pairing.top_up_at = None
    for meeting in pairing.meetings:
        if meeting.starts_at > now and meeting.status is MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.CANCELLED
    session.flush()
    return _tell(session, pairing, notice_subject(pairing, "ended", by), other_of(pairing, by), now)


def reschedule(
    session: Session, pairing: Pairing, *, by: str, plan: Schedule, now: datetime
) -> int | None:
    """The leader changes when the 1:1 happens. Past meetings keep their times (history stays
    true); the upcoming ones follow the new cadence. The person is told."""
    _require_leader(pairing, by, "reschedule")
    _set_plan(pairing, plan)
    changed(pairing, now=now)
    for meeting in [
        m for m in pairing.meetings if m.starts_at > now and m.status is MeetingStatus.SCHEDULED
    ]:
        # Upcoming meetings hold nothing yet, so they are made again from the new cadence.
        pairing.meetings.remove(meeting)
        session.delete(meeting)
    session.flush()
    if pairing.status is PairingStatus.ACTIVE:
        materialise(session, pairing, now=now)
    if pairing.status is PairingStatus.INVITED:
        return None
    subject = notice_subject(pairing, "rescheduled", int(now.timestamp()))
    return _tell(session, pairing, subject, pairing.member_id, now)


def _set_plan(pairing: Pairing, plan: Schedule) -> None:
    pairing.cadence = plan.cadence
    pairing.start = plan.start
    pairing.minutes = plan.minutes


def propose(session: Session, pairing: Pairing, *, by: str, plan: Schedule, now: datetime) -> int:
    """The invited person suggests another time; the leader is asked to accept or decline."""
    if pairing.member_id != by:
        raise SchedulingError("Only the invited person can suggest another time.")
    if pairing.status is not PairingStatus.INVITED:
        raise SchedulingError("This invitation is no longer open.")
    pairing.suggested = plan
    session.flush()
    subject = notice_subject(pairing, "proposal", int(now.timestamp()))
    return _enqueue_now(session, pairing, subject, pairing.leader_id, now, kind="invitation")


def answer_proposal(
    session: Session,
    pairing: Pairing,
    *,
    by: str,
    accept_it: bool,
    now: datetime,
) -> int:
    """The leader accepts the suggestion (the 1:1 starts at that time) or declines it (the
    invitation stays open as it was). The person is told either way."""
    _require_leader(pairing, by, "answer a suggestion for")
    plan = pairing.suggested
    if pairing.status is not PairingStatus.INVITED or plan is None:
        raise SchedulingError("There is no open suggestion for this 1:1.")
    outcome = "agreed" if accept_it else "declined"
    if accept_it:
        _set_plan(pairing, plan)
        pairing.status = PairingStatus.ACTIVE
        pairing.accepted_at = now
        materialise(session, pairing, now=now)
        _plan_summary(session, pairing, now)
    pairing.suggested = None
    session.flush()
    subject = notice_subject(pairing, outcome, int(now.timestamp()))
    return _tell(session, pairing, subject, pairing.member_id, now)
