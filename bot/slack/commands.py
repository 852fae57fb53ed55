"""The `/oneonone` slash command: read the subcommand, hand it to the feature that owns it, and
answer ephemerally. The features' handlers come from the composition root."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.scheduling import service as pairings
from bot.scheduling.cadence import CadenceError
from bot.slack import payloads, people, views, work
from bot.slack.views import COMMAND, help_blocks

logger = logging.getLogger(__name__)

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")

Blocks = list[dict[str, Any]]


def register(app: App, deps: Deps, handlers: Mapping[str, Handler]) -> None:
    """`/oneonone`: `help`, and each feature's subcommands (`handlers`, by their first word)."""
    known: dict[str, Handler] = {"help": _help, **handlers}

    @app.command(COMMAND)
    def oneonone(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """Acknowledge at once, then do the work and answer through the command's
        response_url: a slow database or Slack call can never make Slack give up on the
        command (after 3 s) while the work goes on, inviting a second try."""
        ack()
        text = (command.get("text") or "").strip()
        subcommand, _, rest = text.partition(" ")
        handler = known.get(subcommand.lower() or "help")
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


def one_mention(rest: str) -> tuple[str, str]:
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


def with_pairing(
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
        other_id, words = one_mention(rest)
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


def _first_line(blocks: Blocks) -> str:
    """The notification text of an answer: its first section, as plain as it is."""
    return str(blocks[0].get("text", {}).get("text", "oneonone"))[:300]


Handler = Callable[[Deps, dict[str, Any], WebClient, str], Answer]
