"""One pair through two full cycles with passes at chosen instants: prompts, an answer, a
nudge, agendas, notes and an action item, and the next cycle carrying it over."""

from __future__ import annotations

import json
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.jobs.outbox import Outbox
from bot.models import ActionItem, Note
from bot.simulator import SlackClient, SlackSimulator
from tests.integration.test_prompts import (
    ADA,
    BART,
    FIRST,
    WEEK,
    answer,
    outbox,  # noqa: F401 (fixture)
    pair,  # noqa: F401 (fixture)
    prompt_of,
    thread_replies,
)
from tests.integration.test_schedule import text_of


def kinds(simulator: SlackSimulator, user: str) -> list[str]:
    return [
        m["metadata"]["event_payload"]["kind"]
        for m in simulator.messages("D" + user[1:])
        if "metadata" in m
    ]


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


def test_two_full_cycles(
    pair: SlackClient,  # noqa: F811
    simulator: SlackSimulator,
    outbox: Outbox,  # noqa: F811
    engine: Engine,
) -> None:
    # Cycle 1: prompts a day ahead; Bart answers; Ada is nudged; agendas; notes after.
    assert outbox.run_pass(FIRST - timedelta(hours=24)).sent == 2
    with freeze_time(FIRST - timedelta(hours=10)):
        answer(pair, simulator, BART, prompt_of(simulator, BART), open="My promotion path")
    assert outbox.run_pass(FIRST - timedelta(hours=4)).sent == 0  # Bart answered: no nudge
    assert outbox.run_pass(FIRST - timedelta(hours=1)).sent == 3  # Ada's nudge, two agendas
    assert kinds(simulator, ADA) == ["invitation", "prompt", "nudge", "agenda"]
    assert kinds(simulator, BART) == ["invitation", "prompt", "agenda"]
    assert "My promotion path" in json.dumps(thread_replies(simulator, ADA, "agenda")[0])
    assert outbox.run_pass(FIRST + timedelta(minutes=30)).sent == 2  # the follow-ups
    with freeze_time(FIRST + timedelta(hours=1)):
        record_notes(
            pair,
            simulator,
            ADA,
            shared="Agreed on a growth plan",
            private="Bart seems tired <3",
            item="Draft the growth plan",
            owner=BART,
            due="2026-12-01",
        )
    with Session(engine) as session:
        (item,) = session.scalars(select(ActionItem)).all()
        assert (item.owner_id, item.text, str(item.due)) == (
            BART,
            "Draft the growth plan",
            "2026-12-01",
        )
        assert {(n.shared, n.author_id) for n in session.scalars(select(Note))} == {
            (True, ADA),
            (False, ADA),
        }

    # Cycle 2: the deeper questions, the action item carried over, last time's notes.
    assert outbox.run_pass(FIRST + WEEK - timedelta(hours=24)).sent == 2
    barts = json.dumps(prompt_of(simulator, BART)["blocks"])
    assert "Is anything in your way or worrying you?" in barts
    assert "Draft the growth plan" in barts
    outbox.run_pass(FIRST + WEEK - timedelta(hours=1))
    adas_agenda = json.dumps(thread_replies(simulator, ADA, "agenda")[-1]["blocks"])
    barts_agenda = json.dumps(thread_replies(simulator, BART, "agenda")[-1]["blocks"])
    assert "Agreed on a growth plan" in adas_agenda
    assert "Agreed on a growth plan" in barts_agenda
    assert "Bart seems tired &lt;3" in adas_agenda  # her private note, to her only
    assert "tired" not in barts_agenda
    assert "Draft the growth plan" in barts_agenda

    # Bart ticks it off from his agenda; it no longer carries over.
    done = next(
        b["accessory"]
        for b in thread_replies(simulator, BART, "agenda")[-1]["blocks"]
        if b.get("accessory", {}).get("action_id") == "action_done"
    )
    pair.block_action(BART, "action_done", done["value"])
    with Session(engine) as session:
        assert session.scalars(select(ActionItem.done_at)).one() is not None
    outbox.run_pass(FIRST + 2 * WEEK - timedelta(hours=24))
    assert "Draft the growth plan" not in json.dumps(prompt_of(simulator, BART)["blocks"])
    assert "Draft the growth plan" not in text_of(prompt_of(simulator, ADA)["blocks"])


def test_strangers_cannot_add_notes_or_tick_off(
    pair: SlackClient,  # noqa: F811
    simulator: SlackSimulator,
    outbox: Outbox,  # noqa: F811
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST + timedelta(minutes=30))
    with freeze_time(FIRST + timedelta(hours=1)):
        record_notes(pair, simulator, ADA, item="Book the room", owner=ADA)
        followup = thread_replies(simulator, BART, "followup")[-1]
        meeting_id = followup["blocks"][-1]["elements"][0]["value"]
        opened = len(simulator.calls_to("views.open"))
        pair.block_action("UCAROL00001", "followup_notes", meeting_id)
        assert len(simulator.calls_to("views.open")) == opened
        with Session(engine) as session:
            item_id = str(session.scalars(select(ActionItem.id)).one())
        pair.block_action("UCAROL00001", "action_done", item_id)
        assert "Only the two people" in json.dumps(simulator.responses[-1])
        with Session(engine) as session:
            assert session.scalars(select(ActionItem.done_at)).one() is None
        view = simulator.calls_to("views.open")[-1].response["view"]
        forged = pair.view_submission(BART, view, {"private": {"private": {"value": "mine"}}})
        assert forged.json()["response_action"] == "errors"  # private notes: the leader's only
