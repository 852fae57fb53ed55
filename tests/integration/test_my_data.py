"""Each person's data through the real app: `/oneonone export` arrives as a JSON file in their
DM, `/oneonone forget me` asks first and then forgets (the other person told once), and Add to
calendar puts the 1:1's .ics file in the DM, all with Slack's file upload v2 (the simulator
implements files.getUploadURLExternal, the upload and files.completeUploadExternal)."""

from __future__ import annotations

import json
from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import Engine

from bot.delivery.outbox import Outbox
from bot.simulator import SlackClient, SlackSimulator
from tests.conftest import at
from tests.integration.drive import ADA, BART, FIRST, dm_of, prompt_of, reply, saved, shown


def files_in(simulator: SlackSimulator, user: str) -> list[tuple[dict, bytes]]:
    """The files the app shared in `user`'s DM: (the message, the file's bytes)."""
    return [
        (message, simulator.files[message["files"][0]["id"]]["content"])
        for message in dm_of(simulator, user)
        if message.get("files")
    ]


def test_an_export_arrives_as_a_file_in_the_dm(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    with at(FIRST - timedelta(hours=20)):
        reply(pair, BART, "Slow CI, again", "EvExport001")
        answer = pair.command(BART, "export")
    assert "on its way" in str(answer)
    ((message, content),) = files_in(simulator, BART)
    document = json.loads(content)
    assert document["person"] == BART
    assert message["files"][0]["name"].startswith("oneonone-export-")
    (one,) = document["one_on_ones"]
    answers = [a for m in one["meetings"] for a in m["answers"]]
    assert [(a["author"], a["text"]) for a in answers] == [("you", "Slow CI, again")]
    assert files_in(simulator, ADA) == []  # nobody else gets it


def test_forget_me_asks_first_then_forgets_and_tells_the_other_once(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    with at(FIRST - timedelta(hours=20)):
        reply(pair, BART, "Slow CI, again", "EvForget001")
        pair.command(BART, "topic <@UADA0000001> The release train")
        asked = pair.command(BART, "forget me")
        assert saved(engine, BART) == {"open": "Slow CI, again"}  # nothing yet: it asks first
        assert "can't be undone" in str(asked)
        pair.block_action(BART, "forget_me", "me")
        pair.block_action(BART, "forget_me", "me")  # a second click changes nothing more
    assert saved(engine, BART) == {}
    told = [m for m in dm_of(simulator, ADA) if "asked me to forget" in shown(m)]
    assert len(told) == 1
    assert prompt_of(simulator, ADA)  # Ada's own things are still there


def test_add_to_calendar_puts_the_1_1_in_the_dm_as_a_file(
    pair: SlackClient, simulator: SlackSimulator
) -> None:
    accepted = simulator.responses[-1]
    button = accepted["blocks"][-1]["elements"][0]
    assert button["action_id"] == "calendar_file"
    pair.block_action(BART, "calendar_file", button["value"])
    ((message, content),) = files_in(simulator, BART)
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart") == FIRST  # Tuesday 10:00 in New York
    assert "RRULE" in event
    assert "never what you say" in message["text"]
    stranger = pair.block_action("UCAROL00001", "calendar_file", button["value"])
    assert stranger.status == 200
    assert files_in(simulator, "UCAROL00001") == []
