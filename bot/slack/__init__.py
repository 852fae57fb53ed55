"""Slack glue: thin listeners that call the feature services and render with `bot.slack.views`."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.slack import actions, commands, events, forms, guard, home, ignored


def register_listeners(app: App, deps: Deps) -> None:
    ignored.screen(app)  # first: what is answered and left before anything is stored
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    forms.register(app, deps)
    home.register(app, deps)
    ignored.register(app)  # last: whatever no listener above took
    guard.guard_listeners(app)  # every listener answers even when the database is down
