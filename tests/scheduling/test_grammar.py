"""The cadence grammar, phrase by phrase: what each of 218 phrases means, or why it is refused.

Each row names where the phrase came from. A refusal gives the part quoted back to the person;
the reason is checked to be words, not a bare "I don't know". Every accepted phrase is then
checked by its first occurrences across a DST change in two zones, against an oracle written
with `calendar` (not rrule), and by the round trip of its words in each reader's zone.
"""

from __future__ import annotations

import calendar
import itertools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.cadence import CadenceError, Frequency, Schedule, describe_for, occurrences
from bot.scheduling.grammar import parse_schedule, schedule_from_fields

NY, WARSAW = "America/New_York", "Europe/Warsaw"
TODAY = date(2026, 11, 24)  # a Tuesday, in New York

# Where the phrases come from.
KVH = "kvh/recurrent, src/recurrent/test.py (its English recurrence cases)"
RRULE_JS = "jkbrzt/rrule (rrule.js), test/nlp.test.ts (its text cases)"
REMIND = (
    "Slack's /remind examples, as scottleedavis/mattermost-plugin-remind's Usage wiki gives them"
)
ISSUE = "issue 13: phrases a new user typed that other parsers and /remind accept"
DESIGN = "docs/design.md: the spellings of the contract"
OURS = "ours: the ambiguities, limits, contradictions and hostile input a leader may type"

PHRASES = [
    (KVH, "tuesdays", "weekly on Tuesday at 10:00"),
    (KVH, "weekly on wednesdays", "weekly on Wednesday at 10:00"),
    (KVH, "every wed", "weekly on Wednesday at 10:00"),
    (KVH, "every wed.", "weekly on Wednesday at 10:00"),
    (KVH, "every wednsday", "✗ wednsday"),
    (KVH, "every week on tues", "weekly on Tuesday at 10:00"),
    (KVH, "once a week on sunday", "weekly on Sunday at 10:00"),
    (KVH, "every other week on mon", "every 2 weeks on Monday at 10:00"),
    (KVH, "every 3 weeks on mon", "every 3 weeks on Monday at 10:00"),
    (KVH, "every 2nd of the month", "monthly on the 2nd at 10:00"),
    (KVH, "every 4th of the month", "monthly on the 4th at 10:00"),
    (KVH, "4th of every month", "monthly on the 4th at 10:00"),
    (KVH, "every month on the 4th", "monthly on the 4th at 10:00"),
    (KVH, "every month on the 4th day", "monthly on the 4th at 10:00"),
    (KVH, "the 4th of every other month", "every 2 months on the 4th at 10:00"),
    (KVH, "the 4th of every 3 months", "every 3 months on the 4th at 10:00"),
    (KVH, "every other month on the 4th", "every 2 months on the 4th at 10:00"),
    (KVH, "every 3 months on the 4th", "every 3 months on the 4th at 10:00"),
    (KVH, "the 4th of every 3rd month", "every 3 months on the 4th at 10:00"),
    (KVH, "every 3rd month on the 4th", "every 3 months on the 4th at 10:00"),
    (KVH, "every first friday of the month", "monthly on the first Friday at 10:00"),
    (KVH, "monthly on fri", "monthly on the first Friday at 10:00"),
    (KVH, "every last friday of the month", "monthly on the last Friday at 10:00"),
    (
        KVH,
        "2nd to the last friday of each month",
        "monthly on the second to last Friday at 10:00",
    ),
    (
        KVH,
        "2nd and last fri of each month",
        "monthly on the second and last Friday at 10:00",
    ),
    (
        KVH,
        "2nd and last fridays of each month",
        "monthly on the second and last Friday at 10:00",
    ),
    (KVH, "first day of each month", "monthly on the 1st at 10:00"),
    (KVH, "every month on the 1st day", "monthly on the 1st at 10:00"),
    (KVH, "first of each month", "monthly on the 1st at 10:00"),
    (KVH, "last of each month", "monthly on the last day at 10:00"),
    (KVH, "last day of each month", "monthly on the last day at 10:00"),
    (KVH, "end of each month", "monthly on the last day at 10:00"),
    (KVH, "2nd friday of each month", "monthly on the second Friday at 10:00"),
    (KVH, "second friday of each month", "monthly on the second Friday at 10:00"),
    (KVH, "first friday of every month", "monthly on the first Friday at 10:00"),
    (KVH, "first friday of each month", "monthly on the first Friday at 10:00"),
    (
        KVH,
        "first friday of every other month",
        "every 2 months on the first Friday at 10:00",
    ),
    (
        KVH,
        "first friday of every 3 months",
        "every 3 months on the first Friday at 10:00",
    ),
    (
        KVH,
        "first friday of every 3rd month",
        "every 3 months on the first Friday at 10:00",
    ),
    (
        KVH,
        "first and third friday of each month",
        "monthly on the first and third Friday at 10:00",
    ),
    (
        KVH,
        "first, second, and third friday of each month",
        "monthly on the first and second and third Friday at 10:00",
    ),
    (KVH, "daily", "✗ daily"),
    (KVH, "each day", "✗ day"),
    (KVH, "everyday", "✗ everyday"),
    (KVH, "every other day", "✗ day"),
    (KVH, "every 4 days", "✗ days"),
    (KVH, "weekends", "✗ weekends"),
    (KVH, "every other weekend", "✗ weekend"),
    (KVH, "weekdays", "✗ weekdays"),
    (KVH, "every weekday", "✗ weekday"),
    (KVH, "tuesdays and thursdays", "✗ thursdays"),
    (KVH, "weekly on wednesdays and fridays", "✗ fridays"),
    (KVH, "every sunday and saturday", "✗ saturday"),
    (KVH, "every other week on mon and fri", "✗ fri"),
    (KVH, "every 4th and 10th of the month", "✗ 10th"),
    (KVH, "monthly on tue and fri", "✗ fri"),
    (KVH, "2nd to the last of each month", "✗ of"),
    (KVH, "yearly on the fourth thursday in november", "✗ yearly"),
    (KVH, "once a year on december 25th", "✗ year"),
    (KVH, "every july 4th", "✗ july"),
    (KVH, "every day for 3x", "✗ day"),
    (KVH, "every wed until november", "✗ until"),
    (KVH, "daily starting march 3rd", "✗ daily"),
    (RRULE_JS, "Every week on Tuesday", "weekly on Tuesday at 10:00"),
    (RRULE_JS, "Every week", "✗ Every week"),
    (RRULE_JS, "Every 2 weeks", "✗ Every 2 weeks"),
    (RRULE_JS, "Every month", "✗ Every month"),
    (RRULE_JS, "Every 6 months", "✗ Every 6 months"),
    (RRULE_JS, "Every month on the 4th", "monthly on the 4th at 10:00"),
    (
        RRULE_JS,
        "Every month on the 3rd Tuesday",
        "monthly on the third Tuesday at 10:00",
    ),
    (RRULE_JS, "Every month on the last Monday", "monthly on the last Monday at 10:00"),
    (
        RRULE_JS,
        "Every month on the 2nd last Friday",
        "monthly on the second to last Friday at 10:00",
    ),
    (RRULE_JS, "Every month on the 3rd last Tuesday", "✗ 3rd last"),
    (RRULE_JS, "Every month on the 4th last", "✗ 4th last"),
    (RRULE_JS, "Every week on Monday, Wednesday", "✗ Wednesday"),
    (RRULE_JS, "Every weekday", "✗ weekday"),
    (RRULE_JS, "Every day", "✗ day"),
    (RRULE_JS, "Every hour", "✗ hour"),
    (RRULE_JS, "Every year", "✗ year"),
    (RRULE_JS, "Every week for 20 times", "✗ 20 times"),
    (RRULE_JS, "every week until 10. November, 2012", "✗ until"),
    (RRULE_JS, "Every week on monday", "weekly on Monday at 10:00"),
    (RRULE_JS, "Every day at 10, 12 and 17", "✗ day"),
    (REMIND, "at 11:00 every Tuesday", "weekly on Tuesday at 11:00"),
    (REMIND, "every Thursday at 12:30", "weekly on Thursday at 12:30"),
    (REMIND, "every other Wednesday", "every 2 weeks on Wednesday at 10:00"),
    (REMIND, "on Mondays", "weekly on Monday at 10:00"),
    (REMIND, "on tuesday at 7:30am", "weekly on Tuesday at 07:30"),
    (REMIND, "at two every Friday", "weekly on Friday at 14:00"),
    (REMIND, "at noon every Monday", "weekly on Monday at 12:00"),
    (REMIND, "at 4:30pm every Monday", "weekly on Monday at 16:30"),
    (REMIND, "at 3pm every day", "✗ day"),
    (REMIND, "every January 25", "✗ January"),
    (REMIND, "every Monday Wednesday Friday at 10:00", "✗ Wednesday"),
    (
        ISSUE,
        "monthly on the first and third Friday",
        "monthly on the first and third Friday at 10:00",
    ),
    (
        ISSUE,
        "the 2nd and last Friday",
        "monthly on the second and last Friday at 10:00",
    ),
    (ISSUE, "the 2nd last Friday", "monthly on the second to last Friday at 10:00"),
    (ISSUE, "weekly on Friday at 3:30", "weekly on Friday at 15:30"),
    (ISSUE, "weekly on Friday at 2:00", "weekly on Friday at 14:00"),
    (ISSUE, "weekly on Monday at 10:00 in EST", "weekly on Monday at 10:00"),
    (ISSUE, "weekly on Monday at 10:00 in PST", "weekly on Monday at 10:00 in Los Angeles"),
    (ISSUE, "weekly on Monday at 10:00 in IST", "✗ IST"),
    (ISSUE, "weekly on Monday at 10:00 in CST", "✗ CST"),
    (ISSUE, "weekly on Monday at 10:00 in CET", "weekly on Monday at 10:00 in Paris"),
    (ISSUE, "weekly on Monday at 10:00 in BST", "weekly on Monday at 10:00 in London"),
    (ISSUE, "weekly on Monday at 10:00 in JST", "weekly on Monday at 10:00 in Tokyo"),
    (ISSUE, "weekly on Monday at 10:00 in AEST", "weekly on Monday at 10:00 in Sydney"),
    (ISSUE, "weekly on Monday at 10:00 in UTC+2", "weekly on Monday at 10:00 in UTC+02:00"),
    (ISSUE, "weekly on Monday at 10:00 +05:30", "weekly on Monday at 10:00 in UTC+05:30"),
    (ISSUE, "weekly on Monday in Europe/Warsaw in Asia/Tokyo", "✗ Asia/Tokyo"),
    (ISSUE, "weekly on Monday starting 2026-12-01 starting 2026-12-08", "✗ 2026-12-08"),
    (ISSUE, "weekly on Monday for 30 min for 45 min", "✗ 45 min"),
    (ISSUE, "monthly on Tuesday", "monthly on the first Tuesday at 10:00"),
    (ISSUE, "first Monday of each month", "monthly on the first Monday at 10:00"),
    (ISSUE, "the first Monday of the month", "monthly on the first Monday at 10:00"),
    (ISSUE, "every first Monday of the month", "monthly on the first Monday at 10:00"),
    (ISSUE, "last Friday of the month at 4pm", "monthly on the last Friday at 16:00"),
    (ISSUE, "once a week on Thursday", "weekly on Thursday at 10:00"),
    (ISSUE, "once a month on the first Monday", "monthly on the first Monday at 10:00"),
    (ISSUE, "every second week on Monday", "every 2 weeks on Monday at 10:00"),
    (ISSUE, "every 2nd week on Monday", "every 2 weeks on Monday at 10:00"),
    (ISSUE, "bi-weekly on Friday", "every 2 weeks on Friday at 10:00"),
    (ISSUE, "fortnightly on Friday", "every 2 weeks on Friday at 10:00"),
    (OURS, "triweekly on Monday", "every 3 weeks on Monday at 10:00"),
    (OURS, "tri-weekly on Monday at 9am", "every 3 weeks on Monday at 09:00"),
    (ISSUE, "every five weeks on Monday", "every 5 weeks on Monday at 10:00"),
    (ISSUE, "weekly on wed.", "weekly on Wednesday at 10:00"),
    (ISSUE, "weekly on Tu", "weekly on Tuesday at 10:00"),
    (ISSUE, "weekly on Monday at 9 a.m.", "weekly on Monday at 09:00"),
    (ISSUE, "weekly on Monday at 1400", "weekly on Monday at 14:00"),
    (ISSUE, "weekly on Monday at 930am", "weekly on Monday at 09:30"),
    (ISSUE, "weekly on Monday at noon", "weekly on Monday at 12:00"),
    (ISSUE, "weekly on Monday at 10:00 UTC", "weekly on Monday at 10:00 in UTC"),
    (ISSUE, "weekly on Monday for an hour", "weekly on Monday at 10:00 for 60 min"),
    (ISSUE, "weekly on Monday for 1h", "weekly on Monday at 10:00 for 60 min"),
    (ISSUE, "weekly on Monday @ 10am", "weekly on Monday at 10:00"),
    (ISSUE, "weekly on Monday at 10am.", "weekly on Monday at 10:00"),
    (ISSUE, "weekly on Monday at 10am please", "weekly on Monday at 10:00"),
    (
        ISSUE,
        "weekly on Monday starting next week",
        "weekly on Monday at 10:00 from 2026-11-30",
    ),
    (
        ISSUE,
        "weekly on Friday starting Monday",
        "weekly on Friday at 10:00 from 2026-11-30",
    ),
    (ISSUE, "monthly on the 15th", "monthly on the 15th at 10:00"),
    (ISSUE, "monthly on the 29th", "monthly on the 29th at 10:00"),
    (ISSUE, "monthly on the 31st", "monthly on the last day at 10:00"),
    (
        ISSUE,
        "every 2 months on the first Monday",
        "every 2 months on the first Monday at 10:00",
    ),
    (ISSUE, "every other month on the 15th", "every 2 months on the 15th at 10:00"),
    (DESIGN, "weekly on Tuesday at 10:00", "weekly on Tuesday at 10:00"),
    (DESIGN, "every week Tue 10am", "weekly on Tuesday at 10:00"),
    (DESIGN, "biweekly on thu at 15:30", "every 2 weeks on Thursday at 15:30"),
    (DESIGN, "every 2 weeks on Monday 9:00", "every 2 weeks on Monday at 09:00"),
    (DESIGN, "every other Friday at 4pm", "every 2 weeks on Friday at 16:00"),
    (
        DESIGN,
        "monthly on the first Monday at 14:00",
        "monthly on the first Monday at 14:00",
    ),
    (DESIGN, "WEEKLY ON TUESDAY AT 10:00", "weekly on Tuesday at 10:00"),
    (DESIGN, "every Wednesday at 4:30 pm", "weekly on Wednesday at 16:30"),
    (DESIGN, "fortnightly on wed at noon", "every 2 weeks on Wednesday at 12:00"),
    (
        DESIGN,
        "every month on the last Friday at 9am",
        "monthly on the last Friday at 09:00",
    ),
    (DESIGN, "every 3 weeks on Sundays at 12am", "every 3 weeks on Sunday at 00:00"),
    (DESIGN, "weekly on thurs at 12pm", "weekly on Thursday at 12:00"),
    (
        DESIGN,
        "weekly on Tue at 9:00 starting 2026-12-01 for 45 min in europe/warsaw",
        "weekly on Tuesday at 09:00 in Warsaw from 2026-12-01 for 45 min",
    ),
    (
        DESIGN,
        "weekly on Tue at 9:00 for 1 hour",
        "weekly on Tuesday at 09:00 for 60 min",
    ),
    (
        DESIGN,
        "weekly on Tue at 9:00 for 90min",
        "weekly on Tuesday at 09:00 for 90 min",
    ),
    (OURS, "every second Tuesday", "✗ every second Tuesday"),
    (
        OURS,
        "every second Tuesday of the month",
        "monthly on the second Tuesday at 10:00",
    ),
    (OURS, "every third Friday", "✗ every third Friday"),
    (OURS, "every Monday at 10", "weekly on Monday at 10:00"),
    (OURS, "Tuesdays 19:00", "weekly on Tuesday at 19:00"),
    (
        OURS,
        "every 2 weeks on Thursday at 09:00 in Warsaw",
        "every 2 weeks on Thursday at 09:00 in Warsaw",
    ),
    (
        OURS,
        "monthly on the second to last Friday at 16:00",
        "monthly on the second to last Friday at 16:00",
    ),
    (OURS, "every other Tuesday at 3", "every 2 weeks on Tuesday at 15:00"),
    (OURS, "every Tuesday at 03:30", "weekly on Tuesday at 03:30"),
    (OURS, "every Tuesday at 3:30am", "weekly on Tuesday at 03:30"),
    (OURS, "every Tuesday at 7:30", "weekly on Tuesday at 07:30"),
    (OURS, "every Tuesday at midnight", "weekly on Tuesday at 00:00"),
    (OURS, "every Tuesday at 10:00 GMT", "weekly on Tuesday at 10:00 in UTC"),
    (OURS, "every Tuesday at 10am ET", "weekly on Tuesday at 10:00"),
    (OURS, "every Tuesday at 10am Eastern time", "weekly on Tuesday at 10:00"),
    (OURS, "every Tuesday at 10:00 in Sao Paulo", "weekly on Tuesday at 10:00 in Sao Paulo"),
    (OURS, "every Tuesday at 10 in UTC-3", "weekly on Tuesday at 10:00 in UTC-03:00"),
    (OURS, "every Tuesday at 10 in UTC+15", "✗ UTC+15"),
    (OURS, "every Tuesday for 5 min", "✗ 5 min"),
    (OURS, "every Tuesday for 5 hours", "✗ 5 hours"),
    (OURS, "every Tuesday for half an hour", "weekly on Tuesday at 10:00"),
    (OURS, "every Tuesday for 1.5 hours", "weekly on Tuesday at 10:00 for 90 min"),
    (OURS, "every Tuesday for 1h30", "weekly on Tuesday at 10:00 for 90 min"),
    (OURS, "every Tuesday for 6 weeks", "✗ 6 weeks"),
    (OURS, "every Tuesday 45 minutes", "weekly on Tuesday at 10:00 for 45 min"),
    (
        OURS,
        "every Tuesday starting tomorrow",
        "weekly on Tuesday at 10:00 from 2026-11-25",
    ),
    (
        OURS,
        "every Tuesday starting Dec 15",
        "weekly on Tuesday at 10:00 from 2026-12-15",
    ),
    (
        OURS,
        "every Tuesday starting 15 January 2027",
        "weekly on Tuesday at 10:00 from 2027-01-15",
    ),
    (
        OURS,
        "every Tuesday starting next month",
        "weekly on Tuesday at 10:00 from 2026-12-01",
    ),
    (OURS, "every Tuesday starting 2027-02-29", "✗ 2027-02-29"),
    (OURS, "every Tuesday starting 2028-06-01", "✗ 2028-06-01"),
    (OURS, "every 9 weeks on Monday", "✗ every 9 weeks"),
    (OURS, "every 4 months on the 1st", "✗ every 4 months"),
    (
        OURS,
        "quarterly on the first Monday",
        "every 3 months on the first Monday at 10:00",
    ),
    (OURS, "bimonthly on Friday", "✗ bimonthly"),
    (OURS, "twice a month on Friday", "✗ twice"),
    (OURS, "semimonthly", "✗ semimonthly"),
    (OURS, "monthly on the fifth Friday", "✗ fifth Friday"),
    (OURS, "monthly on the 32nd", "✗ 32nd"),
    (OURS, "monthly on the 15th Tuesday", "✗ 15th Tuesday"),
    (
        OURS,
        "monthly on the 15th and the first Monday",
        "✗ monthly on the 15th and the first Monday",
    ),
    (OURS, "weekly on the first Monday", "✗ first"),
    (OURS, "weekly on the 15th", "✗ 15th"),
    (OURS, "weekly monthly on Monday", "✗ monthly"),
    (OURS, "monthly", "✗ monthly"),
    (OURS, "weekly at 10:00", "✗ weekly at 10:00"),
    (OURS, "weekly on Tuesday at 25:99", "✗ 25:99"),
    (OURS, "weekly on Tuesday at 13pm", "✗ 13pm"),
    (OURS, "weekly on Tuesday at 10 at 11", "✗ 11"),
    (OURS, "weekly on blursday", "✗ blursday"),
    (OURS, "weekly on Tuesday in Mars/Olympus", "✗ Mars/Olympus"),
    (OURS, "<!channel> weekly on Tuesday", "✗ <!channel>"),
    (OURS, "weekly on Tuesday <@U0123ABCD>", "✗ <@U0123ABCD>"),
    (OURS, "every Monday until March", "✗ until"),
    (OURS, "every last business day", "✗ business"),
    (OURS, "every Tuesday and every Thursday", "✗ Thursday"),
    (OURS, "Let's meet every Tuesday at 10am", "weekly on Tuesday at 10:00"),
    (OURS, "our 1:1 every other Monday at 2pm", "every 2 weeks on Monday at 14:00"),
    (OURS, "every 2 Tuesdays at 10", "every 2 weeks on Tuesday at 10:00"),
]


def meaning(text: str, zone: str = NY) -> str:
    """The phrase as the table states it: the cadence's own words, then what differs from
    the defaults, or the refused part after a ✗ (with a reason in words)."""
    try:
        schedule = parse_schedule(text, default_zone=zone, today=TODAY)
    except CadenceError as error:
        refused = error
    else:
        cadence = schedule.cadence
        said = cadence.describe(with_zone=cadence.zone != zone)
        if schedule.start != TODAY:
            said += f" from {schedule.start}"
        if schedule.minutes != 30:
            said += f" for {schedule.minutes} min"
        return said
    assert refused.reason
    assert "know this word" not in refused.reason
    return f"✗ {refused.fragment}"


def test_the_table_is_large_and_names_its_sources() -> None:
    assert len(PHRASES) >= 150
    assert len({text for _, text, _ in PHRASES}) == len(PHRASES)
    accepted = [row for row in PHRASES if not row[2].startswith("✗")]
    assert len(accepted) >= 100
    assert len(PHRASES) - len(accepted) >= 50


@pytest.mark.parametrize(("source", "text", "expected"), PHRASES, ids=[p[1] for p in PHRASES])
def test_each_phrase_means_what_the_table_says(source: str, text: str, expected: str) -> None:
    assert source
    assert meaning(text) == expected


ACCEPTED = [text for _, text, expected in PHRASES if not expected.startswith("✗")]


def _expected_day(schedule: Schedule, local: datetime) -> bool:
    """The oracle: whether `local` (a meeting in its own zone) falls on a day the cadence
    names, computed with `calendar` alone."""
    cadence = schedule.cadence
    if cadence.frequency is Frequency.WEEKLY:
        return local.weekday() == cadence.weekday
    last = calendar.monthrange(local.year, local.month)[1]
    if cadence.monthday is not None:
        return local.day == min(cadence.monthday, last)
    same = [
        d
        for d in range(1, last + 1)
        if date(local.year, local.month, d).weekday() == cadence.weekday
    ]
    return local.weekday() == cadence.weekday and any(
        same[n - 1 if n > 0 else n] == local.day for n in cadence.positions
    )


@pytest.mark.parametrize("zone", [NY, WARSAW])
@pytest.mark.parametrize("text", ACCEPTED)
def test_first_occurrences_across_a_dst_change(text: str, zone: str) -> None:
    """From 1 March 2027 (New York springs forward on 14 March, Warsaw on 28 March), every
    meeting is on a day the cadence names, at its wall-clock time in its own zone (or moved
    forward by the gap when that time does not exist), and successive weekly meetings are
    whole intervals apart in local days."""
    schedule = parse_schedule(text, default_zone=zone, today=date(2027, 3, 1))
    cadence, tz = schedule.cadence, schedule.cadence.tz
    meetings = occurrences(schedule, after=datetime(2027, 3, 1, tzinfo=UTC), count=6)
    assert len(meetings) == 6
    for meeting in meetings:
        local = meeting.astimezone(tz)
        assert _expected_day(schedule, local), local
        wall = datetime.combine(local.date(), cadence.at)
        gap = (wall.replace(tzinfo=tz).astimezone(UTC) - meeting).total_seconds()
        assert local.time() == cadence.at or (gap == 0 and local.time() > cadence.at), local
    if cadence.frequency is Frequency.WEEKLY:
        days = [m.astimezone(tz).date() for m in meetings]
        assert {(b - a).days for a, b in itertools.pairwise(days)} == {7 * cadence.interval}


@pytest.mark.parametrize("reader", [NY, "Asia/Tokyo", "Europe/London"])
@pytest.mark.parametrize("text", ACCEPTED)
def test_the_words_each_reader_sees_read_back_to_the_same_cadence(text: str, reader: str) -> None:
    """The reply and the invitation state the cadence in the reader's own zone; the part in
    the 1:1's own zone, which they always contain, reads back to the very same cadence."""
    schedule = parse_schedule(text, default_zone=NY, today=TODAY)
    after = datetime(2026, 11, 24, tzinfo=UTC)
    described = describe_for(schedule, reader, after=after)
    assert described.own
    assert described.own in described.words
    again = parse_schedule(described.own, default_zone=reader, today=TODAY)
    assert again.cadence == schedule.cadence
    assert parse_schedule(
        schedule.cadence.describe(), default_zone=reader, today=TODAY
    ).cadence == (schedule.cadence)


@pytest.mark.parametrize(
    ("written", "zone"),
    [
        ("EST", NY),
        ("EDT", NY),
        ("PST", "America/Los_Angeles"),
        ("CET", "Europe/Paris"),
        ("BST", "Europe/London"),
        ("JST", "Asia/Tokyo"),
        ("AEST", "Australia/Sydney"),
        ("Eastern", NY),
    ],
)
def test_an_abbreviation_means_its_region_with_daylight_saving(written: str, zone: str) -> None:
    schedule = parse_schedule(
        f"weekly on Monday at 10:00 {written}", default_zone="UTC", today=TODAY
    )
    assert schedule.cadence.zone == zone
    assert any(written in reading for reading in schedule.readings)


def test_est_in_july_is_new_york_summer_time_not_utc_minus_five() -> None:
    schedule = parse_schedule("weekly on Monday at 10:00 in EST", default_zone="UTC", today=TODAY)
    (july,) = occurrences(schedule, after=datetime(2027, 7, 4, tzinfo=UTC), count=1)
    assert july == datetime(2027, 7, 5, 14, 0, tzinfo=UTC)  # 10:00 EDT


def test_a_fixed_offset_is_taken_only_as_written_and_said_not_to_follow_dst() -> None:
    schedule = parse_schedule("weekly on Monday at 10:00 UTC+2", default_zone=NY, today=TODAY)
    assert schedule.cadence.zone == "UTC+02:00"
    assert "does not follow daylight saving" in " ".join(schedule.readings)
    (july,) = occurrences(schedule, after=datetime(2027, 7, 4, tzinfo=UTC), count=1)
    assert july == datetime(2027, 7, 5, 8, 0, tzinfo=UTC)
    stored = Schedule(schedule.cadence, schedule.start)  # as read back from the database
    assert (
        "daylight saving" in describe_for(stored, NY, after=datetime(2026, 11, 24, tzinfo=UTC)).note
    )


def test_the_31st_is_the_last_day_of_short_months_and_leap_february() -> None:
    schedule = parse_schedule(
        "monthly on the 31st at 10:00", default_zone=NY, today=date(2027, 12, 1)
    )
    days = [
        m.astimezone(ZoneInfo(NY)).date()
        for m in occurrences(schedule, after=datetime(2027, 12, 1, tzinfo=UTC), count=4)
    ]
    assert days == [date(2027, 12, 31), date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]
    thirtieth = parse_schedule("monthly on the 30th", default_zone=NY, today=date(2027, 1, 1))
    assert "shorter than 30 days" in " ".join(thirtieth.readings)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weekday": "Blursday"}, "weekday"),
        ({"minutes": 5}, "minutes"),
        ({"at": "25:00"}, "time"),
        ({"start": "2026-02-30"}, "start"),
        ({"start": "2028-01-01"}, "start"),
        ({"zone": "IST"}, "zone"),
    ],
)
def test_a_forms_fields_are_checked_each_on_its_own(change: dict, field: str) -> None:
    fields = {
        "every": (Frequency.MONTHLY, 1, (-1,)),
        "weekday": "Friday",
        "at": "15:30",
        "minutes": 45,
        "zone": "EST",
        "start": "",
        "today": TODAY,
    }
    schedule = schedule_from_fields(**fields)
    assert schedule.cadence.describe() == "monthly on the last Friday at 15:30 in New York"
    with pytest.raises(CadenceError) as refused:
        schedule_from_fields(**{**fields, **change})
    assert refused.value.field == field
