"""The check-in before each meeting: when prompts are planned, which questions each person
gets, and their answers. Only the two people of a 1:1 may read or write its answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain.pairings import SchedulingError
from bot.domain.questions import ANSWER_LIMIT, MOOD_RANGE, Question, Role, questions_for
from bot.jobs.outbox import Planned
from bot.models import (
    Answer,
    Delivery,
    DeliveryState,
    Meeting,
    MeetingStatus,
    Pairing,
    PairingStatus,
    Profile,
)

PROMPT_LEAD = timedelta(hours=24)
NUDGE_LEAD = timedelta(hours=4)
AGENDA_LEAD = timedelta(hours=1)
WORKDAY = (time(9, 0), time(18, 0))  # local working hours, Monday to Friday
PLAN_BATCH = 2000


def prompt_subject(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}"


def nudge_time(starts_at: datetime, zone: str) -> datetime | None:
    """When to nudge someone who has not answered: `NUDGE_LEAD` before the meeting if that is
    in their working hours; otherwise the latest working minute between the prompt and the
    agenda (`AGENDA_LEAD` before); if there is none, no nudge at all."""
    wanted = starts_at - NUDGE_LEAD
    earliest, latest = starts_at - PROMPT_LEAD, starts_at - AGENDA_LEAD
    tz = ZoneInfo(zone)
    if _working(wanted, tz):
        return wanted
    day = latest.astimezone(tz).date()
    while day >= earliest.astimezone(tz).date():
        if day.weekday() < 5:
            opens = datetime.combine(day, WORKDAY[0], tzinfo=tz).astimezone(UTC)
            closes = datetime.combine(day, WORKDAY[1], tzinfo=tz).astimezone(UTC)
            last = min(closes - timedelta(minutes=1), latest)
            if last >= max(opens, earliest):
                return last
        day -= timedelta(days=1)
    return None


def snooze(
    session: Session, meeting: Meeting, *, user_id: str, choice: str, zone: str, now: datetime
) -> Planned:
    """ "Remind me later": a reminder at the chosen time, kept to the same rules as a nudge
    (the person's working hours, before the agenda, dropped if they answer or go away)."""
    role_of(meeting.pairing, user_id)
    tz = ZoneInfo(zone)
    if choice == "morning":
        tomorrow = now.astimezone(tz).date() + timedelta(days=1)
        wanted = datetime.combine(tomorrow, WORKDAY[0], tzinfo=tz).astimezone(UTC)
    elif choice in ("1h", "3h"):
        wanted = now + timedelta(hours=int(choice[0]))
    else:
        raise SchedulingError("Choose when to be reminded.")
    latest = meeting.starts_at - AGENDA_LEAD
    at = wanted
    while not _working(at, tz) and at < latest:  # the next working minute
        at = _next_opening(at, tz)
    if at > latest:
        raise SchedulingError("That would be after the agenda goes out: answer now instead.")
    # The reminder asked for replaces any not yet sent, so there is only ever one.
    session.execute(
        update(Delivery)
        .where(
            Delivery.meeting_id == meeting.id,
            Delivery.recipient == user_id,
            Delivery.kind == "nudge",
            Delivery.state == DeliveryState.PENDING,
        )
        .values(state=DeliveryState.DROPPED, last_error="replaced by Remind me later")
    )
    return Planned(
        meeting.team_id,
        "nudge",
        f"{prompt_subject(meeting)}:snooze:{int(now.timestamp())}",
        user_id,
        at,
        meeting.pairing.enterprise_id,
        meeting.id,
    )


def _next_opening(moment: datetime, tz: ZoneInfo) -> datetime:
    local = moment.astimezone(tz)
    day = local.date() if local.time() < WORKDAY[0] else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, WORKDAY[0], tzinfo=tz).astimezone(UTC)


def _working(moment: datetime, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz)
    return local.weekday() < 5 and WORKDAY[0] <= local.time() < WORKDAY[1]


def plan_prompts(session: Session, *, now: datetime) -> list[Planned]:
    """For each meeting starting within `PROMPT_LEAD` (read through `ix_meetings_unprompted`),
    once: a prompt to each person, a nudge in their working hours (sent only if they have not
    answered by then), the agenda before the meeting, and a word after it to record notes.
    A meeting that began unprompted is only marked."""
    due = session.scalars(
        select(Meeting)
        .where(Meeting.prompts_planned_at.is_(None), Meeting.starts_at <= now + PROMPT_LEAD)
        .order_by(Meeting.starts_at)
        .limit(PLAN_BATCH)
    ).all()
    planned = []
    for meeting in due:
        meeting.prompts_planned_at = now
        pairing = meeting.pairing
        if (
            meeting.starts_at <= now
            or meeting.status is not MeetingStatus.SCHEDULED
            or pairing.status is not PairingStatus.ACTIVE
        ):
            continue
        for person in (pairing.leader_id, pairing.member_id):
            zone = session.scalar(
                select(Profile.tz).where(
                    Profile.team_id == pairing.team_id, Profile.user_id == person
                )
            )
            nudge_at = nudge_time(meeting.starts_at, zone or pairing.zone)
            for kind, due in (
                ("prompt", meeting.starts_at - PROMPT_LEAD),
                ("nudge", nudge_at),
                ("agenda", meeting.starts_at - AGENDA_LEAD),
                ("followup", meeting.starts_at + timedelta(minutes=meeting.minutes)),
            ):
                if due is None:
                    continue
                planned.append(
                    Planned(
                        pairing.team_id,
                        kind,
                        prompt_subject(meeting),
                        person,
                        due,
                        pairing.enterprise_id,
                        meeting.id,
                    )
                )
    session.flush()
    return planned


def role_of(pairing: Pairing, user_id: str) -> Role:
    if user_id == pairing.leader_id:
        return Role.LEADER
    if user_id == pairing.member_id:
        return Role.MEMBER
    raise SchedulingError("Only the two people of a 1:1 can see or answer it.")


def meeting_for(session: Session, *, meeting_id: int, team_id: str, user_id: str) -> Meeting:
    """The meeting, if `user_id` is one of its two people in this workspace."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.team_id != team_id:
        raise SchedulingError("Only the two people of a 1:1 can see or answer it.")
    role_of(meeting.pairing, user_id)
    return meeting


def meeting_number(meeting: Meeting) -> int:
    """1 for a pair's first real meeting; skipped and cancelled ones do not count."""
    return sum(
        1
        for other in meeting.pairing.meetings
        if other.starts_at <= meeting.starts_at
        and other.status in (MeetingStatus.SCHEDULED, MeetingStatus.HELD)
    )


def questions(meeting: Meeting, user_id: str) -> tuple[Question, ...]:
    return questions_for(role_of(meeting.pairing, user_id), meeting_number(meeting))


def answers(session: Session, meeting: Meeting, author_id: str) -> dict[str, Answer]:
    rows = session.scalars(
        select(Answer).where(Answer.meeting_id == meeting.id, Answer.author_id == author_id)
    )
    return {row.question: row for row in rows}


def save_answers(
    session: Session,
    meeting: Meeting,
    *,
    author_id: str,
    given: Mapping[str, str | int | None],
    now: datetime,
) -> None:
    """Store what the author gave; an emptied answer is removed (a mood not given is missing,
    never a default). Edits after the meeting started are marked."""
    asked = {q.key: q for q in questions(meeting, author_id)}
    existing = answers(session, meeting, author_id)
    for key, value in given.items():
        question = asked.get(key)
        if question is None:
            continue
        row = existing.get(key)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            if row is not None:
                session.delete(row)
            continue
        if question.mood:
            mood = int(value)
            if mood not in MOOD_RANGE:
                raise SchedulingError("A mood goes from 1 to 5.")
            text, mood_value = None, mood
        else:
            text = str(value).strip()
            if len(text) > ANSWER_LIMIT:
                raise SchedulingError(f"An answer holds at most {ANSWER_LIMIT} characters.")
            mood_value = None
        if row is None:
            row = Answer(
                team_id=meeting.team_id,
                meeting_id=meeting.id,
                author_id=author_id,
                question=key,
                created_at=now,
            )
            session.add(row)
        row.text, row.mood, row.updated_at = text, mood_value, now
        row.edited_after_start = now >= meeting.starts_at
    session.flush()


def is_away(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    """Away today, in their own timezone when we know it."""
    row = session.scalars(
        select(Profile).where(Profile.team_id == team_id, Profile.user_id == user_id)
    ).first()
    if row is None or row.away_until is None:
        return False
    return row.away_until >= now.astimezone(ZoneInfo(row.tz or "UTC")).date()


SKIP_WORDS = frozenset({"skip", "pass", "-", "n/a"})


def open_meeting(session: Session, *, team_id: str, user_id: str, now: datetime) -> Meeting | None:
    """The meeting someone is being asked about now: prompted, not yet begun, the soonest."""
    return session.scalars(
        select(Meeting)
        .join(Delivery, Delivery.meeting_id == Meeting.id)
        .where(
            Delivery.team_id == team_id,
            Delivery.kind == "prompt",
            Delivery.recipient == user_id,
            Delivery.ts.is_not(None),
            Meeting.starts_at > now,
            Meeting.status == MeetingStatus.SCHEDULED,
        )
        .order_by(Meeting.starts_at)
    ).first()


def next_question(session: Session, meeting: Meeting, user_id: str) -> Question | None:
    """The first question not yet answered (or skipped), in order."""
    given = answers(session, meeting, user_id)
    return next((q for q in questions(meeting, user_id) if q.key not in given), None)


def answer_in_turn(
    session: Session, meeting: Meeting, *, user_id: str, text: str, now: datetime
) -> tuple[Question | None, Question | None]:
    """A plain reply in the DM answers the next open question ("skip" passes it by).
    Returns (the question answered or None if the reply could not be used, the next one)."""
    question = next_question(session, meeting, user_id)
    if question is None:
        return None, None
    reply = text.strip()
    if reply.lower() in SKIP_WORDS:
        _mark_skipped(session, meeting, user_id, question.key, now)
    elif question.mood:
        if reply not in {str(n) for n in MOOD_RANGE}:
            return None, question
        save_answers(session, meeting, author_id=user_id, given={question.key: reply}, now=now)
    else:
        save_answers(
            session, meeting, author_id=user_id, given={question.key: reply[:ANSWER_LIMIT]}, now=now
        )
    return question, next_question(session, meeting, user_id)


def _mark_skipped(session: Session, meeting: Meeting, user_id: str, key: str, now: datetime):
    """A question passed by: a row with neither text nor mood, so the turn moves on and the
    agenda shows it as skipped (a skipped mood stays missing)."""
    session.add(
        Answer(
            team_id=meeting.team_id,
            meeting_id=meeting.id,
            author_id=user_id,
            question=key,
            text=None,
            mood=None,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()


def shown(answer: Answer | None, question: Question) -> str | None:
    """An answer as words: None when not given, "(skipped)" when passed by, and marked when
    it was edited after the meeting began."""
    if answer is None:
        return None
    if answer.mood is not None:
        words = f"{answer.mood}/5"
    else:
        words = answer.text if answer.text is not None else "(skipped)"
    return f"{words} (edited after the meeting began)" if answer.edited_after_start else words
