"""How the integration tests drive Slack and read what it shows: the people (Ada leads
from New York, Bart works in Warsaw, Carol), the instants of their first 1:1, and helpers that
type a command, click, answer, reply, and read a DM, a thread, a form or a Home."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.models import Answer
from bot.simulator import SlackClient, SlackSimulator
from bot.simulator.blockkit import block_errors, view_errors

ADA, BART = "UADA0000001", "UBART000001"
NOW = "2026-11-24T14:00:00Z"  # Tuesday, 09:00 in New York, 15:00 in Warsaw
CAROL = "UCAROL00001"
FIRST = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # Tuesday 10:00 New York
WEEK = timedelta(days=7)


def text_of(blocks: list[dict]) -> str:
    def words(element: dict) -> str:
        text = element.get("text", "")
        return text.get("text", "") if isinstance(text, dict) else text

    return "\n".join(
        words(block) + " ".join(words(e) for e in block.get("elements", [])) for block in blocks
    )


def shown(message: object) -> str:
    """Every text a person can read in a message, a response, a view or blocks, one per line:
    the `text` of each block, element, field, option and title, and what an input holds
    (`initial_value`), read from the parsed blocks
    (a search of `json.dumps` also matched ids, keys and escapes, and missed non-ASCII)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ("text", "initial_value") and isinstance(inner, str):
                    found.append(inner)
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(message)
    return "\n".join(found)


def schedule(slack: SlackClient, text: str, user: str = ADA) -> dict:
    body = slack.command(user, f"schedule {text}")
    assert body["response_type"] == "ephemeral"
    assert block_errors(body["blocks"]) == []
    return body


def dm_of(simulator: SlackSimulator, user: str) -> list[dict]:
    return simulator.messages("D" + user[1:])


def kind_of(message: dict) -> str | None:
    """The delivery kind of a scheduled message; None for a conversational reply."""
    return message.get("metadata", {}).get("event_payload", {}).get("kind")


def prompt_of(simulator: SlackSimulator, user: str) -> dict:
    found = [m for m in dm_of(simulator, user) if kind_of(m) == "prompt"]
    assert found, f"no prompt for {user}"
    return found[-1]


def answer(slack: SlackClient, simulator: SlackSimulator, user: str, prompt: dict, **given):
    meeting_id = prompt["blocks"][-1]["elements"][0]["value"]
    slack.block_action(user, "prompt_answer", meeting_id)
    view = simulator.calls_to("views.open")[-1].response["view"]
    values = {
        key: {key: {"selected_option": {"value": str(v)}} if key == "mood" else {"value": v}}
        for key, v in given.items()
    }
    return slack.view_submission(user, view, values)


def thread_replies(simulator: SlackSimulator, user: str, kind: str) -> list[dict]:
    return [m for m in dm_of(simulator, user) if kind_of(m) == kind]


def reply(slack: SlackClient, user: str, text: str, event_id: str, **kw) -> None:
    assert slack.direct_message(user, text, event_id=event_id, **kw).status == 200


def saved(engine: Engine, user: str) -> dict:
    with Session(engine) as session:
        rows = session.scalars(select(Answer).where(Answer.author_id == user))
        return {a.question: a.mood if a.mood is not None else a.text for a in rows}


def opened(slack: SlackClient, user: str, event_id: str) -> None:
    event = {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home"}
    assert slack.event(event, event_id=event_id).status == 200


def home_of(simulator: SlackSimulator, user: str) -> dict:
    view = simulator.views[f"home-{user}"]
    assert view_errors(view) == []
    return view


def buttons(view: dict, action_id: str) -> list[dict]:
    found = []
    for block in view["blocks"]:
        elements = [*block.get("elements", []), block.get("accessory") or {}]
        found += [e for e in elements if e.get("action_id") == action_id]
    return found


def record_notes(slack: SlackClient, simulator: SlackSimulator, user: str, **fields) -> None:
    (followup,) = thread_replies(simulator, user, "followup")[-1:]
    slack.block_action(user, "followup_notes", followup["blocks"][-1]["elements"][0]["value"])
    view = simulator.calls_to("views.open")[-1].response["view"]
    values = {}
    for key, value in fields.items():
        if key == "owner":
            values[key] = {key: {"selected_option": {"value": value}}}
        elif key == "due":
            values[key] = {key: {"selected_date": value}}
        else:
            values[key] = {key: {"value": value}}
    assert slack.view_submission(user, view, values).body == b""


def opened_form(slack: SlackClient, simulator: SlackSimulator, user: str, text: str) -> dict:
    opened = len(simulator.calls_to("views.open"))
    assert slack.command(user, text) == {}  # a form opened instead of a reply
    assert len(simulator.calls_to("views.open")) == opened + 1
    view = simulator.calls_to("views.open")[-1].response["view"]
    assert view_errors(view) == []
    return view


def state_of(view: dict, **changes) -> dict:
    """The form's state as Slack would submit it untouched, with `changes` typed in."""
    values: dict = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        key, element = block["block_id"], block["element"]
        kind = element["type"]
        wanted = changes.get(key)
        if kind == "static_select":
            chosen = wanted if wanted is not None else element["initial_option"]["value"]
            values[key] = {key: {"type": kind, "selected_option": {"value": chosen}}}
        elif kind == "timepicker":
            values[key] = {key: {"type": kind, "selected_time": wanted or element["initial_time"]}}
        elif kind == "checkboxes":
            ticked = (
                wanted
                if wanted is not None
                else [o["value"] for o in element.get("initial_options", [])]
            )
            values[key] = {key: {"type": kind, "selected_options": [{"value": v} for v in ticked]}}
        else:
            text = wanted if wanted is not None else element.get("initial_value", "")
            values[key] = {key: {"type": kind, "value": text}}
    return values
