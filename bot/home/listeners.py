"""The App Home: published when someone opens it (and, by `bot.slack.work`, after every
change of theirs that it shows), and its Away and Back buttons. (Its other buttons belong to
the features they open: settings to `people`, an agenda to `checkins`, the summary to
`summary`.) Imports the services of `people` and `scheduling`, and the Slack kit."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.people import profiles
from bot.people import service as preferences
from bot.scheduling import service as pairings
from bot.slack import views
from bot.slack.commands import Handler
from bot.slack.ids import Action
from bot.slack.payloads import team_of
from bot.slack.work import Done, publish_now, transaction, unit


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def opened(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        team_id, user_id, now = team_of(context, body), event.get("user"), deps.clock.now()
        if event.get("tab") != "home" or not user_id:
            return

        def work(session: Session) -> None:
            preferences.profile(
                session, team_id=team_id, user_id=user_id, now=now
            ).home_opened_at = now

        transaction(deps, work)
        publish_now(deps, client, team_id, [user_id])

    @app.action(Action.HOME_AWAY)
    @app.action(Action.HOME_BACK)
    def away(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        team_id, user_id, now = (context.team_id or ""), body["user"]["id"], deps.clock.now()
        action = body["actions"][0]

        def work(session: Session) -> Done:
            zone = preferences.of(session, team_id=team_id, user_id=user_id).zone
            today = now.astimezone(ZoneInfo(zone)).date()
            until = None
            if action["action_id"] == Action.HOME_AWAY:
                chosen = action.get("selected_date")
                picked = date.fromisoformat(chosen if isinstance(chosen, str) else "")
                until = profiles.check_away(picked, today=today)
            profiles.set_away(session, team_id=team_id, user_id=user_id, until=until, now=now)
            return Done(homes=[user_id])

        def refuse(error: Exception) -> None:
            reason = str(error) if isinstance(error, pairings.SchedulingError) else ""
            notice = views.notice_modal(reason or "Choose a date.")
            client.views_open(trigger_id=body["trigger_id"], view=notice)

        failures = (ValueError, pairings.SchedulingError)
        unit(deps, client, team_id, work, refuse=refuse, failures=failures)


COMMANDS: dict[str, Handler] = {}  # the Home is opened, not commanded
