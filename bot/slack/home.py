"""The App Home: published when someone opens it and after every change of theirs that it
shows (a 1:1 scheduled, accepted, skipped, moved or ended; answers; action items; away), and
the buttons that only the App Home has."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.deps import Deps
from bot.home import blocks as home_views
from bot.home import service as home
from bot.models import Profile
from bot.people import blocks as settings_views
from bot.people import profiles
from bot.people import service as preferences
from bot.scheduling import service as pairings
from bot.slack import messages
from bot.slack.ids import Action
from bot.slack.payloads import read_id, team_of
from bot.slack.people import person

logger = logging.getLogger(__name__)


def publish(deps: Deps, client: WebClient, team_id: str, users: Iterable[str]) -> None:
    """After a change, views.publish the App Home of each of these people who has opened it
    (anyone else's is published when they first open it: views.publish is rate limited, so
    it is not spent on Homes nobody looks at)."""
    wanted = list(dict.fromkeys(users))
    with Session(deps.engine) as session:
        seen = set(
            session.scalars(
                select(Profile.user_id).where(
                    Profile.team_id == team_id,
                    Profile.user_id.in_(wanted),
                    Profile.home_opened_at.is_not(None),
                )
            )
        )
    _publish(deps, client, team_id, [user for user in wanted if user in seen])


def _publish(deps: Deps, client: WebClient, team_id: str, users: list[str]) -> None:
    """views.publish each person's App Home as it is now. A Home that cannot be published
    is logged and never fails the change that asked for it."""
    now = deps.clock.now()
    for user_id in users:
        with Session(deps.engine) as session:
            zone = preferences.of(session, team_id=team_id, user_id=user_id).tz
            facts = home.load(
                session,
                team_id=team_id,
                user_id=user_id,
                now=now,
                today=now.astimezone(zone).date(),
            )
        try:
            client.views_publish(user_id=user_id, view=home_views.home_view(facts))
        except SlackApiError as error:
            logger.warning("home of %s not published: %s", user_id, error.response.get("error"))


def open_settings(
    deps: Deps,
    client: WebClient,
    *,
    team_id: str,
    user_id: str,
    trigger_id: str,
    form: Callable[[preferences.Preferences], dict[str, Any]],
) -> None:
    """Open a settings form with the person's current values, in their Slack timezone, for
    whoever asked (by a slash command or a click)."""
    now = deps.clock.now()
    try:
        someone = person(client, user_id)
    except SlackApiError:
        someone = None
    with Session(deps.engine) as session, session.begin():
        if someone is not None:
            profiles.remember(session, someone, team_id=team_id, now=now)
        current = preferences.of(session, team_id=team_id, user_id=user_id)
    client.views_open(trigger_id=trigger_id, view=form(current))


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def opened(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        team_id, user_id, now = team_of(context, body), event.get("user"), deps.clock.now()
        if event.get("tab") != "home" or not user_id:
            return
        with Session(deps.engine) as session, session.begin():
            row = preferences.profile(session, team_id=team_id, user_id=user_id, now=now)
            row.home_opened_at = now
        _publish(deps, client, team_id, [user_id])

    def open_form(ack: Ack, body: dict[str, Any], client: WebClient, context, form: Any) -> None:
        ack()
        open_settings(
            deps,
            client,
            team_id=context.team_id or "",
            user_id=context.user_id or "",
            trigger_id=body["trigger_id"],
            form=form,
        )

    @app.action(Action.HOME_SETTINGS)
    def settings(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        open_form(ack, body, client, context, settings_views.settings_form)

    @app.action(Action.HOME_QUESTIONS)
    def questions(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        open_form(ack, body, client, context, settings_views.questions_form)

    @app.action(Action.HOME_SUMMARY)
    def summary(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        with Session(deps.engine) as session:
            message = messages.summary_message(
                session,
                team_id=context.team_id or "",
                leader_id=body["user"]["id"],
                now=deps.clock.now(),
            )
        view = home_views.blocks_modal("Your week in 1:1s", message.blocks or [])
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(Action.HOME_AGENDA)
    def agenda(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        user_id = body["user"]["id"]
        try:
            with Session(deps.engine) as session:
                meeting = checkins.meeting_for(
                    session,
                    meeting_id=read_id(body["actions"][0]["value"]),
                    team_id=context.team_id or "",
                    user_id=user_id,
                )
                blocks = messages.agenda_for(session, meeting, user_id)
            view = home_views.blocks_modal("Agenda", blocks)
        except (ValueError, KeyError, pairings.SchedulingError) as error:
            reason = str(error) if isinstance(error, pairings.SchedulingError) else None
            view = home_views.notice_modal(reason or "That button no longer works.")
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(Action.HOME_AWAY)
    @app.action(Action.HOME_BACK)
    def away(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        team_id, user_id, now = (context.team_id or ""), body["user"]["id"], deps.clock.now()
        action = body["actions"][0]
        with Session(deps.engine) as session, session.begin():
            zone = preferences.of(session, team_id=team_id, user_id=user_id).zone
            today = now.astimezone(ZoneInfo(zone)).date()
            until = None
            if action["action_id"] == Action.HOME_AWAY:
                try:
                    chosen = action.get("selected_date")
                    until = date.fromisoformat(chosen if isinstance(chosen, str) else "")
                    profiles.parse_away(f"until {until.isoformat()}", today=today)
                except (ValueError, pairings.SchedulingError) as error:
                    reason = str(error) if isinstance(error, pairings.SchedulingError) else ""
                    notice = home_views.notice_modal(reason or "Choose a date.")
                    client.views_open(trigger_id=body["trigger_id"], view=notice)
                    return
            profiles.set_away(session, team_id=team_id, user_id=user_id, until=until, now=now)
        publish(deps, client, team_id, [user_id])
