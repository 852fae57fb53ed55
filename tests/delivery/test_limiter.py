"""The token buckets of Slack's limits, kept in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot.delivery import housekeeping
from bot.delivery.limiter import (
    DM_BUCKET,
    LEARNED_CUT,
    WORKSPACE,
    WORKSPACE_BUCKET,
    Limiter,
    scope_of_429,
)

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TEAM, ADA, BART = "T1", "UADA", "UBART"


def seconds(n: float) -> datetime:
    return T0 + timedelta(seconds=n)


def test_a_dm_gets_one_call_a_second(engine: Engine) -> None:
    limiter = Limiter(engine)
    assert limiter.take(TEAM, ADA, at=T0) == (0.0, WORKSPACE)
    wait, scope = limiter.take(TEAM, ADA, at=seconds(0.25))
    assert (round(wait, 3), scope) == (0.75, ADA)
    assert limiter.take(TEAM, BART, at=seconds(0.25))[0] == 0.0  # another DM is not held up
    assert limiter.take(TEAM, ADA, at=seconds(1.0))[0] == 0.0


def test_a_workspace_bursts_then_keeps_its_rate(engine: Engine) -> None:
    limiter = Limiter(engine)
    burst = int(WORKSPACE_BUCKET.burst)
    for n in range(burst):
        assert limiter.take(TEAM, f"U{n}", at=T0)[0] == 0.0
    wait, scope = limiter.take(TEAM, "Unext", at=T0)
    assert scope == WORKSPACE
    assert round(wait, 4) == round(1 / WORKSPACE_BUCKET.rate, 4)


def test_a_pause_holds_every_call_to_its_scope_until_it_is_over(engine: Engine) -> None:
    limiter = Limiter(engine)
    limiter.pause(TEAM, WORKSPACE, until=seconds(30), at=T0)
    assert limiter.take(TEAM, ADA, at=seconds(10)) == (20.0, WORKSPACE)
    assert limiter.take("T2", ADA, at=seconds(10))[0] == 0.0  # another workspace goes on
    assert limiter.take(TEAM, ADA, at=seconds(30))[0] == 0.0
    limiter.pause(TEAM, BART, until=seconds(40), at=seconds(30))
    assert limiter.take(TEAM, BART, at=seconds(31)) == (9.0, BART)
    assert limiter.take(TEAM, "UCAROL", at=seconds(31))[0] == 0.0


def test_a_workspace_learns_its_rate_from_429s_and_recovers_slowly(engine: Engine) -> None:
    limiter = Limiter(engine)
    limiter.take(TEAM, ADA, at=T0)
    limiter.pause(TEAM, WORKSPACE, until=seconds(1), at=T0)
    assert limiter.rate(TEAM) == WORKSPACE_BUCKET.rate * LEARNED_CUT
    limiter.pause(TEAM, WORKSPACE, until=seconds(2), at=seconds(0.5))
    assert limiter.rate(TEAM) == WORKSPACE_BUCKET.rate * LEARNED_CUT**2
    limiter.take(TEAM, ADA, at=seconds(62))  # a minute without a 429
    assert WORKSPACE_BUCKET.rate * LEARNED_CUT**2 < limiter.rate(TEAM) < WORKSPACE_BUCKET.rate
    limiter.take(TEAM, ADA, at=seconds(3600))
    assert limiter.rate(TEAM) == WORKSPACE_BUCKET.rate


def test_two_limiters_on_one_database_share_the_buckets(engine: Engine) -> None:
    one, other = Limiter(engine), Limiter(engine)
    assert one.take(TEAM, ADA, at=T0)[0] == 0.0
    assert other.take(TEAM, ADA, at=T0)[0] == DM_BUCKET.rate  # a second to wait


def test_which_limit_a_429_was() -> None:
    assert scope_of_429(last_sent_to_dm=None, at=T0) == "workspace"
    assert scope_of_429(last_sent_to_dm=T0, at=seconds(1)) == "dm"
    assert scope_of_429(last_sent_to_dm=T0, at=seconds(5)) == "workspace"


def test_housekeeping_forgets_buckets_idle_for_a_day_but_not_a_pause(engine: Engine) -> None:
    limiter = Limiter(engine)
    limiter.take(TEAM, ADA, at=T0)
    limiter.pause(TEAM, BART, until=T0 + timedelta(days=3), at=T0)
    forgotten = housekeeping.run(engine, now=T0 + timedelta(days=2))["rate_buckets"]
    assert forgotten == 2  # the workspace's and Ada's; Bart's pause still holds
    assert limiter.paused_until(TEAM, BART) == T0 + timedelta(days=3)
