"""Buttons: answering an invitation (accept, or suggest another time), ending a 1:1."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.domain import checkins, notes, pairings, preferences
from bot.domain.recurrence import parse_schedule
from bot.jobs.outbox import enqueue
from bot.models import Meeting
from bot.slack import views
from bot.slack.mrkdwn import escape

BUTTON_FAILURES = (ValueError, KeyError, pairings.SchedulingError)


def _refuse(respond: Respond, error: Exception, *, replace: bool = False) -> None:
    """A button that cannot do its work says why, and changes nothing."""
    if isinstance(error, pairings.SchedulingError):
        reason = str(error)
    else:  # a forged or stale value
        reason = "That button no longer works."
    respond(response_type="ephemeral", replace_original=replace, text=reason)


def _meeting(session: Session, body: dict[str, Any]) -> Meeting:
    """The meeting a button names, if the person who clicked is one of its two people."""
    return checkins.meeting_for(
        session,
        meeting_id=int(body["actions"][0]["value"]),
        team_id=body["team"]["id"],
        user_id=body["user"]["id"],
    )


def register(app: App, deps: Deps) -> None:
    register_accept(app, deps)
    register_end(app, deps)
    register_suggestions(app, deps)
    register_prompts(app, deps)
    register_after(app, deps)
    register_snooze(app, deps)


def register_accept(app: App, deps: Deps) -> None:
    @app.action("invitation_accept")
    def accept(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        now = datetime.now(UTC)
        try:
            pairing_id = int(body["actions"][0]["value"])
            with Session(deps.engine) as session, session.begin():
                pairing, notice_id = pairings.accept(
                    session,
                    pairing_id=pairing_id,
                    team_id=body["team"]["id"],
                    user_id=body["user"]["id"],
                    now=now,
                )
                first = pairings.next_meeting(pairing, now=now)
                first_at = first.starts_at if first else None
                leader_id = pairing.leader_id
        except BUTTON_FAILURES as error:
            _refuse(respond, error)
            return
        blocks = views.accepted_blocks(leader_id, first_at)
        respond(replace_original=True, text="You accepted the 1:1", blocks=blocks)
        if notice_id is not None:
            deps.outbox.send_now([notice_id], now)


def register_end(app: App, deps: Deps) -> None:
    @app.action("pairing_end")
    def end(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        now = datetime.now(UTC)
        user_id = body["user"]["id"]
        try:
            with Session(deps.engine) as session, session.begin():
                pairing = session.get(pairings.Pairing, int(body["actions"][0]["value"]))
                if pairing is None or pairing.team_id != body["team"]["id"]:
                    raise pairings.SchedulingError("This 1:1 is not yours to end.")
                notice_id = pairings.end(session, pairing, by=user_id, now=now)
                other = pairings.other_of(pairing, user_id)
        except BUTTON_FAILURES as error:
            _refuse(respond, error, replace=True)
            return
        respond(
            replace_original=True,
            text=f"Your 1:1 with <@{other}> has ended; its history is kept. I've let them know.",
        )
        deps.outbox.send_now([notice_id], now)


def register_suggestions(app: App, deps: Deps) -> None:
    @app.action("invitation_suggest")
    def suggest(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        try:
            with Session(deps.engine) as session:
                pairing = session.get(pairings.Pairing, int(body["actions"][0]["value"]))
                if pairing is None or pairing.member_id != body["user"]["id"]:
                    raise pairings.SchedulingError("This invitation is not yours to answer.")
                current = pairings.schedule_of(pairing).cadence.describe()
                pairing_id = pairing.id
        except BUTTON_FAILURES as error:
            _refuse(respond, error)
            return
        client.views_open(
            trigger_id=body["trigger_id"], view=views.suggest_form(pairing_id, current)
        )

    @app.action("proposal_accept")
    @app.action("proposal_decline")
    def answer(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        now = datetime.now(UTC)
        agreed = body["actions"][0]["action_id"] == "proposal_accept"
        try:
            with Session(deps.engine) as session, session.begin():
                pairing = session.get(pairings.Pairing, int(body["actions"][0]["value"]))
                if pairing is None or pairing.team_id != body["team"]["id"]:
                    raise pairings.SchedulingError("This suggestion is not yours to answer.")
                plan = (
                    parse_schedule(pairing.proposal, default_zone=pairing.zone, today=now.date())
                    if pairing.proposal
                    else None
                )
                notice_id = pairings.answer_proposal(
                    session, pairing, by=body["user"]["id"], accept_it=agreed, plan=plan, now=now
                )
                member_id = pairing.member_id
        except BUTTON_FAILURES as error:
            _refuse(respond, error)
            return
        done = "Agreed: the 1:1 starts at that time." if agreed else "Kept your time."
        respond(replace_original=True, text=f"{done} I've told <@{member_id}>.")
        deps.outbox.send_now([notice_id], now)


def register_prompts(app: App, deps: Deps) -> None:
    @app.action("prompt_answer")
    def answer(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        user_id = body["user"]["id"]
        try:
            with Session(deps.engine) as session:
                meeting = _meeting(session, body)
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
        except BUTTON_FAILURES as error:
            _refuse(respond, error)
            return
        client.views_open(trigger_id=body["trigger_id"], view=form)

    @app.action("prompt_skip")
    def skip(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        now = datetime.now(UTC)
        user_id = body["user"]["id"]
        try:
            with Session(deps.engine) as session, session.begin():
                meeting = _meeting(session, body)
                _, notice_id = pairings.skip(
                    session, meeting.pairing, by=user_id, now=now, meeting=meeting
                )
                skipped_at = meeting.starts_at
        except BUTTON_FAILURES as error:
            _refuse(respond, error)
            return
        respond(
            replace_original=True,
            text=f"Skipped the 1:1 on {views.date_token(skipped_at)}; only that one.",
        )
        deps.outbox.send_now([notice_id], now)


def register_after(app: App, deps: Deps) -> None:
    @app.action("followup_notes")
    def add_notes(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        user_id = body["user"]["id"]
        try:
            with Session(deps.engine) as session:
                meeting = _meeting(session, body)
                pairing = meeting.pairing
                form = views.notes_form(
                    meeting.id,
                    user_id,
                    pairings.other_of(pairing, user_id),
                    leader=user_id == pairing.leader_id,
                )
        except BUTTON_FAILURES as error:
            _refuse(respond, error)
            return
        client.views_open(trigger_id=body["trigger_id"], view=form)

    @app.action("followup_missed")
    def missed(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        try:
            with Session(deps.engine) as session, session.begin():
                meeting = _meeting(session, body)
                pairings.mark_missed(session, meeting, by=body["user"]["id"], now=datetime.now(UTC))
                starts_at = meeting.starts_at
        except BUTTON_FAILURES as error:
            _refuse(respond, error)
            return
        respond(
            replace_original=True,
            text=f"Noted: the 1:1 on {views.date_token(starts_at)} did not happen. Its open "
            "action items carry over to the next one.",
        )

    @app.action("action_done")
    def done(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        try:
            with Session(deps.engine) as session, session.begin():
                item = notes.tick_off(
                    session,
                    item_id=int(body["actions"][0]["value"]),
                    team_id=body["team"]["id"],
                    user_id=body["user"]["id"],
                    now=datetime.now(UTC),
                )
                text = item.text
        except BUTTON_FAILURES as error:
            _refuse(respond, error)
            return
        respond(replace_original=False, response_type="ephemeral", text=f"Done: {escape(text)}")


def register_snooze(app: App, deps: Deps) -> None:
    @app.action("prompt_snooze")
    def snooze(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        now, user_id = datetime.now(UTC), body["user"]["id"]
        try:
            meeting_id, choice = body["actions"][0]["selected_option"]["value"].split(":")
            with Session(deps.engine) as session, session.begin():
                meeting = checkins.meeting_for(
                    session, meeting_id=int(meeting_id), team_id=body["team"]["id"], user_id=user_id
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
        except BUTTON_FAILURES as error:
            _refuse(respond, error)
            return
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=f"I'll remind you {views.date_token(planned.due_at)}.",
        )
