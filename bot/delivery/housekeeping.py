"""Daily housekeeping: forget what is no longer needed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete

from bot import models

logger = logging.getLogger(__name__)

# Slack retries an event for a few minutes at most; a day is plenty to recognise a retry.
EVENT_MEMORY = timedelta(days=1)


def run(engine: Engine, *, now: datetime) -> dict[str, int]:
    """Delete expired OAuth states (slack_sdk keeps naive UTC) and old processed event ids."""
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
    logger.info("housekeeping: deleted %d expired OAuth states, %d old event ids", states, events)
    return {"oauth_states": states, "events": events}
