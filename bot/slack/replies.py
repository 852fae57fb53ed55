"""What every button and form listener does alike: where a button's answer goes (`Reply`),
the meeting or 1:1 a button names (for one of its two people only), and the unit of work of
a click or a form submission, with its refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.checkins import service as checkins
from bot.deps import Deps
from bot.models import Meeting
from bot.scheduling import service as pairings
from bot.slack import views
from bot.slack.payloads import read_id
from bot.slack.work import Done, refuse_in_form, unit

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
            notice, trigger = views.notice_modal(reason), self.body["trigger_id"]
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


def meeting_of(session: Session, body: dict[str, Any], context: BoltContext) -> Meeting:
    """The meeting a button names, if the person who clicked is one of its two people."""
    return checkins.meeting_for(
        session,
        meeting_id=read_id(body["actions"][0]["value"]),
        team_id=context.team_id or "",
        user_id=context.user_id or "",
    )


def form_meeting(session: Session, body: dict[str, Any], context: BoltContext) -> Meeting:
    """The meeting a form names (its `private_metadata`), if the person who sent it is one of
    its two people."""
    return checkins.meeting_for(
        session,
        meeting_id=read_id(body["view"].get("private_metadata"), what="form"),
        team_id=context.team_id or "",
        user_id=body["user"]["id"],
    )


def pairing_of(
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


def both(pairing: pairings.Pairing) -> tuple[str, str]:
    """The two people of a 1:1 (whose Homes a change to it makes stale)."""
    return pairing.leader_id, pairing.member_id


def button_unit(
    deps: Deps,
    client: WebClient,
    context: BoltContext,
    work: Callable[[Session], Done],
    refuse: Callable[[Exception], None],
) -> None:
    """A click's unit of work: a forged or stale value, or a rule of the domain, is refused."""
    unit(deps, client, context.team_id or "", work, refuse=refuse, failures=BUTTON_FAILURES)


def form_unit(
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
