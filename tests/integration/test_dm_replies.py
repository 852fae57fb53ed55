"""Answering by plain replies in the DM: one question at a time, skip, resume, confirm."""

from __future__ import annotations

import json
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.jobs.outbox import Outbox
from bot.models import Answer
from bot.simulator import SlackClient, SlackSimulator
from tests.integration.test_prompts import (
    ADA,
    BART,
    FIRST,
    WEEK,
    prompt_of,
)


def reply(slack: SlackClient, user: str, text: str, event_id: str, **kw) -> None:
    assert slack.direct_message(user, text, event_id=event_id, **kw).status == 200


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


def saved(engine: Engine, user: str) -> dict:
    with Session(engine) as session:
        rows = session.scalars(select(Answer).where(Answer.author_id == user))
        return {a.question: a.mood if a.mood is not None else a.text for a in rows}


def test_one_question_at_a_time_with_skip_and_resume(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST + WEEK - timedelta(hours=24))  # the second meeting: three questions
    with freeze_time(FIRST + timedelta(hours=1)):  # the first meeting is over
        reply(pair, BART, "great", "Ev1")
        assert "A number from 1 to 5" in bot_said(simulator, BART)
        reply(pair, BART, "4", "Ev2")
        assert "Is anything in your way or worrying you?" in bot_said(simulator, BART)
        reply(pair, BART, "4", "Ev2", retry_num=1)  # Slack's retry changes nothing
        reply(pair, BART, "skip", "Ev3")
        assert "Anything you want to be sure we talk about?" in bot_said(simulator, BART)
    assert saved(engine, BART) == {"mood": 4, "blockers": None}
    with freeze_time(FIRST + timedelta(hours=2)):  # later: it resumes where he left off
        reply(pair, BART, "The <!here> roadmap", "Ev4")
        assert "that's everything" in bot_said(simulator, BART)
    assert saved(engine, BART) == {"mood": 4, "blockers": None, "agenda": "The <!here> roadmap"}
    update = simulator.calls_to("chat.update")[-1]
    assert update.args["ts"] == prompt_of(simulator, BART)["ts"]
    shown = json.dumps(update.args["blocks"])
    assert "The &lt;!here&gt; roadmap" in shown
    assert "(skipped)" in shown


def test_a_reply_with_nothing_to_answer_gets_a_kind_word(
    pair: SlackClient,
    simulator: SlackSimulator,
    engine: Engine,
) -> None:
    with freeze_time(FIRST - timedelta(days=3)):
        reply(pair, ADA, "hello?", "Ev9")
    assert "nothing to answer right now" in bot_said(simulator, ADA)
    assert saved(engine, ADA) == {}
