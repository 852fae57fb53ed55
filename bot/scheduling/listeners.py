"""Scheduling in Slack: `/oneonone schedule` (typed or by its form), `list`, `skip`, `pause`,
`resume`, `reschedule` and `cancel`; an invitation's Accept and Suggest another time, the
leader's answer to a suggestion, and ending a 1:1. Imports the services of `scheduling` and
`people` and the Slack kit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.people import profiles
from bot.people import service as preferences
from bot.scheduling import blocks as scheduling_views
from bot.scheduling import service as pairings
from bot.scheduling.cadence import CadenceError, Schedule, describe_for, occurrences
from bot.scheduling.grammar import parse_schedule
from bot.scheduling.zones import tzinfo_of
from bot.slack import payloads, people, views
from bot.slack.commands import MENTION, Answer, Handler, Refused, one_mention, with_pairing
from bot.slack.ids import Action, Form
from bot.slack.payloads import read_id
from bot.slack.replies import (
    Reply,
    both,
    button_unit,
    pairing_of,
)
from bot.slack.views import COMMAND, state_value
from bot.slack.work import Done, after, form_error, in_turn, transaction, unit

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    register_accept(app, deps)
    register_end(app, deps)
    register_suggestions(app, deps)
    register_schedule(app, deps)
    register_suggest(app, deps)


def _schedule(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    """`schedule @person <when>`; with nothing after `schedule` (or only @person), a form."""
    mentions = MENTION.findall(rest)
    if not MENTION.sub(" ", rest).strip() and len(mentions) <= 1:
        return _open_schedule_form(client, command, mentions[0] if mentions else None)
    try:
        member_id, when = one_mention(rest)
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
        today = _today(leader.tz, now)
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

        delivery_id = transaction(deps, create_it)
    except CadenceError as error:
        problem = views.problem_blocks(error.reason + ".", quoted=error.fragment or None)
        raise Refused(problem, error.field) from None
    except pairings.SchedulingError as error:
        raise Refused(views.problem_blocks(str(error))) from None
    upcoming = occurrences(plan, after=now, count=3)
    blocks = scheduling_views.scheduled_blocks(
        member.id, describe_for(plan, leader.tz, after=now), upcoming
    )
    return blocks, Done(send=[delivery_id], homes=[leader_id, member_id])


def _open_schedule_form(client: WebClient, command: dict[str, Any], member_id: str | None):
    try:
        zone = people.person(client, command["user_id"]).tz
    except SlackApiError:
        zone = "UTC"
    form = scheduling_views.schedule_form(member_id, zone)
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

    return scheduling_views.list_blocks(transaction(deps, rows)), None


def _skip(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        meeting, notice = pairings.skip(session, pairing, by=command["user_id"], now=now)
        following = pairings.next_meeting(pairing, now=now)
        after = f" The next one is {views.date_token(following.starts_at)}." if following else ""
        return f"Skipped the 1:1 on {views.date_token(meeting.starts_at)}.{after}", [notice]

    return with_pairing(deps, command, client, rest, change)


def _pause(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        pairings.pause(session, pairing, by=command["user_id"], now=now)
        return (
            f"Paused your 1:1 with <@{pairing.member_id}>: nothing is sent for it until you "
            f"`{COMMAND} resume` it.",
            [],
        )

    return with_pairing(deps, command, client, rest, change)


def _resume(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    def change(session: Session, pairing: pairings.Pairing, now: datetime, _: str):
        following = pairings.resume(session, pairing, by=command["user_id"], now=now)
        when = f" The next one is {views.date_token(following.starts_at)}." if following else ""
        return f"Your 1:1 with <@{pairing.member_id}> is running again.{when}", []

    return with_pairing(deps, command, client, rest, change)


def _today(zone: str, now: datetime) -> date:
    """The writer's today, for words such as "starting tomorrow" (not UTC's: at 22:00 in New
    York, UTC is already at tomorrow)."""
    return now.astimezone(tzinfo_of(zone)).date()


def _reschedule(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    def change(session: Session, pairing: pairings.Pairing, now: datetime, words: str):
        if not words:
            raise CadenceError("", "say the new schedule, for example weekly on Thursday at 11:00")
        plan = parse_schedule(words, default_zone=pairing.zone, today=_today(pairing.zone, now))
        notice = pairings.reschedule(session, pairing, by=command["user_id"], plan=plan, now=now)
        upcoming = " ".join(views.date_token(m) for m in occurrences(plan, after=now, count=3))
        words = pairings.cadence_for(session, pairing, command["user_id"], now=now, plan=plan)
        reply = f"Moved: {views.cadence(words, 'your 1:1 is now ')} Next: {upcoming}"
        return reply, [notice] if notice is not None else []

    return with_pairing(deps, command, client, rest, change)


def _cancel(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    """Ending a 1:1 asks first: the button does it (see `actions`)."""

    def change(_session: Session, pairing: pairings.Pairing, _now: datetime, _: str):
        other = pairings.other_of(pairing, command["user_id"])
        return scheduling_views.cancel_confirm_blocks(pairing.id, other), []

    return with_pairing(deps, command, client, rest, change, changes_home=False)


def register_accept(app: App, deps: Deps) -> None:
    @app.action(Action.INVITATION_ACCEPT)
    def accept(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        now, reply = deps.clock.now(), Reply(respond, client, body)

        def work(session: Session) -> Done:
            pairing, notice_id = pairings.accept(
                session,
                pairing_id=read_id(body["actions"][0]["value"]),
                team_id=context.team_id or "",
                user_id=body["user"]["id"],
                now=now,
            )
            first = pairings.next_meeting(pairing, now=now)
            blocks = scheduling_views.accepted_blocks(
                pairing.leader_id, first.starts_at if first else None, pairing.id
            )
            said = partial(reply.say, "You accepted the 1:1", replace=True, blocks=blocks)
            return Done(said, send=[notice_id], homes=both(pairing))

        button_unit(deps, client, context, work, reply.refuse)


def register_end(app: App, deps: Deps) -> None:
    @app.action(Action.PAIRING_END)
    def end(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        now, reply = deps.clock.now(), Reply(respond, client, body)
        user_id = body["user"]["id"]

        def work(session: Session) -> Done:
            pairing = pairing_of(session, body, context, "This 1:1 is not yours to end.")
            notice_id = pairings.end(session, pairing, by=user_id, now=now)
            other = pairings.other_of(pairing, user_id)
            said = partial(
                reply.say,
                f"Your 1:1 with <@{other}> has ended; its history is kept. I've let them know.",
                replace=True,
            )
            return Done(said, send=[notice_id], homes=both(pairing))

        button_unit(deps, client, context, work, partial(reply.refuse, replace=True))


def register_suggestions(app: App, deps: Deps) -> None:
    @app.action(Action.INVITATION_SUGGEST)
    def suggest(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        refusal = "This invitation is not yours to answer."

        def work(session: Session) -> Done:
            pairing = pairing_of(session, body, context, refusal)
            if pairing.member_id != context.user_id:
                raise pairings.SchedulingError(refusal)
            form = scheduling_views.suggest_form(
                pairing.id, pairings.schedule_of(pairing).cadence.describe()
            )
            return Done(partial(client.views_open, trigger_id=body["trigger_id"], view=form))

        button_unit(deps, client, context, work, Reply(respond, client, body).refuse)

    @app.action(Action.PROPOSAL_ACCEPT)
    @app.action(Action.PROPOSAL_DECLINE)
    def answer(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        now, reply = deps.clock.now(), Reply(respond, client, body)
        agreed = body["actions"][0]["action_id"] == Action.PROPOSAL_ACCEPT

        def work(session: Session) -> Done:
            refusal = "This suggestion is not yours to answer."
            pairing = pairing_of(session, body, context, refusal)
            notice_id = pairings.answer_proposal(
                session, pairing, by=body["user"]["id"], accept_it=agreed, now=now
            )
            done = "Agreed: the 1:1 starts at that time." if agreed else "Kept your time."
            said = partial(reply.say, f"{done} I've told <@{pairing.member_id}>.", replace=True)
            return Done(said, send=[notice_id], homes=both(pairing))

        button_unit(deps, client, context, work, reply.refuse)


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
        person = scheduling_views.form_person(values)
        if not person:
            ack(response_action="errors", errors={"person": "Choose whom the 1:1 is with."})
            return
        try:
            blocks, then = create(
                deps,
                client,
                team_id=context.team_id or "",
                enterprise_id=(body.get("enterprise") or {}).get("id"),
                leader_id=body["user"]["id"],
                member_id=person,
                plan_for=lambda _zone, today: scheduling_views.form_schedule(values, today=today),
                app_id=body.get("api_app_id"),
            )
        except Refused as refused:
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

        def work(session: Session) -> Done:
            pairing = pairings.pairing_for(
                session,
                pairing_id=payloads.read_id(view.get("private_metadata"), what="form"),
                team_id=context.team_id or "",
                user_id=user_id,
                refusal="This invitation is no longer open.",
            )
            # Their zone as kept (from scheduling, and Slack's user_change): no users.info
            # call before the form's ack, which Slack wants within 3 s.
            zone = preferences.of(
                session, team_id=pairing.team_id, user_id=user_id, zone=pairing.zone
            ).zone
            plan = parse_schedule(words, default_zone=zone, today=_today(zone, now))
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


COMMANDS: dict[str, Handler] = {
    "schedule": _schedule,
    "list": _list,
    "skip": _skip,
    "pause": _pause,
    "resume": _resume,
    "reschedule": _reschedule,
    "cancel": _cancel,
}
