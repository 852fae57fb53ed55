"""Fixtures of the check-in tests: the product's outbox, and Ada and Bart's running 1:1."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.app import make_outbox
from bot.config import Settings
from bot.delivery.outbox import Outbox
from bot.simulator import BOT_TOKEN, SlackClient, SlackSimulator
from tests.conftest import InstantClock, at
from tests.integration import ExpectLog
from tests.integration.drive import BART, CAROL, dm_of, schedule


@pytest.fixture
def outbox(simulator: SlackSimulator, engine: Engine, clock: InstantClock) -> Outbox:
    settings = Settings(bot_token=BOT_TOKEN, api_url=simulator.api_url)
    return make_outbox(settings, engine, clock)


@pytest.fixture
def pair(slack: SlackClient, simulator: SlackSimulator) -> SlackClient:
    """Ada and Bart, weekly on Tuesdays at 10:00 New York, accepted a day ahead."""
    simulator.add_user(CAROL, "carol")
    with at("2026-11-23T14:00:00Z"):
        schedule(slack, f"<@{BART}> weekly on Tuesday at 10:00")
        pairing_id = dm_of(simulator, BART)[0]["blocks"][-1]["elements"][0]["value"]
        slack.block_action(BART, "invitation_accept", pairing_id)
    return slack


# Waitress says when a request waited for one of its threads: on a loaded CI machine that is
# the test server's capacity, not anything the app did.
LOAD_NOTICES = {"waitress.queue"}


@pytest.fixture(autouse=True)
def expect_log(caplog: pytest.LogCaptureFixture) -> Iterator[ExpectLog]:
    """A log line at WARNING or above (a traceback included) fails the test that caused it,
    unless the test said it expects it: `expect_log(r"regex")`."""
    expected: list[re.Pattern[str]] = []
    yield lambda pattern: expected.append(re.compile(pattern))
    unexpected = [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for when in ("setup", "call")
        for record in caplog.get_records(when)
        if record.levelno >= logging.WARNING
        and record.name not in LOAD_NOTICES
        and not any(p.search(record.getMessage()) for p in expected)
    ]
    if unexpected:
        pytest.fail("unexpected log lines:\n" + "\n".join(unexpected), pytrace=False)
