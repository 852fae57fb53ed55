"""Prompts before each meeting and answers by modal, driven by passes at chosen instants."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Outbox
from bot.models import Answer, Delivery, DeliveryState
from bot.simulator import SlackClient, SlackSimulator
from tests.conftest import at
from tests.integration.drive import (
    ADA,
    BART,
    CAROL,
    FIRST,
    NOW,
    WEEK,
    answer,
    dm_of,
    prompt_of,
    shown,
    text_of,
    thread_replies,
)


def test_both_get_one_prompt_a_day_ahead_and_the_first_asks_one_open_question(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox
) -> None:
    assert outbox.run_pass(FIRST - timedelta(hours=25)).sent == 0
    assert outbox.run_pass(FIRST - timedelta(hours=24)).sent == 2
    for user, other in ((ADA, BART), (BART, ADA)):
        seen = text_of(prompt_of(simulator, user)["blocks"])
        assert f"*Your 1:1 with <@{other}>* is <!date^{int(FIRST.timestamp())}^" in seen
        assert "What's on your mind?" in seen
        assert "What could I do differently" not in seen
    assert outbox.run_pass(FIRST - timedelta(hours=23)).sent == 0  # once each


def test_answers_by_modal_update_the_prompt_in_place_and_ping_nobody(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    prompt = prompt_of(simulator, BART)
    hostile = "<!channel> @here <@UADA0000001> & <script>" + " long" * 590  # 2,992 chars
    with at(FIRST - timedelta(hours=20)):
        assert answer(pair, simulator, BART, prompt, open=hostile).body == b""
    (update,) = simulator.calls_to("chat.update")
    assert update.args["ts"] == prompt["ts"]
    seen = shown(update.args["blocks"])
    assert "&lt;!channel&gt; @here &lt;@UADA0000001&gt; &amp; &lt;script&gt;" in seen
    answered = [b for b in update.args["blocks"] if "&lt;!channel&gt;" in str(b.get("text"))]
    assert answered
    assert all(b["text"]["verbatim"] for b in answered)  # Slack links nothing in them
    assert "Answered" in seen
    texts = [b["text"]["text"] for b in update.args["blocks"] if b["type"] == "section"]
    assert all(len(t) <= 3000 for t in texts)
    assert "".join(texts).count(" long") == 590  # split, not cut
    with Session(engine) as session:
        saved = session.scalars(select(Answer)).one()
        assert (saved.author_id, saved.question, saved.text) == (BART, "open", hostile)


def test_only_the_two_people_can_open_or_save_answers(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    prompt = prompt_of(simulator, BART)
    meeting_id = prompt["blocks"][-1]["elements"][0]["value"]
    pair.block_action(CAROL, "prompt_answer", meeting_id)
    assert simulator.calls_to("views.open") == []
    assert "Only the two people" in shown(simulator.responses[-1])
    forged = {
        "type": "modal",
        "callback_id": "answer_form",
        "private_metadata": meeting_id,
        "title": {"type": "plain_text", "text": "x"},
        "blocks": [],
    }
    answer_ = pair.view_submission(CAROL, forged, {"open": {"open": {"value": "peek"}}})
    assert answer_.json()["response_action"] == "errors"
    with Session(engine) as session:
        assert session.scalars(select(Answer)).all() == []


def test_the_second_meeting_asks_more_and_a_mood_is_kept_as_given(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST + WEEK - timedelta(hours=24))
    prompt = prompt_of(simulator, BART)
    seen = text_of(prompt["blocks"])
    assert "How have you been feeling about work lately?" in seen
    assert "Is anything in your way or worrying you?" in seen
    assert "What's on your mind?" not in seen
    with at(FIRST + WEEK - timedelta(hours=3)):
        answer(pair, simulator, BART, prompt, mood=4, blockers="The build is slow")
    with Session(engine) as session:
        saved = {a.question: (a.mood, a.text) for a in session.scalars(select(Answer))}
    assert saved == {"mood": (4, None), "blockers": (None, "The build is slow")}


def test_no_prompt_after_the_meeting_started_or_while_away(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    with at(NOW):
        pair.slash_command(BART, "away until 2026-11-30")
    report = outbox.run_pass(FIRST - timedelta(hours=2))
    # Ada is prompted late; her nudge's time has passed and it is 08:00 for her, so it is
    # dropped; Bart is away: neither prompt nor nudge.
    assert (report.sent, report.dropped) == (1, 3)
    report = outbox.run_pass(FIRST + WEEK + timedelta(minutes=5))  # the pass ran late
    with Session(engine) as session:
        prompts = session.scalars(select(Delivery).where(Delivery.kind == "prompt")).all()
    assert len(prompts) == 2  # the second meeting had begun: planned nothing for it
    assert {d.state for d in prompts} == {DeliveryState.SENT, DeliveryState.DROPPED}


def test_skip_this_one_from_the_prompt(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    prompt = prompt_of(simulator, BART)
    with at(FIRST - timedelta(hours=5)):
        pair.block_action(BART, "prompt_skip", prompt["blocks"][-1]["elements"][1]["value"])
        assert "Skipped the 1:1" in shown(simulator.responses[-1])
    assert f"<@{BART}> is skipping your 1:1" in text_of(dm_of(simulator, ADA)[-1]["blocks"])


def test_one_nudge_in_the_thread_only_to_whoever_has_not_answered(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    with at(FIRST - timedelta(hours=6)):
        answer(pair, simulator, ADA, prompt_of(simulator, ADA), open="Roadmap")
    # Bart (Warsaw) is nudged at 12:00 his time, 4 h before; Ada's nudge came due on Monday
    # evening, but she has answered since, so it is dropped.
    report = outbox.run_pass(FIRST - timedelta(hours=4))
    assert (report.sent, report.dropped) == (1, 1)
    (nudge,) = thread_replies(simulator, BART, "nudge")
    assert nudge["thread_ts"] == prompt_of(simulator, BART)["ts"]
    assert "A couple of minutes" in text_of(nudge["blocks"])
    outbox.run_pass(FIRST - timedelta(hours=1))
    assert thread_replies(simulator, ADA, "nudge") == []


def test_the_agenda_gives_the_leader_both_sides_and_the_person_their_own(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    with at(FIRST - timedelta(hours=6)):
        answer(pair, simulator, BART, prompt_of(simulator, BART), open="Career <b>plans</b>")
        answer(pair, simulator, ADA, prompt_of(simulator, ADA), open="Team offsite")
    outbox.run_pass(FIRST - timedelta(hours=1))
    (leaders,) = thread_replies(simulator, ADA, "agenda")
    (members,) = thread_replies(simulator, BART, "agenda")
    assert leaders["thread_ts"] == prompt_of(simulator, ADA)["ts"]
    seen = shown(leaders["blocks"])
    assert "Career &lt;b&gt;plans&lt;/b&gt;" in seen
    assert "Team offsite" in seen
    assert "Team offsite" not in shown(members["blocks"])
    assert "Career &lt;b&gt;plans&lt;/b&gt;" in shown(members["blocks"])
    with at(FIRST - timedelta(minutes=30)):
        on_demand = pair.command(ADA, f"agenda <@{BART}>")
        assert "Career &lt;b&gt;plans&lt;/b&gt;" in shown(on_demand["blocks"])
        outsider = pair.command(CAROL, f"agenda <@{BART}>")
        assert "Career" not in shown(outsider)
        assert "You have no 1:1 with" in shown(outsider)


def test_answering_before_the_prompt_arrives_and_editing_after_it_began(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox, engine: Engine
) -> None:
    with at(FIRST - timedelta(days=3)):
        agenda = pair.command(BART, f"agenda <@{ADA}>")
        button = agenda["blocks"][-1]["elements"][0]
        assert button["action_id"] == "prompt_answer"
        pair.block_action(BART, "prompt_answer", button["value"])
        view = simulator.calls_to("views.open")[-1].response["view"]
        pair.view_submission(BART, view, {"open": {"open": {"value": "Early thoughts"}}})
    outbox.run_pass(FIRST - timedelta(hours=24))
    assert "Early thoughts" in shown(prompt_of(simulator, BART)["blocks"])
    with at(FIRST + timedelta(minutes=5)):
        pair.block_action(BART, "prompt_answer", button["value"])
        view = simulator.calls_to("views.open")[-1].response["view"]
        pair.view_submission(BART, view, {"open": {"open": {"value": "Second thoughts"}}})
        seen = shown(pair.command(ADA, f"history <@{BART}>"))
    assert "Second thoughts (edited after the meeting began)" in seen


def test_remind_me_later_within_working_hours_once(
    pair: SlackClient, simulator: SlackSimulator, outbox: Outbox
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))  # Monday 10:00 New York, 16:00 Warsaw
    prompt = prompt_of(simulator, ADA)
    select_ = prompt["blocks"][-1]["elements"][2]
    assert select_["action_id"] == "prompt_snooze"
    meeting_id = select_["options"][0]["value"].split(":")[0]
    with at(FIRST - timedelta(hours=19)):  # Monday 15:00 New York
        pair.block_action(ADA, "prompt_snooze", selected=f"{meeting_id}:1h")
    four_pm = int((FIRST - timedelta(hours=18)).timestamp())
    assert f"I'll remind you <!date^{four_pm}^" in shown(simulator.responses[-1])
    outbox.run_pass(FIRST - timedelta(hours=18))
    outbox.run_pass(FIRST - timedelta(hours=16))  # the planned nudge's time: replaced
    (reminder,) = thread_replies(simulator, ADA, "nudge")  # hers replaced the planned one
    assert reminder["thread_ts"] == prompt["ts"]
    with at(FIRST - timedelta(hours=18)):  # Monday 22:00 in Warsaw: quiet hours
        pair.block_action(BART, "prompt_snooze", selected=f"{meeting_id}:1h")
    nine_warsaw = int((FIRST - timedelta(hours=7)).timestamp())  # Tuesday 09:00 Warsaw
    assert f"I'll remind you <!date^{nine_warsaw}^" in shown(simulator.responses[-1])
    with at(FIRST - timedelta(hours=14)):  # Monday 20:00 New York
        pair.block_action(ADA, "prompt_snooze", selected=f"{meeting_id}:3h")
    assert "too close to the agenda" in shown(simulator.responses[-1])
    pair.block_action("UCAROL00001", "prompt_snooze", selected=f"{meeting_id}:1h")
    assert "Only the two people" in shown(simulator.responses[-1])
