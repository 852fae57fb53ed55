"""The weekly summary for the outbox (and on demand), and its planner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery.outbox import Message, Planned, Planner, Renderer, Subject
from bot.models import Delivery
from bot.people import service as preferences
from bot.summary import blocks as summary_views
from bot.summary import service as summary


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
    app_id = summary.app_id(session, team_id=team_id, leader_id=leader_id)
    blocks = summary_views.summary_blocks(built, team_id=team_id, app_id=app_id)
    text = f"Your week in 1:1s: {built.held} held, {built.skipped} skipped, {built.missed} missed"
    return Message(text, blocks)


def summaries(session: Session, now: datetime) -> list[Planned]:
    return summary.plan(session, now=now)


PLANNERS: list[Planner] = [summaries]
RENDERERS: dict[str, Renderer] = {"summary": render_summary}
