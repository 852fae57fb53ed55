"""People's own settings: the settings and questions forms, opened by `/oneonone settings`,
`/oneonone questions` or the App Home's buttons, and saved. Whatever is not yet sent for
their upcoming 1:1s is planned again under the new settings; a refusal names its field and
saves nothing. Imports the services of `people` and `checkins`, and the Slack kit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.deps import Deps
from bot.people import blocks as settings_views
from bot.people import profiles
from bot.people import service as preferences
from bot.people.service import SettingsError
from bot.slack.ids import Action, Form
from bot.slack.people import person
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
