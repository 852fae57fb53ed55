"""The delivery outbox against the simulator, on SQLite and PostgreSQL: every scheduled message
arrives exactly once through retries, rate limits, slow answers, crashes and rival processes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from bot.delivery import outbox as outbox_module
from bot.delivery.outbox import (
    Message,
    Outbox,
    PassReport,
    Planned,
    Policy,
    Subject,
    _Outcome,
    enqueue,
)
from bot.models import Delivery, DeliveryState
from bot.simulator import BOT_TOKEN, SlackSimulator
from bot.simulator.webapi import Limits
from tests.conftest import InstantClock

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ADA, BART = "UADA0000001", "UBART000001"
KIND = "test_note"
CURRENT = {"greeting": "Hello"}  # what the test renderer reads at send time


def render(_session: Session, delivery: Delivery, _now: datetime) -> Message | None:
    name = Subject.of(delivery.subject).id
    if name.startswith("stale"):
        return None
    return Message(text=f"{CURRENT['greeting']} {delivery.recipient} ({name})")


RENDERERS = {KIND: render}


@pytest.fixture
def clock() -> InstantClock:
    """The clock stands at NOW but for the waits a pass takes (its `run_pass(now)` is NOW)."""
    return InstantClock(NOW)


@pytest.fixture
def outbox(engine: Engine, simulator: SlackSimulator, clock: InstantClock) -> Outbox:
    simulator.limits = Limits()  # Slack's limits, on the same clock as the outbox's waits
    simulator.clock = lambda: clock.now().timestamp()
    return Outbox(
        engine,
        lambda _e, _t: BOT_TOKEN,
        simulator.api_url,
        RENDERERS,
        policy=Policy(timeout=1),
        clock=clock,
    )


def add(engine: Engine, recipient: str = ADA, subject: str = "one", due: datetime = NOW) -> int:
    with Session(engine) as session, session.begin():
        planned = Planned("T0SIMULATED", KIND, Subject("test", subject), recipient, due, None, 7)
        enqueue(session, planned, now=NOW - timedelta(days=1))
        return session.scalar(select(Delivery.id).where(Delivery.subject == f"test:{subject}"))


def row(engine: Engine, delivery_id: int) -> Delivery:
    with Session(engine) as session:
        return session.get_one(Delivery, delivery_id)


def posts(simulator: SlackSimulator) -> list:
    return [c for c in simulator.calls_to("chat.postMessage") if c.status == 200]


def test_enqueueing_twice_is_a_no_op(engine: Engine) -> None:
    first, second = add(engine), add(engine)
    assert first == second
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 1


def test_a_due_delivery_is_sent_once_with_its_metadata(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator
) -> None:
    delivery_id = add(engine)
    CURRENT["greeting"] = "Good morning"  # changed after enqueueing: rendering is at send time
    try:
        report = outbox.run_pass(NOW)
    finally:
        CURRENT["greeting"] = "Hello"
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    (message,) = simulator.messages("DADA0000001")
    assert message["text"] == f"Good morning {ADA} (one)"
    assert message["metadata"] == {
        "event_type": "oneonone_delivery",
        "event_payload": {
            "delivery_id": delivery_id,
            "kind": KIND,
            "meeting_id": 7,
            "recipient": ADA,
        },
    }
    sent = row(engine, delivery_id)
    assert (sent.state, sent.channel, sent.ts, sent.sent_at) == (
        DeliveryState.SENT,
        "DADA0000001",
        message["ts"],
        NOW,
    )


def test_the_same_pass_twice_sends_nothing_the_second_time(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator
) -> None:
    add(engine, ADA), add(engine, BART)
    assert outbox.run_pass(NOW).sent == 2
    assert outbox.run_pass(NOW).sent == 0
    assert len(posts(simulator)) == 2


def test_nothing_is_sent_before_it_is_due(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator
) -> None:
    add(engine, due=NOW + timedelta(hours=1))
    assert outbox.run_pass(NOW).sent == 0
    assert outbox.run_pass(NOW + timedelta(hours=1)).sent == 1


def test_a_429_pauses_the_workspace_and_the_pass_waits_it_out(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator, clock: InstantClock
) -> None:
    """Slack's 429 names no scope; one that follows no recent post to the same DM pauses
    the whole workspace for its Retry-After: no call goes out before then, and the pass,
    whose budget the wait fits, sends both once it is over."""
    ada, bart = add(engine, ADA, "a"), add(engine, BART, "b")
    simulator.fail("chat.postMessage", status=429, retry_after=20)
    report = outbox.run_pass(NOW)
    assert (report.sent, report.waiting, report.retrying) == (2, 1, 0)
    assert clock.slept == [20.0]
    assert [row(engine, d).attempts for d in (ada, bart)] == [1, 1]  # the 429 used none up
    assert outbox.limiter.paused_until("T0SIMULATED", "") == NOW + timedelta(seconds=20)
    assert sorted(c.response["channel"] for c in posts(simulator)) == ["DADA0000001", "DBART000001"]


def test_a_retry_after_longer_than_the_budget_leaves_every_row_for_later(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator, clock: InstantClock
) -> None:
    ada, bart = add(engine, ADA, "a"), add(engine, BART, "b")
    simulator.fail("chat.postMessage", status=429, retry_after=60)
    report = outbox.run_pass(NOW, budget=10)
    assert (report.sent, report.waiting) == (0, 2)
    assert clock.slept == []
    assert len(simulator.calls_to("chat.postMessage")) == 1  # nothing inside the Retry-After
    assert row(engine, ada).available_at == NOW + timedelta(seconds=60)
    assert row(engine, bart).state is DeliveryState.PENDING
    assert outbox.run_pass(NOW + timedelta(seconds=59), budget=0.5).sent == 0
    assert len(simulator.calls_to("chat.postMessage")) == 1
    clock.sleep(60)
    assert outbox.run_pass(NOW + timedelta(seconds=60)).sent == 2


def test_a_429_right_after_a_post_to_the_same_dm_pauses_only_that_dm(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator, clock: InstantClock
) -> None:
    add(engine, ADA, "first")
    assert outbox.run_pass(NOW).sent == 1
    add(engine, ADA, "second"), add(engine, BART, "third")
    simulator.fail("chat.postMessage", status=429, retry_after=30)
    clock.sleep(1)
    report = outbox.run_pass(NOW + timedelta(seconds=1), budget=5)
    assert (report.sent, report.waiting) == (1, 1)  # Bart's went; Ada's DM waits its 30 s
    assert outbox.limiter.paused_until("T0SIMULATED", "") is None
    assert outbox.limiter.paused_until("T0SIMULATED", ADA) == NOW + timedelta(seconds=31)


def test_500s_back_off_and_the_message_arrives_once(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator
) -> None:
    delivery_id = add(engine)
    simulator.fail("chat.postMessage", status=500, error="fatal_error", times=2)
    assert outbox.run_pass(NOW).retrying == 1
    first_retry = row(engine, delivery_id).available_at
    assert NOW + timedelta(seconds=15) <= first_retry <= NOW + timedelta(seconds=30)
    assert outbox.run_pass(first_retry).retrying == 1
    second_retry = row(engine, delivery_id).available_at
    assert second_retry - first_retry >= timedelta(seconds=30)  # exponential
    assert outbox.run_pass(second_retry).sent == 1
    assert len(simulator.messages("DADA0000001")) == 1
    assert row(engine, delivery_id).attempts == 3


def test_a_slow_answer_that_slack_accepted_is_not_sent_again(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator
) -> None:
    delivery_id = add(engine)
    simulator.fail("chat.postMessage", delay=2)  # our timeout is 1 s; Slack posts it anyway
    assert outbox.run_pass(NOW).retrying == 1
    simulator.wait_for_calls("chat.postMessage", 1)
    report = outbox.run_pass(row(engine, delivery_id).available_at)
    assert (report.recovered, report.sent) == (1, 0)
    assert len(simulator.messages("DADA0000001")) == 1
    recovered = row(engine, delivery_id)
    assert recovered.state is DeliveryState.SENT
    assert recovered.ts == simulator.messages("DADA0000001")[0]["ts"]


def test_the_history_read_is_small_and_a_limited_one_waits_without_sending(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator
) -> None:
    """Finding a message whose answer was lost reads 15 messages a call (Slack's limit for
    apps outside its Marketplace). When that read is itself rate limited, the row waits for
    its Retry-After, unsent (it might be in Slack already), and posting is not paused."""
    delivery_id = add(engine)
    other = add(engine, BART, "other")
    simulator.fail("chat.postMessage", delay=2)  # our timeout is 1 s; Slack posts it anyway
    outbox.run_pass(NOW, budget=0.5)
    simulator.wait_for_calls("chat.postMessage", 2)
    simulator.fail("conversations.history", status=429, retry_after=60)
    again = row(engine, delivery_id).available_at
    report = outbox.run_pass(again, budget=5)
    (history,) = simulator.calls_to("conversations.history")
    assert history.args["limit"] == "15"
    assert report.recovered == 0
    assert len(simulator.messages("DADA0000001")) == 1  # never sent twice
    waiting = row(engine, delivery_id)
    assert waiting.state is DeliveryState.PENDING
    assert waiting.available_at >= again + timedelta(seconds=60)
    assert outbox.limiter.paused_until("T0SIMULATED", "") is None
    assert row(engine, other).state is DeliveryState.SENT


@pytest.mark.parametrize(
    ("method", "error"),
    [
        ("chat.postMessage", "user_not_found"),
        ("chat.postMessage", "cannot_dm_bot"),
        ("chat.postMessage", "channel_not_found"),
        ("chat.postMessage", "account_inactive"),
    ],
)
def test_a_permanent_error_fails_at_once(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator, method: str, error: str
) -> None:
    delivery_id = add(engine)
    simulator.fail(method, error=error)
    assert outbox.run_pass(NOW).failed == 1
    failed = row(engine, delivery_id)
    assert (failed.state, failed.last_error, failed.attempts) == (DeliveryState.FAILED, error, 1)
    assert outbox.run_pass(NOW + timedelta(days=1)).sent == 0


def test_people_who_left_or_are_bots_fail_at_once(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator
) -> None:
    simulator.add_user("UGONE000001", "gone", deleted=True)
    simulator.add_user("UROBOT00001", "robot", is_bot=True)
    gone, robot = add(engine, "UGONE000001", "a"), add(engine, "UROBOT00001", "b")
    nobody = add(engine, "UNOBODY0001", "c")
    assert outbox.run_pass(NOW).failed == 3
    errors = [row(engine, d).last_error for d in (gone, robot, nobody)]
    assert errors == ["account_inactive", "cannot_dm_bot", "channel_not_found"]


def test_too_many_failures_give_up(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator
) -> None:
    delivery_id = add(engine)
    simulator.fail("chat.postMessage", status=503, times=outbox.policy.max_attempts)
    at = NOW
    for _ in range(outbox.policy.max_attempts):
        outbox.run_pass(at)
        at = max(at, row(engine, delivery_id).available_at)
    given_up = row(engine, delivery_id)
    assert given_up.state is DeliveryState.FAILED
    assert given_up.last_error.startswith(f"gave up after {outbox.policy.max_attempts} attempts")
    assert posts(simulator) == []


def test_a_message_no_longer_useful_is_dropped(engine: Engine, outbox: Outbox) -> None:
    delivery_id = add(engine, subject="stale-meeting")
    assert outbox.run_pass(NOW).dropped == 1
    assert row(engine, delivery_id).state is DeliveryState.DROPPED


def test_a_workspace_without_installation_fails(engine: Engine, simulator: SlackSimulator) -> None:
    delivery_id = add(engine)
    orphan = Outbox(engine, lambda _e, _t: None, simulator.api_url, RENDERERS)
    assert orphan.run_pass(NOW).failed == 1
    assert row(engine, delivery_id).last_error == "no_installation"


def test_one_dm_gets_at_most_a_message_a_second(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator, clock: InstantClock
) -> None:
    add(engine, ADA, "first"), add(engine, ADA, "second"), add(engine, BART, "third")
    assert outbox.run_pass(NOW).sent == 3
    assert clock.slept == [1.0]
    texts = [c.args["text"] for c in posts(simulator)]
    assert texts.index(f"Hello {ADA} (first)") < texts.index(f"Hello {BART} (third)")
    assert texts[-1] == f"Hello {ADA} (second)"


def test_an_outcome_is_recorded_only_while_the_claim_is_held(
    engine: Engine, outbox: Outbox
) -> None:
    delivery_id = add(engine)
    assert outbox.claim(NOW) == [(delivery_id, 1)]
    assert outbox.claim(NOW) == []  # in flight: nobody else takes it
    later = NOW + outbox.policy.lease
    assert outbox.claim(later) == [(delivery_id, 2)]  # the lease ran out
    stale, report = row(engine, delivery_id), PassReport()
    outbox._flush([_Outcome(stale, 1, "sent", {"state": DeliveryState.SENT})], report, NOW)
    assert (report.sent, row(engine, delivery_id).state) == (0, DeliveryState.IN_FLIGHT)
    outbox._flush([_Outcome(stale, 2, "sent", {"state": DeliveryState.SENT})], report, NOW)
    assert (report.sent, row(engine, delivery_id).state) == (1, DeliveryState.SENT)


def test_counts_for_doctor(engine: Engine, outbox: Outbox) -> None:
    add(engine, ADA, "sent"), add(engine, BART, "later", due=NOW + timedelta(hours=2))
    outbox.run_pass(NOW)
    with engine.begin() as connection:
        connection.execute(
            update(Delivery).where(Delivery.subject == "test:later").values(attempts=0)
        )
    seen = outbox_module.counts(engine, now=NOW)
    assert seen == {
        "pending": 1,
        "in_flight": 0,
        "failed": 0,
        "sent_today": 1,
        "oldest_pending": NOW + timedelta(hours=2),
    }


def test_a_burst_drains_at_slacks_rate_and_never_inside_a_retry_after(
    engine: Engine, outbox: Outbox, simulator: SlackSimulator, clock: InstantClock
) -> None:
    """65 messages due at once, five of them to Ada: the workspace's burst, then its rate;
    Ada's five a second apart; not one 429, and the pass takes little more than the model's
    minimum (the simulator's `Limits`: 20 at once, then 10 a second; 1 a second per DM)."""
    simulator.any_user = True
    for n in range(60):
        add(engine, f"U{n:010d}", f"burst-{n}")
    for n in range(5):
        add(engine, ADA, f"ada-{n}")
    report = outbox.run_pass(NOW, budget=60)
    assert report.sent == 65
    assert [c for c in simulator.calls_to("chat.postMessage") if c.status == 429] == []
    assert simulator.inside_retry_after == []
    took = sum(clock.slept)
    minimum = (65 - 20) / 10
    assert minimum / took >= 0.8, (minimum, took)
    ada = [c for c in posts(simulator) if c.args["channel"] == ADA]
    assert len(ada) == 5


def test_two_outboxes_share_one_workspace_rate_through_the_database(
    engine: Engine, simulator: SlackSimulator, clock: InstantClock, outbox: Outbox
) -> None:
    simulator.any_user = True
    for n in range(40):
        add(engine, f"U{n:010d}", f"shared-{n}")
    other = Outbox(engine, lambda _e, _t: BOT_TOKEN, simulator.api_url, RENDERERS, clock=clock)
    first = outbox.run_pass(NOW, budget=0.0)  # plans and claims nothing: no time at all
    assert first.sent == 0
    assert outbox.run_pass(NOW, budget=1).sent + other.run_pass(NOW, budget=1).sent < 40
    while outbox.run_pass(NOW + timedelta(seconds=sum(clock.slept)), budget=5).sent:
        pass
    assert len(posts(simulator)) == 40
    assert [c for c in simulator.calls_to("chat.postMessage") if c.status == 429] == []
