"""Hostile signed input to every button and every form: wrong types, NUL, ids past 2³¹, huge
values, lists and objects where a string goes, empty and missing parts. Each is answered (200
or a plain 4xx), never a 500 or a traceback, within Slack's 3 s, and changes nothing.

The shapes are Slack's own (a `block_actions` and a `view_submission` payload, as
slackapi/java-slack-sdk's json-logs/samples/api give them); only the values are hostile."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from bot.models import Base, Profile
from bot.simulator import SlackClient, SlackSimulator
from bot.slack import guard
from bot.slack.ids import Action, Form
from tests.integration.drive import ADA, BART

HOSTILE = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.just(2**31),
    st.text(max_size=40),
    st.sampled_from(["\x00", "1\x00", "<!channel>", "²", "9" * 40, "1e9", "-1", " 1 ", "null"]),
    st.just("x" * 10_000),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.booleans(),
)


def rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            # What a request keeps of itself (its id), or of its legitimate sender (a profile
            # made on first contact) is not a change; what a hostile value could write is.
            if table.name not in ("processed_events", "rate_limits", "profiles")
        }


def junk_profiles(engine: Engine) -> list[str]:
    """Profiles whose user id is not a Slack user id (one was written from a list once)."""
    with engine.connect() as connection:
        ids = connection.scalars(select(Profile.user_id)).all()
    return [i for i in ids if not (i[:1] in "UW" and i[1:].isalnum() and len(i) <= 32)]


SLOW_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("action", list(Action))
def test_a_hostile_click_is_answered_and_changes_nothing(
    action: Action, slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    before = rows(engine)

    @SLOW_SETTINGS
    @given(value=HOSTILE, selected=st.one_of(st.none(), HOSTILE), home=st.booleans())
    def click(value: object, selected: object, home: bool) -> None:
        payload = slack._interaction_base("block_actions", BART)
        element: dict[str, object] = {"type": "button", "action_id": action.value, "block_id": "b"}
        element["value"] = value
        if selected is not None:
            element["selected_option"] = {"value": selected}
            element["selected_date"] = selected
        payload["actions"] = [element]
        payload["container"] = {"type": "view"} if home else {"type": "message"}
        if not home:
            payload["response_url"] = simulator.response_url()
        started = time.monotonic()
        answer = slack.interaction(payload)
        assert answer.status in (200, 400), answer.text
        assert time.monotonic() - started < 3

    click()
    assert rows(engine) == before
    assert junk_profiles(engine) == []


@pytest.mark.parametrize("form", list(Form))
def test_a_hostile_form_is_answered_and_changes_nothing(
    form: Form, slack: SlackClient, engine: Engine
) -> None:
    before = rows(engine)

    @SLOW_SETTINGS
    @given(metadata=HOSTILE, value=HOSTILE, block=st.sampled_from(["when", "person", "open", "x"]))
    def submit(metadata: object, value: object, block: str) -> None:
        view = {
            "id": "V0FUZZ00001",
            "type": "modal",
            "callback_id": form.value,
            "private_metadata": metadata,
            "blocks": [
                {"type": "input", "block_id": block, "element": {"type": "plain_text_input"}}
            ],
        }
        state = {block: {block: {"type": "plain_text_input", "value": value}}}
        started = time.monotonic()
        answer = slack.view_submission(ADA, view, state)
        assert answer.status in (200, 400), answer.text
        assert time.monotonic() - started < 3

    submit()
    assert rows(engine) == before
    assert junk_profiles(engine) == []


def test_a_forged_field_is_refused_on_itself(slack: SlackClient, engine: Engine) -> None:
    """A list where Slack sends text: the form says so on that field, and keeps nothing."""
    view = {
        "id": "V0FUZZ00002",
        "type": "modal",
        "callback_id": Form.TOPIC.value,
        "private_metadata": "",
        "blocks": [],
    }
    state = {
        "person": {"person": {"type": "users_select", "selected_user": BART}},
        "text": {"text": {"type": "plain_text_input", "value": ["The offsite"]}},
    }
    answer = slack.view_submission(ADA, view, state)
    assert answer.status == 200
    assert answer.json() == {"response_action": "errors", "errors": {"text": guard.FORGED}}
    assert rows(engine)["topics"] == 0
