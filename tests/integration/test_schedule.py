"""`/oneonone schedule`, the invitation and Accept, end to end over signed HTTP requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Outbox
from bot.models import Delivery, DeliveryState, Meeting, Pairing, PairingStatus
from bot.simulator import SlackClient, SlackSimulator
from bot.simulator.blockkit import block_errors
from tests.conftest import at
from tests.integration import ExpectLog
from tests.integration.drive import ADA, BART, NOW, dm_of, schedule, shown, text_of


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


@at(NOW)
def test_scheduling_invites_warmly_and_says_when(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    body = schedule(slack, f"<@{BART}|bart> weekly on Tuesday at 10:00")
    shown = text_of(body["blocks"])
    assert "is set up: weekly on Tuesday at 10:00." in shown  # Ada's own zone: her own words
    # The next three, as date tokens each reader sees in their own timezone.
    assert shown.count("<!date^") == 3
    assert "<!date^1795532400^" in shown  # today 10:00 New York = 15:00 UTC
    (invitation,) = dm_of(simulator, BART)
    words = text_of(invitation["blocks"])
    assert f"<@{ADA}> would like a regular 1:1 with you" in words
    assert "Only the two of you" in words
    assert "public channel" in words
    assert "<!date^1795532400^" in words
    assert invitation["metadata"]["event_payload"]["kind"] == "invitation"
    assert dm_of(simulator, ADA) == []
    with Session(engine) as session:
        pairing = session.scalars(select(Pairing)).one()
        assert (pairing.leader_id, pairing.member_id, pairing.status) == (
            ADA,
            BART,
            PairingStatus.INVITED,
        )
        assert session.scalars(select(Delivery.state)).all() == [DeliveryState.SENT]
    assert count(engine, Meeting) == 0  # nothing is planned until they accept


@at(NOW)
def test_the_reply_says_how_ambiguous_words_were_read(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    """A bare "3:30" is the afternoon, "EST" is New York with its summer time, and "monthly
    on Friday" is the first Friday: each reading is said back in words (issue 13)."""
    body = schedule(slack, f"<@{BART}|bart> monthly on Friday at 3:30 EST")
    shown = text_of(body["blocks"])
    assert "is set up: monthly on the first Friday at 15:30." in shown
    assert "I read 3:30 as 15:30 (the afternoon)" in shown
    assert "I read EST as New York time, which keeps its summer time." in shown
    assert "“monthly on Friday” is the first Friday of each month." in shown
    with Session(engine) as session:
        pairing = session.scalars(select(Pairing)).one()
        assert (pairing.zone, pairing.positions, pairing.monthday) == (
            "America/New_York",
            "1",
            None,
        )
    words = text_of(dm_of(simulator, BART)[0]["blocks"])
    assert "I read" not in words  # how Ada's words were read is said to Ada only


@at(NOW)
def test_accepting_makes_the_meetings_and_tells_the_leader(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    schedule(slack, f"<@{BART}> every other Friday at 4pm")
    (invitation,) = dm_of(simulator, BART)
    pairing_id = invitation["blocks"][-1]["elements"][0]["value"]
    answer = slack.block_action(BART, "invitation_accept", pairing_id, message=invitation)
    assert answer.status == 200
    assert simulator.responses[-1]["replace_original"] is True
    assert "You accepted the 1:1" in shown(simulator.responses[-1])
    (news,) = dm_of(simulator, ADA)
    assert f"Good news: <@{BART}> accepted" in text_of(news["blocks"])
    with Session(engine) as session:
        pairing = session.scalars(select(Pairing)).one()
        assert pairing.status is PairingStatus.ACTIVE
        starts = [m.starts_at.isoformat() for m in pairing.meetings]
    assert starts == [
        "2026-11-27T21:00:00+00:00",
        "2026-12-11T21:00:00+00:00",
        "2026-12-25T21:00:00+00:00",
    ]
    # A second click changes nothing and tells nobody again.
    slack.block_action(BART, "invitation_accept", pairing_id, message=invitation)
    assert len(dm_of(simulator, ADA)) == 1
    assert count(engine, Meeting) == 3


@at(NOW)
def test_only_the_invited_person_can_accept(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    schedule(slack, f"<@{BART}> weekly on Monday at 9:00")
    pairing_id = dm_of(simulator, BART)[0]["blocks"][-1]["elements"][0]["value"]
    slack.block_action(ADA, "invitation_accept", pairing_id)
    assert "not yours to accept" in shown(simulator.responses[-1])
    slack.block_action(BART, "invitation_accept", "not-a-number")
    assert "no longer works" in shown(simulator.responses[-1])
    with Session(engine) as session:
        assert session.scalars(select(Pairing.status)).one() is PairingStatus.INVITED


@at(NOW)
def test_list_shows_both_sides(slack: SlackClient, simulator: SlackSimulator) -> None:
    assert "You have no 1:1s yet" in text_of(slack.command(ADA, "list")["blocks"])
    schedule(slack, f"<@{BART}> weekly on Tuesday at 10:00")
    pairing_id = dm_of(simulator, BART)[0]["blocks"][-1]["elements"][0]["value"]
    assert "invited" in text_of(slack.command(ADA, "list")["blocks"])
    slack.block_action(BART, "invitation_accept", pairing_id)
    leader_view = text_of(slack.command(ADA, "list")["blocks"])
    member_view = text_of(slack.command(BART, "list")["blocks"])
    assert f"<@{BART}> (weekly on Tuesday at 10:00): next <!date^1795532400^" in leader_view
    # Bart reads the weekday and time where he is, and the 1:1's own zone beside it.
    assert (
        f"<@{ADA}> (Tuesdays at 16:00 your time (Tuesdays 10:00 in New York)): "
        "next <!date^1795532400^"
    ) in member_view
    assert "From Mar 16 to Mar 23, and on Nov 2, it is Tuesday 15:00 your time" in member_view


@pytest.fixture
def people(simulator: SlackSimulator) -> SlackSimulator:
    simulator.add_user("UROBOT00001", "robot", is_bot=True)
    simulator.add_user("UGONE000001", "gone", deleted=True)
    simulator.add_user("UOTHER00001", "stranger", team_id="T0ELSEWHERE")
    return simulator


@at(NOW)
@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("weekly on Tuesday at 10:00", "say who the 1:1 is with"),
        (f"<@{BART}> <@{ADA}> weekly on Tuesday", "one person at a time"),
        (f"<@{ADA}> weekly on Tuesday at 10:00", "with yourself"),
        ("<@UROBOT00001> weekly on Tuesday at 10:00", "is a bot"),
        ("<@UGONE000001> weekly on Tuesday at 10:00", "deactivated"),
        ("<@UOTHER00001> weekly on Tuesday at 10:00", "another workspace"),
        ("<@UNOBODY0001> weekly on Tuesday at 10:00", "can't find that person"),
        (f"<@{BART}> weekly on Tuesday at 25:99", "`25:99`"),
        (f"<@{BART}> weekly on blursday", "`blursday`"),
        (f"<@{BART}> weekly on Tuesday in Mars/Olympus", "`Mars/Olympus`"),
        (f"<@{BART}> weekly on Tuesday starting 2028-06-01", "within the next year"),
        (f"<@{BART}> weekly on Tuesday <!channel>", "`&lt;!channel&gt;`"),
        (f"<@{BART}> " + "every " * 1000, "I couldn't use `every`"),
    ],
)
def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    slack: SlackClient, people: SlackSimulator, engine: Engine, text: str, says: str
) -> None:
    body = schedule(slack, text)
    shown = text_of(body["blocks"])
    assert says in shown
    if "For example" not in shown:
        pytest.fail(f"no examples in {shown!r}")
    assert "<!channel>" not in shown
    assert count(engine, Pairing) == 0
    assert count(engine, Delivery) == 0
    assert people.calls_to("chat.postMessage") == []


@at(NOW)
def test_an_existing_pair_is_pointed_at_reschedule(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    schedule(slack, f"<@{BART}> weekly on Tuesday at 10:00")
    again = text_of(schedule(slack, f"<@{BART}> weekly on Friday at 10:00")["blocks"])
    assert "already have a 1:1" in again
    assert "reschedule" in again
    the_other_way = text_of(schedule(slack, f"<@{ADA}> weekly on Friday", user=BART)["blocks"])
    assert "already have a 1:1" in the_other_way
    assert count(engine, Pairing) == 1
    assert len(dm_of(simulator, BART)) == 1


@at(NOW)
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(noise=st.text(max_size=300))
def test_any_text_gets_a_200_and_an_ephemeral_reply_or_the_form(
    slack: SlackClient, simulator: SlackSimulator, noise: str
) -> None:
    for text in (noise, f"schedule {noise}", f"schedule <@{BART}> {noise}"):
        forms = len(simulator.calls_to("views.open"))
        body = slack.command(ADA, text)
        if not body:  # nothing but the person (or nothing at all): the form opened
            assert len(simulator.calls_to("views.open")) == forms + 1
            assert simulator.calls_to("views.open")[-1].response["ok"]
            continue
        assert body["response_type"] == "ephemeral"
        assert block_errors(body["blocks"]) == []


@at(NOW)
def test_someone_who_cannot_be_reached_pauses_the_1_1_and_the_leader_hears_once(
    slack: SlackClient,
    simulator: SlackSimulator,
    engine: Engine,
    outbox: Outbox,
    expect_log: ExpectLog,
) -> None:
    expect_log("outcome=failed .* error=account_inactive")
    simulator.fail("chat.postMessage", error="account_inactive")
    schedule(slack, f"<@{BART}> weekly on Tuesday at 10:00")
    with Session(engine) as session:
        assert session.scalars(select(Pairing.status)).one() is PairingStatus.PAUSED
        kinds = dict(session.execute(select(Delivery.kind, Delivery.state)).all())
    assert kinds == {"invitation": DeliveryState.FAILED, "notice": DeliveryState.PENDING}
    assert outbox.run_pass(outbox.clock.now()).sent == 1
    (notice,) = dm_of(simulator, ADA)
    assert f"I can't reach <@{BART}>" in text_of(notice["blocks"])
    assert notice["metadata"]["event_payload"]["kind"] == "notice"
    assert outbox.run_pass(outbox.clock.now()).sent == 0


def test_many_commands_at_once_from_a_new_leader_lose_nothing(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    """Found by the benchmark: two first requests of one person at once once raced to
    create their profile, and one command was lost."""
    people = [f"UPERSON{n:04d}" for n in range(12)]
    for person in people:
        simulator.add_user(person, person.lower(), "Europe/Warsaw")
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(
            pool.map(
                lambda p: slack.command(ADA, f"schedule <@{p}> weekly on Monday at 9:00"), people
            )
        )
    assert all("is set up" in text_of(reply["blocks"]) for reply in replies)
    assert count(engine, Pairing) == len(people)
