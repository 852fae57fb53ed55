"""Suggest another time: the invited person proposes, the leader accepts or keeps their time."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.models import Pairing, PairingStatus
from bot.simulator import SlackClient, SlackSimulator
from tests.conftest import at
from tests.integration.drive import ADA, BART, NOW, dm_of, schedule, shown, text_of


def invited(slack: SlackClient, simulator: SlackSimulator) -> tuple[dict, str]:
    schedule(slack, f"<@{BART}> weekly on Tuesday at 10:00")
    invitation = dm_of(simulator, BART)[0]
    buttons = invitation["blocks"][-1]["elements"]
    assert [b["action_id"] for b in buttons] == ["invitation_accept", "invitation_suggest"]
    return invitation, buttons[1]["value"]


def suggest(slack: SlackClient, simulator: SlackSimulator, pairing_id: str, words: str):
    slack.block_action(BART, "invitation_suggest", pairing_id)
    view = simulator.calls_to("views.open")[-1].response["view"]
    assert view["callback_id"] == "suggest_form"
    assert "weekly on Tuesday at 10:00 in New York" in shown(view)
    before = len(simulator.calls)
    answer = slack.view_submission(BART, view, {"when": {"when": {"value": words}}})
    # His zone is the one kept for him: nothing asks Slack before the form's ack.
    assert "users.info" not in [c.method for c in simulator.calls[before:]]
    return answer


def pairing(engine: Engine) -> Pairing:
    with Session(engine) as session:
        found = session.scalars(select(Pairing)).one()
        session.expunge(found)
        return found


@at(NOW)
def test_a_suggestion_the_leader_accepts_starts_the_1_1_then(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    _, pairing_id = invited(slack, simulator)
    answer = suggest(slack, simulator, pairing_id, "every other Thursday at 9:00")
    assert (answer.status, answer.body) == (200, b"")
    assert "I've asked" in dm_of(simulator, BART)[-1]["text"]
    proposal = dm_of(simulator, ADA)[-1]
    shown = text_of(proposal["blocks"])
    # Bart's 09:00 in Warsaw, read by Ada in New York.
    assert (
        "every other Thursday at 03:00 your time (every 2 weeks on Thursday at 09:00 in Warsaw)"
        in shown
    )
    accept = proposal["blocks"][-1]["elements"][0]
    slack.block_action(BART, "proposal_accept", accept["value"])  # not Bart's to answer
    assert pairing(engine).status is PairingStatus.INVITED
    slack.block_action(ADA, "proposal_accept", accept["value"])
    agreed = pairing(engine)
    assert (agreed.status, agreed.zone, agreed.interval) == (
        PairingStatus.ACTIVE,
        "Europe/Warsaw",
        2,
    )
    assert f"<@{ADA}> agreed" in text_of(dm_of(simulator, BART)[-1]["blocks"])


@at(NOW)
def test_a_declined_suggestion_leaves_the_invitation_open(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    _, pairing_id = invited(slack, simulator)
    suggest(slack, simulator, pairing_id, "weekly on Friday at 11:00")
    proposal = dm_of(simulator, ADA)[-1]
    slack.block_action(ADA, "proposal_decline", proposal["blocks"][-1]["elements"][1]["value"])
    kept = pairing(engine)
    assert (kept.status, kept.weekday, kept.suggested) == (PairingStatus.INVITED, 1, None)
    assert "still open" in text_of(dm_of(simulator, BART)[-1]["blocks"])
    slack.block_action(BART, "invitation_accept", pairing_id)
    assert pairing(engine).status is PairingStatus.ACTIVE


@at(NOW)
def test_a_nonsense_suggestion_is_shown_in_the_form_and_changes_nothing(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    _, pairing_id = invited(slack, simulator)
    for words in ("whenever", "weekly on blursday", "<!channel>", "x" * 5000):
        answer = suggest(slack, simulator, pairing_id, words)
        assert answer.json()["response_action"] == "errors"
        assert len(answer.json()["errors"]["when"]) <= 150
    assert pairing(engine).suggested is None
    assert len(dm_of(simulator, ADA)) == 0
