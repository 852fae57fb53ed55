"""Events API glue: Slack's retries are taken once; timezone changes; uninstalling."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltResponse, Say
from slack_sdk import WebClient
from sqlalchemy import Engine, delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.domain import checkins, profiles
from bot.domain.pairings import Status
from bot.jobs.outbox import enqueue_returning_id
from bot.models import ProcessedEvent
from bot.slack import home, messages, views

logger = logging.getLogger(__name__)

Middleware = Callable[..., BoltResponse | None]


def register(app: App, deps: Deps) -> None:
    engine = deps.engine
    app.middleware(take_each_event_once(engine))

    @app.event("user_change")
    def user_change(event: dict[str, Any], body: dict[str, Any]) -> None:
        user = event.get("user") or {}
        team_id, tz = body.get("team_id"), user.get("tz")
        if not (team_id and user.get("id") and tz):
            return
        now = datetime.now(UTC)
        with Session(engine) as session, session.begin():
            planned = profiles.tz_changed(
                session, team_id=team_id, user_id=user["id"], tz=tz, now=now
            )
            row = profiles.profile(session, team_id=team_id, user_id=user["id"], now=now)
            profiles.remember_status(row, Status.from_slack(user.get("profile") or {}))
            ids = [enqueue_returning_id(session, p, now=now) for p in planned]
        deps.outbox.send_now([i for i in ids if i is not None], now)

    register_replies(app, deps)

    if app.installation_store is not None:
        # Bolt deletes the workspace's installation and bot rows from the installation store.
        app.enable_token_revocation_listeners()
        return
    app.event("app_uninstalled")(single_workspace_uninstalled)
    app.event("tokens_revoked")(single_workspace_uninstalled)


def take_each_event_once(engine: Engine) -> Middleware:
    """Slack resends an event it thinks we missed (`X-Slack-Retry-Num`, same `event_id`).
    The first delivery claims the id in `processed_events`; a retry finds it taken and is
    acknowledged without running any listener. A listener that fails releases the id."""

    def middleware(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not isinstance(event_id, str) or not event_id:
            return next()
        try:
            with engine.begin() as connection:
                connection.execute(
                    insert(ProcessedEvent).values(
                        event_id=event_id[:64],
                        team_id=body.get("team_id"),
                        received_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            logger.info("event %s was already taken; Slack's retry is ignored", event_id)
            return BoltResponse(status=200, body="")
        try:
            return next()
        except Exception:
            with engine.begin() as connection:
                connection.execute(
                    delete(ProcessedEvent).where(ProcessedEvent.event_id == event_id)
                )
            raise

    return middleware


def single_workspace_uninstalled(body: dict[str, Any]) -> None:
    logger.warning(
        "Slack says the app was uninstalled or its token revoked in workspace %s; "
        "SLACK_BOT_TOKEN no longer works, remove it from this deployment",
        body.get("team_id"),
    )


def register_replies(app: App, deps: Deps) -> None:
    """Answering by plain replies in the DM: one question at a time, `skip` passes one by,
    and it resumes where the person left off."""

    @app.message()
    def reply(message: dict[str, Any], say: Say, client: WebClient, context: dict) -> None:
        if message.get("channel_type") != "im" or message.get("subtype") or message.get("bot_id"):
            return
        user_id, team_id = message.get("user"), context.get("team_id")
        if not user_id or not team_id:
            return
        now = datetime.now(UTC)
        thread = message.get("thread_ts")
        with Session(deps.engine) as session, session.begin():
            meeting = checkins.open_meeting(session, team_id=team_id, user_id=user_id, now=now)
            if meeting is None:
                say(text=views.NOTHING_TO_ANSWER, thread_ts=thread)
                return
            answered, following = checkins.answer_in_turn(
                session, meeting, user_id=user_id, text=message.get("text") or "", now=now
            )
            refreshed = messages.prompt_message(session, meeting, user_id)
            where = messages.prompt_location(session, meeting, user_id)
            people = (meeting.pairing.leader_id, meeting.pairing.member_id)
        say(text=views.turn_reply(answered, following), thread_ts=thread)
        if answered is not None and where is not None:
            client.chat_update(
                channel=where[0], ts=where[1], text=refreshed.text, blocks=refreshed.blocks
            )
        if answered is not None:
            home.publish(deps.engine, client, team_id, people)
