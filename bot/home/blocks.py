"""The App Home as Block Kit (pure functions). Every list is capped so the view stays within
Slack's 100 blocks at any number of 1:1s; what does not fit is counted, not dropped silently."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.home.service import HomeFacts, Upcoming
from bot.models import MeetingStatus
from bot.slack.ids import Action
from bot.slack.views import (
    COMMAND,
    Block,
    actions,
    button,
    cadence,
    date_token,
    day_words,
    list_sections,
    section,
    text_blocks,
)

UPCOMING_SHOWN = 12
INVITATIONS_SHOWN = 5
ITEMS_SHOWN = 10
HISTORY_SHOWN = 15
STATUS_WORDS = {
    MeetingStatus.HELD: "held",
    MeetingStatus.SKIPPED: "skipped",
    MeetingStatus.MISSED: "missed",
    MeetingStatus.SCHEDULED: "held",  # its time has passed; a pass marks it soon
}


def _more(count: int, where: str) -> list[Block]:
    return section(f"…and {count} more: {where}") if count > 0 else []


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _controls(away_until: date | None) -> list[Block]:
    away: dict[str, Any] = {
        "type": "datepicker",
        "action_id": Action.HOME_AWAY,
        "placeholder": {"type": "plain_text", "text": "Away until…"},
    }
    if away_until is not None:
        away["initial_date"] = away_until.isoformat()
    buttons = [
        button(Action.HOME_SETTINGS, "Settings", "settings"),
        button(Action.HOME_QUESTIONS, "Your questions", "questions"),
        button(Action.HOME_SUMMARY, "Weekly summary", "summary"),
        away,
    ]
    if away_until is not None:
        buttons.append(button(Action.HOME_BACK, "I'm back", "back", style="primary"))
    note = (
        f"You're away until {away_until:%A %d %B} (included): no prompts or nudges reach you."
        if away_until is not None
        else "Going away? Choose your last day away, and prompts and nudges wait for you."
    )
    return [actions("home_controls", *buttons), _context(note)]


def _upcoming(row: Upcoming) -> list[Block]:
    role = "you lead" if row.leads else "your lead"
    you = "✓ you've prepared" if row.you_prepared else "you haven't prepared yet"
    them = "✓ they've prepared" if row.they_prepared else "they haven't prepared yet"
    return [
        *section(f"*<@{row.other_id}>* ({role}), {date_token(row.starts_at)}\n{you} · {them}"),
        actions(
            f"meeting:{row.meeting_id}",
            button(
                Action.PROMPT_ANSWER,
                "Change answers" if row.you_prepared else "Answer",
                row.meeting_id,
                style=None if row.you_prepared else "primary",
            ),
            button(Action.HOME_AGENDA, "Agenda", row.meeting_id),
            button(Action.PROMPT_SKIP, "Skip", row.meeting_id),
        ),
    ]


def home_view(facts: HomeFacts) -> dict[str, Any]:
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your 1:1s"}},
        *_controls(facts.away_until),
    ]
    if facts.invitations:
        blocks += [{"type": "divider"}, *section("*Invitations*")]
        for invitation in facts.invitations[:INVITATIONS_SHOWN]:
            blocks += section(
                cadence(
                    invitation.words,
                    f"<@{invitation.leader_id}> would like a regular 1:1 with you, ",
                )
            )
            blocks.append(
                actions(
                    f"invitation:{invitation.pairing_id}",
                    button(
                        Action.INVITATION_ACCEPT, "Accept", invitation.pairing_id, style="primary"
                    ),
                    button(
                        Action.INVITATION_SUGGEST, "Suggest another time", invitation.pairing_id
                    ),
                )
            )
        blocks += _more(len(facts.invitations) - INVITATIONS_SHOWN, "they are in your DMs")
    blocks += [{"type": "divider"}, *section("*Coming up*")]
    for row in facts.upcoming[:UPCOMING_SHOWN]:
        blocks += _upcoming(row)
    blocks += _more(len(facts.upcoming) - UPCOMING_SHOWN, f"`{COMMAND} list` shows them all")
    if not facts.upcoming:
        blocks += section(
            "No 1:1s coming up. Start one with "
            f"`{COMMAND} schedule @person weekly on Tuesday at 10:00`."
        )
    waiting = [f"<@{member}>" for member in facts.waiting_for[:20]]
    paused = [f"<@{other}>" for other in facts.paused[:20]]
    if waiting or paused:
        words = []
        if waiting:
            words.append(f"Waiting for {', '.join(waiting)} to accept.")
        if paused:
            words.append(f"Paused: {', '.join(paused)}.")
        blocks.append(_context(" ".join(words)))
    if facts.items:
        blocks += [{"type": "divider"}, *section("*Your action items*")]
        for item in facts.items[:ITEMS_SHOWN]:
            due = f" (due {day_words(item.due)})" if item.due else ""
            block = text_blocks(f"With <@{item.other_id}>{due}: ", item.text[:2000])[0]
            block["accessory"] = button(Action.ACTION_DONE, "Done", item.item_id)
            blocks.append(block)
        blocks += _more(len(facts.items) - ITEMS_SHOWN, "tick these off to see the rest")
    if facts.history:
        lines = []
        for past in facts.history[:HISTORY_SHOWN]:
            meetings = " · ".join(
                f"{date_token(moment, '{date_short}')} {STATUS_WORDS.get(status, status.value)}"
                for moment, status in past.meetings
            )
            lines.append(f"• <@{past.other_id}>: {meetings}")
        more = len(facts.history) - HISTORY_SHOWN
        if more > 0:
            lines.append(f"…and {more} more")
        blocks += [
            {"type": "divider"},
            *list_sections("Recently", lines),
            _context(f"`{COMMAND} history @person` shows a pair's answers, notes and items."),
        ]
    blocks.append(
        _context("Only the two people of a 1:1 ever see its answers and notes. Nobody else.")
    )
    return {"type": "home", "blocks": blocks}
