"""The in-process trigger. APScheduler (3.x) only says "now"; the database holds the state,
so no job store is kept and any number of replicas may run it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from bot.delivery import housekeeping
from bot.delivery.outbox import Outbox

logger = logging.getLogger(__name__)

PASS_SECONDS = 30


def drain(outbox: Outbox, scheduler: BackgroundScheduler) -> None:
    """One run of the pass job: passes back to back while a pass ends with work left (a
    burst), then the next run brought forward to when the next row falls due, if that is
    before the interval's (so a burst is sent the moment it is due, not up to 30 s later)."""
    while outbox.run_pass(outbox.clock.now()).more:
        pass
    due, now = outbox.next_due(), outbox.clock.now()
    if due is not None and due < now + timedelta(seconds=PASS_SECONDS):
        # At least a second on: a due row another replica holds is not ours to spin on.
        with contextlib.suppress(JobLookupError, SchedulerNotRunningError):  # shutting down
            scheduler.modify_job("pass", next_run_time=max(due, now + timedelta(seconds=1)))


def start(
    engine: Engine, outbox: Outbox, chores: Sequence[housekeeping.Chore] = ()
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": PASS_SECONDS},
    )
    scheduler.add_job(
        lambda: drain(outbox, scheduler),
        IntervalTrigger(seconds=PASS_SECONDS, timezone=UTC),
        id="pass",
        name="delivery pass",
        next_run_time=outbox.clock.now(),
    )
    scheduler.add_job(
        lambda: housekeeping.run(engine, now=outbox.clock.now(), chores=chores),
        IntervalTrigger(hours=24, timezone=UTC),
        id="housekeeping",
        name="daily housekeeping",
        next_run_time=outbox.clock.now() + timedelta(minutes=1),
        misfire_grace_time=3600,
    )
    scheduler.start()
    logger.info("scheduler started: %s", ", ".join(job.name for job in scheduler.get_jobs()))
    return scheduler
