"""The `/oneonone` slash command: ack fast, read the subcommand, answer ephemerally."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot.slack.views import COMMAND, HELP_LINES, help_blocks, help_fallback_text

logger = logging.getLogger(__name__)

SUBCOMMANDS = frozenset(example.split()[0] for example, _ in HELP_LINES)


def register(app: App) -> None:
    app.command(COMMAND)(oneonone)


def oneonone(ack: Ack, command: dict[str, Any]) -> None:
    text = (command.get("text") or "").strip()
    subcommand = text.split(maxsplit=1)[0].lower() if text else "help"
    if subcommand == "help":
        blocks = help_blocks()
    elif subcommand in SUBCOMMANDS:
        blocks = help_blocks(unavailable=subcommand)
    else:
        blocks = help_blocks(not_understood=text)
    ack(response_type="ephemeral", text=help_fallback_text(blocks), blocks=blocks)
