"""`/oneonone schedule` with no words opens a form; submitting it schedules the 1:1."""

from __future__ import annotations

import json

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.models import Pairing
from bot.simulator import SlackClient, SlackSimulator
from tests.conftest import at
from tests.integration.drive import ADA, BART, NOW, dm_of, text_of


def open_form(slack: SlackClient, simulator: SlackSimulator, text: str = "schedule") -> dict:
    assert slack.command(ADA, text) == {}  # no answer: a form
    (call,) = simulator.calls_to("views.open")
    assert call.response["ok"], call.response
    return call.response["view"]


def values(
    person: str | None = BART,
    zone: str = "America/New_York",
    start: str | None = None,
    **chosen: str,
) -> dict:
    """A submission as Slack sends it; `chosen` overrides a select (cadence, weekday, minutes)
    or the time, as a forged submission could."""

    def pick(block: str, value: str) -> dict:
        return {"selected_option": {"value": chosen.get(block, value)}}

    state = {
        "person": {"person": {"selected_user": person}},
        "cadence": {"cadence": pick("cadence", "every 2 weeks")},
        "weekday": {"weekday": pick("weekday", "Thursday")},
        "time": {"time": {"selected_time": chosen.get("time", "15:30")}},
        "minutes": {"minutes": pick("minutes", "45")},
        "zone": {"zone": {"value": zone}},
        "start": {"start": {"selected_date": start}},
    }
    return state


def pairings(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Pairing))


@at(NOW)
def test_the_form_defaults_to_the_schedulers_timezone(
    slack: SlackClient, simulator: SlackSimulator
) -> None:
    view = open_form(slack, simulator)
    zone = next(b for b in view["blocks"] if b["block_id"] == "zone")
    assert zone["element"]["initial_value"] == "America/New_York"
    person = next(b for b in view["blocks"] if b["block_id"] == "person")
    assert "initial_user" not in person["element"]


@at(NOW)
def test_only_a_person_prefills_the_form(slack: SlackClient, simulator: SlackSimulator) -> None:
    view = open_form(slack, simulator, f"schedule <@{BART}|bart>")
    person = next(b for b in view["blocks"] if b["block_id"] == "person")
    assert person["element"]["initial_user"] == BART


@at(NOW)
def test_submitting_schedules_and_invites(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    view = open_form(slack, simulator)
    answer = slack.view_submission(ADA, view, values(start="2026-12-03"))
    assert (answer.status, answer.body) == (200, b"")
    with Session(engine) as session:
        pairing = session.scalars(select(Pairing)).one()
        assert (pairing.interval, pairing.weekday, pairing.minutes) == (2, 3, 45)
        assert str(pairing.start) == "2026-12-03"
    assert "every 2 weeks on Thursday at 15:30" in text_of(dm_of(simulator, ADA)[0]["blocks"])
    assert "would like a regular 1:1" in text_of(dm_of(simulator, BART)[0]["blocks"])


@at(NOW)
def test_a_bad_form_shows_errors_and_changes_nothing(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    view = open_form(slack, simulator)
    for state, block, words in [
        (values(person=None), "person", "Choose whom"),
        (values(person=ADA), "person", "yourself"),
        (values(zone="Mars/Olympus"), "zone", "timezone"),
        (values(zone="<!channel>"), "zone", "timezone"),
        (values(start="2029-01-01"), "start", "next year"),
        # Values no option offers: the form builds the schedule from its fields, so each
        # is refused on its own field.
        (values(cadence="every 9 weeks"), "cadence", "how often"),
        (values(weekday="Blursday"), "weekday", "day of the week"),
        (values(minutes="1000"), "minutes", "how long"),
        (values(time="25:00"), "time", "not a time of day"),
        (values(start="2026-02-30"), "start", "not a date"),
    ]:
        answer = slack.view_submission(ADA, view, state)
        assert answer.status == 200
        body = answer.json()
        assert body["response_action"] == "errors"
        assert words in body["errors"][block], json.dumps(body)
    assert pairings(engine) == 0
    assert simulator.calls_to("chat.postMessage") == []


@at(NOW)
def test_a_monthly_choice_is_stored_as_its_week_of_the_month(
    slack: SlackClient, simulator: SlackSimulator, engine: Engine
) -> None:
    view = open_form(slack, simulator)
    state = values(zone="EST", cadence="monthly on the last", weekday="Friday")
    assert slack.view_submission(ADA, view, state).status == 200
    with Session(engine) as session:
        pairing = session.scalars(select(Pairing)).one()
        assert (pairing.frequency, pairing.positions, pairing.weekday) == ("monthly", "-1", 4)
        assert pairing.zone == "America/New_York"  # EST is New York, with its summer time
    assert "monthly on the last Friday at 15:30" in text_of(dm_of(simulator, ADA)[0]["blocks"])
