"""One pair through two full cycles with passes at chosen instants: prompts, an answer, a
nudge, agendas, notes and an action item, and the next cycle carrying it over."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot import cli
from bot.config import Settings
from bot.delivery.outbox import Outbox
from bot.models import ActionItem, Meeting, MeetingStatus, Note
from bot.simulator import SlackClient, SlackSimulator
from tests.conftest import InstantClock, at
from tests.integration.drive import (
    ADA,
    BART,
    FIRST,
    WEEK,
    answer,
    dm_of,
    kind_of,
    prompt_of,
    record_notes,
    reply,
    shown,
    text_of,
    thread_replies,
)


def kinds(simulator: SlackSimulator, user: str) -> list[str]:
    return [
        m["metadata"]["event_payload"]["kind"]
        for m in simulator.messages("D" + user[1:])
        if "metadata" in m
    ]


def tick(monkeypatch: pytest.MonkeyPatch, settings: Settings, at: datetime) -> str:
    """`oneonone tick --now AT`, as cron or an operator runs it (in this process, and its
    pacing takes no time)."""
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", settings.bot_token or "")
    monkeypatch.setenv("SLACK_API_URL", settings.api_url)
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["tick", "--now", at.isoformat()], clock=InstantClock()) == 0
    return out.getvalue()


def sent(report: str) -> int:
    """How many messages a tick says it sent ("2026-…: 4 planned, 2 sent, …")."""
    found = re.search(r"\b(\d+) sent\b", report)
    assert found, report
    return int(found.group(1))


def test_two_full_cycles(
    pair: SlackClient,
    simulator: SlackSimulator,
    engine: Engine,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def tick_at(moment: datetime) -> int:
        return sent(tick(monkeypatch, settings, moment))

    # Cycle 1: prompts a day ahead; Bart answers by modal; Ada is nudged; agendas; notes.
    assert tick_at(FIRST - timedelta(hours=24)) == 2
    with at(FIRST - timedelta(hours=10)):
        answer(pair, simulator, BART, prompt_of(simulator, BART), open="My promotion path")
    # Ada has not answered: nudged at 17:00 in New York, an hour before the end of her working
    # day (her 06:00 is too early, and the agenda is at 09:00).
    assert tick_at(FIRST - timedelta(hours=17)) == 1
    assert tick_at(FIRST - timedelta(hours=4)) == 0  # Bart answered: no nudge for him
    assert tick_at(FIRST - timedelta(hours=1)) == 2  # two agendas
    assert "My promotion path" in shown(thread_replies(simulator, ADA, "agenda")[0])
    assert tick_at(FIRST + timedelta(minutes=30)) == 2  # the follow-ups
    with Session(engine) as session:
        first = session.scalars(select(Meeting.status).order_by(Meeting.starts_at)).first()
        assert first is MeetingStatus.HELD
    with at(FIRST + timedelta(hours=1)):
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

    # Cycle 2: deeper questions, the action item carried over; Ada answers by DM replies.
    # Monday 10:00 in New York: Ada's weekly summary came at 09:00, with the prompts.
    assert tick_at(FIRST + WEEK - timedelta(hours=24)) == 3
    (weekly,) = thread_replies(simulator, ADA, "summary")
    assert "1 held, 0 skipped, 0 missed" in text_of(weekly["blocks"])
    barts = shown(prompt_of(simulator, BART)["blocks"])
    assert "Is anything in your way or worrying you?" in barts
    assert "Draft the growth plan" in barts
    with at(FIRST + WEEK - timedelta(hours=20)):
        reply(pair, ADA, "The offsite budget", "EvAda1")
        answer(pair, simulator, BART, prompt_of(simulator, BART), mood=4, blockers="Slow CI")
    assert "that's everything" in dm_of(simulator, ADA)[-1]["text"]
    assert tick_at(FIRST + WEEK - timedelta(hours=4)) == 0  # both answered: nobody is nudged
    assert tick_at(FIRST + WEEK - timedelta(hours=1)) == 2
    adas_agenda = shown(thread_replies(simulator, ADA, "agenda")[-1]["blocks"])
    barts_agenda = shown(thread_replies(simulator, BART, "agenda")[-1]["blocks"])
    assert "The offsite budget" in adas_agenda
    assert "Slow CI" in adas_agenda
    assert "4/5" in adas_agenda
    assert "Agreed on a growth plan" in adas_agenda
    assert "Agreed on a growth plan" in barts_agenda
    assert "Bart seems tired &lt;3" in adas_agenda  # her private note, to her only
    assert "tired" not in barts_agenda
    assert "offsite" not in barts_agenda  # Ada's answers are hers and the leader's view
    assert "Draft the growth plan" in barts_agenda
    assert tick_at(FIRST + WEEK + timedelta(minutes=30)) == 2

    # Bart ticks it off from his agenda; it no longer carries over.
    done = next(
        b["accessory"]
        for b in thread_replies(simulator, BART, "agenda")[-1]["blocks"]
        if b.get("accessory", {}).get("action_id") == "action_done"
    )
    pair.block_action(BART, "action_done", done["value"])
    with Session(engine) as session:
        assert session.scalars(select(ActionItem.done_at)).one() is not None
    assert tick_at(FIRST + 2 * WEEK - timedelta(hours=24)) == 3  # the prompts and a summary
    assert "Draft the growth plan" not in shown(prompt_of(simulator, BART)["blocks"])
    assert "Draft the growth plan" not in text_of(prompt_of(simulator, ADA)["blocks"])

    # Every message that reached Slack, in order: one conversation per meeting.
    cycle = ["prompt", "agenda", "followup"]
    assert [kind_of(m) for m in dm_of(simulator, BART)] == ["invitation", *cycle * 2, "prompt"]
    assert [kind_of(m) for m in dm_of(simulator, ADA)] == [
        "invitation",  # Bart accepted
        "prompt",
        "nudge",
        "agenda",
        "followup",
        "summary",
        "prompt",
        None,  # her reply, "The offsite budget"
        None,  # our "that's everything"
        "agenda",
        "followup",
        "summary",
        "prompt",
    ]
    for user in (ADA, BART):
        prompts = {m["ts"] for m in dm_of(simulator, user) if kind_of(m) == "prompt"}
        in_threads = [
            m for m in dm_of(simulator, user) if kind_of(m) != "prompt" and m.get("thread_ts")
        ]
        assert {m["thread_ts"] for m in in_threads} <= prompts
    updated = [(c.args["channel"], c.args["ts"]) for c in simulator.calls_to("chat.update")]
    assert len(updated) == 3  # Bart's prompt twice (his answers), Ada's once (her reply)


def test_strangers_cannot_add_notes_or_tick_off(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST + timedelta(minutes=30))
    with at(FIRST + timedelta(hours=1)):
        record_notes(pair, simulator, ADA, item="Book the room", owner=ADA)
        followup = thread_replies(simulator, BART, "followup")[-1]
        meeting_id = followup["blocks"][-1]["elements"][0]["value"]
        opened = len(simulator.calls_to("views.open"))
        pair.block_action("UCAROL00001", "followup_notes", meeting_id)
        assert len(simulator.calls_to("views.open")) == opened
        with Session(engine) as session:
            item_id = str(session.scalars(select(ActionItem.id)).one())
        pair.block_action("UCAROL00001", "action_done", item_id)
        assert "Only the two people" in shown(simulator.responses[-1])
        with Session(engine) as session:
            assert session.scalars(select(ActionItem.done_at)).one() is None
        view = simulator.calls_to("views.open")[-1].response["view"]
        forged = pair.view_submission(BART, view, {"private": {"private": {"value": "mine"}}})
        assert forged.json()["response_action"] == "errors"  # private notes: the leader's only


def test_we_did_not_meet_marks_the_meeting_missed_and_items_carry_over(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST + timedelta(minutes=30))
    followup = thread_replies(simulator, BART, "followup")[-1]
    missed = followup["blocks"][-1]["elements"][1]
    assert missed["action_id"] == "followup_missed"
    pair.block_action("UCAROL00001", "followup_missed", missed["value"])
    assert "Only the two people" in shown(simulator.responses[-1])
    with at(FIRST + timedelta(hours=2)):
        pair.block_action(BART, "followup_missed", missed["value"])
    assert "did not happen" in shown(simulator.responses[-1])
    with Session(engine) as session:
        statuses = session.scalars(select(Meeting.status).order_by(Meeting.starts_at)).all()
    assert statuses[0] is MeetingStatus.MISSED
    # The next meeting is still the second of the pair: a missed one does not count.
    outbox.run_pass(FIRST + WEEK - timedelta(hours=24))
    assert "What's on your mind?" in text_of(prompt_of(simulator, BART)["blocks"])


def test_meetings_of_a_paused_1_1_are_not_held(
    pair: SlackClient,
    outbox: Outbox,
    engine: Engine,
) -> None:
    with at(FIRST - timedelta(days=1)):
        pair.slash_command(ADA, f"pause <@{BART}>")
    outbox.run_pass(FIRST + timedelta(hours=1))
    with Session(engine) as session:
        first = session.scalars(select(Meeting).order_by(Meeting.starts_at)).first()
        assert first.status is MeetingStatus.CANCELLED
