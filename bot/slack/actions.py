"""Buttons, on messages and on the App Home: invitations (accept, or suggest another time),
prompts (answer, skip, remind me later), after a meeting (notes, we didn't meet), action
items (done), and ending a 1:1. Each change also refreshes both people's App Homes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.calendars import service as calendars
from bot.checkins import service as checkins
from bot.delivery.outbox import enqueue, enqueue_returning_id
from bot.deps import Deps
from bot.home import blocks as home_views
from bot.models import Meeting
from bot.notes import service as notes
from bot.people import service as preferences
from bot.privacy import service as privacy
from bot.scheduling import service as pairings
from bot.slack import files, views
from bot.slack.ids import Action
from bot.slack.mrkdwn import escape
from bot.slack.payloads import read_id
from bot.slack.work import Done, unit

BUTTON_FAILURES = (ValueError, KeyError, pairings.SchedulingError)


@dataclass(frozen=True)
class Reply:
    """Where a button's answer goes: to the message it sits on (its response_url), or, on
    the App Home, which has none, a small window for a refusal (a change shows in the Home,
    published again)."""

    respond: Respond
    client: WebClient
    body: dict[str, Any]

    def refuse(self, error: Exception, *, replace: bool = False) -> None:
        """A button that cannot do its work says why, and changes nothing."""
        if isinstance(error, pairings.SchedulingError):
            reason = str(error)
        else:  # a forged or stale value
            reason = "That button no longer works."
        if self.respond.response_url is None:  # the Home, or a modal: a small window says it
            notice, trigger = home_views.notice_modal(reason), self.body["trigger_id"]
            view = self.body.get("view")
            if isinstance(view, dict) and view.get("type") == "modal":  # on top of that modal
                self.client.views_push(trigger_id=trigger, view=notice)
            else:
                self.client.views_open(trigger_id=trigger, view=notice)
        else:
            self.respond(response_type="ephemeral", replace_original=replace, text=reason)

    def say(self, text: str, *, replace: bool, blocks: list[dict[str, Any]] | None = None):
        if self.respond.response_url is None:
            return
        if replace:
            self.respond(replace_original=True, text=text, blocks=blocks)
        else:
            self.respond(response_type="ephemeral", replace_original=False, text=text)


def _meeting(session: Session, body: dict[str, Any], context: BoltContext) -> Meeting:
    """The meeting a button names, if the person who clicked is one of its two people."""
    return checkins.meeting_for(
        session,
        meeting_id=read_id(body["actions"][0]["value"]),
        team_id=context.team_id or "",
        user_id=context.user_id or "",
    )


def _pairing(
    session: Session, body: dict[str, Any], context: BoltContext, refusal: str
) -> pairings.Pairing:
    """The 1:1 a button names, if the person who clicked is one of its two people."""
    return pairings.pairing_for(
        session,
        pairing_id=read_id(body["actions"][0]["value"]),
        team_id=context.team_id or "",
        user_id=context.user_id or "",
        refusal=refusal,
    )


def register(app: App, deps: Deps) -> None:
    register_accept(app, deps)
    register_calendar(app, deps)
    register_forget(app, deps)
    register_end(app, deps)
    register_suggestions(app, deps)
    register_prompts(app, deps)
    register_after(app, deps)
    register_snooze(app, deps)


def _both(pairing: pairings.Pairing) -> tuple[str, str]:
    return pairing.leader_id, pairing.member_id


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
            blocks = views.accepted_blocks(
                pairing.leader_id, first.starts_at if first else None, pairing.id
            )
            said = partial(reply.say, "You accepted the 1:1", replace=True, blocks=blocks)
            return Done(said, send=[notice_id], homes=_both(pairing))

        _unit(deps, client, context, work, reply.refuse)


def _unit(
    deps: Deps,
    client: WebClient,
    context: BoltContext,
    work: Callable[[Session], Done],
    refuse: Callable[[Exception], None],
) -> None:
    unit(deps, client, context.team_id or "", work, refuse=refuse, failures=BUTTON_FAILURES)


def register_calendar(app: App, deps: Deps) -> None:
    @app.action(Action.CALENDAR_FILE)
    def calendar_file(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        """The 1:1 as an .ics file in the clicker's DM, for any calendar (Slack's file upload
        v2), where no public address serves a subscription."""
        ack()
        reply = Reply(respond, client, body)
        user_id = context.user_id or ""

        def work(session: Session) -> Done:
            pairing = _pairing(session, body, context, "This 1:1 is not yours.")
            other = pairings.other_of(pairing, user_id)
            sent = partial(
                files.send,
                client,
                user_id,
                content=calendars.one(session, pairing),
                filename="1-1.ics",
                title="Your 1:1, for your calendar",
                comment=f"Your 1:1 with <@{other}>: open the file to add it to your calendar. "
                "It holds when you meet, never what you say.",
            )
            return Done(sent)

        _unit(deps, client, context, work, reply.refuse)


def register_forget(app: App, deps: Deps) -> None:
    @app.action(Action.FORGET_ME)
    def forget_me(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        """After the confirm button: what the clicker wrote, and what we keep about them, goes;
        the other person of each 1:1 where something shared went is told, once."""
        ack()
        now, team_id, user_id = deps.clock.now(), context.team_id or "", context.user_id or ""
        reply = Reply(respond, client, body)

        def work(session: Session) -> Done:
            if not (team_id and user_id):
                raise ValueError("no one to forget")
            planned = privacy.forget(session, team_id=team_id, user_id=user_id, now=now)
            said = partial(
                reply.say,
                "Done: everything you wrote here, your settings and your calendar link are "
                "deleted. Your 1:1s themselves go on; `/oneonone cancel @person` ends one.",
                replace=True,
            )
            return Done(said, send=[enqueue_returning_id(session, p, now=now) for p in planned])

        _unit(deps, client, context, work, reply.refuse)


def register_end(app: App, deps: Deps) -> None:
    @app.action(Action.PAIRING_END)
    def end(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        now, reply = deps.clock.now(), Reply(respond, client, body)
        user_id = body["user"]["id"]

        def work(session: Session) -> Done:
            pairing = _pairing(session, body, context, "This 1:1 is not yours to end.")
            notice_id = pairings.end(session, pairing, by=user_id, now=now)
            other = pairings.other_of(pairing, user_id)
            said = partial(
                reply.say,
                f"Your 1:1 with <@{other}> has ended; its history is kept. I've let them know.",
                replace=True,
            )
            return Done(said, send=[notice_id], homes=_both(pairing))

        _unit(deps, client, context, work, partial(reply.refuse, replace=True))


def register_suggestions(app: App, deps: Deps) -> None:
    @app.action(Action.INVITATION_SUGGEST)
    def suggest(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        refusal = "This invitation is not yours to answer."

        def work(session: Session) -> Done:
            pairing = _pairing(session, body, context, refusal)
            if pairing.member_id != context.user_id:
                raise pairings.SchedulingError(refusal)
            form = views.suggest_form(pairing.id, pairings.schedule_of(pairing).cadence.describe())
            return Done(partial(client.views_open, trigger_id=body["trigger_id"], view=form))

        _unit(deps, client, context, work, Reply(respond, client, body).refuse)

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
            pairing = _pairing(session, body, context, refusal)
            notice_id = pairings.answer_proposal(
                session, pairing, by=body["user"]["id"], accept_it=agreed, now=now
            )
            done = "Agreed: the 1:1 starts at that time." if agreed else "Kept your time."
            said = partial(reply.say, f"{done} I've told <@{pairing.member_id}>.", replace=True)
            return Done(said, send=[notice_id], homes=_both(pairing))

        _unit(deps, client, context, work, reply.refuse)


def register_prompts(app: App, deps: Deps) -> None:
    @app.action(Action.PROMPT_ANSWER)
    def answer(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        user_id = body["user"]["id"]

        def work(session: Session) -> Done:
            meeting = _meeting(session, body, context)
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
            form = views.answer_form(meeting.id, rows)
            return Done(partial(client.views_open, trigger_id=body["trigger_id"], view=form))

        _unit(deps, client, context, work, Reply(respond, client, body).refuse)

    @app.action(Action.PROMPT_SKIP)
    def skip(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        now, reply = deps.clock.now(), Reply(respond, client, body)
        user_id = body["user"]["id"]

        def work(session: Session) -> Done:
            meeting = _meeting(session, body, context)
            _, notice_id = pairings.skip(
                session, meeting.pairing, by=user_id, now=now, meeting=meeting
            )
            said = partial(
                reply.say,
                f"Skipped the 1:1 on {views.date_token(meeting.starts_at)}; only that one.",
                replace=True,
            )
            return Done(said, send=[notice_id], homes=_both(meeting.pairing))

        _unit(deps, client, context, work, reply.refuse)


def register_after(app: App, deps: Deps) -> None:
    @app.action(Action.FOLLOWUP_NOTES)
    def add_notes(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        user_id = body["user"]["id"]

        def work(session: Session) -> Done:
            meeting = _meeting(session, body, context)
            pairing = meeting.pairing
            form = views.notes_form(
                meeting.id,
                user_id,
                pairings.other_of(pairing, user_id),
                leader=user_id == pairing.leader_id,
            )
            return Done(partial(client.views_open, trigger_id=body["trigger_id"], view=form))

        _unit(deps, client, context, work, Reply(respond, client, body).refuse)

    @app.action(Action.FOLLOWUP_MISSED)
    def missed(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        reply = Reply(respond, client, body)

        def work(session: Session) -> Done:
            meeting = _meeting(session, body, context)
            pairings.mark_missed(session, meeting, by=body["user"]["id"], now=deps.clock.now())
            said = partial(
                reply.say,
                f"Noted: the 1:1 on {views.date_token(meeting.starts_at)} did not happen. Its "
                "open action items carry over to the next one.",
                replace=True,
            )
            return Done(said, homes=_both(meeting.pairing))

        _unit(deps, client, context, work, reply.refuse)

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
            return Done(said, homes=_both(item.pairing))

        _unit(deps, client, context, work, reply.refuse)


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

        _unit(deps, client, context, work, reply.refuse)
