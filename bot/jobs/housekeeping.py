"""Daily housekeeping: forget what is no longer needed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Engine, delete

from bot import models

logger = logging.getLogger(__name__)


def run(engine: Engine, *, now: datetime) -> dict[str, int]:
    """Delete expired OAuth states (slack_sdk stores them as naive UTC)."""
    naive_utc_now = now.astimezone(UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        states = connection.execute(
            delete(models.oauth_states).where(models.oauth_states.c.expire_at < naive_utc_now)
        ).rowcount
    logger.info("housekeeping: deleted %d expired OAuth states", states)
    return {"oauth_states": states}
