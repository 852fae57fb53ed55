"""What Slack may send that we deliberately leave alone, acknowledged with 200.

Bolt answers 404 to a request that no listener matches, and Slack counts that as a failed
delivery and retries it (or shows the person an error). These listeners, registered last,
take whatever the others did not: other event types, message shapes we do not act on,
buttons and menus of old messages, closed modals and unknown callbacks.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

logger = logging.getLogger(__name__)

ANYTHING = re.compile(".*")


def register(app: App) -> None:
    @app.event("app_rate_limited")
    def rate_limited(event: dict[str, Any]) -> None:
        """Slack is holding back events for this workspace: more than 30,000 in an hour."""
        logger.warning(
            "Slack rate-limited the events it sends to this app in workspace %s (minute %s): "
            "some events will not arrive",
            event.get("team_id"),
            event.get("minute_rate_limited"),
        )

    @app.event(ANYTHING)
    def other_event(body: dict[str, Any]) -> None:
        event = body.get("event") if isinstance(body.get("event"), dict) else {}
        logger.debug("ignored a %s event", event.get("type"))

    def acknowledge(ack: Ack) -> None:
        ack()

    app.action(ANYTHING)(acknowledge)
    app.view(ANYTHING)(acknowledge)
    app.view_closed(ANYTHING)(acknowledge)
    app.shortcut(ANYTHING)(acknowledge)

    @app.options(ANYTHING)
    def no_options(ack: Ack) -> None:
        ack(options=[])
