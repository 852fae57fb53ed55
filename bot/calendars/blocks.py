"""Calendars' Block Kit (pure functions): the private calendar link and its steps."""

from __future__ import annotations

from bot.slack.views import COMMAND, Block, section


def calendar_blocks(url: str, *, reset: bool) -> list[Block]:
    """The private link (shown once, to its owner only) and how to subscribe with it."""
    first = (
        "Your new calendar link (the old one no longer works):"
        if reset
        else ("Your private calendar link: every 1:1 you're in, kept up to date as they change.")
    )
    steps = "\n".join(
        (
            "• *Google Calendar*: Other calendars → + → From URL, and paste it.",
            "• *Outlook*: Add calendar → Subscribe from web, and paste it.",
            "• *Apple Calendar*: File → New Calendar Subscription, and paste it.",
        )
    )
    return [
        *section(first),
        *section(f"```{url}```"),
        *section(steps),
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Anyone with this link sees when your 1:1s are and with whom "
                    f"(never what is said in them). Keep it to yourself; `{COMMAND} calendar "
                    "reset` stops it.",
                }
            ],
        },
    ]
