"""The delivery outbox: every scheduled message is a `Delivery` row, sent exactly once.

A pass plans the deliveries that are due, then claims due rows in one short statement
(`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite runs one writer at a time), marks them in flight
with a lease, renders each from current data, posts it with `metadata` that carries the
delivery id, and records Slack's `ts`. A row whose lease ran out (its process died) or whose
last attempt ended without an answer is looked up in the DM's history before it is sent again,
so nothing is sent twice. Slack's 429s wait for `Retry-After`; 5xx, timeouts and connection
errors back off exponentially with jitter; permanent errors fail at once.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, func, select, true, update
from sqlalchemy.orm import Session

from bot.clock import Clock, SystemClock
from bot.db import insert_or_nothing
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
class Planned:
    """A delivery a planner wants to exist; enqueueing the same one twice is a no-op."""

    team_id: str
    kind: str
    subject: str
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

    def __str__(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in vars(self).items())


@dataclass
class Policy:
    lease: timedelta = timedelta(minutes=5)
    batch: int = 500
    max_attempts: int = 6
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(hours=1)
    channel_interval: float = 1.0  # Slack allows about one message a second per channel
    timeout: int = 10  # seconds for one Web API call


def _insert(session: Session, planned: Planned, now: datetime) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the delivery, on either database."""
    values = {
        "team_id": planned.team_id,
        "enterprise_id": planned.enterprise_id,
        "kind": planned.kind,
        "subject": planned.subject,
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
            Delivery.subject == planned.subject,
            Delivery.recipient == planned.recipient,
        )
    ).one()


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


class _Deferred(Exception):
    """Slack said 429: try this DM again after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after


@dataclass
class _Outcome:
    """What became of one claimed delivery, written when the outcomes are flushed."""

    delivery: Delivery
    attempt: int
    name: str  # the PassReport counter: sent, recovered, retrying, failed or dropped
    values: dict[str, Any]
    error: str | None = None


FLUSH_EVERY = 100
HISTORY_PAGES = 5  # outcomes written per transaction; a crash before a flush is recovered


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
    clock: Clock = field(default_factory=SystemClock)  # paces the messages to one channel
    _clients: dict[str, WebClient] = field(default_factory=dict, init=False)

    def run_pass(self, now: datetime) -> PassReport:
        """Plan what is due at `now`, then send every due delivery once. `now` stands for the
        clock in every respect, lease expiry included."""
        report = PassReport(planned=self.plan(now))
        while claimed := self.claim(now):
            self._send_all(claimed, now, report)
            if len(claimed) < self.policy.batch:
                break
        if any(vars(report).values()):
            logger.info("pass at %s: %s", now.isoformat(), report)
        return report

    def plan(self, now: datetime) -> int:
        created = 0
        with Session(self.engine) as session, session.begin():
            for planner in self.planners:
                created += sum(enqueue(session, p, now=now) for p in planner(session, now))
        return created

    def send_now(self, delivery_ids: Sequence[int], now: datetime) -> PassReport:
        """Send these deliveries at once (a reply to something a person just did). Whatever
        fails stays in the outbox for the next pass."""
        report = PassReport()
        if delivery_ids:
            self._send_all(self.claim(now, only=delivery_ids), now, report)
        return report

    def claim(self, now: datetime, only: Sequence[int] = ()) -> list[tuple[int, int]]:
        """Take up to a batch of due rows: (id, attempt number) each, in one statement."""
        due = (
            select(Delivery.id)
            .where(
                Delivery.state.in_([DeliveryState.PENDING, DeliveryState.IN_FLIGHT]),
                Delivery.available_at <= now,
                Delivery.id.in_(only) if only else true(),
            )
            .order_by(Delivery.available_at)
            .limit(self.policy.batch)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(Delivery)
            .where(Delivery.id.in_(due.scalar_subquery()))
            .values(
                state=DeliveryState.IN_FLIGHT,
                available_at=now + self.policy.lease,
                attempts=Delivery.attempts + 1,
            )
            .returning(Delivery.id, Delivery.attempts)
        )
        with self.engine.begin() as connection:
            return [(row.id, row.attempts) for row in connection.execute(claim)]

    # -- sending -------------------------------------------------------------------------

    def _send_all(self, claimed: list[tuple[int, int]], now: datetime, report: PassReport) -> None:
        """Round-robin over recipients so that one busy DM never holds up the others, and
        no DM gets more than one message a second."""
        attempt = dict(claimed)
        by_recipient: dict[str, list[Delivery]] = defaultdict(list)
        with Session(self.engine, expire_on_commit=False) as session:
            rows = session.scalars(select(Delivery).where(Delivery.id.in_(attempt)))
            for delivery in sorted(rows, key=lambda d: (d.due_at, d.id)):  # as they fell due
                by_recipient[delivery.recipient].append(delivery)
            session.expunge_all()
        deferred: dict[str, float] = {}  # recipient → seconds Slack asked us to wait
        outcomes: list[_Outcome] = []
        for number, round_ in enumerate(_rounds(list(by_recipient.values()))):
            if number:
                self._flush(outcomes, report, now)
                self.clock.sleep(self.policy.channel_interval)
            for delivery in round_:
                tried = attempt[delivery.id]
                try:
                    if delivery.recipient in deferred:
                        raise _Deferred(deferred[delivery.recipient])
                    outcomes.append(self._deliver(delivery, tried, now))
                except _Deferred as slack_says:
                    deferred[delivery.recipient] = slack_says.retry_after
                    outcomes.append(_pending(delivery, tried, now, slack_says.retry_after))
                if len(outcomes) >= FLUSH_EVERY:
                    self._flush(outcomes, report, now)
        self._flush(outcomes, report, now)

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
                raise _Deferred(_retry_after(error.response.headers)) from None
            if status >= 500 or code in TRANSIENT_ERRORS:
                return self._retry_later(delivery, attempt, now, code)
            return _failed(delivery, attempt, code)
        except OSError as error:  # timeouts and connection errors: Slack may have it
            return self._retry_later(delivery, attempt, now, type(error).__name__)
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
        channel = client.conversations_open(users=delivery.recipient)["channel"]["id"]
        if message.thread_ts:
            pages = client.conversations_replies(
                channel=channel, ts=message.thread_ts, include_all_metadata=True, limit=200
            )
        else:
            # Newest first and not by time: Slack's clock and `tick --now` need not agree. A
            # lost message is recent, so a few pages reach back far enough.
            pages = client.conversations_history(
                channel=channel, include_all_metadata=True, limit=200
            )
        for page in islice(pages, HISTORY_PAGES):
            for item in page.get("messages", []):
                payload = (item.get("metadata") or {}).get("event_payload") or {}
                if payload.get("delivery_id") == delivery.id:
                    return channel, str(item["ts"])
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
    """Back to pending for a later pass. Only a failed attempt (`error`) uses one up; a 429
    or waiting behind another message's 429 does not."""
    values: dict[str, Any] = {
        "state": DeliveryState.PENDING,
        "available_at": now + timedelta(seconds=after),
    }
    if error is None:
        values["attempts"] = attempt - 1
    else:
        values["last_error"] = error[:200]
    return _Outcome(delivery, attempt, "retrying", values, error)


def _rounds(queues: list[list[Any]]) -> Iterable[list[Any]]:
    """[[a1, a2], [b1]] → [a1, b1], [a2]."""
    depth = max((len(q) for q in queues), default=0)
    for i in range(depth):
        yield [q[i] for q in queues if i < len(q)]


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
