"""The delivery outbox: every scheduled message is a `Delivery` row, sent exactly once.

A pass plans the deliveries that are due, then claims small batches of due rows in one short
statement each (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite runs one writer at a time),
marks them in flight with a lease, renders each from current data, posts it with `metadata`
that carries the delivery id, and records Slack's `ts`. It keeps draining until nothing is due
or its time budget is spent, so replicas share a burst. A row whose lease ran out (its process
died) or whose last attempt ended without an answer is looked up in the DM's history before
it is sent again, so nothing is sent twice.

Slack's limits are kept by `limiter.Limiter`, shared through the database: a DM that must wait
gives its row back for a moment and the pass goes on with others; a workspace that must wait
(its rate, or a `Retry-After` Slack announced) is waited for inside the pass when the wait fits
the budget, and no call goes to a paused scope before its time. 5xx, timeouts and connection
errors back off exponentially with jitter (a later pass); permanent errors fail at once.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, Select, delete, func, select, true, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.db import insert_or_nothing
from bot.delivery.limiter import WORKSPACE, Limiter, scope_of_429
from bot.delivery.presence import Presence, open_presence
from bot.installations import TokenLookup
from bot.models import Delivery, DeliveryState

logger = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "oneonone_delivery"

# Slack errors worth another try later. Every other error (`user_not_found`,
# `account_inactive`, `channel_not_found`, `cannot_dm_bot`, `token_revoked`, `invalid_blocks`,
# …) will not be cured by retrying, so the delivery fails at once.
UNREACHABLE = frozenset(
    {"user_not_found", "account_inactive", "user_disabled", "channel_not_found", "cannot_dm_bot"}
)
TRANSIENT_ERRORS = frozenset(
    {"fatal_error", "internal_error", "service_unavailable", "request_timeout", "ratelimited"}
)


@dataclass(frozen=True)
class Message:
    """What a renderer produces for one delivery, from current data at send time."""

    text: str
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None


@dataclass(frozen=True)
class Subject:
    """What a delivery is about: a 1:1 (`pairing`), a meeting (`meeting`) or a leader's week
    (`summary`), its id, and what about it (`event`, then `detail`: "accepted", "skipped" and
    the meeting, "nudge2", "snooze" and when, a summary's day). The row keeps it as one key,
    part of its unique key with the kind and the recipient; only `key` writes that text and
    only `of` reads it, so no feature builds or splits it by hand."""

    about: str
    id: str
    event: str = ""
    detail: str = ""

    @property
    def key(self) -> str:
        return ":".join(part for part in (self.about, self.id, self.event, self.detail) if part)

    @classmethod
    def of(cls, key: str) -> Subject:
        about, _, rest = key.partition(":")
        id_, _, rest = rest.partition(":")
        event, _, detail = rest.partition(":")
        return cls(about, id_, event, detail)

    @property
    def number(self) -> int | None:
        """The id as a row id, or None when it is not one."""
        return int(self.id) if self.id.isdigit() and len(self.id) < 19 else None


@dataclass(frozen=True)
class Planned:
    """A delivery a planner wants to exist; enqueueing the same one twice is a no-op."""

    team_id: str
    kind: str
    subject: Subject
    recipient: str
    due_at: datetime
    enterprise_id: str | None = None
    meeting_id: int | None = None


# A renderer gets the pass's clock and returns None when the message is no longer useful
# (its meeting has started, say): the row is dropped and recorded as such. Planners run at
# the start of every pass.
Renderer = Callable[[Session, Delivery, datetime], Message | None]
Planner = Callable[[Session, datetime], Iterable[Planned]]
# Told when a person can no longer be reached (UNREACHABLE errors), in the same transaction
# that records the failure: pauses what depends on them and plans a word to whoever should know.
Unreachable = Callable[[Session, Delivery, datetime], Iterable[Planned]]


@dataclass
class PassReport:
    planned: int = 0
    sent: int = 0
    recovered: int = 0  # found already in Slack after a crash or a lost answer
    retrying: int = 0
    failed: int = 0
    dropped: int = 0
    waiting: int = 0  # given back for a moment by Slack's limits (not a failed attempt)
    more: bool = field(default=False, compare=False)  # the budget ran out with work left

    def __str__(self) -> str:
        counts = [f"{count} {name}" for name, count in vars(self).items() if name != "more"]
        return ", ".join(counts) + (" (more to send)" if self.more else "")


@dataclass
class Policy:
    lease: timedelta = timedelta(minutes=5)
    batch: int = 10  # rows per claim: small, so that replicas share a burst
    max_attempts: int = 6
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(hours=1)
    timeout: int = 10  # seconds for one Web API call
    budget: float = 25.0  # seconds a pass keeps draining (the scheduler runs one each 30 s)
    reply_budget: float = 2.0  # seconds `send_now` may wait for Slack's limits
    short_wait: float = 5.0  # a pass waits for rows due this soon; later ones, the next pass


def _insert(session: Session, planned: Planned, now: datetime) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the delivery, on either database."""
    values = {
        "team_id": planned.team_id,
        "enterprise_id": planned.enterprise_id,
        "kind": planned.kind,
        "subject": planned.subject.key,
        "recipient": planned.recipient,
        "meeting_id": planned.meeting_id,
        "due_at": planned.due_at,
        "available_at": planned.due_at,
        "state": DeliveryState.PENDING,
        "attempts": 0,
        "created_at": now,
    }
    return insert_or_nothing(session, Delivery).values(values)


def enqueue(session: Session, planned: Planned, *, now: datetime) -> bool:
    """Insert the delivery unless it exists; True when it was new."""
    return session.execute(_insert(session, planned, now)).rowcount == 1


def enqueue_returning_id(session: Session, planned: Planned, *, now: datetime) -> int:
    """Enqueue (or find) the delivery and give its id, to send it at once."""
    new = session.scalar(_insert(session, planned, now).returning(Delivery.id))
    if new is not None:
        return new
    return session.scalars(
        select(Delivery.id).where(
            Delivery.team_id == planned.team_id,
            Delivery.kind == planned.kind,
            Delivery.subject == planned.subject.key,
            Delivery.recipient == planned.recipient,
        )
    ).one()


# -- what features ask of the outbox about their messages (they never touch its table) ------


def drop_pending(
    session: Session,
    *,
    meeting_ids: Sequence[int],
    kinds: Sequence[str],
    recipient: str | None = None,
    keeping_event: str | None = None,
    reason: str | None = None,
) -> int:
    """Unsent messages of these meetings and kinds (to `recipient`, if given) are not sent:
    deleted, so that a later pass may plan them again under the same key, or, with a
    `reason`, kept as dropped, so that they never are. A subject whose event is
    `keeping_event` stays (a reminder its person asked for)."""
    which = [
        Delivery.meeting_id.in_(meeting_ids),
        Delivery.state == DeliveryState.PENDING,
        Delivery.kind.in_(kinds),
    ]
    if recipient is not None:
        which.append(Delivery.recipient == recipient)
    if keeping_event is not None:  # subjects are keys ("meeting:12:snooze:…"): match by key
        which.append(Delivery.subject.not_like(Subject("%", "%", keeping_event, "%").key))
    if reason is None:
        return session.execute(delete(Delivery).where(*which)).rowcount or 0
    dropped = {"state": DeliveryState.DROPPED, "last_error": reason}
    return session.execute(update(Delivery).where(*which).values(**dropped)).rowcount or 0


def where_sent(
    session: Session, *, team_id: str, kind: str, meeting_id: int, recipient: str
) -> tuple[str, str] | None:
    """(channel, ts) of the message of this kind sent to `recipient` for a meeting (to update
    it, or to reply in its thread), or None if it was not sent."""
    row = session.execute(
        select(Delivery.channel, Delivery.ts).where(
            Delivery.team_id == team_id,
            Delivery.kind == kind,
            Delivery.meeting_id == meeting_id,
            Delivery.recipient == recipient,
            Delivery.ts.is_not(None),
        )
    ).first()
    return (str(row.channel), str(row.ts)) if row else None


def sent_meetings(*, team_id: str, kind: str, recipient: str) -> Select[tuple[int | None]]:
    """The meetings a message of this kind was sent to `recipient` for (a subquery)."""
    return select(Delivery.meeting_id).where(
        Delivery.team_id == team_id,
        Delivery.kind == kind,
        Delivery.recipient == recipient,
        Delivery.ts.is_not(None),
    )


def metadata_for(delivery: Delivery) -> dict[str, Any]:
    return {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {
            "delivery_id": delivery.id,
            "kind": delivery.kind,
            "meeting_id": delivery.meeting_id,
            "recipient": delivery.recipient,
        },
    }


class _RateLimited(Exception):
    """Slack said 429: wait `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after


class _HistoryLimited(_RateLimited):
    """Reading the DM's history was rate limited: this row cannot be checked (and so must not
    be sent) until then; posting is not paused."""


@dataclass
class _Drain:
    """One pass's sense of time: it acts as `now` (the instant it was given, moving on with
    the clock while it drains) and stops when its budget is spent."""

    now: datetime
    clock: Clock
    budget: float
    replying: bool = False  # a reply to something a person just did (`send_now`)
    presence: Presence | None = None  # PostgreSQL: the pass's proof of life (presence.py)
    started: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock.now()

    def elapsed(self) -> timedelta:
        return self.clock.now() - self.started

    def at(self) -> datetime:
        """The instant the pass acts as, now."""
        return self.now + self.elapsed()

    def left(self) -> float:
        return self.budget - self.elapsed().total_seconds()


@dataclass
class _Outcome:
    """What became of one claimed delivery, written when the outcomes are flushed."""

    delivery: Delivery
    attempt: int
    name: str  # the PassReport counter: sent, recovered, retrying, failed or dropped
    values: dict[str, Any]
    error: str | None = None


FLUSH_EVERY = 100
# Reading a DM's history to find a message whose answer was lost: Slack allows apps outside
# its Marketplace 15 messages a call (about a call a minute) since 2025, so each read is the
# smallest that finds it: the prompt's thread, or the DM's newest messages, two calls at most.
HISTORY_LIMIT = 15
HISTORY_PAGES = 2


@dataclass
class Outbox:
    """Sends due deliveries. One per process; any number of processes may share a database."""

    engine: Engine
    tokens: TokenLookup
    api_url: str
    renderers: Mapping[str, Renderer]
    planners: Sequence[Planner] = ()
    unreachable: Unreachable | None = None
    policy: Policy = field(default_factory=Policy)
    clock: Clock = field(default_factory=SystemClock)  # waits for Slack's limits
    limiter: Limiter | None = None  # Slack's limits, shared through the database
    _clients: dict[str, WebClient] = field(default_factory=dict, init=False)
    _last_post: dict[tuple[str, str], datetime] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if self.limiter is None:
            self.limiter = Limiter(self.engine)

    def run_pass(self, now: datetime, *, budget: float | None = None) -> PassReport:
        """Plan what is due at `now`, then send what is due until nothing is left or `budget`
        seconds (the policy's by default) have passed. `now` stands for the clock in every
        respect, lease expiry included; while the pass drains, it moves on with the clock."""
        report = PassReport(planned=self.plan(now))
        presence = open_presence(self.engine)
        if presence is not None:
            with self.engine.begin() as connection:
                presence.release_the_departed(connection, now)
        try:
            budget = self.policy.budget if budget is None else budget
            drain = _Drain(now, self.clock, budget, presence=presence)
            self._drain(drain, report)
        finally:
            if presence is not None:
                presence.close()
        metrics.PASS_DURATION.observe(drain.elapsed().total_seconds())
        if any(vars(report).values()):
            logger.info("pass at %s: %s", now.isoformat(), report)
        return report

    def _drain(self, drain: _Drain, report: PassReport) -> None:
        while True:
            if drain.left() <= 0:
                report.more = True
                break
            at = drain.at()
            claimed = self.claim(at, presence=drain.presence)
            if claimed:
                self._send_all(claimed, drain, report)
                continue
            # Nothing due at `at`: wait within the budget for rows given back for a moment
            # (by this replica or another), but not for a failed attempt's backoff.
            soonest = self._next_given_back(at)
            if soonest is None:
                break
            if (soonest - at).total_seconds() > drain.left():
                report.more = True
                break
            self.clock.sleep((soonest - at).total_seconds())

    def _next_given_back(self, now: datetime) -> datetime | None:
        """When the next row given back for a moment falls due: one within the policy's short
        wait (Slack's limits give rows back for a second or two; a failed attempt's backoff is
        longer and waits for a later pass)."""
        with self.engine.connect() as connection:
            return connection.scalar(
                select(func.min(Delivery.available_at)).where(
                    Delivery.state == DeliveryState.PENDING,
                    Delivery.available_at > now,
                    Delivery.available_at <= now + timedelta(seconds=self.policy.short_wait),
                )
            )

    def next_due(self) -> datetime | None:
        """When the next pending row falls due (the scheduler wakes for it)."""
        with self.engine.connect() as connection:
            return connection.scalar(
                select(func.min(Delivery.available_at)).where(
                    Delivery.state == DeliveryState.PENDING
                )
            )

    def plan(self, now: datetime) -> int:
        created = 0
        with Session(self.engine) as session, session.begin():
            for planner in self.planners:
                created += sum(enqueue(session, p, now=now) for p in planner(session, now))
        return created

    def send_now(self, delivery_ids: Sequence[int], now: datetime) -> PassReport:
        """Send these deliveries at once (a reply to something a person just did). Whatever
        fails or must wait stays in the outbox for the next pass."""
        report = PassReport()
        if delivery_ids:
            drain = _Drain(now, self.clock, self.policy.reply_budget, replying=True)
            self._send_all(self.claim(now, only=delivery_ids), drain, report)
        return report

    def claim(
        self, now: datetime, only: Sequence[int] = (), presence: Presence | None = None
    ) -> list[tuple[int, int]]:
        """Take up to a batch of due rows: (id, attempt number) each, in one statement. The
        batch takes each DM's oldest row before anyone's second, so that one busy DM (which
        Slack lets have a message a second) never holds up the others, and the DMs with the
        most to send first, so that their seconds apart run while the others go."""
        if presence is not None:
            presence.check()
        due_now = (
            Delivery.state.in_([DeliveryState.PENDING, DeliveryState.IN_FLIGHT]),
            Delivery.available_at <= now,
            Delivery.id.in_(only) if only else true(),
        )
        # The due rows first, on their own (MATERIALIZED): given the window below, SQLite
        # would rather walk the unique index for its partitions, reading every row the outbox
        # ever had; the due rows are few, and the index on (state, available_at) finds them.
        due_rows = (
            select(Delivery.id, Delivery.team_id, Delivery.recipient, Delivery.due_at)
            .where(*due_now)
            .cte("due_rows")
            .prefix_with("MATERIALIZED")
        )
        dm = (due_rows.c.team_id, due_rows.c.recipient)
        # A DM's rows keep the order they fell due in, even after one was given back.
        turn = func.row_number().over(partition_by=dm, order_by=(due_rows.c.due_at, due_rows.c.id))
        queued = func.count().over(partition_by=dm)
        ranked = select(
            due_rows.c.id, due_rows.c.due_at, turn.label("turn"), queued.label("queued")
        ).subquery()
        first = (
            select(ranked.c.id)
            .order_by(ranked.c.turn, ranked.c.queued.desc(), ranked.c.due_at, ranked.c.id)
            .limit(len(only) if only else self.policy.batch)
        )
        due = (
            select(Delivery.id)
            .where(Delivery.id.in_(first.scalar_subquery()), *due_now)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(Delivery)
            .where(Delivery.id.in_(due.scalar_subquery()))
            .values(
                state=DeliveryState.IN_FLIGHT,
                available_at=now + self.policy.lease,
                attempts=Delivery.attempts + 1,
                claimed_by=presence.key if presence is not None else None,
            )
            .returning(Delivery.id, Delivery.attempts)
        )
        with self.engine.begin() as connection:
            return [(row.id, row.attempts) for row in connection.execute(claim)]

    # -- sending -------------------------------------------------------------------------

    def _send_all(self, claimed: list[tuple[int, int]], drain: _Drain, report: PassReport) -> None:
        """Send the claimed rows as they fell due, each when Slack's limits allow it."""
        attempt = dict(claimed)
        with Session(self.engine, expire_on_commit=False) as session:
            rows = list(session.scalars(select(Delivery).where(Delivery.id.in_(attempt))))
            session.expunge_all()
        outcomes: list[_Outcome] = []
        held: dict[str, datetime] = {}  # DMs given back in this batch, and until when
        for delivery in sorted(rows, key=lambda d: (d.due_at, d.id)):
            tried = attempt[delivery.id]
            if delivery.recipient in held:  # behind a row of its DM that must wait: wait too,
                outcomes.append(_pending(delivery, tried, held[delivery.recipient], 0))
                continue  # to the same instant, so that the DM keeps its order
            wait = self._wait_for_limits(delivery, drain)
            if wait <= 0:
                self._check_presence(drain, outcomes, report)
                try:
                    outcomes.append(self._deliver(delivery, tried, drain.at()))
                except _HistoryLimited as slack_says:
                    wait = slack_says.retry_after
                except _RateLimited as slack_says:
                    self._pause(delivery, slack_says.retry_after)
                    wait = slack_says.retry_after
            if wait > 0:  # this DM must wait, or the workspace longer than the budget
                held[delivery.recipient] = drain.at() + timedelta(seconds=wait)
                outcomes.append(_pending(delivery, tried, held[delivery.recipient], 0))
            if len(outcomes) >= FLUSH_EVERY:
                self._flush(outcomes, report, drain.at())
        self._flush(outcomes, report, drain.at())

    def _check_presence(self, drain: _Drain, outcomes: list[_Outcome], report: PassReport):
        """Stop before a post once the pass's presence is gone: from then on another pass may
        take its rows. What it already sent is recorded if the database still answers (a row
        taken over since has a higher attempt number, and its outcome is left alone)."""
        if drain.presence is None:
            return
        try:
            drain.presence.check()
        except OperationalError:
            self._flush(outcomes, report, drain.at())
            raise

    def _wait_for_limits(self, delivery: Delivery, drain: _Drain) -> float:
        """0 once a call to this DM may go; otherwise how long it must wait. The workspace's
        waits are waited out here while they fit the budget (every row would wait for them
        alike); a DM's is given back, so that a pass goes on with other DMs, except in a
        reply (`send_now`), which waits for its one DM."""
        assert self.limiter is not None
        while True:
            wait, scope = self.limiter.take(
                delivery.team_id, delivery.recipient, at=self.clock.now()
            )
            waits_here = scope == WORKSPACE or drain.replying
            if wait <= 0 or not waits_here or wait > drain.left():
                return wait
            self.clock.sleep(wait)

    def _pause(self, delivery: Delivery, retry_after: float) -> None:
        """Slack said 429: pause the scope it most likely meant, for its `Retry-After`."""
        assert self.limiter is not None
        at = self.clock.now()
        last = self._last_post.get((delivery.team_id, delivery.recipient))
        scope = scope_of_429(last_sent_to_dm=last, at=at)
        channel = delivery.recipient if scope == "dm" else WORKSPACE
        until = at + timedelta(seconds=retry_after)
        self.limiter.pause(delivery.team_id, channel, until=until, at=at)
        metrics.RATE_LIMITED.labels(scope=scope).inc()
        logger.warning(
            "slack rate limit: %s of %s paused for %.0f s", scope, delivery.team_id, retry_after
        )

    def _deliver(self, delivery: Delivery, attempt: int, now: datetime) -> _Outcome:
        render = self.renderers.get(delivery.kind)
        if render is None:
            return _failed(delivery, attempt, f"no renderer for kind {delivery.kind}")
        with Session(self.engine) as session:
            message = render(session, delivery, now)
        if message is None:
            return _Outcome(delivery, attempt, "dropped", {"state": DeliveryState.DROPPED})
        token = self.tokens(delivery.enterprise_id, delivery.team_id)
        if token is None:
            return _failed(delivery, attempt, "no_installation")
        client = self._client(token)
        try:
            if attempt > 1:
                found = self._already_sent(client, delivery, message)
                if found is not None:
                    return _sent(delivery, attempt, now, *found, name="recovered")
            # A user id as the channel posts to the DM with the app (its Messages tab).
            answer = client.chat_postMessage(
                channel=delivery.recipient,
                text=message.text,
                blocks=message.blocks,
                thread_ts=message.thread_ts,
                metadata=metadata_for(delivery),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as error:
            status = error.response.status_code
            code = str(error.response.get("error") or status)
            if status == 429:
                raise _RateLimited(_retry_after(error.response.headers)) from None
            if status >= 500 or code in TRANSIENT_ERRORS:
                return self._retry_later(delivery, attempt, now, code)
            return _failed(delivery, attempt, code)
        except OSError as error:  # timeouts and connection errors: Slack may have it
            return self._retry_later(delivery, attempt, now, type(error).__name__)
        self._last_post[(delivery.team_id, delivery.recipient)] = self.clock.now()
        return _sent(delivery, attempt, now, answer["channel"], answer["ts"])

    def _client(self, token: str) -> WebClient:
        # No retry handlers: the outbox decides about retries itself, and a blind retry of a
        # post whose answer was lost could send it twice.
        if token not in self._clients:
            self._clients[token] = WebClient(
                token=token,
                base_url=self.api_url,
                timeout=self.policy.timeout,
                retry_handlers=[],
            )
        return self._clients[token]

    def _already_sent(
        self, client: WebClient, delivery: Delivery, message: Message
    ) -> tuple[str, str] | None:
        """(channel, ts) of this delivery's message if Slack already has it, found by the
        delivery id in its metadata."""
        try:
            channel = client.conversations_open(users=delivery.recipient)["channel"]["id"]
            if message.thread_ts:
                pages = client.conversations_replies(
                    channel=channel,
                    ts=message.thread_ts,
                    include_all_metadata=True,
                    limit=HISTORY_LIMIT,
                )
            else:
                # Newest first and not by time: Slack's clock and `tick --now` need not agree.
                # A lost message is among the newest.
                pages = client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=HISTORY_LIMIT
                )
            for page in islice(pages, HISTORY_PAGES):  # each page is one call, made here
                for item in page.get("messages", []):
                    payload = (item.get("metadata") or {}).get("event_payload") or {}
                    if payload.get("delivery_id") == delivery.id:
                        return channel, str(item["ts"])
        except SlackApiError as error:
            if error.response.status_code == 429:  # the read's own limit, not posting's
                raise _HistoryLimited(_retry_after(error.response.headers)) from None
            raise
        return None

    def _retry_later(self, delivery: Delivery, attempt: int, now: datetime, error: str) -> _Outcome:
        if attempt >= self.policy.max_attempts:
            return _failed(delivery, attempt, f"gave up after {attempt} attempts: {error}")
        backoff = min(self.policy.first_backoff * 2 ** (attempt - 1), self.policy.max_backoff)
        jittered = backoff * random.uniform(0.5, 1.0)
        return _pending(delivery, attempt, now, jittered.total_seconds(), error=error)

    # -- recording outcomes ----------------------------------------------------------------

    def _flush(self, outcomes: list[_Outcome], report: PassReport, now: datetime) -> None:
        """Write outcomes in one transaction, each only while this pass still holds its claim
        (the row is in flight at the same attempt); a claim lost to an expired lease is left
        to the pass that took it over."""
        if not outcomes:
            return
        written = []
        with self.engine.begin() as connection, Session(bind=connection) as session:
            for outcome in outcomes:
                held = connection.execute(
                    update(Delivery)
                    .where(
                        Delivery.id == outcome.delivery.id,
                        Delivery.state == DeliveryState.IN_FLIGHT,
                        Delivery.attempts == outcome.attempt,
                    )
                    .values(**outcome.values)
                ).rowcount
                if held:
                    written.append(outcome)
                    if outcome.error in UNREACHABLE and self.unreachable is not None:
                        for planned in self.unreachable(session, outcome.delivery, now):
                            enqueue(session, planned, now=now)
                else:
                    logger.warning(
                        "delivery %s: claim lost before its outcome was recorded",
                        outcome.delivery.id,
                    )
        for outcome in written:
            setattr(report, outcome.name, getattr(report, outcome.name) + 1)
            metrics.DELIVERIES.labels(kind=outcome.delivery.kind, outcome=outcome.name).inc()
            sent_at = outcome.values.get("sent_at")
            if sent_at is not None:
                metrics.DELIVERY_LAG.observe(
                    max((sent_at - outcome.delivery.due_at).total_seconds(), 0)
                )
            _log(outcome)
        outcomes.clear()


def _sent(
    delivery: Delivery, attempt: int, now: datetime, channel: str, ts: str, name: str = "sent"
) -> _Outcome:
    values = {
        "state": DeliveryState.SENT,
        "channel": channel,
        "ts": ts,
        "sent_at": now,
        "last_error": None,
    }
    return _Outcome(delivery, attempt, name, values)


def _failed(delivery: Delivery, attempt: int, error: str) -> _Outcome:
    values = {"state": DeliveryState.FAILED, "last_error": error[:200]}
    return _Outcome(delivery, attempt, "failed", values, error)


def _pending(
    delivery: Delivery, attempt: int, now: datetime, after: float, *, error: str | None = None
) -> _Outcome:
    """Back to pending, `after` seconds on. Only a failed attempt (`error`) uses one up and
    counts as retrying; a 429, or a wait for Slack's limits, gives the row back untouched."""
    values: dict[str, Any] = {
        "state": DeliveryState.PENDING,
        "available_at": now + timedelta(seconds=after),
    }
    if error is None:
        values["attempts"] = attempt - 1
        return _Outcome(delivery, attempt, "waiting", values)
    values["last_error"] = error[:200]
    return _Outcome(delivery, attempt, "retrying", values, error)


def _retry_after(headers: Any) -> float:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(float(value[0] if isinstance(value, list) else value), 1.0)
            except ValueError:
                break
    return 1.0


def _log(outcome: _Outcome) -> None:
    """One structured line per delivery outcome."""
    delivery = outcome.delivery
    fields = {
        "delivery_id": delivery.id,
        "kind": delivery.kind,
        "team_id": delivery.team_id,
        "recipient": delivery.recipient,
        "outcome": outcome.name,
        "attempt": outcome.attempt,
        "error": outcome.error,
        "ts": outcome.values.get("ts"),
    }
    level = logging.WARNING if outcome.name == "failed" else logging.INFO
    line = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
    logger.log(level, "delivery %s", line)


def counts(engine: Engine, *, now: datetime) -> dict[str, Any]:
    """What `doctor` shows: pending, in flight, failed, sent today, and the oldest pending."""
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with Session(engine) as session:
        by_state = dict(
            session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
        )
        sent_today = session.scalar(
            select(func.count()).where(
                Delivery.state == DeliveryState.SENT, Delivery.sent_at >= start_of_day
            )
        )
        oldest = session.scalar(
            select(func.min(Delivery.due_at)).where(Delivery.state == DeliveryState.PENDING)
        )
    return {
        "pending": by_state.get(DeliveryState.PENDING, 0),
        "in_flight": by_state.get(DeliveryState.IN_FLIGHT, 0),
        "failed": by_state.get(DeliveryState.FAILED, 0),
        "sent_today": sent_today or 0,
        "oldest_pending": oldest,
    }
