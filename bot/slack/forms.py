"""Modals: the schedule form, suggesting another time, answers, notes, and topics."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.deps import Deps
from bot.models import Pairing
from bot.notes import service as notes
from bot.people import blocks as settings_views
from bot.people import service as preferences
from bot.people.service import SettingsError
from bot.scheduling import service as pairings
from bot.scheduling.cadence import CadenceError, describe_for
from bot.scheduling.grammar import parse_schedule
from bot.slack import commands, home, messages, payloads, people, views
from bot.slack.ids import Form, Shortcut
from bot.slack.views import state_value


def register(app: App, deps: Deps) -> None:
    register_schedule(app, deps)
    register_suggest(app, deps)
    register_answers(app, deps)
    register_notes(app, deps)
    register_topics(app, deps)
    register_settings(app, deps)


def register_schedule(app: App, deps: Deps) -> None:
    @app.view(Form.SCHEDULE)
    def schedule_form(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ):
        values = view["state"]["values"]
        person = views.form_person(values)
        if not person:
            ack(response_action="errors", errors={"person": "Choose whom the 1:1 is with."})
            return
        try:
            blocks, after = commands.create(
                deps,
                client,
                team_id=context.team_id or "",
                enterprise_id=(body.get("enterprise") or {}).get("id"),
                leader_id=body["user"]["id"],
                member_id=person,
                plan_for=lambda _zone, today: views.form_schedule(values, today=today),
                app_id=body.get("api_app_id"),
            )
        except commands.Refused as refused:
            reason = refused.blocks[0]["text"]["text"]
            ack(response_action="errors", errors={refused.field or "person": _plain(reason)})
            return
        ack()
        client.chat_postMessage(
            channel=body["user"]["id"], text="Your 1:1 is set up", blocks=blocks
        )
        if after is not None:
            after()


def _plain(mrkdwn: str) -> str:
    return (
        mrkdwn.replace("`", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")[:150]
    )


def register_suggest(app: App, deps: Deps) -> None:
    @app.view(Form.SUGGEST)
    def suggest_form(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ):
        user_id = body["user"]["id"]
        words = (state_value(view["state"]["values"], "when") or "").strip()
        now = deps.clock.now()
        try:
            zone = client.users_info(user=user_id)["user"].get("tz") or "UTC"
            plan = parse_schedule(words, default_zone=zone, today=now.date())
            with Session(deps.engine) as session, session.begin():
                pairing = session.get(
                    Pairing, payloads.read_id(view.get("private_metadata"), what="form")
                )
                if pairing is None or pairing.team_id != (context.team_id or ""):
                    raise pairings.SchedulingError("This invitation is no longer open.")
                delivery_id = pairings.propose(session, pairing, by=user_id, plan=plan, now=now)
                leader_id = pairing.leader_id
        except CadenceError as error:
            fragment = error.fragment or words
            ack(response_action="errors", errors={"when": _plain(f"{fragment}: {error.reason}")})
            return
        except (pairings.SchedulingError, ValueError) as error:
            ack(response_action="errors", errors={"when": _plain(str(error))})
            return
        ack()
        asked = views.cadence(
            describe_for(plan, zone, after=now), f"I've asked <@{leader_id}> about "
        )
        client.chat_postMessage(channel=user_id, text=f"{asked} You'll hear back.")
        deps.outbox.send_now([delivery_id], now)


def register_answers(app: App, deps: Deps) -> None:
    @app.view(Form.ANSWER)
    def answer_form(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ):
        user_id, now = body["user"]["id"], deps.clock.now()
        state = view["state"]["values"]
        given = {key: state_value(state, key) for key in state}
        try:
            with Session(deps.engine) as session, session.begin():
                meeting = checkins.meeting_for(
                    session,
                    meeting_id=payloads.read_id(view.get("private_metadata"), what="form"),
                    team_id=context.team_id or "",
                    user_id=user_id,
                )
                checkins.save_answers(session, meeting, author_id=user_id, given=given, now=now)
                message = messages.prompt_message(session, meeting, user_id)
                where = messages.prompt_location(session, meeting, user_id)
                people = (meeting.pairing.leader_id, meeting.pairing.member_id)
        except (ValueError, pairings.SchedulingError) as error:
            first = next(iter(state), "")
            ack(response_action="errors", errors={first: _plain(str(error))})
            return
        ack()
        if where is not None:  # the prompt shows the answers, updated in place
            client.chat_update(
                channel=where[0], ts=where[1], text=message.text, blocks=message.blocks
            )
        home.publish(deps, client, (context.team_id or ""), people)


def register_notes(app: App, deps: Deps) -> None:
    @app.view(Form.NOTES)
    def notes_form(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ):
        user_id, now = body["user"]["id"], deps.clock.now()
        state = view["state"]["values"]

        try:
            due = state_value(state, "due")
            with Session(deps.engine) as session, session.begin():
                meeting = checkins.meeting_for(
                    session,
                    meeting_id=payloads.read_id(view.get("private_metadata"), what="form"),
                    team_id=context.team_id or "",
                    user_id=user_id,
                )
                notes.record(
                    session,
                    meeting,
                    author_id=user_id,
                    shared=state_value(state, "shared"),
                    private=state_value(state, "private"),
                    item=state_value(state, "item"),
                    owner_id=state_value(state, "owner"),
                    due=date.fromisoformat(due) if due else None,
                    now=now,
                )
                people = (meeting.pairing.leader_id, meeting.pairing.member_id)
        except (ValueError, pairings.SchedulingError) as error:
            ack(response_action="errors", errors={next(iter(state), "shared"): _plain(str(error))})
            return
        ack()
        home.publish(deps, client, (context.team_id or ""), people)


def register_topics(app: App, deps: Deps) -> None:
    @app.shortcut(Shortcut.ADD_TO_NEXT)
    def add_to_next(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        """The message's words as its readers see them (not Slack's escaped mrkdwn), cut at a
        word to fit a topic."""
        ack()
        message = shortcut.get("message")
        text = (
            payloads.message_text(message, people.names(client))
            if isinstance(message, dict)
            else ""
        )
        topic = payloads.shorten(text, notes.TOPIC_LIMIT)
        client.views_open(trigger_id=shortcut["trigger_id"], view=views.topic_form(topic))

    @app.view(Form.TOPIC)
    def topic_form(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        state, user_id = view["state"]["values"], body["user"]["id"]
        person = state_value(state, "person")
        text = state_value(state, "text") or ""
        kind = state_value(state, "shared")
        now = deps.clock.now()
        try:
            with Session(deps.engine) as session, session.begin():
                pairing = pairings.find_open(
                    session, team_id=context.team_id or "", one=user_id, other=person or ""
                )
                if pairing is None:
                    ack(response_action="errors", errors={"person": "You have no 1:1 with them."})
                    return
                notes.add_topic(
                    session,
                    pairing,
                    author_id=user_id,
                    text=text,
                    shared=kind != "private",
                    now=now,
                )
        except pairings.SchedulingError as error:
            ack(response_action="errors", errors={"text": _plain(str(error))})
            return
        ack()


def register_settings(app: App, deps: Deps) -> None:
    """The settings and questions forms. Whatever is not yet sent for your upcoming 1:1s is
    planned again under the new settings; a refusal names its field and saves nothing."""

    def save(ack: Ack, context: BoltContext, view: dict[str, Any], whole: bool) -> None:
        team_id, user_id = context.team_id or "", context.user_id or ""
        now = deps.clock.now()
        state = view["state"]["values"]
        try:
            with Session(deps.engine) as session, session.begin():
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
        except SettingsError as error:
            ack(response_action="errors", errors={error.field: _plain(str(error))})
            return
        ack()

    @app.view(Form.SETTINGS)
    def settings_form(ack: Ack, context: BoltContext, view: dict[str, Any]) -> None:
        save(ack, context, view, whole=True)

    @app.view(Form.QUESTIONS)
    def questions_form(ack: Ack, context: BoltContext, view: dict[str, Any]) -> None:
        save(ack, context, view, whole=False)
