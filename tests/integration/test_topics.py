"""Topics for the next 1:1 (command and message shortcut) and the pair's history."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Outbox
from bot.models import Topic
from bot.simulator import SlackClient, SlackSimulator
from tests.conftest import at
from tests.integration.drive import (
    ADA,
    BART,
    CAROL,
    FIRST,
    answer,
    prompt_of,
    shown,
    thread_replies,
)


def say(slack: SlackClient, user: str, text: str) -> str:
    return shown(slack.command(user, text))


def test_topics_reach_the_next_agenda_shared_or_private(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
) -> None:
    with at(FIRST - timedelta(days=1)):
        assert "you'll both see it" in say(pair, BART, f"topic <@{ADA}> The <!channel> offsite")
        # Typed as it reads; Slack sends it escaped (&amp; &lt;), and it is kept as typed.
        assert "you'll both see it" in say(pair, BART, f"topic <@{ADA}> Tom & Jerry <3")
        assert "only you will see it" in say(pair, ADA, f"topic <@{BART}> private: his raise")
        assert "Say what the topic is" in say(pair, ADA, f"topic <@{BART}>")
        assert "You have no 1:1 with" in say(pair, CAROL, f"topic <@{BART}> gossip")
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST - timedelta(hours=1))
    adas = shown(thread_replies(simulator, ADA, "agenda")[-1]["blocks"])
    barts = shown(thread_replies(simulator, BART, "agenda")[-1]["blocks"])
    assert "The @channel offsite" in adas  # words now: nobody is pinged
    assert "The @channel offsite" in barts
    assert "<!channel>" not in adas
    assert "Tom &amp; Jerry &lt;3" in adas  # escaped once, so Slack shows "Tom & Jerry <3"
    assert "&amp;amp;" not in adas
    assert "his raise" in adas
    assert "his raise" not in barts


def test_the_message_shortcut_adds_a_topic(
    pair: SlackClient,
    simulator: SlackSimulator,
    engine: Engine,
) -> None:
    with at(FIRST - timedelta(days=1)):
        answer_ = pair.message_shortcut(BART, "add_to_next_1_1", "Can we talk about <#C1|ops>?")
        assert answer_.status == 200
        view = simulator.calls_to("views.open")[-1].response["view"]
        assert "Can we talk about" in shown(view)
        values = {
            "person": {"person": {"selected_user": ADA}},
            "text": {"text": {"value": "Can we talk about ops?"}},
            "shared": {"shared": {"selected_option": {"value": "shared"}}},
        }
        assert pair.view_submission(BART, view, values).body == b""
        stranger = pair.view_submission(
            CAROL, view, {**values, "person": {"person": {"selected_user": BART}}}
        )
        assert stranger.json()["errors"]["person"] == "You have no 1:1 with them."
    with Session(engine) as session:
        (topic,) = session.scalars(select(Topic)).all()
        assert (topic.author_id, topic.text, topic.shared) == (BART, "Can we talk about ops?", True)


def test_history_for_the_two_people_only(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    with at(FIRST - timedelta(hours=5)):
        answer(pair, simulator, BART, prompt_of(simulator, BART), open="Feeling stretched")
    with at(FIRST + timedelta(days=2)):
        assert "Feeling stretched" in say(pair, ADA, f"history <@{BART}>")
        assert "Feeling stretched" in say(pair, BART, f"history <@{ADA}>")
        outsider = say(pair, CAROL, f"history <@{BART}>")
        assert "Feeling stretched" not in outsider
        assert "You have no 1:1 with" in outsider
