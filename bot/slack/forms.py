"""Modals: the schedule form, suggesting another time, answers, notes, and topics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.deps import Deps
from bot.notes import service as notes
from bot.people.service import SettingsError
from bot.scheduling import service as pairings
from bot.scheduling.cadence import CadenceError, describe_for
from bot.scheduling.grammar import parse_schedule
from bot.slack import commands, messages, payloads, people, views
from bot.slack.ids import Form, Shortcut
from bot.slack.views import state_value
from bot.slack.work import Done, after, form_error, in_turn, refuse_in_form, unit


def register(app: App, deps: Deps) -> None:
    register_schedule(app, deps)
    register_suggest(app, deps)
    register_answers(app, deps)
    register_notes(app, deps)
    register_topics(app, deps)


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
            blocks, then = commands.create(
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
            ack(response_action="errors", errors={refused.field or "person": form_error(reason)})
            return
        ack()
        client.chat_postMessage(
            channel=body["user"]["id"], text="Your 1:1 is set up", blocks=blocks
        )
        after(deps, client, context.team_id or "", then)


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
        zone = client.users_info(user=user_id)["user"].get("tz") or "UTC"

        def work(session: Session) -> Done:
            plan = parse_schedule(words, default_zone=zone, today=now.date())
            pairing = pairings.pairing_for(
                session,
                pairing_id=payloads.read_id(view.get("private_metadata"), what="form"),
                team_id=context.team_id or "",
                user_id=user_id,
                refusal="This invitation is no longer open.",
            )
            delivery_id = pairings.propose(session, pairing, by=user_id, plan=plan, now=now)
            asked = views.cadence(
                describe_for(plan, zone, after=now), f"I've asked <@{pairing.leader_id}> about "
            )
            told = partial(
                client.chat_postMessage, channel=user_id, text=f"{asked} You'll hear back."
            )
            return Done(in_turn(ack, told), send=[delivery_id])

        def refuse(error: Exception) -> None:
            if isinstance(error, CadenceError):
                reason = f"{error.fragment or words}: {error.reason}"
            else:
                reason = str(error)
            ack(response_action="errors", errors={"when": form_error(reason)})

        failures = (CadenceError, pairings.SchedulingError, ValueError)
        unit(deps, client, context.team_id or "", work, refuse=refuse, failures=failures)


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

        def work(session: Session) -> Done:
            meeting = checkins.meeting_for(
                session,
                meeting_id=payloads.read_id(view.get("private_metadata"), what="form"),
                team_id=context.team_id or "",
                user_id=user_id,
            )
            checkins.save_answers(session, meeting, author_id=user_id, given=given, now=now)
            message = messages.prompt_message(session, meeting, user_id)
            where = messages.prompt_location(session, meeting, user_id)
            updated = None
            if where is not None:  # the prompt shows the answers, updated in place
                updated = partial(
                    client.chat_update,
                    channel=where[0],
                    ts=where[1],
                    text=message.text,
                    blocks=message.blocks,
                )
            people = (meeting.pairing.leader_id, meeting.pairing.member_id)
            return Done(in_turn(ack, updated), homes=people)

        _save(deps, client, context, work, ack, field=next(iter(state), ""))


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

        def work(session: Session) -> Done:
            due = state_value(state, "due")
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
            return Done(in_turn(ack), homes=people)

        _save(deps, client, context, work, ack, field=next(iter(state), "shared"))


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
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        state, user_id = view["state"]["values"], body["user"]["id"]
        person = state_value(state, "person")
        text = state_value(state, "text") or ""
        kind = state_value(state, "shared")
        now = deps.clock.now()

        def work(session: Session) -> Done:
            pairing = pairings.find_open(
                session, team_id=context.team_id or "", one=user_id, other=person or ""
            )
            if pairing is None:
                raise SettingsError("person", "You have no 1:1 with them.")
            notes.add_topic(
                session, pairing, author_id=user_id, text=text, shared=kind != "private", now=now
            )
            return Done(in_turn(ack))

        _save(deps, client, context, work, ack, field="text")


def _save(
    deps: Deps,
    client: WebClient,
    context: BoltContext,
    work: Callable[[Session], Done],
    ack: Ack,
    *,
    field: str,
) -> None:
    """A form about a 1:1's meeting: a stale form or a bad value is shown at `field`."""
    failures = (ValueError, pairings.SchedulingError)
    refuse = refuse_in_form(ack, field=field)
    unit(deps, client, context.team_id or "", work, refuse=refuse, failures=failures)
