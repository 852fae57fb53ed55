"""The `/oneonone` slash command: read the subcommand, call the services, answer ephemerally."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.calendars import service as calendars
from bot.deps import Deps
from bot.notes import service as notes
from bot.people import blocks as settings_views
from bot.people import profiles
from bot.people.listeners import open_settings
from bot.privacy import service as privacy
from bot.scheduling import service as pairings
from bot.scheduling.cadence import CadenceError, Schedule, describe_for, occurrences
from bot.scheduling.grammar import parse_schedule
from bot.slack import files, messages, payloads, people, views, work
from bot.slack.views import COMMAND, help_blocks

logger = logging.getLogger(__name__)

HISTORY_MEETINGS = 4
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
Blocks = list[dict[str, Any]]


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def oneonone(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """Acknowledge at once, then do the work and answer through the command's
        response_url: a slow database or Slack call can never make Slack give up on the
        command (after 3 s) while the work goes on, inviting a second try."""
        ack()
        text = (command.get("text") or "").strip()
        subcommand, _, rest = text.partition(" ")
        handler = HANDLERS.get(subcommand.lower() or "help")
        if handler is not None:
            blocks, then = handler(deps, command, client, rest.strip())
        else:
            blocks, then = help_blocks(not_understood=payloads.unescape(text)), None
        if blocks:  # otherwise a form opened instead
            respond(response_type="ephemeral", text=_first_line(blocks), blocks=blocks)
        work.after(deps, client, command["team_id"], then)


Answer = tuple[Blocks, work.Done | None]  # the reply, and what to do once it is given


class Refused(Exception):
    """A reply that ends the command early; `field` is the form field it concerns, if any."""

    def __init__(self, blocks: Blocks, field: str | None = None) -> None:
        self.blocks = blocks
        self.field = field


def _help(_deps: Deps, _command: dict[str, Any], _client: WebClient, _rest: str) -> Answer:
    return help_blocks(), None


def _schedule(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    """`schedule @person <when>`; with nothing after `schedule` (or only @person), a form."""
    mentions = MENTION.findall(rest)
    if not MENTION.sub(" ", rest).strip() and len(mentions) <= 1:
        return _open_schedule_form(client, command, mentions[0] if mentions else None)
    try:
        member_id, when = _one_mention(rest)
        return create(
            deps,
            client,
            team_id=command["team_id"],
            enterprise_id=command.get("enterprise_id") or None,
            leader_id=command["user_id"],
            member_id=member_id,
            plan_for=lambda zone, today: parse_schedule(when, default_zone=zone, today=today),
            app_id=command.get("api_app_id"),
        )
    except Refused as refused:
        return refused.blocks, None


def create(
    deps: Deps,
    client: WebClient,
    *,
    team_id: str,
    enterprise_id: str | None,
    leader_id: str,
    member_id: str,
    plan_for: Callable[[str, date], Schedule],
    app_id: str | None = None,
) -> Answer:
    """Schedule a 1:1; `plan_for(leader's zone, leader's today)` reads the typed words or the
    form's fields into the plan. Raises `Refused`."""
    try:
        leader = people.person(client, leader_id)
        member = people.person(client, member_id)
    except SlackApiError as error:
        logger.info("schedule: users.info failed: %s", error.response.get("error"))
        raise Refused(views.problem_blocks("I can't find that person in this workspace.")) from None
    now = deps.clock.now()
    try:
        today = now.astimezone(ZoneInfo(leader.tz)).date()
        plan = plan_for(leader.tz, today)

        def create_it(session: Session) -> int | None:
            for someone in (leader, member):
                profiles.remember(session, someone, team_id=team_id, now=now)
            return pairings.schedule(
                session,
                team_id=team_id,
                enterprise_id=enterprise_id,
                leader_id=leader_id,
                person=member,
                plan=plan,
                now=now,
                app_id=app_id,
            )[1]

        delivery_id = work.transaction(deps, create_it)
    except CadenceError as error:
        problem = views.problem_blocks(error.reason + ".", quoted=error.fragment or None)
        raise Refused(problem, error.field) from None
    except pairings.SchedulingError as error:
        raise Refused(views.problem_blocks(str(error))) from None
    upcoming = occurrences(plan, after=now, count=3)
    blocks = views.scheduled_blocks(member.id, describe_for(plan, leader.tz, after=now), upcoming)
    return blocks, work.Done(send=[delivery_id], homes=[leader_id, member_id])


def _open_schedule_form(client: WebClient, command: dict[str, Any], member_id: str | None):
    try:
        zone = people.person(client, command["user_id"]).tz
    except SlackApiError:
        zone = "UTC"
    form = views.schedule_form(member_id, zone)
    client.views_open(trigger_id=command["trigger_id"], view=form)
    return [], None


def _list(deps: Deps, command: dict[str, Any], _client: WebClient, _rest: str) -> Answer:
    user_id, now = command["user_id"], deps.clock.now()

    def rows(session: Session) -> list[tuple[str, str, Any, datetime | None]]:
        found = []
        for pairing in pairings.pairings_of(session, team_id=command["team_id"], user_id=user_id):
            leads = pairing.leader_id == user_id
            other = pairing.member_id if leads else pairing.leader_id
            words = pairings.cadence_for(session, pairing, user_id, now=now)
            role = "you lead" if leads else "with your lead"
            if pairing.status is not pairings.PairingStatus.ACTIVE:
                role = f"{role}, {pairing.status.value}"
            upcoming = pairings.next_meeting(pairing, now=now)
            found.append((other, role, words, upcoming.starts_at if upcoming else None))
        return found

    return views.list_blocks(work.transaction(deps, rows)), None


def _one_mention(rest: str) -> tuple[str, str]:
    """(the mentioned user id, the text around it)."""
    mentions = MENTION.findall(rest)
    if len(mentions) != 1:
        reason = (
            "say who the 1:1 is with, as an @mention"
            if not mentions
            else "one person at a time, please"
        )
        raise Refused(views.problem_blocks(reason + "."))
    return mentions[0], MENTION.sub(" ", rest).strip()


def _with_pairing(
    deps: Deps,
    command: dict[str, Any],
    client: WebClient,
    rest: str,
    change: Callable[[Session, pairings.Pairing, datetime, str], tuple[str | Blocks, list[int]]],
    *,
    changes_home: bool = True,
) -> Answer:
    """Find your open 1:1 with the mentioned person and apply `change` to it in one unit of
    work; `change` returns the reply (words or blocks) and the deliveries to send at once.
    Afterwards both people's App Homes are published again, unless nothing they show moved."""
    try:
        other_id, words = _one_mention(rest)
        other = people.person(client, other_id)
    except Refused as refused:
        return refused.blocks, None
    except SlackApiError:
        return views.problem_blocks("I can't find that person in this workspace."), None
    now = deps.clock.now()

    def apply(session: Session) -> tuple[str | Blocks, work.Done]:
        pairing = pairings.find_with(
            session, team_id=command["team_id"], user_id=command["user_id"], other=other
        )
        reply, deliveries = change(session, pairing, now, words)
        stale = (pairing.leader_id, pairing.member_id) if changes_home else ()
        return reply, work.Done(send=deliveries, homes=stale)

    try:
        reply, done = work.transaction(deps, apply)
    except CadenceError as error:
        return views.problem_blocks(error.reason + ".", quoted=error.fragment or words), None
    except pairings.SchedulingError as error:
        return views.done_blocks(str(error)), None
    return (views.done_blocks(reply) if isinstance(reply, str) else reply), done


def _skip(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        meeting, notice = pairings.skip(session, pairing, by=command["user_id"], now=now)
        following = pairings.next_meeting(pairing, now=now)
        after = f" The next one is {views.date_token(following.starts_at)}." if following else ""
        return f"Skipped the 1:1 on {views.date_token(meeting.starts_at)}.{after}", [notice]

    return _with_pairing(deps, command, client, rest, change)


def _pause(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        pairings.pause(session, pairing, by=command["user_id"], now=now)
        return (
            f"Paused your 1:1 with <@{pairing.member_id}>: nothing is sent for it until you "
            f"`{COMMAND} resume` it.",
            [],
        )

    return _with_pairing(deps, command, client, rest, change)


def _resume(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        following = pairings.resume(session, pairing, by=command["user_id"], now=now)
        when = f" The next one is {views.date_token(following.starts_at)}." if following else ""
        return f"Your 1:1 with <@{pairing.member_id}> is running again.{when}", []

    return _with_pairing(deps, command, client, rest, change)


def _reschedule(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    def change(session: Session, pairing: pairings.Pairing, now: datetime, words: str):
        if not words:
            raise CadenceError("", "say the new schedule, for example weekly on Thursday at 11:00")
        plan = parse_schedule(words, default_zone=pairing.zone, today=now.date())
        notice = pairings.reschedule(session, pairing, by=command["user_id"], plan=plan, now=now)
        upcoming = " ".join(views.date_token(m) for m in occurrences(plan, after=now, count=3))
        words = pairings.cadence_for(session, pairing, command["user_id"], now=now, plan=plan)
        reply = f"Moved: {views.cadence(words, 'your 1:1 is now ')} Next: {upcoming}"
        return reply, [notice] if notice is not None else []

    return _with_pairing(deps, command, client, rest, change)


def _cancel(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    """Ending a 1:1 asks first: the button does it (see `actions`)."""

    def change(_session: Session, pairing: pairings.Pairing, _now: datetime, _: str):
        other = pairings.other_of(pairing, command["user_id"])
        return views.cancel_confirm_blocks(pairing.id, other), []

    return _with_pairing(deps, command, client, rest, change, changes_home=False)


def _agenda(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    """The agenda of your next 1:1 with someone, on demand, to either of the two only."""

    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        meeting = pairings.next_meeting(pairing, now=now)
        if meeting is None:
            raise pairings.SchedulingError("There is no upcoming meeting yet.")
        blocks = messages.agenda_for(session, meeting, command["user_id"])
        # Anyone may prepare before their prompt arrives.
        return [*blocks[:49], views.answer_button(meeting.id)], []

    return _with_pairing(deps, command, client, rest, change, changes_home=False)


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

    return _with_pairing(deps, command, client, rest, change, changes_home=False)


def _history(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    """Past meetings of this pair, for the two people only."""

    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        past = [m for m in pairing.meetings if m.starts_at <= now][-HISTORY_MEETINGS:]
        if not past:
            return "No meetings yet.", []
        blocks: Blocks = []
        for meeting in reversed(past):
            blocks += messages.agenda_for(session, meeting, command["user_id"])[:12]
        return blocks[:50], []

    return _with_pairing(deps, command, client, rest, change, changes_home=False)


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
    work.transaction(
        deps,
        lambda session: profiles.set_away(
            session, team_id=command["team_id"], user_id=command["user_id"], until=until, now=now
        ),
    )
    stale = work.Done(homes=[command["user_id"]])
    if until is None:
        return views.done_blocks("Welcome back: prompts and nudges reach you again."), stale
    return views.done_blocks(
        f"Enjoy your time away. No prompts or nudges reach you until {until:%A %d %B %Y} "
        f"(included), in every 1:1 you're in. `{COMMAND} away off` ends it early."
    ), stale


def _summary(deps: Deps, command: dict[str, Any], _client: WebClient, _rest: str) -> Answer:
    """Your weekly summary, now (the same one the Monday DM brings)."""
    message = work.transaction(
        deps,
        lambda session: messages.summary_message(
            session, team_id=command["team_id"], leader_id=command["user_id"], now=deps.clock.now()
        ),
    )
    return message.blocks or [], None


def _calendar(deps: Deps, command: dict[str, Any], _client: WebClient, rest: str) -> Answer:
    """Your private calendar link (once), or a new one that stops the old (`reset`)."""
    if rest.lower() not in ("", "reset"):
        return help_blocks(not_understood=payloads.unescape(f"calendar {rest}")), None
    base = deps.settings.public_url
    if base is None:
        return views.done_blocks(
            "Calendar links need the app's public https address, and this one has none set "
            "(the operator sets ONEONONE_PUBLIC_URL)."
        ), None
    now, team_id, user_id = deps.clock.now(), command["team_id"], command["user_id"]
    make = calendars.reset if rest.lower() == "reset" else calendars.new_link
    secret = work.transaction(
        deps, lambda session: make(session, team_id=team_id, user_id=user_id, now=now)
    )
    if secret is None:
        return views.done_blocks(
            "You already have a calendar link. I keep only a fingerprint of it, so I can't "
            f"show it again: `{COMMAND} calendar reset` makes a new one and stops the old."
        ), None
    return views.calendar_blocks(f"{base}/calendar/{secret}.ics", reset=rest != ""), None


def _export(deps: Deps, command: dict[str, Any], client: WebClient, _rest: str) -> Answer:
    """Everything you may read here, as a JSON file in your DM with the app."""
    team_id, user_id, now = command["team_id"], command["user_id"], deps.clock.now()
    document = work.transaction(
        deps, lambda session: privacy.export(session, team_id=team_id, user_id=user_id, now=now)
    )
    sent = partial(
        files.send,
        client,
        user_id,
        content=json.dumps(document, indent=2, ensure_ascii=False).encode(),
        filename=f"oneonone-export-{now:%Y-%m-%d}.json",
        title="Your oneonone data",
        comment="Everything you can read in oneonone, as of now. Only you see this file.",
    )
    return views.done_blocks("Your export is on its way to our DM, as a file."), work.Done(sent)


def _forget(_deps: Deps, _command: dict[str, Any], _client: WebClient, rest: str) -> Answer:
    if rest.lower() != "me":
        return help_blocks(not_understood=payloads.unescape(f"forget {rest}")), None
    return views.forget_confirm_blocks(), None


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


HANDLERS: dict[str, Callable[[Deps, dict[str, Any], WebClient, str], Answer]] = {
    "help": _help,
    "schedule": _schedule,
    "list": _list,
    "skip": _skip,
    "pause": _pause,
    "resume": _resume,
    "reschedule": _reschedule,
    "cancel": _cancel,
    "away": _away,
    "agenda": _agenda,
    "topic": _topic,
    "history": _history,
    "questions": _questions,
    "summary": _summary,
    "settings": _settings,
    "calendar": _calendar,
    "export": _export,
    "forget": _forget,
}


def _first_line(blocks: Blocks) -> str:
    """The notification text of an answer: its first section, as plain as it is."""
    return str(blocks[0].get("text", {}).get("text", "oneonone"))[:300]
