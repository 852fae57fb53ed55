"""The weekly summary from fixed facts: counts, sparklines with gaps, mood drops, action
items, this week's 1:1s and overdue pairs; and its Block Kit at 0, 1 and 60 people."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.models import MeetingStatus
from bot.simulator.blockkit import block_errors
from bot.summary.blocks import summary_blocks
from bot.summary.service import (
    ItemFacts,
    MeetingFacts,
    PairFacts,
    build,
    mood_note,
    sparkline,
)

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York
TODAY = date(2026, 11, 30)
WEEK = timedelta(days=7)
HELD, SKIPPED, MISSED, SCHEDULED = (
    MeetingStatus.HELD,
    MeetingStatus.SKIPPED,
    MeetingStatus.MISSED,
    MeetingStatus.SCHEDULED,
)


def weekly(member: str, moods: list[int | None], *, last: MeetingStatus = HELD, **kw) -> PairFacts:
    """A weekly 1:1 on Tuesdays, with one held meeting per mood given, the last one `last`."""
    past = [
        MeetingFacts(
            NOW - timedelta(days=6) - WEEK * (len(moods) - 1 - n),
            HELD,
            leader_prepared=True,
            member_prepared=mood is not None,
            mood=mood,
        )
        for n, mood in enumerate(moods)
    ]
    if past and last is not HELD:
        past[-1] = MeetingFacts(past[-1].starts_at, last)
    upcoming = [MeetingFacts(NOW + timedelta(days=1), SCHEDULED)]
    return PairFacts(
        member_id=member,
        period=WEEK,
        since=NOW - WEEK * (len(moods) + 1),
        meetings=[*past, *upcoming],
        **kw,
    )


def test_sparklines_show_gaps_as_gaps_and_never_guess() -> None:
    assert sparkline([1, 2, 3, 4, 5]) == "▁▃▄▆█"
    assert sparkline([4, None, 5, None]) == "▆·█·"
    assert sparkline([]) == ""


def test_a_drop_of_two_or_more_is_said_in_plain_words() -> None:
    assert mood_note([5, 4, None, 2]) == "mood dropped from 4 to 2 since the time before"
    assert mood_note([4, 3]) is None
    assert mood_note([2, 5]) is None
    assert mood_note([None, 3]) is None


def test_last_week_counts_held_skipped_and_missed_apart() -> None:
    summary = build(
        [
            weekly("UBART", [4, 4, 2]),
            weekly("UCARL", [3, 3], last=SKIPPED),
            weekly("UDORA", [5], last=MISSED),
        ],
        now=NOW,
        today=TODAY,
    )
    assert (summary.held, summary.skipped, summary.missed) == (1, 1, 1)
    bart = next(p for p in summary.people if p.member_id == "UBART")
    assert bart.sparkline == "▆▆▃"
    assert bart.mood_note == "mood dropped from 4 to 2 since the time before"
    assert summary.people[0] is bart  # whoever needs attention comes first
    assert [member for member, _ in summary.this_week] == ["UBART", "UCARL", "UDORA"]


def test_the_last_eight_meetings_only_and_a_missing_mood_is_a_gap() -> None:
    summary = build([weekly("UBART", [1, 2, 3, 4, 5, None, 3, 4, 5, None])], now=NOW, today=TODAY)
    (bart,) = summary.people
    assert bart.moods == [3, 4, 5, None, 3, 4, 5, None]
    assert bart.sparkline == "▄▆█·▄▆█·"
    assert bart.mood_note is None


def test_open_items_by_owner_oldest_first_with_overdue_marked() -> None:
    items = [
        ItemFacts("UADA", "Book the room", NOW - 2 * WEEK, due=date(2026, 11, 20)),
        ItemFacts("UBART", "Draft the plan", NOW - 3 * WEEK),
        ItemFacts("UADA", "Ask about budget", NOW - WEEK, due=date(2026, 12, 24)),
    ]
    summary = build([weekly("UBART", [4], items=items)], now=NOW, today=TODAY)
    assert [
        (owner, [(i.text, late) for i, late in rows]) for owner, rows in summary.items_by_owner
    ] == [
        ("UBART", [("Draft the plan", False)]),
        ("UADA", [("Book the room", True), ("Ask about budget", False)]),
    ]


def test_a_pair_without_a_1_1_for_twice_its_cadence_is_named() -> None:
    stale = PairFacts(
        member_id="UBART",
        period=WEEK,
        since=NOW - 10 * WEEK,
        meetings=[MeetingFacts(NOW - 5 * WEEK - timedelta(days=1), HELD)],
        paused=True,
    )
    fresh = weekly("UCARL", [3, 3])
    summary = build([stale, fresh], now=NOW, today=TODAY)
    assert summary.neglected == [("UBART", 5)]
    assert summary.paused == ["UBART"]


@pytest.mark.parametrize("people", [0, 1, 60])
def test_the_summary_stays_within_block_kit_at_any_size(people: int) -> None:
    pairs = [
        weekly(
            f"U{n:010d}",
            [4, None, 5, 2, 3, 5, 1, 4],
            items=[
                ItemFacts("UADA", "<!channel> & " + "x" * 290, NOW - WEEK, due=date(2026, 11, 1))
            ]
            * 3,
        )
        for n in range(people)
    ]
    summary = build(pairs, now=NOW, today=TODAY)
    blocks = summary_blocks(summary, team_id="T1", app_id="A1")
    assert block_errors(blocks) == []
    assert len(blocks) <= 50
    shown = "\n".join(b.get("text", {}).get("text", "") for b in blocks)
    assert "<!channel>" not in shown
    if people == 0:
        assert "nothing to sum up" in shown
    if people == 60:
        assert "…and 35 more in <slack://app?team=T1&id=A1&tab=home|my Home tab>" in shown
        assert "…and 165 more" in shown  # 180 action items, 15 shown
        assert "…and 40 more" in shown  # this week's 1:1s, 20 shown
