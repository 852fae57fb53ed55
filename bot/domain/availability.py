"""Being away: `/oneonone away until 2026-12-24` holds prompts and nudges to you."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.pairings import SchedulingError
from bot.models import Availability

MAX_AWAY = timedelta(days=366)


def parse_away(text: str, *, today: date) -> date | None:
    """`until YYYY-MM-DD` → that date; `off` → None (back now)."""
    words = text.lower().split()
    if words == ["off"] or words == ["back"]:
        return None
    if len(words) == 2 and words[0] == "until":
        try:
            until = date.fromisoformat(words[1])
        except ValueError:
            raise SchedulingError(
                "That is not a date I can read: say `away until 2026-12-24`."
            ) from None
        if until < today:
            raise SchedulingError("That date has passed: say a day from today on.")
        if until - today > MAX_AWAY:
            raise SchedulingError("Say a date within the next year.")
        return until
    raise SchedulingError("Say `away until 2026-12-24`, or `away off` when you're back.")


def set_away(
    session: Session, *, team_id: str, user_id: str, until: date | None, now: datetime
) -> None:
    row = session.scalars(
        select(Availability).where(Availability.team_id == team_id, Availability.user_id == user_id)
    ).first()
    if row is None:
        row = Availability(team_id=team_id, user_id=user_id)
        session.add(row)
    row.away_until, row.updated_at = until, now
    session.flush()


def away_until(session: Session, *, team_id: str, user_id: str, today: date) -> date | None:
    """The last day someone is away, or None if they are here."""
    until = session.scalar(
        select(Availability.away_until).where(
            Availability.team_id == team_id, Availability.user_id == user_id
        )
    )
    return until if until is not None and until >= today else None
