"""Daily housekeeping: forget what is no longer needed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, or_

from bot import models

logger = logging.getLogger(__name__)

# Slack retries an event for a few minutes at most; a day is plenty to recognise a retry.
EVENT_MEMORY = timedelta(days=1)
BUCKET_MEMORY = timedelta(days=1)


def run(engine: Engine, *, now: datetime) -> dict[str, int]:
    """Delete expired OAuth states (slack_sdk keeps naive UTC), old processed request ids and
    rate-limit buckets idle for a day."""
    naive_utc_now = now.astimezone(UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        states = connection.execute(
            delete(models.oauth_states).where(models.oauth_states.c.expire_at < naive_utc_now)
        ).rowcount
        events = connection.execute(
            delete(models.ProcessedEvent).where(
                models.ProcessedEvent.received_at < now - EVENT_MEMORY
            )
        ).rowcount
        # A bucket untouched for a day is full again (and any pause over): forget it.
        buckets = connection.execute(
            delete(models.RateLimit).where(
                models.RateLimit.updated_at < now - BUCKET_MEMORY,
                or_(
                    models.RateLimit.paused_until.is_(None),
                    models.RateLimit.paused_until < now,
                ),
            )
        ).rowcount
    logger.info(
        "housekeeping: deleted %d expired OAuth states, %d old event ids, %d idle rate buckets",
        states,
        events,
        buckets,
    )
    return {"oauth_states": states, "events": events, "rate_buckets": buckets}
