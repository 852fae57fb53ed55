"""When nudges go: working hours in the person's own zone, or not at all."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.checkins.service import nudge_times
from bot.people.service import Timeline, WorkingHours


def local(moment: datetime | None, zone: str) -> str | None:
    return None if moment is None else moment.astimezone(ZoneInfo(zone)).strftime("%a %H:%M")


@pytest.mark.parametrize(
    ("starts", "zone", "expected"),
    [
        ("2026-11-24T15:00Z", "Europe/Warsaw", "Tue 12:00"),  # 4 h before, in working hours
        # 06:00 is quiet, and 09:00 is the agenda: the last working minute an hour before it.
        ("2026-11-24T15:00Z", "America/New_York", "Mon 17:59"),
        ("2026-11-23T14:30Z", "America/New_York", None),  # Monday 09:30: nothing after Friday
        ("2026-11-24T01:00Z", "Asia/Tokyo", "Mon 17:59"),  # a 10:00 meeting in Tokyo
        ("2026-11-24T05:00Z", "Asia/Tokyo", "Tue 10:00"),  # 14:00 in Tokyo: 4 h before
        ("2026-11-28T15:00Z", "Europe/Warsaw", "Fri 17:59"),  # a Saturday meeting
        ("2026-03-30T08:00Z", "Europe/Warsaw", None),  # Monday 10:00 CEST: no time to nudge
        ("2026-03-31T08:00Z", "Europe/Warsaw", "Mon 17:59"),  # the first day of summer time
    ],
)
def test_nudges_keep_to_working_hours(starts: str, zone: str, expected: str | None) -> None:
    moment = datetime.fromisoformat(starts.replace("Z", "+00:00")).astimezone(UTC)
    times = nudge_times(moment, timeline=Timeline(), hours=WorkingHours(), tz=ZoneInfo(zone))
    assert [local(t, zone) for t in times] == ([] if expected is None else [expected])
