"""The App Home: published on app_home_opened and after changes, its buttons work from it,
a refusal there is a small window, and it stays within 100 blocks at any number of 1:1s."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Outbox
from bot.home.blocks import home_view
from bot.home.service import HomeFacts, Invitation, Item, Past, Upcoming
from bot.models import ActionItem, Meeting, MeetingStatus, Pairing, PairingStatus, Profile
from bot.scheduling.cadence import Described
from bot.simulator import SlackClient, SlackSimulator
from bot.simulator.blockkit import view_errors
from tests.conftest import at
from tests.integration.drive import (
    ADA,
    BART,
    CAROL,
    FIRST,
    buttons,
    dm_of,
    home_of,
    opened,
    prompt_of,
    record_notes,
    schedule,
    shown,
    text_of,
)


def test_opening_the_home_shows_an_invitation_to_accept_from_there(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    with at("2026-11-23T14:00:00Z"):
        schedule(slack, f"<@{BART}> weekly on Tuesday at 10:00")
        assert simulator.calls_to("views.publish") == []  # nobody has opened their Home yet
        opened(slack, ADA, "EvHome0")
        opened(slack, BART, "EvHome1")
        home = home_of(simulator, BART)
        assert (
            "would like a regular 1:1 with you, Tuesdays at 16:00 your time "
            "(Tuesdays 10:00 in New York)."
        ) in text_of(home["blocks"])
        (accept,) = buttons(home, "invitation_accept")
        published = len(simulator.calls_to("views.publish"))
        slack.block_action(BART, "invitation_accept", accept["value"], from_home=True)
    with Session(engine) as session:
        assert session.scalars(select(Pairing.status)).one() is PairingStatus.ACTIVE
    # Both homes published again: Bart's shows the 1:1 coming up, Ada's too.
    republished = {c.args["user_id"] for c in simulator.calls_to("views.publish")[published:]}
    assert republished == {ADA, BART}
    barts = text_of(home_of(simulator, BART)["blocks"])
    assert f"*<@{ADA}>* (your lead)" in barts
    assert "would like a regular 1:1" not in barts
    assert f"*<@{BART}>* (you lead)" in text_of(home_of(simulator, ADA)["blocks"])


def test_answer_agenda_and_skip_work_from_the_home(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    with at(FIRST - timedelta(hours=20)):
        opened(pair, ADA, "EvHome2")
        home = home_of(simulator, ADA)
        assert "they haven't prepared yet" in text_of(home["blocks"])
        (answer,) = buttons(home, "prompt_answer")
        pair.block_action(ADA, "prompt_answer", answer["value"], from_home=True)
        form = simulator.calls_to("views.open")[-1].response["view"]
        assert form["callback_id"] == "answer_form"
        pair.view_submission(ADA, form, {"open": {"open": {"value": "The offsite"}}})
        assert "✓ you've prepared" in text_of(home_of(simulator, ADA)["blocks"])
        (agenda,) = buttons(home_of(simulator, ADA), "home_agenda")
        pair.block_action(ADA, "home_agenda", agenda["value"], from_home=True)
        window = simulator.calls_to("views.open")[-1].response["view"]
        assert window["type"] == "modal"
        assert "The offsite" in shown(window["blocks"])
        (skip,) = buttons(home_of(simulator, ADA), "prompt_skip")
        pair.block_action(ADA, "prompt_skip", skip["value"], from_home=True)
    with Session(engine) as session:
        first = session.scalars(select(Meeting).order_by(Meeting.starts_at)).first()
        assert first.status is MeetingStatus.SKIPPED
    assert f"<@{ADA}> is skipping your 1:1" in text_of(dm_of(simulator, BART)[-1]["blocks"])


def test_someone_else_s_buttons_answer_in_a_small_window_and_change_nothing(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    meeting_id = prompt_of(simulator, BART)["blocks"][-1]["elements"][0]["value"]
    for action in ("prompt_skip", "home_agenda", "prompt_answer"):
        pair.block_action(CAROL, action, meeting_id, from_home=True)
        window = simulator.calls_to("views.open")[-1].response["view"]
        assert "Only the two people" in shown(window)
    pair.block_action(CAROL, "prompt_skip", "not-a-number", from_home=True)
    assert "no longer works" in shown(simulator.calls_to("views.open")[-1].response)
    with Session(engine) as session:
        assert MeetingStatus.SKIPPED not in set(session.scalars(select(Meeting.status)))


def test_action_items_tick_off_and_away_is_set_from_the_home(
    pair: SlackClient,
    simulator: SlackSimulator,
    outbox: Outbox,
    engine: Engine,
) -> None:
    outbox.run_pass(FIRST - timedelta(hours=24))
    outbox.run_pass(FIRST + timedelta(minutes=30))
    with at(FIRST + timedelta(hours=1)):
        opened(pair, BART, "EvHome4")
        record_notes(pair, simulator, ADA, item="Send the <b>plan</b>", owner=BART)
        home = home_of(simulator, BART)  # published when the notes were saved
        seen = shown(home["blocks"])
        assert "Send the &lt;b&gt;plan&lt;/b&gt;" in seen
        assert "held" in text_of(home["blocks"])  # the recent meeting
        (done,) = buttons(home, "action_done")
        pair.block_action(BART, "action_done", done["value"], from_home=True)
        assert "Send the" not in shown(home_of(simulator, BART)["blocks"])
        assert buttons(home_of(simulator, BART), "home_away")
        pair.block_action(BART, "home_away", selected_date="2026-12-24", from_home=True)
        assert "away until Thursday 24 December" in text_of(home_of(simulator, BART)["blocks"])
        pair.block_action(BART, "home_away", selected_date="2020-01-01", from_home=True)
        assert "That date has passed" in shown(simulator.calls_to("views.open")[-1].response)
        pair.block_action(BART, "home_away", selected_date="2028-01-01", from_home=True)
        assert "within the next year" in shown(simulator.calls_to("views.open")[-1].response)
        assert "away until Thursday 24 December" in text_of(home_of(simulator, BART)["blocks"])
        (back,) = buttons(home_of(simulator, BART), "home_back")
        pair.block_action(BART, "home_back", back["value"], from_home=True)
    with Session(engine) as session:
        assert session.scalars(select(ActionItem.done_at)).one() is not None
        away_until = session.scalars(select(Profile.away_until).where(Profile.user_id == BART))
        assert away_until.one() is None


def test_settings_questions_and_summary_open_from_the_home(
    pair: SlackClient,
    simulator: SlackSimulator,
) -> None:
    with at("2026-11-23T15:00:00Z"):
        opened(pair, ADA, "EvHome3")
        for action, shows in (
            ("home_settings", "settings_form"),
            ("home_questions", "questions_form"),
            ("home_summary", "Your week in 1:1s"),
        ):
            (found,) = buttons(home_of(simulator, ADA), action)
            pair.block_action(ADA, action, found["value"], from_home=True)
            window = simulator.calls_to("views.open")[-1].response["view"]
            assert view_errors(window) == []
            assert shows in (window.get("callback_id"), window["title"]["text"])


NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("count", [0, 1, 200])
def test_the_home_stays_within_100_blocks_at_any_number_of_1_1s(count: int) -> None:
    facts = HomeFacts(
        upcoming=[
            Upcoming(n, f"U{n:09d}", n % 2 == 0, NOW + timedelta(hours=n), n % 3 == 0, False)
            for n in range(count)
        ],
        invitations=[
            Invitation(n, f"U{n:09d}", Described("weekly on Tuesday at 10:00"))
            for n in range(count)
        ],
        waiting_for=[f"U{n:09d}" for n in range(count)],
        paused=[f"U{n:09d}" for n in range(count)],
        items=[Item(n, "<!channel> " + "x" * 290, date(2026, 12, 1), "U1") for n in range(count)],
        history=[
            Past(f"U{n:09d}", [(NOW - timedelta(days=7 * k), MeetingStatus.HELD) for k in range(4)])
            for n in range(count)
        ],
        away_until=date(2026, 12, 24) if count else None,
    )
    view = home_view(facts)
    assert view_errors(view) == []
    assert len(view["blocks"]) <= 100
    seen = shown(view)
    assert "<!channel>" not in seen
    if count == 200:
        assert "…and 188 more" in seen  # twelve of 200 coming up are seen
