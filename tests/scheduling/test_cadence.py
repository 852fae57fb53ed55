"""Cadences: every spelling in docs/design.md, DST in one zone and across two, awkward wall-clock
times, anchoring, leap days, and properties over any valid cadence."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.scheduling.cadence import (
    MAX_INTERVAL_MONTHS,
    MAX_INTERVAL_WEEKS,
    ORDINALS,
    Cadence,
    CadenceError,
    Frequency,
    Schedule,
    describe_for,
    occurrences,
)
from bot.scheduling.grammar import parse_schedule

NY, WARSAW = "America/New_York", "Europe/Warsaw"
TODAY = date(2026, 11, 24)  # a Tuesday


def parse(text: str, zone: str = NY, today: date = TODAY) -> Schedule:
    return parse_schedule(text, default_zone=zone, today=today)


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("weekly on Tuesday at 10:00", "weekly on Tuesday at 10:00"),
        ("every week Tue 10am", "weekly on Tuesday at 10:00"),
        ("biweekly on thu at 15:30", "every 2 weeks on Thursday at 15:30"),
        ("every 2 weeks on Monday 9:00", "every 2 weeks on Monday at 09:00"),
        ("every other Friday at 4pm", "every 2 weeks on Friday at 16:00"),
        ("monthly on the first Monday at 14:00", "monthly on the first Monday at 14:00"),
        ("WEEKLY ON TUESDAY AT 10:00", "weekly on Tuesday at 10:00"),
        ("every Wednesday at 4:30 pm", "weekly on Wednesday at 16:30"),
        ("fortnightly on wed at noon", "every 2 weeks on Wednesday at 12:00"),
        ("every month on the last Friday at 9am", "monthly on the last Friday at 09:00"),
        ("every 3 weeks on Sundays at 12am", "every 3 weeks on Sunday at 00:00"),
        ("weekly on thurs at 12pm", "weekly on Thursday at 12:00"),
    ],
)
def test_every_design_spelling(text: str, words: str) -> None:
    assert parse(text).cadence.describe(with_zone=False) == words


def test_options_are_read() -> None:
    schedule = parse("weekly on Tue at 9:00 starting 2026-12-01 for 45 min in europe/warsaw")
    assert schedule.cadence.zone == WARSAW
    assert (schedule.start, schedule.minutes) == (date(2026, 12, 1), 45)
    assert parse("weekly on Tue at 9:00 for 1 hour").minutes == 60
    assert parse("weekly on Tue at 9:00 for 90min").minutes == 90


def test_defaults() -> None:
    schedule = parse("every Tuesday")
    assert schedule.cadence.at == time(10, 0)
    assert (schedule.cadence.zone, schedule.start, schedule.minutes) == (NY, TODAY, 30)
    assert parse("monthly on Monday at 9:00").cadence.positions == (1,)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("weekly on blursday at 10:00", "blursday"),
        ("weekly on Tuesday at 25:99", "25:99"),
        ("weekly on Tuesday at 13pm", "13pm"),
        ("weekly at 10:00", "weekly at 10:00"),
        ("weekly on Tuesday in Mars/Olympus", "Mars/Olympus"),
        ("weekly on Tuesday starting 2028-01-01", "2028-01-01"),
        ("weekly on Tuesday starting 2027-02-29", "2027-02-29"),
        ("weekly on Tuesday for 5 hours", "5 hours"),
        ("every 12 weeks on Monday", "every 12 weeks"),
        ("weekly on Monday and Tuesday", "Tuesday"),
        ("weekly monthly on Monday", "monthly"),
        ("first Monday weekly", "first"),
        ("<!channel> weekly", "<!channel>"),
        ("", ""),
    ],
)
def test_nonsense_is_refused_with_the_fragment(text: str, fragment: str) -> None:
    with pytest.raises(CadenceError) as raised:
        parse(text)
    assert raised.value.fragment == fragment
    assert raised.value.reason


def test_ten_stays_ten_local_across_dst() -> None:
    schedule = parse("weekly on Monday at 10:00", zone=NY, today=date(2026, 10, 26))
    meetings = occurrences(schedule, after=datetime(2026, 10, 25, tzinfo=UTC), count=3)
    assert [local(m, NY).time() for m in meetings] == [time(10, 0)] * 3
    assert [m.hour for m in meetings] == [14, 15, 15]  # EDT, then EST from 1 November


def test_two_zones_whose_clocks_change_on_different_dates() -> None:
    """New York springs forward on 8 March 2026, Warsaw on 29 March: for those three weeks
    Bart's 1:1 with Ada moves by an hour in Warsaw, and back again after."""
    schedule = parse("weekly on Tuesday at 10:00", zone=NY, today=date(2026, 3, 1))
    meetings = occurrences(schedule, after=datetime(2026, 3, 1, tzinfo=UTC), count=6)
    assert [local(m, NY).hour for m in meetings] == [10] * 6
    assert [local(m, WARSAW).hour for m in meetings] == [16, 15, 15, 15, 16, 16]
    autumn = parse("weekly on Tuesday at 10:00", zone=NY, today=date(2026, 10, 20))
    meetings = occurrences(autumn, after=datetime(2026, 10, 20, tzinfo=UTC), count=3)
    # Warsaw falls back on 25 October, New York on 1 November.
    assert [local(m, WARSAW).hour for m in meetings] == [16, 15, 16]


def test_a_time_that_does_not_exist_moves_forward_by_the_gap() -> None:
    schedule = parse("weekly on Sunday at 02:30", zone=NY, today=date(2026, 3, 1))
    meetings = occurrences(schedule, after=datetime(2026, 3, 1, tzinfo=UTC), count=3)
    assert [local(m, NY).strftime("%m-%d %H:%M") for m in meetings] == [
        "03-01 02:30",
        "03-08 03:30",  # clocks jumped from 02:00 to 03:00
        "03-15 02:30",
    ]


def test_a_time_that_exists_twice_is_the_first() -> None:
    schedule = parse("weekly on Sunday at 01:30", zone=NY, today=date(2026, 10, 25))
    meetings = occurrences(schedule, after=datetime(2026, 10, 25, tzinfo=UTC), count=2)
    assert meetings[1] == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not EST
    assert local(meetings[1], NY).fold == 0


def test_every_other_is_anchored_to_the_start_date() -> None:
    one = parse("every other Friday at 16:00 starting 2026-11-27")
    other = parse("every other Friday at 16:00 starting 2026-12-04")
    after = datetime(2026, 11, 24, tzinfo=UTC)
    assert [m.day for m in occurrences(one, after=after, count=3)] == [27, 11, 25]
    assert [m.day for m in occurrences(other, after=after, count=3)] == [4, 18, 1]


def test_a_start_date_in_the_past_keeps_its_rhythm() -> None:
    schedule = parse("every other Friday at 16:00 starting 2026-01-02")
    meetings = occurrences(schedule, after=datetime(2026, 11, 24, tzinfo=UTC), count=2)
    assert [m.date() for m in meetings] == [date(2026, 12, 4), date(2026, 12, 18)]
    assert (meetings[0].date() - date(2026, 1, 2)).days % 14 == 0


def test_monthly_on_the_first_and_last_weekday() -> None:
    first = parse("monthly on the first Monday at 14:00")
    after = datetime(2026, 11, 24, tzinfo=UTC)
    assert [m.date() for m in occurrences(first, after=after, count=3)] == [
        date(2026, 12, 7),
        date(2027, 1, 4),
        date(2027, 2, 1),
    ]
    last = parse("monthly on the last Friday at 9:00")
    assert [m.date() for m in occurrences(last, after=after, count=2)] == [
        date(2026, 11, 27),
        date(2026, 12, 25),
    ]


def test_29_february() -> None:
    schedule = parse("weekly on Tuesday at 10:00 starting 2028-02-29", today=date(2028, 2, 1))
    meetings = occurrences(schedule, after=datetime(2028, 2, 1, tzinfo=UTC), count=2)
    assert [m.date() for m in meetings] == [date(2028, 2, 29), date(2028, 3, 7)]


def test_the_first_meeting_can_be_later_today() -> None:
    schedule = parse("weekly on Tuesday at 10:00")
    at_nine = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # 09:00 in New York
    assert occurrences(schedule, after=at_nine, count=1)[0].date() == TODAY
    at_eleven = at_nine + timedelta(hours=2)
    assert occurrences(schedule, after=at_eleven, count=1)[0].date() == date(2026, 12, 1)


# -- properties ------------------------------------------------------------------------------

ZONES = st.sampled_from(
    [NY, WARSAW, "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns", "Pacific/Apia"]
)
ZONES |= st.sampled_from(["UTC", "UTC+05:30", "UTC-03:00"])


@st.composite
def cadences(draw: st.DrawFn) -> Cadence:
    """Any cadence the app can hold: weekly, monthly on weeks of the month, or on a day."""
    kind = draw(st.sampled_from(["weekly", "positions", "monthday"]))
    at = time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    zone = draw(ZONES)
    if kind == "weekly":
        interval = draw(st.integers(1, MAX_INTERVAL_WEEKS))
        return Cadence(Frequency.WEEKLY, draw(st.integers(0, 6)), at, zone, interval)
    interval = draw(st.integers(1, MAX_INTERVAL_MONTHS))
    if kind == "monthday":
        day = draw(st.integers(1, 31))
        return Cadence(Frequency.MONTHLY, None, at, zone, interval, monthday=day)
    positions = draw(
        st.lists(st.sampled_from(sorted(ORDINALS)), min_size=1, max_size=3, unique=True)
    )
    weekday = draw(st.integers(0, 6))
    return Cadence(Frequency.MONTHLY, weekday, at, zone, interval, tuple(positions))


@given(cadences())
def test_describing_then_parsing_gives_the_same_cadence(cadence: Cadence) -> None:
    assert parse(cadence.describe(), zone="UTC").cadence == cadence


READERS = st.sampled_from([NY, WARSAW, "Asia/Tokyo", "Asia/Kolkata", "America/Los_Angeles"])


@given(cadences(), READERS, st.dates(date(2026, 1, 1), date(2028, 12, 31)))
def test_each_readers_words_hold_the_cadence_in_words_that_read_back(
    cadence: Cadence, reader: str, today: date
) -> None:
    """What a reader sees (their own clock, and the 1:1's in its own words) always contains
    words that the grammar reads back to this very cadence."""
    schedule = Schedule(cadence, today)
    after = datetime.combine(today, time(0), tzinfo=UTC)
    described = describe_for(schedule, reader, after=after)
    assert described.own in described.words
    assert parse(described.own, zone=reader, today=today).cadence == cadence


@given(cadences(), st.dates(date(2024, 1, 1), date(2030, 12, 31)))
def test_occurrences_increase_and_fall_on_the_right_local_day(
    cadence: Cadence, start: date
) -> None:
    schedule = Schedule(cadence, start)
    after = datetime.combine(start, time(0), tzinfo=UTC) - timedelta(days=2)
    meetings = occurrences(schedule, after=after, count=8)
    assert len(meetings) == 8
    assert all(a < b for a, b in pairwise(meetings))
    for meeting in meetings:
        assert meeting.tzinfo is UTC
        moved = meeting.astimezone(cadence.tz)
        assert moved.date() >= start
        if cadence.monthday is None:
            assert moved.weekday() == cadence.weekday
        else:
            last = calendar.monthrange(moved.year, moved.month)[1]
            assert moved.day == min(cadence.monthday, last)
