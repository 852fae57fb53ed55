"""Notes' message for the outbox: after a meeting, a word to both to record notes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.delivery.outbox import Message, Planner, Renderer
from bot.models import Delivery, Meeting, MeetingStatus
from bot.notes import blocks as notes_views
from bot.scheduling import service as pairings

FOLLOWUP_WINDOW = timedelta(days=3)


def render_followup(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """After the meeting, a word to both to record notes; not for a skipped or cancelled one,
    and not days late."""
    meeting = session.get(Meeting, delivery.meeting_id) if delivery.meeting_id else None
    if (
        meeting is None
        or meeting.team_id != delivery.team_id
        or meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.HELD)
        or now - meeting.starts_at > FOLLOWUP_WINDOW
    ):
        return None
    pairing = meeting.pairing
    other = pairings.other_of(pairing, delivery.recipient)
    blocks = notes_views.followup_blocks(meeting.id, other, delivery.recipient == pairing.leader_id)
    return Message(
        "Notes from your 1:1", blocks, thread_ts=checkins.prompt_thread(session, delivery)
    )


PLANNERS: list[Planner] = []
RENDERERS: dict[str, Renderer] = {"followup": render_followup}
