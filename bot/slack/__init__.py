"""The Slack kit the features share: Block Kit views, payload reading, ids, the unit of work
(`work`), buttons' and forms' replies (`replies`), the `/oneonone` router (`commands`), the
once-only middleware (`events`), the guard, and what is deliberately ignored. The features'
own listeners (`bot.<feature>.listeners`) are handed in by the composition root."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from slack_bolt import App

from bot.deps import Deps
from bot.slack import commands, events, guard, ignored


class Feature(Protocol):
    """A feature package's `listeners` module."""

    COMMANDS: Mapping[str, commands.Handler]

    def register(self, app: App, deps: Deps) -> None: ...


def register_listeners(app: App, deps: Deps, features: Sequence[Feature] = ()) -> None:
    """Every listener, in the order Bolt must try them."""
    ignored.screen(app)  # first: what is answered and left before anything is stored
    events.register(app, deps)  # then: each request taken once
    handlers = {name: handler for feature in features for name, handler in feature.COMMANDS.items()}
    commands.register(app, deps, handlers)
    for feature in features:
        feature.register(app, deps)
    ignored.register(app)  # last: whatever no listener above took
    guard.guard_listeners(app)  # every listener answers even when the database is down
