"""The weekly summary on demand: `/oneonone summary`, and the App Home's button. Imports the
service of `summary` (through its `messages`) and the Slack kit."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.slack import views
from bot.slack.commands import Answer, Handler
from bot.slack.ids import Action
from bot.slack.work import Done, transaction, unit
from bot.summary import messages as summary_messages


def register(app: App, deps: Deps) -> None:
    @app.action(Action.HOME_SUMMARY)
    def summary(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()

        def work(session: Session) -> Done:
            message = summary_messages.summary_message(
                session,
                team_id=context.team_id or "",
                leader_id=body["user"]["id"],
                now=deps.clock.now(),
            )
            view = views.blocks_modal("Your week in 1:1s", message.blocks or [])
            return Done(partial(client.views_open, trigger_id=body["trigger_id"], view=view))

        unit(deps, client, context.team_id or "", work)


def _summary(deps: Deps, command: dict[str, Any], _client: WebClient, _rest: str) -> Answer:
    """Your weekly summary, now (the same one the Monday DM brings)."""
    message = transaction(
        deps,
        lambda session: summary_messages.summary_message(
            session, team_id=command["team_id"], leader_id=command["user_id"], now=deps.clock.now()
        ),
    )
    return message.blocks or [], None


COMMANDS: dict[str, Handler] = {
    "summary": _summary,
}
