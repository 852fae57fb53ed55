"""Events API glue every feature shares: Slack's retries, and replays of a signed request, are
taken once (the middleware registered before any listener)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy.exc import IntegrityError

from bot.deps import Deps
from bot.slack import guard
from bot.slack.work import claim, release

logger = logging.getLogger(__name__)

Middleware = Callable[..., BoltResponse | None]

LAST_RETRY = 3  # Slack resends an event three times, over about five minutes


def take_each_request_once(deps: Deps) -> Middleware:
    """Slack resends an event it thinks we missed (`X-Slack-Retry-Num`, same `event_id`), and
    a signed command or click can be replayed within Slack's five minutes. The first delivery
    claims its id in `processed_events` (the `event_id`; for a command, click or form, its
    `trigger_id`, which Slack makes for each one); a repeat finds it taken and is acknowledged
    without running any listener, so nothing is created twice. A listener that fails
    releases the id. With the database out of reach, an event gets 503 so that Slack sends it
    again, until its last try, which goes on to be answered by `bot.slack.guard`."""

    def middleware(
        body: dict[str, Any], request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        retry = (request.headers.get("x-slack-retry-num") or ["0"])[0]
        retry_num = int(retry) if retry.isdigit() else 0
        if body.get("type") == "event_callback":
            event_id = body.get("event_id")
        else:
            trigger = body.get("trigger_id")
            event_id = f"trigger:{trigger}" if isinstance(trigger, str) and trigger else None
        if not isinstance(event_id, str) or not event_id:
            return next()
        try:
            claim(deps, event_id, body.get("team_id"))
        except guard.DATABASE_DOWN:
            if body.get("type") == "event_callback" and retry_num < LAST_RETRY:
                logger.warning("database unreachable: event %s left for Slack to resend", event_id)
                return BoltResponse(status=503, body="")  # Slack sends it again, later
            return next()  # the listener acks and tells the person (bot.slack.guard)
        except IntegrityError:
            logger.info("%s was already taken; the repeat is ignored", event_id)
            return BoltResponse(status=200, body="")
        try:
            return next()
        except Exception:
            release(deps, event_id)
            raise

    return middleware


def register(app: App, deps: Deps) -> None:
    app.middleware(take_each_request_once(deps))
