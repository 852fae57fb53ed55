"""Slack glue: thin listeners that call `bot.domain` and render with `bot.slack.views`."""

from __future__ import annotations

from slack_bolt import App

from bot.slack import commands, events


def register_listeners(app: App) -> None:
    commands.register(app)
    events.register(app)
