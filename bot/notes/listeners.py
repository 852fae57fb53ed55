"""Notes in Slack: after a meeting, Add notes and We didn't meet; an action item's Done; the
notes form; topics (`/oneonone topic`, the message shortcut and its form). Imports the
services of `notes`, `checkins` and `scheduling` and the Slack kit."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.notes import blocks as notes_views
from bot.notes import service as notes
from bot.people.service import SettingsError
from bot.scheduling import service as pairings
from bot.slack import payloads, people, views
from bot.slack.commands import Answer, Handler, with_pairing
from bot.slack.ids import Action, Form, Shortcut
from bot.slack.mrkdwn import escape
from bot.slack.payloads import read_id
from bot.slack.replies import (
    Reply,
    both,
    button_unit,
    form_meeting,
    form_unit,
    meeting_of,
)
from bot.slack.views import state_value
from bot.slack.work import Done, in_turn


def register(app: App, deps: Deps) -> None:
    register_after(app, deps)
    register_notes(app, deps)
    register_topics(app, deps)


def _topic(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    """`topic @person [private] <text>`: something to talk about next time."""

    def change(session: Session, pairing: pairings.Pairing, now: datetime, words: str):
        private = words.lower().startswith("private")
        typed = words[len("private") :].lstrip(" :") if private else words
        text = payloads.plain(typed, people.names(client))  # as they read it, not escaped
        notes.add_topic(
            session, pairing, author_id=command["user_id"], text=text, shared=not private, now=now
        )
        whom = "only you will see it" if private else "you'll both see it"
        return f"Added to your next 1:1 ({whom}).", []

    return with_pairing(deps, command, client, rest, change, changes_home=False)


def register_after(app: App, deps: Deps) -> None:
    @app.action(Action.FOLLOWUP_NOTES)
    def add_notes(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        user_id = body["user"]["id"]

        def work(session: Session) -> Done:
            meeting = meeting_of(session, body, context)
            pairing = meeting.pairing
            form = notes_views.notes_form(
                meeting.id,
                user_id,
                pairings.other_of(pairing, user_id),
                leader=user_id == pairing.leader_id,
            )
            return Done(partial(client.views_open, trigger_id=body["trigger_id"], view=form))

        button_unit(deps, client, context, work, Reply(respond, client, body).refuse)

    @app.action(Action.FOLLOWUP_MISSED)
    def missed(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        reply = Reply(respond, client, body)

        def work(session: Session) -> Done:
            meeting = meeting_of(session, body, context)
            pairings.mark_missed(session, meeting, by=body["user"]["id"], now=deps.clock.now())
            said = partial(
                reply.say,
                f"Noted: the 1:1 on {views.date_token(meeting.starts_at)} did not happen. Its "
                "open action items carry over to the next one.",
                replace=True,
            )
            return Done(said, homes=both(meeting.pairing))

        button_unit(deps, client, context, work, reply.refuse)

    @app.action(Action.ACTION_DONE)
    def done(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        reply = Reply(respond, client, body)

        def work(session: Session) -> Done:
            item = notes.tick_off(
                session,
                item_id=read_id(body["actions"][0]["value"]),
                team_id=context.team_id or "",
                user_id=body["user"]["id"],
                now=deps.clock.now(),
            )
            said = partial(reply.say, f"Done: {escape(item.text)}", replace=False)
            return Done(said, homes=both(item.pairing))

        button_unit(deps, client, context, work, reply.refuse)


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
            meeting = form_meeting(session, body, context)
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

        form_unit(deps, client, context, work, ack, field=next(iter(state), "shared"))


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
        client.views_open(trigger_id=shortcut["trigger_id"], view=notes_views.topic_form(topic))

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

        form_unit(deps, client, context, work, ack, field="text")


COMMANDS: dict[str, Handler] = {
    "topic": _topic,
}
