"""Settings as values: working hours, the timeline's nudges, the summary's next time (across
daylight saving and a leap day), and a Slack status that means someone is away."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.checkins.service import nudge_times, status_says_away
from bot.people.service import (
    Preferences,
    SettingsError,
    SummaryTime,
    Timeline,
    WorkingHours,
    check,
)

WARSAW, NEW_YORK = ZoneInfo("Europe/Warsaw"), ZoneInfo("America/New_York")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M")


def test_two_nudges_go_halfway_and_at_the_lead_time() -> None:
    starts = utc("2026-11-26T15:00Z")  # Thursday 16:00 in Warsaw
    timeline = Timeline(prompt_lead=timedelta(hours=48), nudges=2)
    times = nudge_times(starts, timeline=timeline, hours=WorkingHours(), tz=WARSAW)
    assert [local(t, WARSAW) for t in times] == ["Wed 2026-11-25 14:00", "Thu 2026-11-26 12:00"]


def test_two_nudges_that_would_fall_together_are_one() -> None:
    starts = utc("2026-11-24T15:00Z")  # Tuesday 16:00 in Warsaw
    timeline = Timeline(nudges=2)  # 14 h before is 02:00, so it moves to the second's 12:00
    times = nudge_times(starts, timeline=timeline, hours=WorkingHours(), tz=WARSAW)
    assert [local(t, WARSAW) for t in times] == ["Tue 2026-11-24 12:00"]
    times = nudge_times(starts, timeline=timeline, hours=WorkingHours(), tz=NEW_YORK)
    assert [local(t, NEW_YORK) for t in times] == ["Mon 2026-11-23 17:00"]


def test_the_last_nudge_leaves_an_hour_to_answer_before_the_agenda() -> None:
    starts = utc("2026-11-24T15:00Z")
    early = WorkingHours(start=time(7), end=time(18))  # Ada starts at 07:00 in New York
    times = nudge_times(starts, timeline=Timeline(), hours=early, tz=NEW_YORK)
    assert [local(t, NEW_YORK) for t in times] == ["Tue 2026-11-24 08:00"]


def test_a_moved_nudge_leaves_an_hour_of_the_day_or_comes_at_its_last_minute() -> None:
    starts = utc("2026-11-24T15:00Z")  # Tuesday 10:00 in New York: 06:00 is too early
    late_prompt = Timeline(prompt_lead=timedelta(hours=16, minutes=40))  # Monday 17:20
    times = nudge_times(starts, timeline=Timeline(), hours=WorkingHours(), tz=NEW_YORK)
    assert [local(t, NEW_YORK) for t in times] == ["Mon 2026-11-23 17:00"]
    times = nudge_times(starts, timeline=late_prompt, hours=WorkingHours(), tz=NEW_YORK)
    assert [local(t, NEW_YORK) for t in times] == ["Mon 2026-11-23 17:59"]


def test_no_nudges_and_days_off() -> None:
    starts = utc("2026-11-24T15:00Z")
    assert nudge_times(starts, timeline=Timeline(nudges=0), hours=WorkingHours(), tz=WARSAW) == []
    weekend_only = WorkingHours(days=frozenset({5, 6}))
    assert nudge_times(starts, timeline=Timeline(), hours=weekend_only, tz=WARSAW) == []


@pytest.mark.parametrize(
    ("after", "zone", "expected"),
    [
        ("2026-11-30T13:59Z", "America/New_York", "Mon 2026-11-30 09:00"),  # that same morning
        ("2026-11-30T14:00Z", "America/New_York", "Mon 2026-12-07 09:00"),  # strictly after
        # Across the spring change: 09:00 stays 09:00 local, so 13:00 UTC, then 14:00 UTC.
        ("2027-03-09T00:00Z", "America/New_York", "Mon 2027-03-15 09:00"),
        ("2027-03-26T00:00Z", "Europe/Warsaw", "Mon 2027-03-29 09:00"),
    ],
)
def test_the_summary_comes_at_the_same_local_time_every_week(
    after: str, zone: str, expected: str
) -> None:
    tz = ZoneInfo(zone)
    upcoming = SummaryTime().next_after(utc(after), zone)
    assert upcoming is not None
    assert local(upcoming, tz) == expected
    assert upcoming.tzinfo is UTC


def test_a_summary_time_that_does_not_exist_moves_forward_and_leap_days_count() -> None:
    at_half_two = SummaryTime(weekday=6, at=time(2, 30))  # Sunday 02:30
    upcoming = at_half_two.next_after(utc("2027-03-13T12:00Z"), "America/New_York")
    assert local(upcoming, NEW_YORK) == "Sun 2027-03-14 03:30"  # the gap: an hour later
    tuesday = SummaryTime(weekday=1, at=time(9))
    upcoming = tuesday.next_after(utc("2028-02-26T12:00Z"), "Europe/Warsaw")
    assert local(upcoming, WARSAW) == "Tue 2028-02-29 09:00"
    assert SummaryTime(on=False).next_after(utc("2026-11-30T00:00Z"), "UTC") is None


@pytest.mark.parametrize(
    ("wanted", "field"),
    [
        (Preferences(timeline=Timeline(nudges=3)), "nudges"),
        (
            Preferences(timeline=Timeline(prompt_lead=timedelta(hours=1))),
            "agenda_lead",
        ),
        (
            Preferences(timeline=Timeline(nudge_lead=timedelta(minutes=30))),
            "nudge_lead",
        ),
        (Preferences(hours=WorkingHours(start=time(18), end=time(9))), "work_end"),
        (Preferences(hours=WorkingHours(days=frozenset())), "workdays"),
    ],
)
def test_settings_that_cannot_work_together_name_their_field(
    wanted: Preferences, field: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        check(wanted)
    assert refused.value.field == field


def test_nudge_lead_does_not_matter_without_nudges() -> None:
    check(Preferences(timeline=Timeline(nudges=0, nudge_lead=timedelta(minutes=30))))


@pytest.mark.parametrize(
    ("text", "emoji", "away"),
    [
        ("Vacationing", ":palm_tree:", True),
        ("", ":face_with_thermometer:", True),
        ("Out sick", "", True),
        ("OOO until Monday", ":wave:", True),
        ("on parental leave", "", True),
        ("In a meeting", ":spiral_calendar_pad:", False),
        ("Commuting", ":bus:", False),
        ("Billing sprint", "", False),  # "ill" inside a word is not illness
        ("", "", False),
    ],
)
def test_a_status_that_means_away(text: str, emoji: str, away: bool) -> None:
    now = utc("2026-11-24T12:00Z")
    assert status_says_away(text, emoji, None, now) is away


def test_an_expired_status_does_not_count() -> None:
    now = utc("2026-11-24T12:00Z")
    assert not status_says_away("Vacationing", ":palm_tree:", now - timedelta(minutes=1), now)
    assert status_says_away("Vacationing", ":palm_tree:", now + timedelta(days=1), now)
