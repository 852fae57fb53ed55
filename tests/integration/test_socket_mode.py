"""Socket Mode end to end: the real app on Bolt's Socket Mode adapter (`app.socket_mode_handler`,
as `oneonone run --socket` makes it) connected to the simulator's Socket Mode endpoint, which
speaks Slack's protocol as docs.slack.dev's "Using Socket Mode" gives it (`hello`, envelopes of
`events_api`, `slash_commands` and `interactive` with the same payloads as over HTTP, acks by
`envelope_id` within 3 s, `disconnect` with `warning` and `refresh_requested`, connections that
drop). The main flows run over both transports, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.app import socket_mode_handler
from bot.delivery.outbox import Outbox
from bot.simulator import APP_TOKEN, BOT_TOKEN, SlackClient, SlackSimulator
from bot.simulator.client import NO_ACK
from bot.simulator.socket_mode import ACK_SECONDS
from tests.conftest import at, oneonone_process
from tests.integration import ExpectLog
from tests.integration.drive import (
    ADA,
    BART,
    FIRST,
    answer,
    dm_of,
    home_of,
    opened,
    prompt_of,
    reply,
    saved,
    schedule,
    shown,
    text_of,
)

DROPPED = "on_error invoked|Connection to remote host was lost|Connection reset by peer"


@pytest.fixture
def socket_slack(app: App, simulator: SlackSimulator) -> Iterator[SlackClient]:
    """The app connected over Socket Mode, as `oneonone run --socket` connects it."""
    handler = socket_mode_handler(app, APP_TOKEN)
    handler.connect()
    simulator.socket_mode.wait_for_connections(1)
    yield SlackClient.over_socket(simulator)
    handler.close()
    # Closed within this test's teardown, so that no line the client logs as it goes lands in
    # the next test's.
    simulator.socket_mode.wait_until_none_open(timeout=5)


@pytest.fixture(params=["http", "socket"])
def transport(request: pytest.FixtureRequest) -> SlackClient:
    return request.getfixturevalue("slack" if request.param == "http" else "socket_slack")


def test_the_main_flows(
    transport: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    """Schedule, Accept, the prompt, an answer by DM and one by the form, and the Home tab."""
    slack = transport
    with at("2026-11-23T14:00:00Z"):
        schedule(slack, f"<@{BART}> weekly on Tuesday at 10:00")
        invitation = dm_of(simulator, BART)[0]
        pairing_id = invitation["blocks"][-1]["elements"][0]["value"]
        assert slack.block_action(BART, "invitation_accept", pairing_id).status == 200
        assert "accepted" in simulator.responses[-1]["text"]
    outbox.run_pass(FIRST - timedelta(hours=24))
    with at(FIRST - timedelta(hours=20)):
        reply(slack, ADA, "The offsite plan", "EvMain00001")
        done = answer(slack, simulator, BART, prompt_of(simulator, BART), open="Slow CI")
        assert done.status == 200
        assert done.body == b""  # the form closed
        opened(slack, ADA, "EvMain00002")
    assert saved(engine, ADA) == {"open": "The offsite plan"}
    assert saved(engine, BART) == {"open": "Slow CI"}
    assert "Coming up" in text_of(home_of(simulator, ADA)["blocks"])
    if slack.socket:
        acks = simulator.socket_mode.acks
        assert {ack.type for ack in acks} == {"slash_commands", "interactive", "events_api"}
        assert max(ack.seconds for ack in acks) < 1.0


def test_a_form_s_errors_come_back_in_the_ack(
    socket_slack: SlackClient, simulator: SlackSimulator
) -> None:
    """A view_submission's `response_action: errors` is the ack's payload over Socket Mode."""
    view = {
        "id": "V0SOCKET001",
        "type": "modal",
        "callback_id": "schedule_form",
        "private_metadata": "",
        "blocks": [],
    }
    chosen = {"person": {"person": {"type": "users_select", "selected_user": None}}}
    answered = socket_slack.view_submission(ADA, view, chosen)
    assert answered.status == 200
    assert answered.json() == {
        "response_action": "errors",
        "errors": {"person": "Choose whom the 1:1 is with."},
    }


@pytest.mark.parametrize("how", ["fin", "rst"])
def test_it_reconnects_within_seconds_after_a_drop(
    socket_slack: SlackClient, simulator: SlackSimulator, expect_log: ExpectLog, how: str
) -> None:
    """Slack's end of the connection goes without a close frame, in order (a FIN) or reset
    (an RST): a new connection within 10 s (slack_sdk's built-in client took about 60 s after
    a FIN), and a command acknowledged over it."""
    expect_log(DROPPED)
    server = simulator.socket_mode
    server.drop(how)
    server.wait_for_connections(1, ever=2, timeout=10)
    assert "/oneonone" in shown(socket_slack.command(ADA, "help", wait=5))
    assert server.acks[-1].seconds < 1.0


@pytest.mark.parametrize("warned", [False, True])
def test_a_refresh_keeps_every_ack_under_a_second(
    socket_slack: SlackClient, simulator: SlackSimulator, warned: bool
) -> None:
    """`disconnect` (`refresh_requested`, after a `warning` or not): the app opens a new
    connection, and the first envelope on it is acknowledged in well under a second (slack_sdk's
    built-in client let it wait out the old socket's 3 s)."""
    server = simulator.socket_mode
    if warned:
        server.disconnect("warning")
        assert socket_slack.command(ADA, "help", wait=5)  # the warned connection still works
    server.disconnect("refresh_requested", close_after=1.0)
    for n in range(3):
        assert "/oneonone" in shown(socket_slack.command(ADA, "help", wait=5)), n
    server.wait_for_connections(1, ever=2)
    assert max(ack.seconds for ack in server.acks) < 1.0


def test_an_event_sent_again_acts_once(
    socket_slack: SlackClient, pair_over_socket: None, engine: Engine, simulator: SlackSimulator
) -> None:
    """Slack sends an event again (`retry_attempt` 1, `retry_reason` timeout) when it thinks
    the ack was lost: the answer is saved once and acknowledged both times."""
    with at(FIRST - timedelta(hours=20)):
        before = len(dm_of(simulator, BART))
        first = socket_slack.direct_message(BART, "Slow CI", event_id="EvAgain0001")
        again = socket_slack.direct_message(
            BART, "Slow CI", event_id="EvAgain0001", headers={"X-Slack-Retry-Num": "1"}
        )
    assert (first.status, again.status) == (200, 200)
    assert saved(engine, BART) == {"open": "Slow CI"}
    bot = simulator.workspace.bot_user_id
    bot_replies = [m for m in dm_of(simulator, BART)[before:] if m["user"] == bot]
    assert len(bot_replies) == 1


@pytest.fixture
def pair_over_socket(socket_slack: SlackClient, simulator: SlackSimulator, outbox: Outbox) -> None:
    """Ada and Bart's 1:1, scheduled and accepted over Socket Mode, with the first prompts."""
    with at("2026-11-23T14:00:00Z"):
        schedule(socket_slack, f"<@{BART}> weekly on Tuesday at 10:00")
        pairing_id = dm_of(simulator, BART)[0]["blocks"][-1]["elements"][0]["value"]
        socket_slack.block_action(BART, "invitation_accept", pairing_id)
    outbox.run_pass(FIRST - timedelta(hours=24))


def test_it_closes_at_once_even_while_its_connection_opens(
    app: App, simulator: SlackSimulator
) -> None:
    """A close right after the connect (a SIGTERM as the process starts) closes the socket
    still in its handshake, and takes no second waiting on slack_sdk's message queue."""
    handler = socket_mode_handler(app, APP_TOKEN)
    handler.connect()
    started = time.monotonic()
    handler.close()
    simulator.socket_mode.wait_until_none_open(timeout=2)
    assert time.monotonic() - started < 0.8  # slack_sdk alone waited out a whole second


def test_an_envelope_nobody_acks_is_not_received(simulator: SlackSimulator) -> None:
    """With no app connected, an envelope gets no ack in Slack's 3 s (what NO_ACK stands for)."""
    assert simulator.socket_mode.new_url().startswith("ws://127.0.0.1:")  # nobody connects
    client = SlackClient.over_socket(simulator)
    assert client.slash_command(ADA, "help").status == NO_ACK
    assert ACK_SECONDS == 3.0


def test_run_socket_serves_then_stops_cleanly_on_sigterm(
    tmp_path: Path, simulator: SlackSimulator, database_url: str, engine: Engine
) -> None:
    """`oneonone run --socket` as an operator starts it: it connects, answers a command over
    the socket, and on SIGTERM closes its connection and exits 0."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": simulator.api_url,
    }
    serving = ["run", "--socket", "--port", "0", "--no-scheduler"]
    with oneonone_process(serving, cwd=tmp_path, env=env) as process:
        simulator.socket_mode.wait_for_connections(1, timeout=30)
        answered = SlackClient.over_socket(simulator).command(ADA, "help", wait=10)
        assert "/oneonone" in shown(answered)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    simulator.socket_mode.wait_until_none_open(timeout=5)
