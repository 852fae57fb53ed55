"""Check-ins' messages for the outbox: the prompt (also updated in place as answers come in),
the nudge and the agenda in its thread, and the planner of prompts. Each is rendered from
current data at send time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.checkins import blocks as checkins_views
from bot.checkins import service as checkins
from bot.delivery.outbox import Message, Planned, Planner, Renderer, where_sent
from bot.models import Delivery, Meeting, MeetingStatus, Pairing, PairingStatus
from bot.notes import service as notes
from bot.people import service as preferences
from bot.scheduling import service as pairings


def render_prompt(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The one DM each person gets for a meeting; dropped once the meeting has started, if
    it was skipped or the 1:1 paused, or while the person is away."""
    meeting = _upcoming(session, delivery, now)
    return None if meeting is None else prompt_message(session, meeting, delivery.recipient)


def prompt_message(session: Session, meeting: Meeting, person: str) -> Message:
    """The prompt as it stands now (also used to update it in place as answers come in)."""
    blocks = checkins_views.prompt_blocks(
        meeting.id,
        pairings.other_of(meeting.pairing, person),
        meeting.starts_at,
        checkins.answered(session, meeting, person),
        first=checkins.meeting_number(meeting) == 1,
    )
    blocks = blocks[:-1] + items_of(session, meeting.pairing) + blocks[-1:]
    return Message(text="A few questions before your 1:1", blocks=blocks[:50])


def _upcoming(session: Session, delivery: Delivery, now: datetime) -> Meeting | None:
    """The delivery's meeting while it is still ahead, running, and the person is here."""
    meeting = session.get(Meeting, delivery.meeting_id) if delivery.meeting_id else None
    if (
        meeting is None
        or meeting.team_id != delivery.team_id
        or meeting.starts_at <= now
        or meeting.status is not MeetingStatus.SCHEDULED
        or meeting.pairing.status is not PairingStatus.ACTIVE
        or checkins.is_away(session, team_id=delivery.team_id, user_id=delivery.recipient, now=now)
    ):
        return None
    return meeting


def render_nudge(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A nudge, in the prompt's thread, only to someone who has not answered, is at work
    (their working hours, even when the pass runs late), still has time to answer before
    the agenda, and whose Slack status does not say they are on vacation or out sick."""
    meeting = _upcoming(session, delivery, now)
    thread = checkins.prompt_thread(session, delivery)
    if meeting is None or thread is None or checkins.answers(session, meeting, delivery.recipient):
        return None
    person = preferences.of(
        session, team_id=delivery.team_id, user_id=delivery.recipient, zone=meeting.pairing.zone
    )
    timeline = checkins.leader_preferences(session, meeting.pairing).timeline
    if (
        now > timeline.last_nudge(meeting.starts_at)  # late: no time left to answer
        or not person.hours.contains(now, person.tz)
        or checkins.not_to_be_nudged(
            session, team_id=delivery.team_id, user_id=delivery.recipient, now=now
        )
    ):
        return None
    other = pairings.other_of(meeting.pairing, delivery.recipient)
    blocks = checkins_views.nudge_blocks(meeting.id, other, meeting.starts_at)
    return Message("A gentle reminder about your 1:1", blocks, thread_ts=thread)


def render_agenda(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    meeting = _upcoming(session, delivery, now)
    if meeting is None:
        return None
    blocks = agenda_for(session, meeting, delivery.recipient)
    return Message(
        "The agenda for your 1:1", blocks, thread_ts=checkins.prompt_thread(session, delivery)
    )


def items_of(session: Session, pairing: Pairing) -> list[dict]:
    rows = [
        (item.id, item.owner_id, item.text, item.due.isoformat() if item.due else None)
        for item in notes.open_items(session, pairing)
    ]
    return checkins_views.items_blocks(rows)


def agenda_for(session: Session, meeting: Meeting, reader: str) -> list[dict]:
    """The leader sees both people's answers; the other person sees the shared part (their
    own answers). Nobody else gets here (`checkins.meeting_for` checks)."""
    pairing = meeting.pairing
    other = pairings.other_of(pairing, reader)
    readers = [reader, other] if reader == pairing.leader_id else [reader]
    parts = []
    for person in readers:
        title = "Your answers" if person == reader else "Their answers"
        parts.append((title, checkins.answered(session, meeting, person)))
    earlier = [
        ("Shared notes from last time" if note.shared else "Your private notes", note.text)
        for note in notes.last_shared_notes(session, meeting, reader)
    ]
    earlier += [
        ("Topic" if topic.shared else "Your private topic", topic.text)
        for topic in notes.topics_for(session, meeting, reader)
    ]
    blocks = checkins_views.agenda_blocks(other, meeting.starts_at, parts, earlier)
    return (blocks + items_of(session, pairing))[:50]


def prompt_location(session: Session, meeting: Meeting, person: str) -> tuple[str, str] | None:
    """(channel, ts) of the person's prompt for this meeting, to update it in place."""
    return where_sent(
        session, team_id=meeting.team_id, kind="prompt", meeting_id=meeting.id, recipient=person
    )


def prompts(session: Session, now: datetime) -> list[Planned]:
    return checkins.plan_prompts(session, now=now)


PLANNERS: list[Planner] = [prompts]
RENDERERS: dict[str, Renderer] = {
    "prompt": render_prompt,
    "nudge": render_nudge,
    "agenda": render_agenda,
}
