"""Check-ins in Slack: a prompt's Answer, Skip this one and Remind me later, the answers form,
answering by plain replies in the DM (edits and deletes followed), and agendas: `/oneonone
agenda`, `/oneonone history` (past meetings' agendas) and the App Home's agenda buttons.
Imports the services of `checkins`, `scheduling` and `people` and the Slack kit."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.checkins import blocks as checkins_views
from bot.checkins import messages as checkins_messages
from bot.checkins import service as checkins
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.models import Meeting
from bot.people import service as preferences
from bot.scheduling import service as pairings
from bot.slack import payloads, people, views
from bot.slack.commands import Answer, Blocks, Handler, with_pairing
from bot.slack.ids import Action, Form
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
from bot.slack.work import Done, in_turn, unit

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    register_home_agenda(app, deps)
    register_prompts(app, deps)
    register_snooze(app, deps)
    register_answers(app, deps)
    register_replies(app, deps)


def _agenda(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    """The agenda of your next 1:1 with someone, on demand, to either of the two only."""

    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        meeting = pairings.next_meeting(pairing, now=now)
        if meeting is None:
            raise pairings.SchedulingError("There is no upcoming meeting yet.")
        blocks = checkins_messages.agenda_for(session, meeting, command["user_id"])
        # Anyone may prepare before their prompt arrives.
        return [*blocks[:49], checkins_views.answer_button(meeting.id)], []

    return with_pairing(deps, command, client, rest, change, changes_home=False)


def register_prompts(app: App, deps: Deps) -> None:
    @app.action(Action.PROMPT_ANSWER)
    def answer(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        user_id = body["user"]["id"]

        def work(session: Session) -> Done:
            meeting = meeting_of(session, body, context)
            given = checkins.answers(session, meeting, user_id)
            rows = [
                (
                    q.key,
                    q.text,
                    q.mood,
                    (given[q.key].mood if q.mood else given[q.key].text)
                    if q.key in given
                    else None,
                )
                for q in checkins.questions(session, meeting, user_id)
            ]  # a skipped one prefills as empty
            form = checkins_views.answer_form(meeting.id, rows)
            return Done(partial(client.views_open, trigger_id=body["trigger_id"], view=form))

        button_unit(deps, client, context, work, Reply(respond, client, body).refuse)

    @app.action(Action.PROMPT_SKIP)
    def skip(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        now, reply = deps.clock.now(), Reply(respond, client, body)
        user_id = body["user"]["id"]

        def work(session: Session) -> Done:
            meeting = meeting_of(session, body, context)
            _, notice_id = pairings.skip(
                session, meeting.pairing, by=user_id, now=now, meeting=meeting
            )
            said = partial(
                reply.say,
                f"Skipped the 1:1 on {views.date_token(meeting.starts_at)}; only that one.",
                replace=True,
            )
            return Done(said, send=[notice_id], homes=both(meeting.pairing))

        button_unit(deps, client, context, work, reply.refuse)


def register_snooze(app: App, deps: Deps) -> None:
    @app.action(Action.PROMPT_SNOOZE)
    def snooze(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        now, user_id = deps.clock.now(), body["user"]["id"]
        reply = Reply(respond, client, body)

        def work(session: Session) -> Done:
            meeting_id, _, choice = str(body["actions"][0]["selected_option"]["value"]).partition(
                ":"
            )
            meeting = checkins.meeting_for(
                session,
                meeting_id=read_id(meeting_id),
                team_id=context.team_id or "",
                user_id=user_id,
            )
            planned = checkins.snooze(
                session,
                meeting,
                user_id=user_id,
                choice=choice,
                person=preferences.of(
                    session, team_id=meeting.team_id, user_id=user_id, zone=meeting.pairing.zone
                ),
                timeline=checkins.leader_preferences(session, meeting.pairing).timeline,
                now=now,
            )
            enqueue(session, planned, now=now)
            when = views.date_token(planned.due_at)
            return Done(partial(reply.say, f"I'll remind you {when}.", replace=False))

        button_unit(deps, client, context, work, reply.refuse)


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
            meeting = form_meeting(session, body, context)
            checkins.save_answers(session, meeting, author_id=user_id, given=given, now=now)
            message = checkins_messages.prompt_message(session, meeting, user_id)
            where = checkins_messages.prompt_location(session, meeting, user_id)
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

        form_unit(deps, client, context, work, ack, field=next(iter(state), ""))


ANSWERING = (None, "file_share", "thread_broadcast")  # a reply, with a file, or also sent


def register_replies(app: App, deps: Deps) -> None:
    """Answering by plain replies in the DM, in its main view or in the prompt's thread: one
    question at a time, `skip` passes one by, and it resumes where the person left off. The
    stored answer follows the message: editing it in Slack changes the answer, deleting it
    removes it, and the prompt shows that at once. Every other kind of message in the DM
    (a `/me`, a bot's, a file alone, one Slack could not decrypt) is acknowledged and left."""

    @app.event("message")
    def message(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        channel = str(event.get("channel") or "")
        if event.get("channel_type") != "im" and not channel.startswith("D"):
            return
        team_id, subtype = payloads.team_of(context, body), event.get("subtype")
        if subtype in ANSWERING and not event.get("bot_id") and event.get("user"):
            _reply(deps, client, team_id, event)
        elif subtype == "message_changed" and isinstance(event.get("message"), dict):
            before = event.get("previous_message")
            before = before if isinstance(before, dict) else {}
            # Slack's own samples carry the original ts on previous_message alone at times.
            edited = {"ts": before.get("ts"), **event["message"]}
            _edited(deps, client, team_id, channel, edited)
        elif subtype == "message_deleted" and isinstance(event.get("previous_message"), dict):
            author = event["previous_message"].get("user")
            _deleted(deps, client, team_id, str(author or ""), str(event.get("deleted_ts") or ""))
        else:
            logger.debug("a %s message in a DM: nothing to do", subtype)


def _reply(deps: Deps, client: WebClient, team_id: str, event: dict[str, Any]) -> None:
    user_id, channel = str(event["user"]), str(event["channel"])
    thread = event.get("thread_ts")
    text = payloads.message_text(event, people.names(client), files=False)
    now = deps.clock.now()

    def say(words: str) -> None:
        client.chat_postMessage(channel=channel, thread_ts=thread, text=words)

    if not text:
        say(checkins_views.ONLY_WORDS)
        return

    def work(session: Session) -> Done:
        meeting = checkins.open_meeting(session, team_id=team_id, user_id=user_id, now=now)
        if meeting is None:
            return Done(partial(say, checkins_views.NOTHING_TO_ANSWER))
        answered, following = checkins.answer_in_turn(
            session, meeting, user_id=user_id, text=text, now=now, source_ts=event.get("ts")
        )
        with_file = " " + checkins_views.FILE_STAYS if event.get("files") else ""
        said = partial(say, checkins_views.turn_reply(answered, following) + with_file)
        if answered is None:
            return Done(said)
        changed = _answers_changed(session, client, meeting, user_id)
        return Done(in_turn(said, changed.reply), homes=changed.homes)

    unit(deps, client, team_id, work)


def _edited(
    deps: Deps, client: WebClient, team_id: str, channel: str, message: dict[str, Any]
) -> None:
    user_id, ts = str(message.get("user") or ""), str(message.get("ts") or "")
    if not user_id or not ts or message.get("bot_id"):
        return
    text = payloads.message_text(message, people.names(client), files=False)

    def work(session: Session) -> Done:
        meeting = checkins.follow_edit(
            session, team_id=team_id, user_id=user_id, ts=ts, text=text, now=deps.clock.now()
        )
        return _answers_changed(session, client, meeting, user_id) if meeting else Done()

    def kept(error: Exception) -> None:
        client.chat_postMessage(
            channel=channel, thread_ts=message.get("thread_ts"), text=str(error)
        )

    unit(deps, client, team_id, work, refuse=kept, failures=(pairings.SchedulingError,))


def _deleted(deps: Deps, client: WebClient, team_id: str, user_id: str, ts: str) -> None:
    if not user_id or not ts:
        return

    def work(session: Session) -> Done:
        meeting = checkins.follow_delete(session, team_id=team_id, user_id=user_id, ts=ts)
        return _answers_changed(session, client, meeting, user_id) if meeting else Done()

    unit(deps, client, team_id, work)


def _answers_changed(session: Session, client: WebClient, meeting: Meeting, user_id: str) -> Done:
    """The person's prompt shows their answers as they are now, and both Homes too."""
    refreshed = checkins_messages.prompt_message(session, meeting, user_id)
    where = checkins_messages.prompt_location(session, meeting, user_id)
    update = None
    if where is not None:
        update = partial(
            client.chat_update,
            channel=where[0],
            ts=where[1],
            text=refreshed.text,
            blocks=refreshed.blocks,
        )
    return Done(update, homes=(meeting.pairing.leader_id, meeting.pairing.member_id))


HISTORY_MEETINGS = 4


def _history(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    """Past meetings of this pair, for the two people only."""

    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        past = [m for m in pairing.meetings if m.starts_at <= now][-HISTORY_MEETINGS:]
        if not past:
            return "No meetings yet.", []
        blocks: Blocks = []
        for meeting in reversed(past):
            blocks += checkins_messages.agenda_for(session, meeting, command["user_id"])[:12]
        return blocks[:50], []

    return with_pairing(deps, command, client, rest, change, changes_home=False)


def register_home_agenda(app: App, deps: Deps) -> None:
    """The App Home's agenda buttons: the agenda of an upcoming 1:1, in a modal."""

    @app.action(Action.HOME_AGENDA)
    def agenda(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()

        def work(session: Session) -> Done:
            meeting = meeting_of(session, body, context)
            blocks = checkins_messages.agenda_for(session, meeting, body["user"]["id"])
            view = views.blocks_modal("Agenda", blocks)
            return Done(partial(client.views_open, trigger_id=body["trigger_id"], view=view))

        # On the Home a refusal opens a small window (`Reply`: no response_url there).
        button_unit(deps, client, context, work, Reply(respond, client, body).refuse)


COMMANDS: dict[str, Handler] = {
    "agenda": _agenda,
    "history": _history,
}
