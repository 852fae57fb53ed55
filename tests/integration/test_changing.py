"""Changing a running 1:1: skip, pause, resume, reschedule, cancel, away, and who may do what."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import Outbox
from bot.models import Meeting, MeetingStatus, Pairing, PairingStatus, Profile
from bot.simulator import SlackClient, SlackSimulator
from bot.simulator.blockkit import block_errors
from tests.conftest import at
from tests.integration.drive import ADA, BART, NOW, dm_of, schedule, text_of

CAROL = "UCAROL00001"


@pytest.fixture
def running(slack: SlackClient, simulator: SlackSimulator) -> SlackClient:
    """Ada leads a weekly 1:1 with Bart (Tuesdays 10:00 New York), accepted."""
    simulator.add_user(CAROL, "carol", "Europe/Warsaw")
    with at(NOW):
        schedule(slack, f"<@{BART}> weekly on Tuesday at 10:00")
        pairing_id = dm_of(simulator, BART)[0]["blocks"][-1]["elements"][0]["value"]
        slack.block_action(BART, "invitation_accept", pairing_id)
    return slack


def say(slack: SlackClient, user: str, text: str) -> str:
    body = slack.command(user, text)
    assert body["response_type"] == "ephemeral"
    assert block_errors(body["blocks"]) == []
    return text_of(body["blocks"])


def meetings(engine: Engine) -> list[tuple[str, MeetingStatus]]:
    with Session(engine) as session:
        rows = session.execute(
            select(Meeting.starts_at, Meeting.status).order_by(Meeting.starts_at)
        )
        return [(at.strftime("%m-%d %H:%M"), status) for at, status in rows]


def away(engine: Engine, user_id: str) -> date | None:
    with Session(engine) as session:
        return session.scalar(select(Profile.away_until).where(Profile.user_id == user_id))


def status(engine: Engine) -> PairingStatus:
    with Session(engine) as session:
        return session.scalars(select(Pairing.status)).one()


@at(NOW)
def test_either_person_skips_the_next_one_only(
    running: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    reply = say(running, BART, f"skip <@{ADA}>")
    assert "Skipped the 1:1 on <!date^1795532400^" in reply
    assert meetings(engine) == [
        ("11-24 15:00", MeetingStatus.SKIPPED),
        ("12-01 15:00", MeetingStatus.SCHEDULED),
        ("12-08 15:00", MeetingStatus.SCHEDULED),
    ]
    told = text_of(dm_of(simulator, ADA)[-1]["blocks"])
    assert f"<@{BART}> is skipping your 1:1" in told
    assert "only that one" in told
    assert "Skipped the 1:1 on <!date^1796137200^" in say(running, ADA, f"skip <@{BART}>")


@at(NOW)
def test_only_the_leader_pauses_resumes_and_reschedules(
    running: SlackClient, engine: Engine
) -> None:
    for verb in ("pause", "resume", "reschedule"):
        reply = say(running, BART, f"{verb} <@{ADA}> weekly on Friday at 11:00")
        assert f"Only <@{ADA}> can {verb} this 1:1." in reply
    assert status(engine) is PairingStatus.ACTIVE
    assert "Paused" in say(running, ADA, f"pause <@{BART}>")
    assert status(engine) is PairingStatus.PAUSED
    assert "not running" in say(running, ADA, f"pause <@{BART}>")
    assert "running again" in say(running, ADA, f"resume <@{BART}>")
    assert status(engine) is PairingStatus.ACTIVE


@at(NOW)
def test_someone_else_changes_nothing(running: SlackClient, engine: Engine) -> None:
    for verb in ("skip", "pause", "cancel", "reschedule"):
        reply = say(running, CAROL, f"{verb} <@{BART}> weekly on Friday")
        assert "You have no 1:1 with Bart Kowalski to change." in reply
    assert status(engine) is PairingStatus.ACTIVE
    assert all(s is MeetingStatus.SCHEDULED for _, s in meetings(engine))


@at(NOW)
def test_rescheduling_moves_what_is_ahead_and_tells_the_person(
    running: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    reply = say(running, ADA, f"reschedule <@{BART}> every other Thursday at 15:30")
    assert "Moved: your 1:1 is now every 2 weeks on Thursday at 15:30." in reply
    assert meetings(engine) == [
        ("11-26 20:30", MeetingStatus.SCHEDULED),
        ("12-10 20:30", MeetingStatus.SCHEDULED),
        ("12-24 20:30", MeetingStatus.SCHEDULED),
    ]
    told = text_of(dm_of(simulator, BART)[-1]["blocks"])
    assert (
        f"<@{ADA}> moved your 1:1: it is now every other Thursday at 21:30 your time "
        "(every 2 weeks on Thursday at 15:30 in New York)."
    ) in told
    assert "`25:99`" in say(running, ADA, f"reschedule <@{BART}> weekly on Friday at 25:99")
    assert "say the new schedule" in say(running, ADA, f"reschedule <@{BART}>")


@pytest.mark.parametrize("when", ["2026-11-25T03:00:00Z", "2026-11-24T20:00:00Z"])
def test_starting_tomorrow_is_tomorrow_where_the_leader_is(
    running: SlackClient, engine: Engine, when: str
) -> None:
    """22:00 and 15:00 on Tuesday in New York (the first is Wednesday in UTC): "tomorrow" is
    Wednesday 25 November both times, so the first meeting is that Wednesday's."""
    with at(when):
        say(running, ADA, f"reschedule <@{BART}> weekly on Wednesday at 10:00 starting tomorrow")
    assert ("11-25 15:00", MeetingStatus.SCHEDULED) in meetings(engine)  # not Dec 2


@at(NOW)
def test_cancelling_asks_first_then_ends_kindly_and_keeps_history(
    running: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    answer = running.command(BART, f"cancel <@{ADA}>")
    assert "End your regular 1:1" in text_of(answer["blocks"])
    assert status(engine) is PairingStatus.ACTIVE  # nothing changes before the button
    button = answer["blocks"][-1]["elements"][0]
    assert button["style"] == "danger"
    running.block_action(CAROL, "pairing_end", button["value"])
    assert status(engine) is PairingStatus.ACTIVE
    running.block_action(BART, "pairing_end", button["value"])
    assert status(engine) is PairingStatus.ENDED
    assert len(meetings(engine)) == 3  # history is kept
    told = text_of(dm_of(simulator, ADA)[-1]["blocks"])
    assert f"<@{BART}> has ended your regular 1:1" in told
    assert "Thank you" in told
    assert "You have no 1:1 with" in say(running, ADA, f"skip <@{BART}>")
    assert "set up" in say(running, ADA, f"schedule <@{BART}> weekly on Monday at 9:00")


@at(NOW)
@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("away", "Say `away until 2026-12-24`"),
        ("away until someday", "not a date I can read"),
        ("away until 2026-11-01", "has passed"),
        ("away until 2028-11-01", "within the next year"),
        ("away until <!channel>", "not a date"),
    ],
)
def test_away_refuses_nonsense(running: SlackClient, engine: Engine, text: str, says: str) -> None:
    reply = say(running, BART, text)
    assert says in reply
    assert "<!channel>" not in reply
    with Session(engine) as session:
        assert session.scalars(select(Profile.away_until)).all() == [None, None]


@at(NOW)
def test_away_until_a_date_and_back(running: SlackClient, engine: Engine) -> None:
    assert "until Thursday 24 December 2026" in say(running, BART, "away until 2026-12-24")
    assert away(engine, BART) == date(2026, 12, 24)
    assert away(engine, ADA) is None
    assert "Welcome back" in say(running, BART, "away off")
    assert away(engine, BART) is None


@at(NOW)
@pytest.mark.parametrize("verb", ["skip", "pause", "resume", "cancel", "reschedule"])
def test_a_missing_or_unknown_person_is_a_clear_answer(running: SlackClient, verb: str) -> None:
    assert "as an @mention" in say(running, ADA, verb)
    assert "can't find that person" in say(running, ADA, f"{verb} <@UNOBODY0001>")


@at(NOW)
def test_a_leader_who_moves_timezone_keeps_the_1_1_time_and_is_told_once(
    running: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    def moved(tz: str, event_id: str) -> None:
        user = {"id": ADA, "name": "ada", "tz": tz, "deleted": False}
        event = {"type": "user_change", "user": user, "event_ts": "1.2"}
        assert running.event(event, event_id=event_id).status == 200

    before = len(dm_of(simulator, ADA))
    moved("America/New_York", "Ev1")  # a status change: same zone, nothing said
    assert len(dm_of(simulator, ADA)) == before
    moved("Europe/Lisbon", "Ev2")
    told = text_of(dm_of(simulator, ADA)[-1]["blocks"])
    assert "Your Slack timezone is now Europe/Lisbon" in told
    assert "keeps its time: Tuesdays at 15:00 your time (Tuesdays 10:00 in New York)" in told
    moved("Europe/Lisbon", "Ev3")
    assert len(dm_of(simulator, ADA)) == before + 1
    with Session(engine) as session:
        assert session.scalars(select(Pairing.zone)).one() == "America/New_York"


def test_passes_keep_three_meetings_ahead_as_time_goes_by(
    running: SlackClient, simulator: SlackSimulator, engine: Engine, outbox: Outbox
) -> None:
    later = datetime(2026, 12, 9, 12, 0, tzinfo=UTC)  # three meetings have passed
    outbox.run_pass(later)
    assert [at for at, _ in meetings(engine)][-3:] == ["12-15 15:00", "12-22 15:00", "12-29 15:00"]
    outbox.run_pass(later)  # nothing more to do
    assert len(meetings(engine)) == 6
