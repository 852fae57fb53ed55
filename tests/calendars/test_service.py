"""The calendar feed as a calendar reads it: every file is parsed with `icalendar`, and each
series is expanded from its RRULE with dateutil in the event's own zone (as calendar apps do,
RFC 5545) over a year that crosses both DST changes, then compared with our own meetings:
skipped ones are EXDATEs, an ended 1:1 is CANCELLED, and SEQUENCE rises with each change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.calendars import service as calendars
from bot.models import Answer, Pairing
from bot.scheduling import service as pairings
from bot.scheduling.cadence import occurrences
from bot.scheduling.grammar import parse_schedule
from tests.conftest import PAIR_LEADER, PAIR_MEMBER, PAIR_TEAM, start_pair

TEAM, ADA, BART = PAIR_TEAM, PAIR_LEADER, PAIR_MEMBER
NOW = datetime(2027, 2, 26, 12, 0, tzinfo=UTC)
YEAR_END = NOW + timedelta(days=366)  # crosses March's and November's DST changes


def running(engine: Engine, words: str, zone: str = "America/New_York") -> int:
    """Ada (in `zone`) leads a 1:1 with Bart (Warsaw) on `words`, accepted at NOW."""
    return start_pair(engine, words, zone=zone, now=NOW)[0]


def feed(engine: Engine, user_id: str = BART) -> Calendar:
    with Session(engine) as session:
        return Calendar.from_ical(calendars.feed(session, team_id=TEAM, user_id=user_id))


def expanded(event) -> list[datetime]:
    """What a calendar shows of one VEVENT up to YEAR_END, as UTC instants."""
    start = event.decoded("dtstart")
    zone = start.tzinfo
    if "RRULE" not in event:
        return [start.astimezone(UTC)]
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start.replace(tzinfo=None))
    skipped = set()
    exdates = event.get("EXDATE")
    for group in exdates if isinstance(exdates, list) else [exdates] if exdates else []:
        skipped |= {d.dt.astimezone(UTC) for d in group.dts}
    local_end = YEAR_END.astimezone(zone).replace(tzinfo=None)
    shown = [
        naive.replace(tzinfo=zone).astimezone(UTC)
        for naive in rule.between(start.replace(tzinfo=None), local_end, inc=True)
    ]
    return [moment for moment in shown if moment not in skipped]


def ours(engine: Engine, pairing_id: int) -> list[datetime]:
    """Our own meetings up to YEAR_END: the cadence's occurrences, minus the skipped ones."""
    with Session(engine) as session:
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        skipped = {
            m.starts_at for m in pairing.meetings if m.status.value in ("skipped", "cancelled")
        }
        schedule = pairings.schedule_of(pairing)
        start = datetime.combine(schedule.start, datetime.min.time(), tzinfo=UTC) - timedelta(
            days=1
        )
        every = occurrences(schedule, after=start, count=80)
    return [m for m in every if m <= YEAR_END and m not in skipped]


@pytest.mark.parametrize(
    ("words", "zone"),
    [
        ("weekly on Tuesday at 10:00", "America/New_York"),
        ("every 2 weeks on Thursday at 9am", "America/New_York"),
        ("the first and third Friday of each month at 16:00", "Europe/Warsaw"),
        ("monthly on the 31st at 10:00", "America/New_York"),
        ("last Friday of every month at 02:30", "America/New_York"),  # 02:30 is gone in March
        ("weekly on Sunday at 01:30", "America/New_York"),  # 01:30 happens twice in November
    ],
)
def test_the_series_shows_exactly_our_meetings_across_both_dst_changes(
    engine: Engine, words: str, zone: str
) -> None:
    pairing_id = running(engine, words, zone)
    with Session(engine) as session, session.begin():
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        pairings.skip(session, pairing, by=BART, now=NOW)  # the next one: an EXDATE
    (event,) = feed(engine).walk("VEVENT")
    assert event.decoded("dtstart").tzinfo == ZoneInfo(zone)
    assert expanded(event) == ours(engine, pairing_id)
    assert len(expanded(event)) >= 11


def test_the_event_says_who_and_links_to_slack_and_nothing_else(engine: Engine) -> None:
    pairing_id = running(engine, "weekly on Tuesday at 10:00")
    with Session(engine) as session, session.begin():
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        meeting = pairings.next_meeting(pairing, now=NOW)
        assert meeting is not None
        secret = "My promotion path, privately"
        session.add(
            Answer(
                team_id=TEAM,
                meeting_id=meeting.id,
                author_id=BART,
                question="open",
                text=secret,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    calendar = feed(engine)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "1:1: Ada Lovelace and Bart Kowalski"
    assert str(event["uid"]) == f"pairing-{pairing_id}.{TEAM}@oneonone"
    assert str(event["url"]).startswith("https://slack.com/app_redirect?team=T1")
    assert event.decoded("duration") == timedelta(minutes=30)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert secret.encode() not in calendar.to_ical()
    assert feed(engine, ADA).to_ical() == calendar.to_ical()  # the same 1:1 for both


def test_each_change_raises_the_sequence_and_an_ended_1_1_is_cancelled(engine: Engine) -> None:
    pairing_id = running(engine, "weekly on Tuesday at 10:00")
    sequences = [int(feed(engine).walk("VEVENT")[0]["sequence"])]
    with Session(engine) as session, session.begin():
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        pairings.skip(session, pairing, by=ADA, now=NOW)
    sequences.append(int(feed(engine).walk("VEVENT")[0]["sequence"]))
    plan = parse_schedule("every 2 weeks on Monday at 9:00", default_zone="UTC", today=NOW.date())
    with Session(engine) as session, session.begin():
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        pairings.reschedule(session, pairing, by=ADA, plan=plan, now=NOW + timedelta(days=20))
    sequences.append(int(feed(engine).walk("VEVENT")[0]["sequence"]))
    with Session(engine) as session, session.begin():
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        pairings.end(session, pairing, by=BART, now=NOW + timedelta(days=30))
    (event, *_) = feed(engine).walk("VEVENT")
    sequences.append(int(event["sequence"]))
    assert sequences == sorted(set(sequences))  # each strictly higher
    assert str(event["status"]) == "CANCELLED"


def test_a_secret_is_kept_only_as_a_digest_and_a_reset_revokes_it(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        first = calendars.new_link(session, team_id=TEAM, user_id=BART, now=NOW)
        assert first is not None
        assert len(first) == 32  # 192 bits
        assert calendars.new_link(session, team_id=TEAM, user_id=BART, now=NOW) is None
        found = calendars.owner(session, first)
        assert found is not None
        assert first not in found.secret_hash
        second = calendars.reset(session, team_id=TEAM, user_id=BART, now=NOW)
        assert calendars.owner(session, first) is None
        assert calendars.owner(session, second) is not None
        for forged in ("", "x" * 32, first[:-1], first + "A", "../../etc/passwd", "\0" * 32):
            assert calendars.owner(session, forged) is None


def test_a_meeting_held_under_an_earlier_cadence_stays_in_the_calendar(engine: Engine) -> None:
    pairing_id = running(engine, "weekly on Tuesday at 10:00")
    held_at = NOW + timedelta(days=10)  # after the first meeting was held
    with Session(engine) as session, session.begin():
        pairings.close_meetings(session, now=held_at)
        pairing = session.get(Pairing, pairing_id)
        assert pairing is not None
        plan = parse_schedule("weekly on Friday at 15:00", default_zone="UTC", today=held_at.date())
        pairings.reschedule(session, pairing, by=ADA, plan=plan, now=held_at)
    events = feed(engine).walk("VEVENT")
    assert len(events) >= 2
    first_held = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in New York
    assert [first_held] in [expanded(e) for e in events if "RRULE" not in e]
    assert date(2027, 3, 2) not in {d.date() for e in events if "RRULE" in e for d in expanded(e)}
