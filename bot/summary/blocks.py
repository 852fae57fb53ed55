"""The weekly summary as Block Kit: grouped, truncated with a count, inside Slack's limits at
any number of 1:1s (a message holds 50 blocks, a section 3,000 characters)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.models import MeetingStatus
from bot.slack.mrkdwn import escape
from bot.slack.views import Block, date_token, day_words, list_sections
from bot.summary.service import ItemFacts, MeetingFacts, PersonWeek, Summary

PEOPLE_SHOWN = 25
ITEMS_SHOWN = 15
UPCOMING_SHOWN = 20
NEGLECTED_SHOWN = 10
ITEM_CHARACTERS = 120


def home_link(team_id: str, app_id: str | None) -> str:
    """A link to the app's Home tab, or plain words where the app id is unknown."""
    if not app_id:
        return "my *Home* tab"
    return f"<slack://app?team={team_id}&id={app_id}&tab=home|my Home tab>"


def _sections(title: str, lines: list[str], more: int, home: str) -> list[Block]:
    """A titled list, with "and N more" at the end."""
    return list_sections(title, [*lines, f"…and {more} more in {home}"] if more else lines)


def _mrkdwn(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _meeting(meeting: MeetingFacts) -> str:
    when = date_token(meeting.starts_at, "{date_short}")
    if meeting.status is MeetingStatus.SKIPPED:
        return f"{when}: skipped"
    if meeting.status is MeetingStatus.MISSED:
        return f"{when}: missed"
    you = "✓" if meeting.leader_prepared else "✗"
    them = "✓" if meeting.member_prepared else "✗"
    return f"{when}: you {you} them {them}"


def _person(person: PersonWeek, paused: bool) -> str:
    week = "; ".join(_meeting(m) for m in person.last_week) or "no 1:1 last week"
    line = f"• <@{person.member_id}>{' (paused)' if paused else ''}: {week}"
    if any(mood is not None for mood in person.moods):
        line += f"  mood `{person.sparkline}`"
    if person.mood_note:
        line += f"  ⚠ {person.mood_note}"
    return line


def _take(rows: list, shown: int) -> tuple[list, int]:
    return rows[:shown], max(len(rows) - shown, 0)


def summary_blocks(summary: Summary, *, team_id: str, app_id: str | None) -> list[Block]:
    home = home_link(team_id, app_id)
    if summary.empty:
        return [
            _mrkdwn(
                "You lead no running 1:1s, so there is nothing to sum up. Start one with "
                "`/oneonone schedule @person weekly on Tuesday at 10:00`."
            )
        ]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your week in 1:1s"}},
        _mrkdwn(
            f"*Last week*: {summary.held} held, {summary.skipped} skipped, {summary.missed} "
            "missed. (Skipped: one of you chose to; missed: it did not happen.) "
            "✓ means prepared: answered the questions."
        ),
    ]
    people, more = _take(summary.people, PEOPLE_SHOWN)
    paused = set(summary.paused)
    lines = [_person(p, p.member_id in paused) for p in people]
    blocks += _sections("Your people", lines, more, home)
    if summary.items_by_owner:
        flat = [
            (owner, item, late) for owner, items in summary.items_by_owner for item, late in items
        ]
        shown, more = _take(flat, ITEMS_SHOWN)
        blocks += _sections("Open action items, oldest first", list(_items(shown)), more, home)
    if summary.this_week:
        shown, more = _take(summary.this_week, UPCOMING_SHOWN)
        lines = [f"• <@{member}> {date_token(moment)}" for member, moment in shown]
        blocks += _sections("This week", lines, more, home)
    if summary.neglected:
        shown, more = _take(summary.neglected, NEGLECTED_SHOWN)
        lines = [f"• no 1:1 with <@{member}> for {weeks} weeks" for member, weeks in shown]
        blocks += _sections("Overdue", lines, more, home)
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "No answer or note is quoted here: those stay in each 1:1. "
                    f"Everything else is in {home}.",
                }
            ],
        }
    )
    return blocks


def _items(rows: Iterable[tuple[str, ItemFacts, bool]]) -> Iterable[str]:
    owner_before = None
    for owner, item, late in rows:
        text = item.text
        short = text if len(text) <= ITEM_CHARACTERS else text[: ITEM_CHARACTERS - 1] + "…"
        when = f" (due {day_words(item.due)}{', overdue' if late else ''})" if item.due else ""
        lead = f"<@{owner}>: " if owner != owner_before else "    "
        owner_before = owner
        yield f"• {lead}{escape(short)}{when}"
