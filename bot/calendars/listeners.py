"""Calendars in Slack: `/oneonone calendar [reset]` and the Add to calendar button. Imports
the services of `calendars` and `scheduling` and the Slack kit."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.calendars import blocks as calendars_views
from bot.calendars import service as calendars
from bot.deps import Deps
from bot.scheduling import service as pairings
from bot.slack import files, payloads, views
from bot.slack.commands import Answer, Handler
from bot.slack.ids import Action
from bot.slack.replies import (
    Reply,
    button_unit,
    pairing_of,
)
from bot.slack.views import COMMAND, help_blocks
from bot.slack.work import Done, transaction


def register(app: App, deps: Deps) -> None:
    register_calendar(app, deps)


def _calendar(deps: Deps, command: dict[str, Any], _client: WebClient, rest: str) -> Answer:
    """Your private calendar link (once), or a new one that stops the old (`reset`)."""
    if rest.lower() not in ("", "reset"):
        return help_blocks(not_understood=payloads.unescape(f"calendar {rest}")), None
    base = deps.settings.public_url
    if base is None:
        return views.done_blocks(
            "Calendar links need the app's public https address, and this one has none set "
            "(the operator sets ONEONONE_PUBLIC_URL)."
        ), None
    now, team_id, user_id = deps.clock.now(), command["team_id"], command["user_id"]
    make = calendars.reset if rest.lower() == "reset" else calendars.new_link
    secret = transaction(
        deps, lambda session: make(session, team_id=team_id, user_id=user_id, now=now)
    )
    if secret is None:
        return views.done_blocks(
            "You already have a calendar link. I keep only a fingerprint of it, so I can't "
            f"show it again: `{COMMAND} calendar reset` makes a new one and stops the old."
        ), None
    return calendars_views.calendar_blocks(f"{base}/calendar/{secret}.ics", reset=rest != ""), None


def register_calendar(app: App, deps: Deps) -> None:
    @app.action(Action.CALENDAR_FILE)
    def calendar_file(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        """The 1:1 as an .ics file in the clicker's DM, for any calendar (Slack's file upload
        v2), where no public address serves a subscription."""
        ack()
        reply = Reply(respond, client, body)
        user_id = context.user_id or ""

        def work(session: Session) -> Done:
            pairing = pairing_of(session, body, context, "This 1:1 is not yours.")
            other = pairings.other_of(pairing, user_id)
            sent = partial(
                files.send,
                client,
                user_id,
                content=calendars.one(session, pairing),
                filename="1-1.ics",
                title="Your 1:1, for your calendar",
                comment=f"Your 1:1 with <@{other}>: open the file to add it to your calendar. "
                "It holds when you meet, never what you say.",
            )
            return Done(sent)

        button_unit(deps, client, context, work, reply.refuse)


COMMANDS: dict[str, Handler] = {
    "calendar": _calendar,
}
