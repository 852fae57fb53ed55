"""People's own settings: the settings and questions forms, opened by `/oneonone settings`,
`/oneonone questions` or the App Home's buttons, and saved. Whatever is not yet sent for
their upcoming 1:1s is planned again under the new settings; a refusal names its field and
saves nothing. `/oneonone away` and the `user_change` event (a zone or a status changed)
too. Imports the services of `people`, `checkins` and `scheduling`, and the Slack kit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.delivery.outbox import enqueue_returning_id
from bot.deps import Deps
from bot.people import blocks as settings_views
from bot.people import profiles
from bot.people import service as preferences
from bot.people.service import SettingsError
from bot.scheduling import service as pairings
from bot.scheduling.service import Status
from bot.scheduling.zones import is_zone
from bot.slack import payloads, people, views
from bot.slack.commands import Answer, Handler
from bot.slack.ids import Action, Form
from bot.slack.people import person
from bot.slack.views import COMMAND
from bot.slack.work import Done, after, in_turn, refuse_in_form, transaction, unit


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

    def work(session: Session) -> Done:
        if someone is not None:
            profiles.remember(session, someone, team_id=team_id, now=now)
        current = preferences.of(session, team_id=team_id, user_id=user_id)
        return Done(partial(client.views_open, trigger_id=trigger_id, view=form(current)))

    after(deps, client, team_id, transaction(deps, work))


def register(app: App, deps: Deps) -> None:
    register_user_change(app, deps)

    def open_form(
        ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, form: Any
    ) -> None:
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

    def save(
        ack: Ack, client: WebClient, context: BoltContext, view: dict[str, Any], whole: bool
    ) -> None:
        team_id, user_id = context.team_id or "", context.user_id or ""
        now = deps.clock.now()
        state = view["state"]["values"]

        def work(session: Session) -> Done:
            row = preferences.profile(session, team_id=team_id, user_id=user_id, now=now)
            current = preferences.from_profile(row)
            if whole:
                wanted = settings_views.read_settings(state, current)
            else:
                member, leader = settings_views.read_questions(state)
                wanted = replace(current, member_questions=member, leader_questions=leader)
            preferences.save(session, row, wanted, now=now)
            if whole:
                checkins.replan(session, team_id=team_id, user_id=user_id, now=now)
                preferences.plan_summary(session, row, now=now, again=True)
            return Done(in_turn(ack))

        refuse = refuse_in_form(ack, field="")
        unit(deps, client, team_id, work, refuse=refuse, failures=(SettingsError,))

    @app.view(Form.SETTINGS)
    def settings_form(
        ack: Ack, client: WebClient, context: BoltContext, view: dict[str, Any]
    ) -> None:
        save(ack, client, context, view, whole=True)

    @app.view(Form.QUESTIONS)
    def questions_form(
        ack: Ack, client: WebClient, context: BoltContext, view: dict[str, Any]
    ) -> None:
        save(ack, client, context, view, whole=False)


def _away(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    now = deps.clock.now()
    try:
        tz = ZoneInfo(people.person(client, command["user_id"]).tz)
    except SlackApiError:
        tz = ZoneInfo("UTC")
    today = now.astimezone(tz).date()
    try:
        until = profiles.parse_away(rest, today=today)
    except pairings.SchedulingError as error:
        return views.done_blocks(str(error)), None
    transaction(
        deps,
        lambda session: profiles.set_away(
            session, team_id=command["team_id"], user_id=command["user_id"], until=until, now=now
        ),
    )
    stale = Done(homes=[command["user_id"]])
    if until is None:
        return views.done_blocks("Welcome back: prompts and nudges reach you again."), stale
    return views.done_blocks(
        f"Enjoy your time away. No prompts or nudges reach you until {until:%A %d %B %Y} "
        f"(included), in every 1:1 you're in. `{COMMAND} away off` ends it early."
    ), stale


def _open_settings(deps: Deps, client: WebClient, command: dict[str, Any], form: Any) -> None:
    open_settings(
        deps,
        client,
        team_id=command["team_id"],
        user_id=command["user_id"],
        trigger_id=command["trigger_id"],
        form=form,
    )


def _questions(deps: Deps, command: dict[str, Any], client: WebClient, _rest: str) -> Answer:
    """Your own question sets, in a form."""
    _open_settings(deps, client, command, settings_views.questions_form)
    return [], None


def _settings(deps: Deps, command: dict[str, Any], client: WebClient, _rest: str) -> Answer:
    """Everything you can set, in a form (also behind the App Home's Settings button)."""
    _open_settings(deps, client, command, settings_views.settings_form)
    return [], None


def register_user_change(app: App, deps: Deps) -> None:
    @app.event("user_change")
    def user_change(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        """Fires for any profile edit. A person's zone and status are kept; bots, deactivated
        accounts and a zone this machine does not know are left alone."""
        user = event.get("user")
        if not isinstance(user, dict) or user.get("is_bot") or user.get("deleted"):
            return
        team_id, user_id, tz = payloads.team_of(context, body), user.get("id"), user.get("tz")
        if not (team_id and isinstance(user_id, str) and user_id and is_zone(tz)):
            return
        profile = user.get("profile")
        status, now = (
            Status.from_slack(profile if isinstance(profile, dict) else {}),
            deps.clock.now(),
        )

        def work(session: Session) -> Done:
            planned = profiles.tz_changed(session, team_id=team_id, user_id=user_id, tz=tz, now=now)
            row = profiles.profile(session, team_id=team_id, user_id=user_id, now=now)
            profiles.remember_status(row, status)
            return Done(send=[enqueue_returning_id(session, p, now=now) for p in planned])

        unit(deps, client, team_id, work)


COMMANDS: dict[str, Handler] = {
    "away": _away,
    "questions": _questions,
    "settings": _settings,
}
