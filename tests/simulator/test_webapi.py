"""The simulator answers as Slack does: limits, scopes, scripted failures, history, triggers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app import make_client
from bot.config import Settings
from bot.simulator import BOT_TOKEN, SlackSimulator
from bot.simulator.webapi import METHOD_SCOPES, Limits

ADA = "UADA0000001"


@pytest.fixture
def client(simulator: SlackSimulator) -> WebClient:
    simulator.scopes = sorted({scope for scope in METHOD_SCOPES.values() if scope})
    return make_client(Settings(api_url=simulator.api_url), BOT_TOKEN)


def section(text: str = "hi") -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(*args, **kwargs)
    return raised.value.response["error"]


def test_users_info_carries_the_timezone(client: WebClient) -> None:
    user = client.users_info(user="UBART000001")["user"]
    assert user["tz"] == "Europe/Warsaw"
    assert user["tz_offset"] in (3600, 7200)
    assert error_of(client.users_info, user="UNOBODY0001") == "user_not_found"


def test_a_message_is_recorded_with_its_metadata(
    client: WebClient, simulator: SlackSimulator
) -> None:
    channel = client.conversations_open(users=ADA)["channel"]["id"]
    metadata = {"event_type": "oneonone_delivery", "event_payload": {"delivery_id": 7}}
    posted = client.chat_postMessage(channel=channel, text="hello", metadata=metadata)
    history = client.conversations_history(channel=channel)["messages"]
    assert [m["ts"] for m in history] == [posted["ts"]]
    assert "metadata" not in history[0]
    with_metadata = client.conversations_history(channel=channel, include_all_metadata=True)
    assert with_metadata["messages"][0]["metadata"] == metadata
    assert len(simulator.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("blocks", "problem"),
    [
        ([section()] * 51, "at most 50 blocks"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "151"),
        ([section("s" * 3001)], "3001"),
        ([{"type": "section", "fields": [section()["text"]] * 11}], "10 fields"),
        ([{"type": "unknown"}], "known block type"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "b" * 76},
                            "action_id": "a",
                        }
                    ],
                }
            ],
            "76",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "b"},
                            "action_id": "a",
                        },
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "c"},
                            "action_id": "a",
                        },
                    ],
                }
            ],
            "unique",
        ),
    ],
)
def test_blocks_beyond_slacks_limits_are_refused(
    client: WebClient, blocks: list, problem: str
) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=ADA, text="t", blocks=blocks)
    assert raised.value.response["error"] == "invalid_blocks"
    assert problem in json.dumps(raised.value.response["response_metadata"])


def test_views_are_checked_too(client: WebClient, simulator: SlackSimulator) -> None:
    long_title = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": []}
    trigger = simulator.issue_trigger_id(ADA)
    assert error_of(client.views_open, trigger_id=trigger, view=long_title) == "invalid_arguments"
    home = {"type": "home", "blocks": [section()] * 101}
    assert error_of(client.views_publish, user_id=ADA, view=home) == "invalid_arguments"
    assert client.views_publish(user_id=ADA, view={"type": "home", "blocks": [section()]})["ok"]


def test_a_trigger_id_works_once_and_expires(client: WebClient, simulator: SlackSimulator) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}
    trigger = simulator.issue_trigger_id(ADA)
    assert client.views_open(trigger_id=trigger, view=view)["ok"]
    assert error_of(client.views_open, trigger_id=trigger, view=view) == "invalid_trigger_id"
    stale = simulator.issue_trigger_id(ADA)
    simulator._triggers[stale] = (time.monotonic() - 0.1, ADA)
    assert error_of(client.views_open, trigger_id=stale, view=view) == "expired_trigger_id"


def test_a_method_without_its_scope_is_refused(simulator: SlackSimulator) -> None:
    simulator.scopes = ["commands"]
    client = WebClient(token=BOT_TOKEN, base_url=simulator.api_url)
    assert error_of(client.chat_postMessage, channel=ADA, text="x") == "missing_scope"


def test_unknown_and_revoked_tokens_are_refused(simulator: SlackSimulator) -> None:
    assert error_of(WebClient(token="xoxb-nope", base_url=simulator.api_url).auth_test) == (
        "invalid_auth"
    )
    simulator.revoked.add(BOT_TOKEN)
    assert error_of(WebClient(token=BOT_TOKEN, base_url=simulator.api_url).auth_test) == (
        "token_revoked"
    )


def test_a_429_is_retried_after_retry_after_and_arrives_once(
    client: WebClient, simulator: SlackSimulator
) -> None:
    simulator.fail("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    client.chat_postMessage(channel=ADA, text="once")
    assert time.monotonic() - started >= 1
    assert [c.status for c in simulator.calls_to("chat.postMessage")] == [429, 200]
    assert [m["text"] for m in simulator.messages("DADA0000001")] == ["once"]


def test_a_500_is_retried_and_arrives_once(client: WebClient, simulator: SlackSimulator) -> None:
    simulator.fail("chat.postMessage", status=500, error="fatal_error")
    client.chat_postMessage(channel=ADA, text="once")
    assert [c.status for c in simulator.calls_to("chat.postMessage")] == [500, 200]
    assert len(simulator.messages("DADA0000001")) == 1


def test_scripted_errors_and_slow_answers(client: WebClient, simulator: SlackSimulator) -> None:
    simulator.fail("chat.postMessage", error="channel_not_found", times=2)
    assert error_of(client.chat_postMessage, channel=ADA, text="x") == "channel_not_found"
    assert error_of(client.chat_postMessage, channel=ADA, text="x") == "channel_not_found"
    simulator.fail("auth.test", delay=0.3)
    started = time.monotonic()
    assert client.auth_test()["ok"]
    assert time.monotonic() - started >= 0.3


def test_bots_and_departed_people_cannot_be_messaged(
    client: WebClient, simulator: SlackSimulator
) -> None:
    simulator.add_user("UROBOT00001", "robot", is_bot=True)
    simulator.add_user("UGONE000001", "gone", deleted=True)
    assert error_of(client.conversations_open, users="UROBOT00001") == "cannot_dm_bot"
    assert error_of(client.conversations_open, users="UGONE000001") == "user_disabled"


SHAPES = json.loads((Path(__file__).parent / "slack_api_shapes.json").read_text())["methods"]
# What Slack's docs show in every successful answer of each method we call, and we read.
ALWAYS = {
    "auth.test": {"ok", "url", "team", "user", "team_id", "user_id", "bot_id"},
    "users.info": {"ok", "user"},
    "conversations.open": {"ok", "channel"},
    "chat.postMessage": {"ok", "channel", "ts", "message"},
    "chat.update": {"ok", "channel", "ts", "text", "message"},
    "chat.postEphemeral": {"ok", "message_ts"},
    "chat.delete": {"ok", "channel", "ts"},
    "conversations.history": {"ok", "messages", "has_more"},
    "conversations.replies": {"ok", "messages", "has_more"},
    "views.open": {"ok", "view"},
    "views.update": {"ok", "view"},
    "views.push": {"ok", "view"},
    "views.publish": {"ok", "view"},
}


def assert_shaped_like_slack(method: str, answer: dict) -> None:
    """Every field is one Slack's own response has (java-slack-sdk's samples), at the top
    and one level in; a success carries what Slack always sends."""
    shape = SHAPES[method]
    assert set(answer) <= set(shape["keys"]), f"{method}: {set(answer) - set(shape['keys'])}"
    for field in ("message", "channel", "user", "view", "messages"):
        inner = answer.get(field)
        for item in inner if isinstance(inner, list) else [inner]:
            if isinstance(item, dict) and field in shape:
                extra = set(item) - set(shape[field])
                assert not extra, f"{method}.{field}: {extra}"
    profile = (answer.get("user") or {}).get("profile") if method == "users.info" else None
    if profile:
        assert set(profile) <= set(shape["user.profile"]), set(profile) - set(shape["user.profile"])
    if answer.get("ok"):
        assert ALWAYS[method] <= set(answer), f"{method}: {ALWAYS[method] - set(answer)}"
    else:
        assert isinstance(answer.get("error"), str)


def test_web_api_answers_have_slacks_own_fields(client: WebClient, simulator: SlackSimulator):
    channel = client.conversations_open(users=ADA)["channel"]["id"]
    posted = client.chat_postMessage(channel=channel, text="hello", blocks=[section()])
    reply = client.chat_postMessage(channel=channel, text="in a thread", thread_ts=posted["ts"])
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": [section()]}
    opened = client.views_open(trigger_id=simulator.issue_trigger_id(ADA), view=modal)
    answers = {
        "auth.test": client.auth_test(),
        "users.info": client.users_info(user=ADA),
        "conversations.open": client.conversations_open(users=ADA),
        "chat.postMessage": posted,
        "chat.update": client.chat_update(channel=channel, ts=posted["ts"], text="hi again"),
        "chat.postEphemeral": client.chat_postEphemeral(channel=channel, user=ADA, text="psst"),
        "conversations.history": client.conversations_history(channel=channel),
        "conversations.replies": client.conversations_replies(channel=channel, ts=posted["ts"]),
        "views.open": opened,
        "views.update": client.views_update(view_id=opened["view"]["id"], view=modal),
        "views.push": client.views_push(trigger_id=simulator.issue_trigger_id(ADA), view=modal),
        "views.publish": client.views_publish(user_id=ADA, view={"type": "home", "blocks": []}),
        "chat.delete": client.chat_delete(channel=channel, ts=reply["ts"]),
    }
    assert set(answers) == set(SHAPES)
    for method, answer in answers.items():
        assert_shaped_like_slack(method, answer.data)
    with pytest.raises(SlackApiError) as refused:
        client.users_info(user="UNOBODY0001")
    assert_shaped_like_slack("users.info", refused.value.response.data)


def test_the_limits_model_answers_429_and_records_calls_inside_a_retry_after() -> None:
    """The simulator's model of Slack's posting limits (`Limits`): per DM three at once, then
    one a second; a 429 names its Retry-After, and a call before it is over is recorded."""
    now = [0.0]
    simulator = SlackSimulator(limits=Limits(), clock=lambda: now[0])
    simulator.add_user("UADA0000001", "ada")
    answers = [
        simulator.handle("chat.postMessage", {"channel": "UADA0000001", "text": "hi"}, BOT_TOKEN)
        for _ in range(4)
    ]
    assert [status for status, _, _ in answers] == [200, 200, 200, 429]
    assert answers[-1][1] == {"ok": False, "error": "ratelimited"}  # Slack's body for a 429
    assert answers[-1][2]["Retry-After"] == "1"
    assert simulator.inside_retry_after == []
    simulator.handle("chat.postMessage", {"channel": "UADA0000001", "text": "hi"}, BOT_TOKEN)
    assert len(simulator.inside_retry_after) == 1  # the app did not wait
    now[0] = 2.0
    status, _, _ = simulator.handle(
        "chat.postMessage", {"channel": "UADA0000001", "text": "hi"}, BOT_TOKEN
    )
    assert status == 200


def test_a_file_upload_takes_slack_s_three_steps(simulator: SlackSimulator) -> None:
    """slack_sdk's files_upload_v2 against the simulator: files.getUploadURLExternal, the bytes
    to its upload_url, then files.completeUploadExternal shares the file in the DM. (Shapes:
    docs.slack.dev's reference for both methods, and slack_sdk's client.)"""
    client = WebClient(token=BOT_TOKEN, base_url=simulator.api_url)
    channel = client.conversations_open(users="UBART000001")["channel"]["id"]
    done = client.files_upload_v2(
        channel=channel,
        content="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        filename="1-1.ics",
        title="1:1",
        initial_comment="Your 1:1, for your calendar",
    )
    assert done["file"]["title"] == "1:1"
    (shared,) = [m for m in simulator.messages(channel) if m.get("files")]
    assert shared["text"] == "Your 1:1, for your calendar"
    assert simulator.files[shared["files"][0]["id"]]["content"].startswith(b"BEGIN:VCALENDAR")
    assert [c.method for c in simulator.calls][-2:] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


def test_completing_an_upload_whose_bytes_never_came_fails(simulator: SlackSimulator) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=simulator.api_url)
    started = client.files_getUploadURLExternal(filename="x.json", length=10)
    with pytest.raises(SlackApiError) as refused:
        client.files_completeUploadExternal(files=[{"id": started["file_id"], "title": "x"}])
    assert refused.value.response["error"] == "file_upload_size_mismatch"
