"""Block Kit, built by pure functions that return dicts (no Slack calls, no database)."""

from __future__ import annotations

from typing import Any

from bot.slack.mrkdwn import quote_inline

Block = dict[str, Any]

COMMAND = "/oneonone"

# Every subcommand with one example; the order is the order a new leader needs them.
HELP_LINES: tuple[tuple[str, str], ...] = (
    ("schedule @person weekly on Tuesday at 10:00", "start a recurring 1:1 (no arguments: a form)"),
    ("list", "your 1:1s and when each one is next"),
    ("agenda @person", "the agenda of your next 1:1 with them"),
    ("topic @person Career plans for next year", "add a topic to your next 1:1"),
    ("history @person", "your past 1:1s with them"),
    ("skip @person", "skip the next 1:1 only"),
    ("pause @person", "pause a 1:1 until you resume it"),
    ("resume @person", "start a paused 1:1 again"),
    ("reschedule @person every 2 weeks on Monday 9:00", "change when a 1:1 happens"),
    ("cancel @person", "end a 1:1 (its history is kept)"),
    ("questions", "edit the questions you are both asked"),
    ("away until 2026-12-24", "no prompts or nudges until then"),
    ("summary", "your weekly summary, now"),
    ("help", "this message"),
)


def help_blocks(
    *, not_understood: str | None = None, unavailable: str | None = None
) -> list[Block]:
    """The help text; `not_understood` quotes what the user typed, `unavailable` a known command
    that this version cannot do yet."""
    intro = (
        "*oneonone* runs your recurring 1:1s. Before each one it asks you both a few questions "
        "in a direct message, then hands the leader an agenda. Only the two of you ever see "
        "the answers."
    )
    if not_understood is not None:
        intro = f"Sorry, I didn't understand {quote_inline(not_understood)}. Here is what I can do:"
    elif unavailable is not None:
        intro = (
            f"`{COMMAND} {unavailable}` is not available in this version yet. "
            "Here is what I can do:"
        )
    commands = "\n".join(f"• `{COMMAND} {example}`  {what}" for example, what in HELP_LINES)
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
        {"type": "section", "text": {"type": "mrkdwn", "text": commands}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Days and times are in your Slack timezone unless you add "
                    "`in Europe/Warsaw` (any IANA zone).",
                }
            ],
        },
    ]


def help_fallback_text(blocks: list[Block]) -> str:
    """The notification text of a help message: its first line."""
    return str(blocks[0]["text"]["text"])
