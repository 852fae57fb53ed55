"""The weekly summary: through the outbox at the leader's local Monday 09:00 across a change
of clocks, once, with what happened; late only on its own day; on demand; or off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Outbox
from bot.models import Delivery, DeliveryState
from bot.simulator import SlackClient, SlackSimulator
from bot.simulator.blockkit import block_errors
from tests.conftest import at
from tests.integration.drive import (
    ADA,
    BART,
    answer,
    dm_of,
    kind_of,
    opened_form,
    prompt_of,
    schedule,
    state_of,
    text_of,
)

# New York leaves daylight saving on Sunday 1 November 2026: 09:00 is 13:00 UTC before it
# and 14:00 UTC after.
OCT_26_NINE = datetime(2026, 10, 26, 13, 0, tzinfo=UTC)
NOV_2_NINE = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
MEETING = datetime(2026, 10, 27, 14, 0, tzinfo=UTC)  # Tuesday 10:00 EDT


def summaries(simulator: SlackSimulator) -> list[dict]:
    return [m for m in dm_of(simulator, ADA) if kind_of(m) == "summary"]


def start(slack: SlackClient, simulator: SlackSimulator) -> None:
    with at("2026-10-20T15:00:00Z"):  # after that Tuesday's 10:00
        schedule(slack, f"<@{BART}> weekly on Tuesday at 10:00")
        pairing_id = dm_of(simulator, BART)[0]["blocks"][-1]["elements"][0]["value"]
        slack.block_action(BART, "invitation_accept", pairing_id)


def test_the_summary_comes_at_nine_local_across_the_change_of_clocks_once(
    slack: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    start(slack, simulator)
    outbox.run_pass(OCT_26_NINE - timedelta(minutes=1))
    assert summaries(simulator) == []
    outbox.run_pass(OCT_26_NINE)
    outbox.run_pass(OCT_26_NINE + timedelta(minutes=5))
    (first,) = summaries(simulator)
    assert block_errors(first["blocks"]) == []
    shown = text_of(first["blocks"])
    assert "0 held, 0 skipped, 0 missed" in shown
    assert f"<@{BART}> <!date^{int(MEETING.timestamp())}^" in shown  # this week's 1:1

    # The week of the meeting: Bart prepares, Ada does not; it is held.
    outbox.run_pass(MEETING - timedelta(hours=24))
    with at(MEETING - timedelta(hours=3)):
        answer(slack, simulator, BART, prompt_of(simulator, BART), open="Roadmap")
    outbox.run_pass(MEETING + timedelta(hours=1))

    outbox.run_pass(NOV_2_NINE - timedelta(hours=1))  # 08:00 in New York, 13:00 UTC
    assert len(summaries(simulator)) == 1
    outbox.run_pass(NOV_2_NINE)
    second = summaries(simulator)[-1]
    assert len(summaries(simulator)) == 2
    shown = text_of(second["blocks"])
    assert "1 held, 0 skipped, 0 missed" in shown
    assert f"<@{BART}>: <!date^{int(MEETING.timestamp())}^{{date_short}}" in shown
    assert "you ✗ them ✓" in shown
    assert "Roadmap" not in shown  # counts and moods, never what anyone wrote
    with Session(engine) as session:
        sent = session.scalars(select(Delivery.due_at).where(Delivery.kind == "summary")).all()
    assert sorted(sent) == [OCT_26_NINE, NOV_2_NINE]


def test_a_late_summary_goes_only_on_its_own_day(
    slack: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    start(slack, simulator)
    report = outbox.run_pass(datetime(2026, 10, 27, 4, 30, tzinfo=UTC))  # Tuesday 00:30
    assert summaries(simulator) == []
    assert report.dropped >= 1
    with Session(engine) as session:
        (late,) = session.scalars(select(Delivery).where(Delivery.kind == "summary")).all()
        assert late.state is DeliveryState.DROPPED
    outbox.run_pass(NOV_2_NINE)
    assert len(summaries(simulator)) == 1  # next week's, on time


def test_on_demand_and_turned_off(
    slack: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
) -> None:
    start(slack, simulator)
    with at("2026-10-21T12:00:00Z"):
        body = slack.command(ADA, "summary")
        assert body["response_type"] == "ephemeral"
        assert "Your week in 1:1s" in text_of(body["blocks"])
        outsider = slack.command(BART, "summary")
        assert "nothing to sum up" in text_of(outsider["blocks"])  # Bart leads nobody
        view = opened_form(slack, simulator, ADA, "settings")
        assert slack.view_submission(ADA, view, state_of(view, summary_day="off")).body == b""
    outbox.run_pass(OCT_26_NINE)
    outbox.run_pass(NOV_2_NINE)
    assert summaries(simulator) == []


def test_another_day_and_time_in_the_leader_s_own_zone(
    slack: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
) -> None:
    start(slack, simulator)
    with at("2026-10-21T12:00:00Z"):
        view = opened_form(slack, simulator, ADA, "settings")
        changes = {"summary_day": "4", "summary_time": "16:30"}
        slack.view_submission(ADA, view, state_of(view, **changes))
    friday = datetime(2026, 10, 23, 20, 30, tzinfo=UTC)  # Friday 16:30 EDT
    outbox.run_pass(friday - timedelta(minutes=1))
    assert summaries(simulator) == []
    outbox.run_pass(friday)
    assert len(summaries(simulator)) == 1
    outbox.run_pass(OCT_26_NINE)
    assert len(summaries(simulator)) == 1
