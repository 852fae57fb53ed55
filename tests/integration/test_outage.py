"""The database out of reach: every command, click, form and DM answer is acknowledged at once
and the person is told in plain words; a DM answer is left for Slack to resend (it resends an
event that got no 2xx, three times over about five minutes) and, on the last try, the person
is told it was not saved. Nothing here may end in a 404, a 500 or silence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot import db, web
from bot.app import create_app
from bot.config import Settings
from bot.delivery.outbox import Outbox
from bot.simulator import SlackClient, SlackSimulator
from bot.slack import guard
from tests.conftest import Outage, at
from tests.integration import ExpectLog
from tests.integration.drive import ADA, BART, FIRST, dm_of, saved

SAID = "couldn't reach my database"


@pytest.fixture
def down(
    settings: Settings, simulator: SlackSimulator, expect_log: ExpectLog
) -> Iterator[SlackClient]:
    """The real app, served as in production, with its database out of reach (nothing
    listens on port 9)."""
    expect_log("database unreachable")
    unreachable = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    app = create_app(settings, engine=unreachable)
    try:
        with web.serving_in_background(
            web.wsgi_app(app, unreachable, settings.signing_secret)
        ) as base_url:
            yield SlackClient(base_url + web.EVENTS_PATH, simulator)
    finally:
        unreachable.dispose()


def test_a_command_is_acknowledged_and_answered(down: SlackClient) -> None:
    answer = down.command(ADA, "list", wait=5)
    assert SAID in answer["text"]
    assert answer["response_type"] == "ephemeral"


def test_a_click_is_acknowledged_and_answered(down: SlackClient, simulator: SlackSimulator) -> None:
    payload = down._interaction_base("block_actions", BART)
    url = simulator.response_url()
    button = {"type": "button", "action_id": "invitation_accept", "block_id": "b", "value": "1"}
    payload.update(actions=[button], container={"type": "message"}, response_url=url)
    assert down.interaction(payload).status == 200
    answer = simulator.response_to(url, wait=5)  # from the listener's own thread
    assert answer is not None
    assert SAID in answer["text"]


def test_a_form_shows_the_problem_on_itself(down: SlackClient) -> None:
    view = {
        "id": "V0OUTAGE001",
        "type": "modal",
        "callback_id": "answer_form",
        "private_metadata": "1",
        "blocks": [{"type": "input", "block_id": "open", "element": {"type": "plain_text_input"}}],
    }
    answer = down.view_submission(BART, view, {"open": {"open": {"value": "My promotion"}}})
    assert answer.status == 200
    assert answer.json()["response_action"] == "errors"
    assert SAID in answer.json()["errors"]["open"]


def test_a_dm_answer_is_left_for_slack_to_resend_then_the_person_is_told(
    down: SlackClient, simulator: SlackSimulator
) -> None:
    first = down.direct_message(BART, "Slow CI, again", event_id="EvOUTAGE0001")
    assert first.status == 503  # not acknowledged: Slack will send it again
    again = down.direct_message(
        BART, "Slow CI, again", event_id="EvOUTAGE0001", headers={"X-Slack-Retry-Num": "3"}
    )
    assert again.status == 200
    simulator.wait_for_calls("chat.postMessage", 1, timeout=5)
    assert guard.SAY_ANSWER in [m["text"] for m in dm_of(simulator, BART)]


def test_a_profile_change_tells_nobody(down: SlackClient, simulator: SlackSimulator) -> None:
    user = {"id": BART, "name": "bart", "tz": "Europe/Warsaw", "profile": {}}
    event = {"type": "user_change", "user": user, "event_ts": "1.2"}
    assert down.event(event, retry_num=3).status == 200
    assert simulator.calls_to("chat.postMessage") == []


def test_the_outage_is_logged_without_a_traceback(
    down: SlackClient, caplog: pytest.LogCaptureFixture
) -> None:
    down.command(ADA, "list", wait=5)
    assert "Traceback" not in caplog.text


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_stopping_under_a_running_app_loses_no_answer(
    pair: SlackClient,
    outbox: Outbox,
    engine: Engine,
    outage: Outage,
    expect_log: ExpectLog,
) -> None:
    """PostgreSQL stops under the running app, its pooled connections cut: a command is told,
    Bart's DM answer is left for Slack to resend, and, once PostgreSQL is back, Slack's resend
    saves it, once."""
    expect_log("database unreachable")
    outbox.run_pass(FIRST - timedelta(hours=24))  # both are asked (the first time: one question)
    with at(FIRST - timedelta(hours=2)):
        outage.begin()
        assert SAID in pair.command(ADA, "list", wait=5)["text"]
        assert pair.direct_message(BART, "Slow CI", event_id="EvSTOP00001").status == 503
        outage.end()
        resent = pair.direct_message(
            BART, "Slow CI", event_id="EvSTOP00001", headers={"X-Slack-Retry-Num": "1"}
        )
        assert resent.status == 200
        resent_again = pair.direct_message(
            BART, "Slow CI", event_id="EvSTOP00001", headers={"X-Slack-Retry-Num": "2"}
        )
        assert resent_again.status == 200
    assert saved(engine, BART) == {"open": "Slow CI"}
    assert SAID not in pair.command(ADA, "list")["text"]
