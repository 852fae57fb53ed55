"""The outbox's messages: how each kind of delivery is rendered, from current data, at send
time. Block Kit comes from `bot.slack.views`; the rules from the feature services."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import blocks as checkins_views
from bot.checkins import service as checkins
from bot.delivery.outbox import Message, Planned, Planner, Renderer, Subject, where_sent
from bot.models import Delivery, Meeting, MeetingStatus, Pairing, PairingStatus
from bot.notes import blocks as notes_views
from bot.notes import service as notes
from bot.people import service as preferences
from bot.privacy import blocks as privacy_views
from bot.scheduling import blocks as scheduling_views
from bot.scheduling import service as pairings
from bot.scheduling.cadence import occurrences
from bot.summary import blocks as summary_views
from bot.summary import service as summary


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
        return Message("What they wrote is gone", privacy_views.forgotten_blocks(other))
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


def _prompt_ts(session: Session, delivery: Delivery) -> str | None:
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


def render_nudge(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A nudge, in the prompt's thread, only to someone who has not answered, is at work
    (their working hours, even when the pass runs late), still has time to answer before
    the agenda, and whose Slack status does not say they are on vacation or out sick."""
    meeting = _upcoming(session, delivery, now)
    thread = _prompt_ts(session, delivery)
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
    return Message("The agenda for your 1:1", blocks, thread_ts=_prompt_ts(session, delivery))


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
    return Message("Notes from your 1:1", blocks, thread_ts=_prompt_ts(session, delivery))


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


def render_summary(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The weekly summary, from the data as it is now; only on its own local day, only while
    the leader wants it and leads a running 1:1."""
    team_id, leader_id = delivery.team_id, delivery.recipient
    leader = preferences.of(session, team_id=team_id, user_id=leader_id)
    if (
        not leader.summary.on
        or summary.day_of(Subject.of(delivery.subject)) != now.astimezone(leader.tz).date()
    ):
        return None
    facts = summary.load(session, team_id=team_id, leader_id=leader_id, now=now)
    if all(pair.paused for pair in facts):
        return None
    return summary_message(session, team_id=team_id, leader_id=leader_id, now=now, facts=facts)


def summary_message(
    session: Session,
    *,
    team_id: str,
    leader_id: str,
    now: datetime,
    facts: list[summary.PairFacts] | None = None,
) -> Message:
    """One leader's summary at `now` (also `/oneonone summary`)."""
    leader = preferences.of(session, team_id=team_id, user_id=leader_id)
    if facts is None:
        facts = summary.load(session, team_id=team_id, leader_id=leader_id, now=now)
    built = summary.build(facts, now=now, today=now.astimezone(leader.tz).date())
    app_id = session.scalar(
        select(Pairing.app_id).where(
            Pairing.team_id == team_id, Pairing.leader_id == leader_id, Pairing.app_id.is_not(None)
        )
    )
    blocks = summary_views.summary_blocks(built, team_id=team_id, app_id=app_id)
    text = f"Your week in 1:1s: {built.held} held, {built.skipped} skipped, {built.missed} missed"
    return Message(text, blocks)


def summaries(session: Session, now: datetime) -> list[Planned]:
    return summary.plan(session, now=now)


def keep_meetings_ahead(session: Session, now: datetime) -> list[Planned]:
    pairings.close_meetings(session, now=now)
    pairings.top_up(session, now=now)
    return []


def prompts(session: Session, now: datetime) -> list[Planned]:
    return checkins.plan_prompts(session, now=now)


PLANNERS: list[Planner] = [keep_meetings_ahead, prompts, summaries]
RENDERERS: dict[str, Renderer] = {
    "invitation": render_invitation,
    "notice": render_notice,
    "prompt": render_prompt,
    "nudge": render_nudge,
    "agenda": render_agenda,
    "followup": render_followup,
    "summary": render_summary,
}
