"""Answering by plain replies in the DM: one question at a time, skip, resume, confirm."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Outbox
from bot.models import Answer
from bot.simulator import SlackClient, SlackSimulator
from tests.conftest import at
from tests.integration.drive import ADA, BART, FIRST, WEEK, prompt_of, reply, saved, shown


def bot_said(simulator: SlackSimulator, user: str) -> str:
    posts = [
        c
        for c in simulator.calls_to("chat.postMessage")
        if c.args.get("channel")
        in (
            "D" + user[1:],
            user,
        )
    ]
    return posts[-1].args["text"]


def test_one_question_at_a_time_with_skip_and_resume(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST + WEEK - timedelta(hours=24))  # the second meeting: three questions
    with at(FIRST + timedelta(hours=1)):  # the first meeting is over
        reply(pair, BART, "great", "Ev1")
        assert "A number from 1 to 5" in bot_said(simulator, BART)
        reply(pair, BART, "4", "Ev2")
        assert "Is anything in your way or worrying you?" in bot_said(simulator, BART)
        reply(pair, BART, "4", "Ev2", retry_num=1)  # Slack's retry changes nothing
        reply(pair, BART, "skip", "Ev3")
        assert "Anything you want to be sure we talk about?" in bot_said(simulator, BART)
    assert saved(engine, BART) == {"mood": 4, "blockers": None}
    with at(FIRST + timedelta(hours=2)):  # later: it resumes where he left off
        reply(pair, BART, "The <!here> roadmap", "Ev4")
        assert "that's everything" in bot_said(simulator, BART)
    # @here as Bart reads it in Slack: words, never a ping when seen again.
    assert saved(engine, BART) == {"mood": 4, "blockers": None, "agenda": "The @here roadmap"}
    update = simulator.calls_to("chat.update")[-1]
    assert update.args["ts"] == prompt_of(simulator, BART)["ts"]
    seen = shown(update.args["blocks"])
    assert "The @here roadmap" in seen
    assert "<!here>" not in seen
    assert "(skipped)" in seen


def test_a_reply_with_nothing_to_answer_gets_a_kind_word(
    pair: SlackClient,
    simulator: SlackSimulator,
    engine: Engine,
) -> None:
    with at(FIRST - timedelta(days=3)):
        reply(pair, ADA, "hello?", "Ev9")
    assert "nothing to answer right now" in bot_said(simulator, ADA)
    assert saved(engine, ADA) == {}


def posts_to(simulator: SlackSimulator, user: str) -> list:
    return [
        c for c in simulator.calls_to("chat.postMessage") if c.args.get("channel") == "D" + user[1:]
    ]


def test_a_reply_in_the_prompt_s_thread_answers_and_is_answered_there(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    """The nudge and agenda live in the prompt's thread, so people answer there. Bolt's
    assistant-thread helpers once read that thread's first message (our prompt, with our
    delivery metadata) and failed: the answer was stored but nobody was told."""
    outbox.run_pass(FIRST - timedelta(hours=24))
    prompt = prompt_of(simulator, BART)
    with at(FIRST - timedelta(hours=20)):
        reply(pair, BART, "The roadmap & the budget", "Ev1", thread_ts=prompt["ts"])
    assert saved(engine, BART) == {"open": "The roadmap & the budget"}
    told = posts_to(simulator, BART)[-1]
    assert told.args["thread_ts"] == prompt["ts"]  # answered where he wrote
    assert "that's everything" in told.args["text"]
    update = simulator.calls_to("chat.update")[-1]
    assert update.args["ts"] == prompt["ts"]
    assert "The roadmap &amp; the budget" in shown(update.args["blocks"])
    assert simulator.calls_to("conversations.replies") == []  # nothing read the thread


def test_editing_or_deleting_a_reply_changes_or_removes_its_answer(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    prompt = prompt_of(simulator, BART)
    with at(FIRST - timedelta(hours=20)):
        reply(pair, BART, "The roadmap", "Ev1")
        sent = pair.sent[-1]
        updates = len(simulator.calls_to("chat.update"))
        assert (
            pair.edit_message(sent, "The roadmap, and my promotion", event_id="Ev2").status == 200
        )
    assert saved(engine, BART) == {"open": "The roadmap, and my promotion"}
    update = simulator.calls_to("chat.update")[-1]
    assert len(simulator.calls_to("chat.update")) == updates + 1
    assert update.args["ts"] == prompt["ts"]
    assert "my promotion" in shown(update.args["blocks"])
    with Session(engine) as session:
        assert not session.scalars(select(Answer)).one().edited_after_start
    with at(FIRST + timedelta(minutes=10)):  # the meeting has begun: marked
        pair.edit_message(sent, "The roadmap, my promotion, the offsite", event_id="Ev3")
    with Session(engine) as session:
        row = session.scalars(select(Answer)).one()
        assert (row.text, row.edited_after_start) == (
            "The roadmap, my promotion, the offsite",
            True,
        )
    with at(FIRST + timedelta(minutes=20)):
        assert pair.delete_message(sent, event_id="Ev4").status == 200
    assert saved(engine, BART) == {}
    assert "Only the two of you will see your answers" in shown(
        simulator.calls_to("chat.update")[-1].args["blocks"]
    )


def test_an_edit_of_a_message_that_answered_nothing_changes_nothing(
    pair: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    with at(FIRST - timedelta(days=3)):
        reply(pair, ADA, "hello?", "Ev1")
        pair.edit_message(pair.sent[-1], "hello!", event_id="Ev2")
        pair.delete_message(pair.sent[-1], event_id="Ev3")
    assert saved(engine, ADA) == {}
    assert simulator.calls_to("chat.update") == []


def test_a_mood_edited_into_words_is_kept_and_the_person_told(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST + WEEK - timedelta(hours=24))
    with at(FIRST + timedelta(hours=1)):
        reply(pair, BART, "4", "Ev1")
        mood = pair.sent[-1]
        pair.edit_message(mood, "great", event_id="Ev2")
        assert "so I kept 4/5" in bot_said(simulator, BART)
        pair.edit_message(mood, "5", event_id="Ev3")
    assert saved(engine, BART) == {"mood": 5}


def test_a_file_with_words_answers_with_the_words_and_a_file_alone_is_asked_for_words(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    screenshot = [{"id": "F0SCREEN01", "name": "board.png", "mimetype": "image/png"}]
    with at(FIRST - timedelta(hours=20)):
        reply(pair, ADA, "", "Ev1", subtype="file_share", files=screenshot)
        assert "Could you tell me in a sentence?" in bot_said(simulator, ADA)
        assert saved(engine, ADA) == {}
        reply(
            pair,
            ADA,
            "This board, and why it is red",
            "Ev2",
            subtype="file_share",
            files=screenshot,
        )
        assert "the file stays here in our DM" in bot_said(simulator, ADA)
        reply(pair, BART, "Also sent to the DM", "Ev3", subtype="thread_broadcast")
    assert saved(engine, ADA) == {"open": "This board, and why it is red"}
    assert saved(engine, BART) == {"open": "Also sent to the DM"}
