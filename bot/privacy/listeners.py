"""Each person's data in Slack: `/oneonone export`, `/oneonone forget me` and its confirm
button; a workspace uninstalling the app (its tokens at once, its data after the grace
period). Imports the services of `privacy` and the Slack kit."""

from __future__ import annotations

import json
import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.delivery.outbox import enqueue_returning_id
from bot.deps import Deps
from bot.privacy import blocks as privacy_views
from bot.privacy import service as privacy
from bot.slack import files, payloads, views
from bot.slack.commands import Answer, Handler
from bot.slack.ids import Action
from bot.slack.replies import (
    Reply,
    button_unit,
)
from bot.slack.views import help_blocks
from bot.slack.work import Done, transaction

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    register_forget(app, deps)
    register_uninstalls(app, deps)


def _export(deps: Deps, command: dict[str, Any], client: WebClient, _rest: str) -> Answer:
    """Everything you may read here, as a JSON file in your DM with the app."""
    team_id, user_id, now = command["team_id"], command["user_id"], deps.clock.now()
    document = transaction(
        deps, lambda session: privacy.export(session, team_id=team_id, user_id=user_id, now=now)
    )
    sent = partial(
        files.send,
        client,
        user_id,
        content=json.dumps(document, indent=2, ensure_ascii=False).encode(),
        filename=f"oneonone-export-{now:%Y-%m-%d}.json",
        title="Your oneonone data",
        comment="Everything you can read in oneonone, as of now. Only you see this file.",
    )
    return views.done_blocks("Your export is on its way to our DM, as a file."), Done(sent)


def _forget(_deps: Deps, _command: dict[str, Any], _client: WebClient, rest: str) -> Answer:
    if rest.lower() != "me":
        return help_blocks(not_understood=payloads.unescape(f"forget {rest}")), None
    return privacy_views.forget_confirm_blocks(), None


def register_forget(app: App, deps: Deps) -> None:
    @app.action(Action.FORGET_ME)
    def forget_me(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        """After the confirm button: what the clicker wrote, and what we keep about them, goes;
        the other person of each 1:1 where something shared went is told, once."""
        ack()
        now, team_id, user_id = deps.clock.now(), context.team_id or "", context.user_id or ""
        reply = Reply(respond, client, body)

        def work(session: Session) -> Done:
            if not (team_id and user_id):
                raise ValueError("no one to forget")
            planned = privacy.forget(session, team_id=team_id, user_id=user_id, now=now)
            said = partial(
                reply.say,
                "Done: everything you wrote here, your settings and your calendar link are "
                "deleted. Your 1:1s themselves go on; `/oneonone cancel @person` ends one.",
                replace=True,
            )
            return Done(said, send=[enqueue_returning_id(session, p, now=now) for p in planned])

        button_unit(deps, client, context, work, reply.refuse)


def register_uninstalls(app: App, deps: Deps) -> None:
    store = app.installation_store

    @app.event("app_uninstalled")
    def uninstalled(body: dict[str, Any], context: BoltContext) -> None:
        """The workspace's tokens go at once (Bolt's installation store, with OAuth); all its
        data after ONEONONE_UNINSTALL_GRACE_DAYS, unless it installs the app again first."""
        team_id = payloads.team_of(context, body)
        if store is not None:  # what Bolt's own app_uninstalled listener does
            TokenRevocationListeners(store).handle_app_uninstalled_events(context)
        else:
            single_workspace_uninstalled(body)
        if team_id:
            transaction(
                deps,
                lambda session: privacy.uninstalled(
                    session,
                    team_id=team_id,
                    now=deps.clock.now(),
                    grace_days=deps.settings.uninstall_grace_days,
                ),
            )

    if store is not None:
        # Bolt deletes the revoked tokens' rows from the installation store.
        app.event("tokens_revoked")(app.default_tokens_revoked_event_listener())
    else:
        app.event("tokens_revoked")(single_workspace_uninstalled)


def single_workspace_uninstalled(body: dict[str, Any]) -> None:
    logger.warning(
        "Slack says the app was uninstalled or its token revoked in workspace %s; "
        "SLACK_BOT_TOKEN no longer works, remove it from this deployment",
        body.get("team_id"),
    )


COMMANDS: dict[str, Handler] = {
    "export": _export,
    "forget": _forget,
}
