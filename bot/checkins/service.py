"""The check-in before each meeting: when prompts are planned, which questions each person
gets, and their answers. Only the two people of a 1:1 may read or write its answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.checkins.questions import (
    ANSWER_LIMIT,
    MOOD_RANGE,
    Question,
    Role,
    questions_for,
)
from bot.delivery.outbox import Planned, Subject, drop_pending, sent_meetings, where_sent
from bot.models import (
    Answer,
    Delivery,
    Meeting,
    MeetingStatus,
    Pairing,
    PairingStatus,
    Profile,
)
from bot.people import service as preferences
from bot.people.service import (
    MAX_PROMPT_LEAD,
    SECOND_NUDGE_GAP,
    TIME_TO_ANSWER,
    Preferences,
    Timeline,
    WorkingHours,
)
from bot.scheduling.service import SchedulingError

PLAN_BATCH = 2000


def prompt_subject(meeting: Meeting) -> Subject:
    return Subject("meeting", str(meeting.id))


def nudge_times(
    starts_at: datetime, *, timeline: Timeline, hours: WorkingHours, tz: tzinfo
) -> list[datetime]:
    """When to nudge someone who has not answered. Each nudge goes at its lead time before
    the meeting if that is in their working hours; otherwise at the latest working time after
    the prompt and before the next nudge (or, for the last, an hour before the agenda, so there
    is time to answer) that leaves an hour of their working day (17:00 for a day that ends at
    18:00), or else its last minute; if there is none, not at all. Two nudges that would come
    within an hour of each other are one."""
    earliest = starts_at - timeline.prompt_lead
    leads = timeline.nudge_leads()
    bounds = [starts_at - lead for lead in leads[1:]] + [timeline.last_nudge(starts_at)]
    bounds = bounds[: len(leads)]
    chosen: list[datetime] = []
    for lead, latest in zip(leads, bounds, strict=True):
        wanted = starts_at - lead
        at = (
            wanted
            if hours.contains(wanted, tz) and wanted <= latest
            else hours.latest_between(earliest, latest, tz, room=TIME_TO_ANSWER)
            or hours.latest_between(earliest, latest, tz)
        )
        if at is not None and all(abs(at - other) >= SECOND_NUDGE_GAP for other in chosen):
            chosen.append(at)
    return sorted(chosen)


def nudge_subject(meeting: Meeting, number: int) -> Subject:
    """The first nudge of a meeting shares its prompt's subject; a second one has its own."""
    return Subject("meeting", str(meeting.id), "" if number == 0 else f"nudge{number + 1}")


def snooze(
    session: Session,
    meeting: Meeting,
    *,
    user_id: str,
    choice: str,
    person: Preferences,
    timeline: Timeline,
    now: datetime,
) -> Planned:
    """ "Remind me later": a reminder at the chosen time, kept to the same rules as a nudge
    (the person's working hours, before the agenda, dropped if they answer or go away)."""
    role_of(meeting.pairing, user_id)
    tz, hours = person.tz, person.hours
    if choice == "morning":
        tomorrow = now.astimezone(tz).date() + timedelta(days=1)
        wanted = hours.next_opening(datetime.combine(tomorrow, time(0), tzinfo=tz), tz)
    elif choice in ("1h", "3h"):
        wanted = now + timedelta(hours=int(choice[0]))
    else:
        raise SchedulingError("Choose when to be reminded.")
    at = wanted if hours.contains(wanted, tz) else hours.next_opening(wanted, tz)
    if at > timeline.last_nudge(meeting.starts_at):
        raise SchedulingError("That would be too close to the agenda: answer now instead.")
    # The reminder asked for replaces any not yet sent, so there is only ever one.
    drop_pending(
        session,
        meeting_ids=[meeting.id],
        kinds=["nudge"],
        recipient=user_id,
        reason="replaced by Remind me later",
    )
    return Planned(
        meeting.team_id,
        "nudge",
        Subject("meeting", str(meeting.id), "snooze", str(int(now.timestamp()))),
        user_id,
        at,
        meeting.pairing.enterprise_id,
        meeting.id,
    )


def plan_prompts(session: Session, *, now: datetime) -> list[Planned]:
    """For each meeting close enough that its prompt could be due under any leader's settings
    (read through `ix_meetings_unprompted`), once: a prompt to each person at the leader's
    prompt time, the nudges in each person's working hours (sent only if they have not
    answered by then), the agenda before the meeting, and a word after it to record notes.
    A meeting that began unprompted is only marked."""
    due = session.scalars(
        select(Meeting)
        .where(Meeting.prompts_planned_at.is_(None), Meeting.starts_at <= now + MAX_PROMPT_LEAD)
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
        timeline = leader_preferences(session, pairing).timeline
        for person in (pairing.leader_id, pairing.member_id):
            own = preferences.of(
                session, team_id=pairing.team_id, user_id=person, zone=pairing.zone
            )
            nudges = nudge_times(meeting.starts_at, timeline=timeline, hours=own.hours, tz=own.tz)
            dues = [
                ("prompt", prompt_subject(meeting), meeting.starts_at - timeline.prompt_lead),
                *(("nudge", nudge_subject(meeting, n), at) for n, at in enumerate(nudges)),
                ("agenda", prompt_subject(meeting), meeting.starts_at - timeline.agenda_lead),
                (
                    "followup",
                    prompt_subject(meeting),
                    meeting.starts_at + timedelta(minutes=meeting.minutes),
                ),
            ]
            planned += [
                Planned(
                    pairing.team_id, kind, subject, person, at, pairing.enterprise_id, meeting.id
                )
                for kind, subject, at in dues
            ]
    session.flush()
    return planned


def leader_preferences(session: Session, pairing: Pairing) -> Preferences:
    return preferences.of(
        session, team_id=pairing.team_id, user_id=pairing.leader_id, zone=pairing.zone
    )


REPLANNED_KINDS = ("prompt", "nudge", "agenda", "followup")


def replan(session: Session, *, team_id: str, user_id: str, now: datetime) -> int:
    """Someone's settings changed: what is not yet sent for the upcoming meetings of their
    1:1s is planned again by the next pass, under the new settings. What was sent stays
    sent (its key is taken), and a reminder the person chose stays as chosen."""
    upcoming = (
        select(Meeting.id)
        .join(Pairing)
        .where(
            Pairing.team_id == team_id,
            or_(Pairing.leader_id == user_id, Pairing.member_id == user_id),
            Meeting.starts_at > now,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.prompts_planned_at.is_not(None),
        )
    )
    ids = list(session.scalars(upcoming))
    if not ids:
        return 0
    # A snoozed nudge was asked for by its person: planning again keeps it.
    drop_pending(session, meeting_ids=ids, kinds=REPLANNED_KINDS, keeping_event="snooze")
    session.execute(update(Meeting).where(Meeting.id.in_(ids)).values(prompts_planned_at=None))
    return len(ids)


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


def questions(session: Session, meeting: Meeting, user_id: str) -> tuple[Question, ...]:
    """What `user_id` is asked before this meeting: the leader's own set for their role if
    the leader wrote one, ours otherwise, deepening over the pair's first meetings."""
    role = role_of(meeting.pairing, user_id)
    leader = leader_preferences(session, meeting.pairing)
    own = leader.member_questions if role is Role.MEMBER else leader.leader_questions
    return questions_for(role, meeting_number(meeting), own)


def answered(session: Session, meeting: Meeting, person: str) -> list[tuple[str, str | None]]:
    """(question, answer as words or None) for what the person is asked, followed by any
    answer to a question the leader has since taken out, under the words it was asked in."""
    asked = questions(session, meeting, person)
    given = answers(session, meeting, person)
    rows = [(q.text, shown(given.get(q.key), q)) for q in asked]
    keys = {q.key for q in asked}
    for key, answer in given.items():
        if key not in keys and answer.asked:
            rows.append((answer.asked, shown(answer, Question(key, answer.asked))))
    return rows


def answers(session: Session, meeting: Meeting, author_id: str) -> dict[str, Answer]:
    rows = session.scalars(
        select(Answer).where(Answer.meeting_id == meeting.id, Answer.author_id == author_id)
    )
    return {row.question: row for row in rows}


def prepared(session: Session, meeting_ids: list[int]) -> set[tuple[int, str]]:
    """(meeting, person) for each person who answered something before that meeting (a
    question passed by is not an answer)."""
    if not meeting_ids:
        return set()
    rows = session.execute(
        select(Answer.meeting_id, Answer.author_id).where(
            Answer.meeting_id.in_(meeting_ids),
            Answer.mood.is_not(None) | Answer.text.is_not(None),
        )
    )
    return {(row.meeting_id, row.author_id) for row in rows}


def save_answers(
    session: Session,
    meeting: Meeting,
    *,
    author_id: str,
    given: Mapping[str, str | int | None],
    now: datetime,
    source_ts: str | None = None,
) -> None:
    """Store what the author gave; an emptied answer is removed (a mood not given is missing,
    never a default). An answer that changes is marked if the meeting had begun, and
    remembers the DM reply it came from (`source_ts`; None from the form)."""
    asked = {q.key: q for q in questions(session, meeting, author_id)}
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
            mood = _mood(value)
            if mood is None:
                raise SchedulingError("A mood is a number from 1 to 5.")
            text, mood_value = None, mood
        else:
            text = str(value).strip()
            if len(text) > ANSWER_LIMIT:
                raise SchedulingError(f"An answer holds at most {ANSWER_LIMIT} characters.")
            mood_value = None
        if row is not None and (row.text, row.mood) == (text, mood_value):
            continue  # unchanged: not an edit
        values = {
            "asked": question.text,
            "text": text,
            "mood": mood_value,
            "updated_at": now,
            "edited_after_start": now >= meeting.starts_at,
            "source_ts": source_ts,
        }
        if row is None:
            row = _new_answer(session, meeting, author_id, key, now, values)
        for name, value in values.items():
            setattr(row, name, value)
    session.flush()


def _new_answer(
    session: Session,
    meeting: Meeting,
    author_id: str,
    key: str,
    now: datetime,
    values: Mapping[str, object],
) -> Answer:
    """The author's answer row for `key`, made now, or the one a concurrent submission of
    the same form made first (found by its unique key after our insert lost the race)."""
    row = Answer(
        team_id=meeting.team_id,
        meeting_id=meeting.id,
        author_id=author_id,
        question=key,
        created_at=now,
        **values,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return session.scalars(
            select(Answer).where(
                Answer.meeting_id == meeting.id,
                Answer.author_id == author_id,
                Answer.question == key,
            )
        ).one()
    return row


def _mood(value: object) -> int | None:
    words = str(value).strip()
    return int(words) if words in {str(n) for n in MOOD_RANGE} else None


def is_away(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    """Away today (`/oneonone away`), in their own timezone when we know it."""
    row = _profile(session, team_id, user_id)
    if row is None or row.away_until is None:
        return False
    return row.away_until >= now.astimezone(ZoneInfo(row.tz or "UTC")).date()


def not_to_be_nudged(session: Session, *, team_id: str, user_id: str, now: datetime) -> bool:
    """Away, or their Slack status says they are on vacation or out sick."""
    row = _profile(session, team_id, user_id)
    return is_away(session, team_id=team_id, user_id=user_id, now=now) or (
        row is not None
        and status_says_away(row.status_text, row.status_emoji, row.status_expires_at, now)
    )


def _profile(session: Session, team_id: str, user_id: str) -> Profile | None:
    return session.scalars(
        select(Profile).where(Profile.team_id == team_id, Profile.user_id == user_id)
    ).first()


AWAY_EMOJI = frozenset(
    {
        ":palm_tree:",  # Slack's own "Vacationing"
        ":face_with_thermometer:",  # Slack's own "Out sick"
        ":beach_with_umbrella:",
        ":desert_island:",
        ":thermometer:",
        ":mask:",
        ":face_with_head_bandage:",
        ":sneezing_face:",
        ":nauseated_face:",
    }
)
AWAY_WORDS = re.compile(
    r"\b(vacation\w*|holidays?|on leave|annual leave|parental leave|maternity|paternity|"
    r"pto|ooo|out of (the )?office|off sick|out sick|sick|ill|unwell|day off|urlaub|"
    r"vacances|congé|wakacje|urlop)\b",
    re.IGNORECASE,
)


def status_says_away(
    text: str | None, emoji: str | None, expires_at: datetime | None, now: datetime
) -> bool:
    """A Slack status that means "not working": vacation, leave, or illness, not expired."""
    if expires_at is not None and expires_at <= now:
        return False
    return (emoji or "") in AWAY_EMOJI or bool(AWAY_WORDS.search(text or ""))


SKIP_WORDS = frozenset({"skip", "pass", "-", "n/a"})


def open_meeting(session: Session, *, team_id: str, user_id: str, now: datetime) -> Meeting | None:
    """The meeting someone is being asked about now: prompted, not yet begun, the soonest."""
    prompted = sent_meetings(team_id=team_id, kind="prompt", recipient=user_id)
    return session.scalars(
        select(Meeting)
        .where(
            Meeting.id.in_(prompted),
            Meeting.starts_at > now,
            Meeting.status == MeetingStatus.SCHEDULED,
        )
        .order_by(Meeting.starts_at)
    ).first()


def next_question(session: Session, meeting: Meeting, user_id: str) -> Question | None:
    """The first question not yet answered (or skipped), in order."""
    given = answers(session, meeting, user_id)
    return next((q for q in questions(session, meeting, user_id) if q.key not in given), None)


def answer_in_turn(
    session: Session,
    meeting: Meeting,
    *,
    user_id: str,
    text: str,
    now: datetime,
    source_ts: str | None = None,
) -> tuple[Question | None, Question | None]:
    """A plain reply in the DM answers the next open question ("skip" passes it by).
    Returns (the question answered or None if the reply could not be used, the next one)."""
    question = next_question(session, meeting, user_id)
    if question is None:
        return None, None
    if not _give(session, meeting, user_id, question, text, now, source_ts):
        return None, question
    return question, next_question(session, meeting, user_id)


def _give(
    session: Session,
    meeting: Meeting,
    user_id: str,
    question: Question,
    text: str,
    now: datetime,
    source_ts: str | None,
) -> bool:
    """One reply as the answer to one question; False when it cannot be one (a mood that is
    not 1 to 5)."""
    reply = text.strip()
    if reply.lower() in SKIP_WORDS:
        _mark_skipped(session, meeting, user_id, question, now, source_ts)
        return True
    if question.mood and _mood(reply) is None:
        return False
    given = {question.key: reply if question.mood else reply[:ANSWER_LIMIT]}
    save_answers(session, meeting, author_id=user_id, given=given, now=now, source_ts=source_ts)
    return True


def _mark_skipped(
    session: Session,
    meeting: Meeting,
    user_id: str,
    question: Question,
    now: datetime,
    source_ts: str | None,
) -> None:
    """A question passed by: a row with neither text nor mood, so the turn moves on and the
    agenda shows it as skipped (a skipped mood stays missing)."""
    row = answers(session, meeting, user_id).get(question.key)
    if row is None:
        row = Answer(
            team_id=meeting.team_id,
            meeting_id=meeting.id,
            author_id=user_id,
            question=question.key,
            created_at=now,
        )
        session.add(row)
    row.asked, row.text, row.mood, row.updated_at = question.text, None, None, now
    row.edited_after_start = now >= meeting.starts_at
    row.source_ts = source_ts
    session.flush()


def _from_reply(session: Session, *, team_id: str, user_id: str, ts: str) -> Answer | None:
    """The answer a DM reply (by its Slack `ts`) gave, if it still stands for it."""
    return session.scalars(
        select(Answer).where(
            Answer.team_id == team_id, Answer.author_id == user_id, Answer.source_ts == ts
        )
    ).first()


def follow_edit(
    session: Session, *, team_id: str, user_id: str, ts: str, text: str, now: datetime
) -> Meeting | None:
    """The person edited a DM reply that gave an answer: the answer now says what the message
    says, under the Answer form's rules. Returns the meeting whose answer changed, or None
    (the message gave no answer). A mood edited into something that is not 1 to 5 raises
    `SchedulingError` and keeps the answer as it was."""
    row = _from_reply(session, team_id=team_id, user_id=user_id, ts=ts)
    if row is None:
        return None
    meeting = session.get_one(Meeting, row.meeting_id)
    question = next(
        (q for q in questions(session, meeting, user_id) if q.key == row.question), None
    )
    if question is None:
        return None  # the leader has since taken that question out: the answer stays as asked
    if not _give(session, meeting, user_id, question, text, now, ts):
        raise SchedulingError(f"A mood is a number from 1 to 5, so I kept {shown(row, question)}.")
    return meeting


def follow_delete(session: Session, *, team_id: str, user_id: str, ts: str) -> Meeting | None:
    """The person deleted a DM reply that gave an answer: the answer goes too. Returns the
    meeting it belonged to, or None."""
    row = _from_reply(session, team_id=team_id, user_id=user_id, ts=ts)
    if row is None:
        return None
    meeting = session.get_one(Meeting, row.meeting_id)
    session.delete(row)
    session.flush()
    return meeting


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


def prompt_thread(session: Session, delivery: Delivery) -> str | None:
    """The person's prompt for this meeting: the thread everything else goes into."""
    if delivery.meeting_id is None:
        return None
    sent = where_sent(
        session,
        team_id=delivery.team_id,
        kind="prompt",
        meeting_id=delivery.meeting_id,
        recipient=delivery.recipient,
    )
    return sent[1] if sent else None
