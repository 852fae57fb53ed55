"""The `/oneonone` slash command: read the subcommand, call the domain, answer ephemerally."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.domain import pairings
from bot.domain.recurrence import CadenceError, occurrences, parse_schedule
from bot.slack import views
from bot.slack.views import COMMAND, HELP_LINES, help_blocks

logger = logging.getLogger(__name__)

SUBCOMMANDS = frozenset(example.split()[0] for example, _ in HELP_LINES)
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
Blocks = list[dict[str, Any]]


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def oneonone(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        text = (command.get("text") or "").strip()
        subcommand, _, rest = text.partition(" ")
        handler = HANDLERS.get(subcommand.lower() or "help")
        if handler is not None:
            blocks, after = handler(deps, command, client, rest.strip())
        elif subcommand.lower() in SUBCOMMANDS:
            blocks, after = help_blocks(unavailable=subcommand.lower()), None
        else:
            blocks, after = help_blocks(not_understood=text), None
        ack(response_type="ephemeral", text=_first_line(blocks), blocks=blocks)
        if after is not None:
            after()


Answer = tuple[Blocks, Callable[[], object] | None]  # the reply, and what to do once acked


def _help(_deps: Deps, _command: dict[str, Any], _client: WebClient, _rest: str) -> Answer:
    return help_blocks(), None


def _schedule(deps: Deps, command: dict[str, Any], client: WebClient, rest: str) -> Answer:
    mentions = MENTION.findall(rest)
    if len(mentions) != 1:
        reason = (
            "say who the 1:1 is with, as an @mention"
            if not mentions
            else "one person at a time, please"
        )
        return views.problem_blocks(reason + "."), None
    when = MENTION.sub(" ", rest).strip()
    if not when:
        return views.problem_blocks("Tell me when, too."), None
    team_id, leader_id = command["team_id"], command["user_id"]
    try:
        leader = _person(client, leader_id)
        member = _person(client, mentions[0])
    except SlackApiError as error:
        logger.info("schedule: users.info failed: %s", error.response.get("error"))
        return views.problem_blocks("I can't find that person in this workspace."), None
    now = datetime.now(UTC)
    try:
        today = now.astimezone(ZoneInfo(leader.tz)).date()
        plan = parse_schedule(when, default_zone=leader.tz, today=today)
        with Session(deps.engine) as session, session.begin():
            _, delivery_id = pairings.schedule(
                session,
                team_id=team_id,
                enterprise_id=command.get("enterprise_id") or None,
                leader_id=leader_id,
                person=member,
                plan=plan,
                now=now,
            )
    except CadenceError as error:
        return views.problem_blocks(error.reason + ".", quoted=error.fragment or when), None
    except pairings.SchedulingError as error:
        return views.problem_blocks(str(error)), None
    upcoming = occurrences(plan, after=now, count=3)
    blocks = views.scheduled_blocks(member.id, plan.cadence.describe(), upcoming)
    return blocks, lambda: deps.outbox.send_now([delivery_id], datetime.now(UTC))


def _list(deps: Deps, command: dict[str, Any], _client: WebClient, _rest: str) -> Answer:
    user_id, now = command["user_id"], datetime.now(UTC)
    rows = []
    with Session(deps.engine) as session:
        for pairing in pairings.pairings_of(session, team_id=command["team_id"], user_id=user_id):
            leads = pairing.leader_id == user_id
            other = pairing.member_id if leads else pairing.leader_id
            words = pairings.schedule_of(pairing).cadence.describe(with_zone=False)
            role = "you lead" if leads else "with your lead"
            if pairing.status is not pairings.PairingStatus.ACTIVE:
                role = f"{role}, {pairing.status.value}"
            upcoming = pairings.next_meeting(pairing, now=now)
            rows.append((other, role, words, upcoming.starts_at if upcoming else None))
    return views.list_blocks(rows), None


HANDLERS: dict[str, Callable[[Deps, dict[str, Any], WebClient, str], Answer]] = {
    "help": _help,
    "schedule": _schedule,
    "list": _list,
}


def _person(client: WebClient, user_id: str) -> pairings.Person:
    user = client.users_info(user=user_id)["user"]
    return pairings.Person(
        id=user["id"],
        team_id=user.get("team_id", ""),
        name=user.get("real_name") or user.get("name") or user_id,
        tz=user.get("tz") or "UTC",
        is_bot=bool(user.get("is_bot")),
        deleted=bool(user.get("deleted")),
    )


def _first_line(blocks: Blocks) -> str:
    """The notification text of an answer: its first section, as plain as it is."""
    return str(blocks[0].get("text", {}).get("text", "oneonone"))[:300]
