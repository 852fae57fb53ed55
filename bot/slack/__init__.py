"""The Slack kit the features share (Block Kit views, payload reading, ids, the unit of work,
the guard) and the listeners not yet moved into a feature's `listeners.py`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from slack_bolt import App

from bot.deps import Deps
from bot.slack import actions, commands, events, forms, guard, ignored

Register = Callable[[App, Deps], None]


def register_listeners(app: App, deps: Deps, features: Sequence[Register] = ()) -> None:
    """Every listener, in the order Bolt must try them; `features` are the feature packages'
    own `listeners.register`, handed in by the composition root (`bot.app`)."""
    ignored.screen(app)  # first: what is answered and left before anything is stored
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    forms.register(app, deps)
    for register in features:
        register(app, deps)
    ignored.register(app)  # last: whatever no listener above took
    guard.guard_listeners(app)  # every listener answers even when the database is down
