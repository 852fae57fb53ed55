"""What Slack may send that we deliberately leave alone, acknowledged with 200.

Bolt answers 404 to a request that no listener matches, and Slack counts that as a failed
delivery and retries it (or shows the person an error). These listeners, registered last,
take whatever the others did not: other event types, message shapes we do not act on,
buttons and menus of old messages, closed modals and unknown callbacks. Before any of our
listeners, `screen` answers what needs no listener: Slack's bare `app_rate_limited` notice,
and requests for a workspace that a single-token deployment does not serve.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse

logger = logging.getLogger(__name__)

ANYTHING = re.compile(".*")


def _warn_rate_limited(notice: dict[str, Any]) -> None:
    """Slack is holding back events for this workspace: more than 30,000 in an hour."""
    logger.warning(
        "Slack rate-limited the events it sends to this app in workspace %s (minute %s): "
        "some events will not arrive",
        notice.get("team_id"),
        notice.get("minute_rate_limited"),
    )


def rate_limited_notice(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
    """Slack's docs send `app_rate_limited` bare, not as an event: no listener matches it."""
    if body.get("type") != "app_rate_limited":
        return next()
    _warn_rate_limited(body)
    return BoltResponse(status=200, body="")


def only_our_workspace(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """A deployment with one bot token serves that token's workspace. Slack sends an app's
    requests from every workspace it is installed in, signed alike; Bolt checks the
    signature, not the workspace, so requests for another one are answered here and left."""
    ours = context.authorize_result
    if ours is None or not context.team_id or context.team_id == ours.team_id:
        return next()
    logger.info("a request for workspace %s, not ours (%s): left", context.team_id, ours.team_id)
    return BoltResponse(status=200, body=OTHER_WORKSPACE if "command" in body else "")


OTHER_WORKSPACE = (
    "This oneonone serves another workspace. Ask whoever runs it here to install it for yours."
)


def screen(app: App) -> None:
    """Middleware that runs before any other of ours: requests answered and left at once."""
    app.middleware(rate_limited_notice)
    if app.installation_store is None:
        app.middleware(only_our_workspace)


def register(app: App) -> None:
    @app.event("app_rate_limited")
    def rate_limited(event: dict[str, Any]) -> None:
        _warn_rate_limited(event)

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
