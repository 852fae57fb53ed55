"""Scheduling's messages for the outbox: the invitation (and a suggestion, and the leader's
news that it was accepted), notices about a 1:1 (skipped, moved, ended, unreachable, a
zone change, what someone's forgetting removed), and the planner that keeps meetings ahead.
Each is rendered from current data at send time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery.outbox import Message, Planned, Planner, Renderer, Subject
from bot.models import Delivery, Meeting, Pairing, PairingStatus
from bot.scheduling import blocks as scheduling_views
from bot.scheduling import service as pairings
from bot.scheduling.cadence import occurrences


def render_invitation(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The invitation to the person, or the leader's news that they accepted."""
    subject = Subject.of(delivery.subject)
    pairing = session.get(Pairing, subject.number) if subject.number is not None else None
    if pairing is None or pairing.team_id != delivery.team_id:
        return None
    first = pairings.next_meeting(pairing, now=now)
    if subject.event == "proposal":
        plan = pairing.suggested
        if plan is None:
            return None  # answered already
        words = pairings.cadence_for(session, pairing, pairing.leader_id, now=now, plan=plan)
        upcoming = occurrences(plan, after=now, count=1)
        blocks = scheduling_views.proposal_blocks(pairing.id, pairing.member_id, words, upcoming[0])
        return Message(text="A suggestion for another time", blocks=blocks)
    if subject == pairings.accepted_subject(pairing):
        blocks = scheduling_views.leader_told_accepted_blocks(
            pairing.member_id, first and first.starts_at, pairing.id
        )
        return Message(text="Your 1:1 invitation was accepted", blocks=blocks)
    if pairing.status is not PairingStatus.INVITED:
        return None  # cancelled (or already answered) before it could go out
    upcoming = occurrences(pairings.schedule_of(pairing), after=now, count=1)
    words = pairings.cadence_for(session, pairing, pairing.member_id, now=now)
    blocks = scheduling_views.invitation_blocks(pairing.id, pairing.leader_id, words, upcoming[0])
    return Message(text="An invitation to a regular 1:1", blocks=blocks)


def render_notice(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A word about a 1:1 to one of its two people: skipped, ended, moved, or unreachable."""
    subject = Subject.of(delivery.subject)
    pairing = session.get(Pairing, subject.number) if subject.number is not None else None
    if pairing is None or pairing.team_id != delivery.team_id:
        return None
    event, detail = subject.event, subject.detail
    other = pairings.other_of(pairing, delivery.recipient)
    upcoming = pairings.next_meeting(pairing, now=now)
    following = upcoming.starts_at if upcoming else None
    if event == "unreachable":
        return Message(
            "A 1:1 is paused: I can't reach the other person",
            scheduling_views.unreachable_blocks(detail),
        )
    if event == "ended":
        return Message("A 1:1 has ended", scheduling_views.ended_blocks(other))
    if event == "forgotten":
        return Message("What they wrote is gone", scheduling_views.forgotten_blocks(other))
    if event == "skipped":
        skipped = session.get(Meeting, int(detail))
        if skipped is None:
            return None
        return Message(
            "A 1:1 is skipped", scheduling_views.skipped_blocks(other, skipped.starts_at, following)
        )
    words = pairings.cadence_for(session, pairing, delivery.recipient, now=now)
    if event == "zone":
        blocks = scheduling_views.zone_changed_blocks(pairing.member_id, detail, words, following)
        return Message("Your timezone changed; your 1:1 keeps its time", blocks)
    if event in ("agreed", "declined"):
        blocks = scheduling_views.proposal_answered_blocks(
            other, event == "agreed", words, following
        )
        return Message("Your suggestion was answered", blocks)
    if event == "rescheduled" and pairing.status is PairingStatus.ACTIVE:
        return Message(
            "Your 1:1 has moved",
            scheduling_views.rescheduled_blocks(other, words, following, pairing.id),
        )
    return None


def unreachable(session: Session, delivery: Delivery, now: datetime) -> list[Planned]:
    return pairings.unreachable(
        session,
        team_id=delivery.team_id,
        person_id=delivery.recipient,
        enterprise_id=delivery.enterprise_id,
        now=now,
    )


def keep_meetings_ahead(session: Session, now: datetime) -> list[Planned]:
    pairings.close_meetings(session, now=now)
    pairings.top_up(session, now=now)
    return []


PLANNERS: list[Planner] = [keep_meetings_ahead]
RENDERERS: dict[str, Renderer] = {"invitation": render_invitation, "notice": render_notice}
