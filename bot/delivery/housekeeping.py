"""Daily housekeeping: forget what is no longer needed.

Its own chores are the infrastructure's (OAuth states, request ids, rate buckets); the
features' (retention, an uninstalled workspace's data) come as `chores` from the composition
root (`app.make_chores`), so this module imports no feature."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, or_
from sqlalchemy.orm import Session

from bot import models

logger = logging.getLogger(__name__)

# Slack retries an event for a few minutes at most; a day is plenty to recognise a retry.
EVENT_MEMORY = timedelta(days=1)
BUCKET_MEMORY = timedelta(days=1)

Chore = Callable[[Session, datetime], dict[str, int]]  # what it deleted, by kind


def run(engine: Engine, *, now: datetime, chores: Sequence[Chore] = ()) -> dict[str, int]:
    """Delete expired OAuth states (slack_sdk keeps naive UTC), old processed request ids and
    rate-limit buckets idle for a day; then each chore, in a transaction of its own."""
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
    done = {"oauth_states": states, "events": events, "rate_buckets": buckets}
    for chore in chores:
        with Session(engine) as session, session.begin():
            deleted = chore(session, now)
        if any(deleted.values()):
            logger.info("housekeeping: deleted %s", deleted)
        done.update(deleted)
    return done
