"""What we keep about a person: their Slack timezone (so a change can be noticed) and when
they are away (`/oneonone away until 2026-12-24` holds prompts and nudges to them)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Planned
from bot.models import Pairing, PairingStatus, Profile
from bot.people.service import plan_summary, profile
from bot.scheduling import service as pairings
from bot.scheduling.service import SchedulingError

MAX_AWAY = timedelta(days=366)


def parse_away(text: str, *, today: date) -> date | None:
    """`until YYYY-MM-DD` → that date; `off` → None (back now)."""
    words = text.lower().split()
    if words in (["off"], ["back"]):
        return None
    if len(words) == 2 and words[0] == "until":
        try:
            until = date.fromisoformat(words[1])
        except ValueError:
            raise SchedulingError(
                "That is not a date I can read: say `away until 2026-12-24`."
            ) from None
        return check_away(until, today=today)
    raise SchedulingError("Say `away until 2026-12-24`, or `away off` when you're back.")


def check_away(until: date, *, today: date) -> date:
    """`until` as the last day away, if it is from today on and within the next year."""
    if until < today:
        raise SchedulingError("That date has passed: say a day from today on.")
    if until - today > MAX_AWAY:
        raise SchedulingError("Say a date within the next year.")
    return until


def set_away(
    session: Session, *, team_id: str, user_id: str, until: date | None, now: datetime
) -> None:
    row = profile(session, team_id=team_id, user_id=user_id, now=now)
    row.away_until, row.updated_at = until, now
    session.flush()


def away_until(session: Session, *, team_id: str, user_id: str, today: date) -> date | None:
    """The last day someone is away, or None if they are here."""
    until = session.scalar(
        select(Profile.away_until).where(Profile.team_id == team_id, Profile.user_id == user_id)
    )
    return until if until is not None and until >= today else None


def remember(session: Session, person: pairings.Person, *, team_id: str, now: datetime) -> None:
    """Keep what Slack just told us about someone: their name, timezone and status."""
    row = profile(session, team_id=team_id, user_id=person.id, now=now)
    row.name, row.tz, row.updated_at = person.name[:100], person.tz, now
    remember_status(row, person.status)


def remember_status(row: Profile, status: pairings.Status) -> None:
    row.status_text = status.text[:150] or None
    row.status_emoji = status.emoji[:100] or None
    row.status_expires_at = status.expires_at


def tz_changed(
    session: Session, *, team_id: str, user_id: str, tz: str, now: datetime
) -> list[Planned]:
    """Slack says someone's timezone may have changed (`user_change` fires for any profile
    edit). Their 1:1s keep their own zones; a leader whose zone moved away from one of their
    1:1s is told once what that means for them."""
    row = profile(session, team_id=team_id, user_id=user_id, now=now)
    before, row.tz, row.updated_at = row.tz, tz, now
    session.flush()
    if before is None or before == tz:
        return []
    plan_summary(session, row, now=now, again=True)  # Monday 09:00 where they are now
    led = session.scalars(
        select(Pairing).where(
            Pairing.team_id == team_id,
            Pairing.leader_id == user_id,
            Pairing.status.in_(pairings.OPEN),
            Pairing.status != PairingStatus.INVITED,
        )
    )
    return [
        Planned(
            team_id,
            "notice",
            pairings.notice_subject(pairing, "zone", tz),
            user_id,
            now,
            pairing.enterprise_id,
        )
        for pairing in led
        if pairing.zone != tz
    ]
