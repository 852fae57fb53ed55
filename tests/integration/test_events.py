"""Slack's Events API retries: the same event_id is acted on once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from bot.delivery import housekeeping
from bot.models import ProcessedEvent
from bot.simulator import SlackClient
from tests.integration import ExpectLog

UNINSTALLED = {"type": "app_uninstalled", "event_ts": "1700000000.000100"}


def acted_on(caplog: pytest.LogCaptureFixture) -> int:
    return sum("was uninstalled" in r.getMessage() for r in caplog.records)


def test_a_retried_event_changes_nothing_the_second_time(
    slack: SlackClient, engine: Engine, caplog: pytest.LogCaptureFixture, expect_log: ExpectLog
) -> None:
    caplog.set_level(logging.INFO)
    expect_log("was uninstalled or its token revoked")
    assert slack.event(UNINSTALLED, event_id="Ev0001").status == 200
    retry = slack.event(UNINSTALLED, event_id="Ev0001", retry_num=1, retry_reason="http_timeout")
    assert retry.status == 200
    assert acted_on(caplog) == 1
    assert slack.event(UNINSTALLED, event_id="Ev0002").status == 200
    assert acted_on(caplog) == 2
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 2


def test_housekeeping_forgets_event_ids_after_a_day(engine: Engine) -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        for event_id, age in (("old", timedelta(days=2)), ("new", timedelta(hours=1))):
            connection.execute(
                insert(ProcessedEvent).values(event_id=event_id, received_at=now - age)
            )
    assert housekeeping.run(engine, now=now)["events"] == 1
    with Session(engine) as session:
        assert session.scalars(select(ProcessedEvent.event_id)).all() == ["new"]
