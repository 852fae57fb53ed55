"""Where a listener's work meets the database, for every listener: `unit` runs the work in one
session and transaction and, once that is committed (never before), does what the work says
it changed: the answer to the person who acted, the deliveries to send now, and the App
Homes that are stale. Listeners never open a session, commit or query; they call services
with the session they are handed and return a `Done`. (`claim` and `release` are the
`processed_events` rows of `events.take_each_request_once`, the middleware before them.)

Bolt runs a listener after its ack, on a thread of its own, so this cannot be a middleware
that commits after `next()`: the work is handed over instead. What the work returns must be
plain values (the session is closed by the time `Done` is acted on); `functools.partial`
binds a reply's arguments while the session is open."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.home import blocks as home_views
from bot.home import service as home
from bot.models import ProcessedEvent
from bot.people import service as preferences
from bot.people.service import SettingsError
from bot.slack import payloads

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Done:
    """What a committed unit of work asks for: `reply` (the answer to the person who acted),
    the deliveries to `send` now, and the people whose App Home shows what changed."""

    reply: Callable[[], object] | None = None
    send: Sequence[int | None] = ()
    homes: Sequence[str] = ()


def in_turn(*calls: Callable[[], object] | None) -> Callable[[], None]:
    """One reply made of several, in this order (a None is left out)."""

    def reply() -> None:
        for call in calls:
            if call is not None:
                call()

    return reply


def claim(deps: Deps, request_id: str, team_id: object) -> None:
    """Take a request's id for good (`processed_events`): an IntegrityError says it was
    taken before, and the request is a repeat."""
    with deps.engine.begin() as connection:
        connection.execute(
            insert(ProcessedEvent).values(
                event_id=request_id[:64],
                team_id=team_id if isinstance(team_id, str) else None,
                received_at=deps.clock.now(),
            )
        )


def release(deps: Deps, request_id: str) -> None:
    """Give a request's id back, when its listener failed: Slack's retry runs it again."""
    with deps.engine.begin() as connection:
        connection.execute(delete(ProcessedEvent).where(ProcessedEvent.event_id == request_id[:64]))


def transaction(deps: Deps, work: Callable[[Session], T]) -> T:
    """`work` in one session and transaction: committed when it returns, rolled back (and its
    exception raised) when it raises."""
    with Session(deps.engine) as session, session.begin():
        return work(session)


def unit(
    deps: Deps,
    client: WebClient,
    team_id: str,
    work: Callable[[Session], Done],
    *,
    refuse: Callable[[Exception], None] | None = None,
    failures: tuple[type[Exception], ...] = (),
) -> None:
    """Run `work`; one of `failures` (a refusal: a stale button, a rule of the domain) rolls
    it back and is answered by `refuse`, and anything else is raised to the guard."""
    try:
        done = transaction(deps, work)
    except failures as error:
        assert refuse is not None
        refuse(error)
        return
    after(deps, client, team_id, done)


def after(deps: Deps, client: WebClient, team_id: str, done: Done | None) -> None:
    """Act on a committed `done`: reply, then send, then publish the stale Homes."""
    if done is None:
        return
    if done.reply is not None:
        done.reply()
    ids = [delivery for delivery in done.send if delivery is not None]
    if ids:
        deps.outbox.send_now(ids, deps.clock.now())
    if done.homes:
        publish(deps, client, team_id, done.homes)


def publish(deps: Deps, client: WebClient, team_id: str, users: Iterable[str]) -> None:
    """After a change, views.publish the App Home of each of these people who has opened it
    (anyone else's is published when they first open it: views.publish is rate limited, so
    it is not spent on Homes nobody looks at)."""
    wanted = list(dict.fromkeys(users))
    seen = transaction(deps, lambda s: home.opened(s, team_id=team_id, users=wanted))
    publish_now(deps, client, team_id, [user for user in wanted if user in seen])


def publish_now(deps: Deps, client: WebClient, team_id: str, users: list[str]) -> None:
    """views.publish each person's App Home as it is now. A Home that cannot be published
    is logged and never fails the change that asked for it."""
    now = deps.clock.now()
    for user_id in users:

        def facts(session: Session, user_id: str = user_id) -> home.HomeFacts:
            zone = preferences.of(session, team_id=team_id, user_id=user_id).tz
            today = now.astimezone(zone).date()
            return home.load(session, team_id=team_id, user_id=user_id, now=now, today=today)

        view = home_views.home_view(transaction(deps, facts))
        try:
            client.views_publish(user_id=user_id, view=view)
        except SlackApiError as error:
            logger.warning("home of %s not published: %s", user_id, error.response.get("error"))


def form_error(mrkdwn: str) -> str:
    """A refusal's words as a form shows them under a field: plain text, at most 150
    characters (Slack's limit for `response_action: errors`)."""
    return payloads.unescape(mrkdwn.replace("`", ""))[:150]


def refuse_in_form(ack: Callable[..., object], *, field: str) -> Callable[[Exception], None]:
    """A refusal shown in the form, at the field it names (`SettingsError`) or at `field`."""

    def refuse(error: Exception) -> None:
        where = error.field if isinstance(error, SettingsError) else field
        ack(response_action="errors", errors={where: form_error(str(error))})

    return refuse
