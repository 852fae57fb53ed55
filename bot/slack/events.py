"""Events API glue: Slack's retries are taken once; timezone changes; uninstalling."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.delivery.outbox import enqueue_returning_id
from bot.deps import Deps
from bot.models import Meeting
from bot.people import profiles
from bot.privacy import service as privacy
from bot.scheduling import service as pairings
from bot.scheduling.service import Status
from bot.scheduling.zones import is_zone
from bot.slack import guard, messages, payloads, people, views
from bot.slack.work import Done, claim, in_turn, release, transaction, unit

logger = logging.getLogger(__name__)

Middleware = Callable[..., BoltResponse | None]


def register(app: App, deps: Deps) -> None:
    app.middleware(take_each_request_once(deps))

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

    register_replies(app, deps)

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


LAST_RETRY = 3  # Slack resends an event three times, over about five minutes


def take_each_request_once(deps: Deps) -> Middleware:
    """Slack resends an event it thinks we missed (`X-Slack-Retry-Num`, same `event_id`), and
    a signed command or click can be replayed within Slack's five minutes. The first delivery
    claims its id in `processed_events` (the `event_id`; for a command, click or form, its
    `trigger_id`, which Slack makes for each one); a repeat finds it taken and is acknowledged
    without running any listener, so nothing is created twice. A listener that fails
    releases the id. With the database out of reach, an event gets 503 so that Slack sends it
    again, until its last try, which goes on to be answered by `bot.slack.guard`."""

    def middleware(
        body: dict[str, Any], request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        retry = (request.headers.get("x-slack-retry-num") or ["0"])[0]
        retry_num = int(retry) if retry.isdigit() else 0
        if body.get("type") == "event_callback":
            event_id = body.get("event_id")
        else:
            trigger = body.get("trigger_id")
            event_id = f"trigger:{trigger}" if isinstance(trigger, str) and trigger else None
        if not isinstance(event_id, str) or not event_id:
            return next()
        try:
            claim(deps, event_id, body.get("team_id"))
        except guard.DATABASE_DOWN:
            if body.get("type") == "event_callback" and retry_num < LAST_RETRY:
                logger.warning("database unreachable: event %s left for Slack to resend", event_id)
                return BoltResponse(status=503, body="")  # Slack sends it again, later
            return next()  # the listener acks and tells the person (bot.slack.guard)
        except IntegrityError:
            logger.info("%s was already taken; the repeat is ignored", event_id)
            return BoltResponse(status=200, body="")
        try:
            return next()
        except Exception:
            release(deps, event_id)
            raise

    return middleware


def single_workspace_uninstalled(body: dict[str, Any]) -> None:
    logger.warning(
        "Slack says the app was uninstalled or its token revoked in workspace %s; "
        "SLACK_BOT_TOKEN no longer works, remove it from this deployment",
        body.get("team_id"),
    )


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
        say(views.ONLY_WORDS)
        return

    def work(session: Session) -> Done:
        meeting = checkins.open_meeting(session, team_id=team_id, user_id=user_id, now=now)
        if meeting is None:
            return Done(partial(say, views.NOTHING_TO_ANSWER))
        answered, following = checkins.answer_in_turn(
            session, meeting, user_id=user_id, text=text, now=now, source_ts=event.get("ts")
        )
        with_file = " " + views.FILE_STAYS if event.get("files") else ""
        said = partial(say, views.turn_reply(answered, following) + with_file)
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
    refreshed = messages.prompt_message(session, meeting, user_id)
    where = messages.prompt_location(session, meeting, user_id)
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
