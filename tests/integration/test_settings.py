"""A leader's own questions and everyone's settings: the forms, what they change, and every
bad value refused inline with nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Outbox
from bot.models import Delivery, DeliveryState, Profile
from bot.simulator import SlackClient, SlackSimulator
from bot.simulator.blockkit import view_errors
from tests.conftest import at
from tests.integration.drive import (
    ADA,
    BART,
    FIRST,
    WEEK,
    opened_form,
    prompt_of,
    shown,
    state_of,
    text_of,
    thread_replies,
)

HOSTILE = "<!channel> What would make <@UADA0000001> & co. better?"


def profile_of(engine: Engine, user: str) -> Profile | None:
    with Session(engine) as session:
        return session.scalars(select(Profile).where(Profile.user_id == user)).first()


def test_a_leader_writes_their_own_questions_and_they_are_asked(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
) -> None:
    view = opened_form(pair, simulator, ADA, "questions")
    seen = shown(view)
    assert "What could I do differently to support you better?" in seen  # ours, to start from
    own = f"1. What went well this week?\n- What was hard?\n{HOSTILE}\n\n"
    submitted = pair.view_submission(ADA, view, state_of(view, member_questions=own))
    assert submitted.body == b""
    outbox.run_pass(FIRST - timedelta(hours=24))  # the first meeting: one open question
    assert "What went well" not in text_of(prompt_of(simulator, BART)["blocks"])
    outbox.run_pass(FIRST + WEEK - timedelta(hours=24))  # the second: the mood and two
    second = text_of(prompt_of(simulator, BART)["blocks"])
    assert "How have you been feeling" in second
    assert "What went well this week?" in second
    assert "What was hard?" in second
    assert "make" not in second
    outbox.run_pass(FIRST + 2 * WEEK - timedelta(hours=24))  # the third: the whole set
    third = shown(prompt_of(simulator, BART)["blocks"])
    assert "&lt;!channel&gt; What would make &lt;@UADA0000001&gt; &amp; co. better?" in third
    assert "<!channel>" not in third
    assert "What could I do differently" not in third
    assert "What do you want to raise?" in text_of(prompt_of(simulator, ADA)["blocks"])


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("\n".join(f"Question {n}?" for n in range(9)), "At most 8 questions"),
        ("x" * 151, "under 150 characters"),
        ("Same?\nsame?", "Each question once"),
    ],
)
def test_a_question_set_that_cannot_be_kept_is_refused_inline(
    pair: SlackClient,
    simulator: SlackSimulator,
    engine: Engine,
    typed: str,
    reason: str,
) -> None:
    view = opened_form(pair, simulator, ADA, "questions")
    answer = pair.view_submission(ADA, view, state_of(view, member_questions=typed)).json()
    assert answer["response_action"] == "errors"
    assert reason in answer["errors"]["member_questions"]
    row = profile_of(engine, ADA)
    assert row is None or row.member_questions is None


def test_an_emptied_box_goes_back_to_our_questions(
    pair: SlackClient,
    simulator: SlackSimulator,
    engine: Engine,
) -> None:
    view = opened_form(pair, simulator, ADA, "questions")
    pair.view_submission(ADA, view, state_of(view, leader_questions="What do I owe them?"))
    assert profile_of(engine, ADA).leader_questions is not None
    view = opened_form(pair, simulator, ADA, "questions")
    assert "What do I owe them?" in shown(view)
    pair.view_submission(ADA, view, state_of(view, leader_questions="  \n "))
    assert profile_of(engine, ADA).leader_questions is None


def test_changing_the_timeline_plans_again_what_is_not_yet_sent(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=48))  # planned: the prompts are due in a day
    with at(FIRST - timedelta(hours=47)):
        view = opened_form(pair, simulator, ADA, "settings")
        assert view_errors(view) == []
        changes = {"prompt_lead": "2880", "nudges": "2", "agenda_lead": "30"}
        assert pair.view_submission(ADA, view, state_of(view, **changes)).body == b""
    assert outbox.run_pass(FIRST - timedelta(hours=47)).sent == 2  # 48 h ahead now
    with Session(engine) as session:
        due = {
            (d.kind, d.recipient): d.due_at
            for d in session.scalars(select(Delivery).where(Delivery.kind != "invitation"))
            if d.kind != "nudge" or d.recipient == BART
        }
        nudges = session.scalars(
            select(Delivery.due_at).where(Delivery.kind == "nudge", Delivery.recipient == BART)
        ).all()
    assert due[("agenda", ADA)] == FIRST - timedelta(minutes=30)
    # Two nudges for Bart in Warsaw: 26 h before (Monday 14:00) and 4 h before (Tuesday 12:00).
    assert sorted(nudges) == [FIRST - timedelta(hours=26), FIRST - timedelta(hours=4)]
    outbox.run_pass(FIRST - timedelta(hours=26))
    outbox.run_pass(FIRST - timedelta(hours=4))
    assert len(thread_replies(simulator, BART, "nudge")) == 2
    assert len(thread_replies(simulator, BART, "prompt")) == 1  # never twice


def test_no_nudges_when_a_leader_wants_none(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
) -> None:
    with at(FIRST - timedelta(days=1, hours=2)):
        view = opened_form(pair, simulator, ADA, "settings")
        pair.view_submission(ADA, view, state_of(view, nudges="0"))
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST - timedelta(hours=2))
    assert thread_replies(simulator, BART, "nudge") == []
    assert thread_replies(simulator, ADA, "nudge") == []


def test_someone_s_working_hours_move_their_nudge(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    with at(FIRST - timedelta(hours=20)):
        view = opened_form(pair, simulator, BART, "settings")
        assert "Europe/Warsaw" in shown(view)
        hours = {"work_start": "07:00", "work_end": "11:00", "workdays": ["1", "2"]}
        pair.view_submission(BART, view, state_of(view, **hours))
    outbox.run_pass(FIRST - timedelta(hours=20))
    with Session(engine) as session:
        nudge = session.scalars(
            select(Delivery).where(Delivery.kind == "nudge", Delivery.recipient == BART)
        ).one()
    assert nudge.due_at == FIRST - timedelta(hours=6)  # Tuesday 10:00 in Warsaw: an hour left
    assert len(thread_replies(simulator, BART, "prompt")) == 1


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"agenda_lead": "240", "prompt_lead": "240"}, "agenda_lead", "after the prompt"),
        ({"nudge_lead": "480", "prompt_lead": "240"}, "nudge_lead", "between the prompt"),
        ({"work_start": "18:00", "work_end": "09:00"}, "work_end", "end after they start"),
        ({"workdays": []}, "workdays", "at least one working day"),
        ({"prompt_lead": "<!channel>"}, "prompt_lead", "Choose one of the options"),
        ({"nudges": "99"}, "nudges", "Choose one of the options"),
        ({"summary_day": "Caturday"}, "summary_day", "Choose one of the options"),
        ({"work_start": "25:99"}, "work_start", "Choose a time"),
        ({"member_questions": "?" * 5000}, "member_questions", "under 150 characters"),
    ],
)
def test_settings_that_cannot_work_are_refused_inline_and_nothing_changes(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
    changes: dict,
    field: str,
    reason: str,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=30))
    with Session(engine) as session:
        before = sorted((d.kind, d.recipient, d.due_at) for d in session.scalars(select(Delivery)))
    view = opened_form(pair, simulator, ADA, "settings")
    answer = pair.view_submission(ADA, view, state_of(view, **changes)).json()
    assert answer["response_action"] == "errors"
    assert reason in answer["errors"][field]
    row = profile_of(engine, ADA)
    assert (row.prompt_lead, row.nudges, row.work_start, row.workdays) == (1440, 1, 540, "01234")
    with Session(engine) as session:
        after = sorted((d.kind, d.recipient, d.due_at) for d in session.scalars(select(Delivery)))
    assert after == before


def test_a_vacation_status_holds_the_nudge(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    profile = {"status_text": "Vacationing", "status_emoji": ":palm_tree:", "status_expiration": 0}
    user = {"id": BART, "name": "bart", "tz": "Europe/Warsaw", "profile": profile}
    assert pair.event({"type": "user_change", "user": user, "event_ts": "1.2"}).status == 200
    outbox.run_pass(FIRST - timedelta(hours=4))  # his nudge's time
    assert thread_replies(simulator, BART, "nudge") == []
    with Session(engine) as session:
        nudge = session.scalars(
            select(Delivery).where(Delivery.kind == "nudge", Delivery.recipient == BART)
        ).one()
        assert nudge.state is DeliveryState.DROPPED
