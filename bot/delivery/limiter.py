"""Slack's limits on our posts, kept by every replica together through the database.

Slack allows `chat.postMessage` about one message a second per channel, with short bursts,
and a workspace-wide rate it does not publish (its "special tier"); an app that keeps calling
after a 429 risks its token. Each limit is a token bucket in a `rate_limits` row, read and
written under a row lock, so three replicas together stay under one workspace's rate:

- a DM: one message a second and no burst (we do not lean on Slack's bursts);
- a workspace: a little under 600 a minute with a burst of 15 (the model the simulator
  enforces is 600 a minute with a burst of 20), learned downwards from the 429s it gets
  (the rate is cut by a fifth at each) and recovered slowly while none come (additive
  increase, multiplicative decrease: the way TCP finds a link's rate);
- a `Retry-After` pauses the scope it names until it is over: no call goes to it before then.

Slack's 429 does not say which limit it was; `scope_of_429` decides (see there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select, update

from bot.db import insert_or_nothing
from bot.models import RateLimit

WORKSPACE = ""  # the `channel` of a workspace's own bucket


@dataclass(frozen=True)
class _State:
    """A bucket refilled up to now: its tokens, its rate, and the end of a pause."""

    tokens: float
    rate: float
    paused: datetime | None


@dataclass(frozen=True)
class Bucket:
    rate: float  # calls a second
    burst: float  # calls at once after a quiet spell


DM_BUCKET = Bucket(rate=1.0, burst=1.0)
WORKSPACE_BUCKET = Bucket(rate=600 / 60 * 0.95, burst=15.0)
LEARNED_CUT = 0.8  # a workspace 429 leaves this much of the rate
RECOVERY_PER_MINUTE = 0.05  # of the full rate, regained each minute without a 429
MIN_RATE = 0.5


@dataclass
class Limiter:
    """Token buckets over the `rate_limits` table. `at` is always the real time of the call
    (the process clock), never the instant a pass acts as."""

    engine: Engine
    workspace: Bucket = WORKSPACE_BUCKET
    dm: Bucket = DM_BUCKET

    def take(self, team_id: str, channel: str, *, at: datetime) -> tuple[float, str]:
        """One call to `channel` (a DM, or a user id standing for it) in `team_id`: (0.0, …)
        when both its bucket and the workspace's allow it now, and it is taken from both;
        otherwise (seconds to wait, the scope that must wait: WORKSPACE or the channel), with
        nothing taken."""
        with self.engine.begin() as connection:
            rows = self._locked(connection, team_id, channel, at)
            scope, wait = max(
                ((key, self._wait(row, at)) for key, row in rows.items()), key=lambda kw: kw[1]
            )
            for key, row in rows.items():
                tokens = row.tokens - (1 if wait <= 0 else 0)
                connection.execute(
                    update(RateLimit)
                    .where(RateLimit.team_id == team_id, RateLimit.channel == key)
                    .values(tokens=tokens, rate=row.rate, updated_at=at)
                )
        return max(wait, 0.0), scope

    def pause(self, team_id: str, channel: str, *, until: datetime, at: datetime) -> None:
        """Slack said 429 with `Retry-After` for this scope (a DM, or WORKSPACE): nothing goes
        to it before `until`. A workspace's rate is also cut, so it settles under Slack's."""
        with self.engine.begin() as connection:
            rows = self._locked(connection, team_id, channel, at)
            row = rows[channel]
            values: dict[str, object] = {"paused_until": until, "tokens": 0.0, "updated_at": at}
            if channel == WORKSPACE:
                values["rate"] = max(MIN_RATE, row.rate * LEARNED_CUT)
            connection.execute(
                update(RateLimit)
                .where(RateLimit.team_id == team_id, RateLimit.channel == channel)
                .values(**values)
            )

    def paused_until(self, team_id: str, channel: str) -> datetime | None:
        with self.engine.connect() as connection:
            return connection.scalar(
                select(RateLimit.paused_until).where(
                    RateLimit.team_id == team_id, RateLimit.channel == channel
                )
            )

    def rate(self, team_id: str) -> float:
        """The workspace's learned rate, calls a second."""
        with self.engine.connect() as connection:
            found = connection.scalar(
                select(RateLimit.rate).where(
                    RateLimit.team_id == team_id, RateLimit.channel == WORKSPACE
                )
            )
        return self.workspace.rate if found is None else found

    # -- the rows --------------------------------------------------------------------------

    def _bucket(self, channel: str) -> Bucket:
        return self.workspace if channel == WORKSPACE else self.dm

    def _locked(
        self, connection: Connection, team_id: str, channel: str, at: datetime
    ) -> dict[str, _State]:
        """The workspace's row and the DM's, created when missing, locked in one fixed order
        (workspace first) so that two replicas never deadlock, and refilled up to `at`. The
        insert comes first even when the rows exist: on SQLite, which ignores FOR UPDATE, that
        write is what makes two processes take their turns."""
        keys = sorted({WORKSPACE, channel})
        for key in keys:
            bucket = self._bucket(key)
            connection.execute(
                insert_or_nothing(connection, RateLimit).values(
                    team_id=team_id,
                    channel=key,
                    tokens=bucket.burst,
                    rate=bucket.rate,
                    updated_at=at,
                )
            )
        found = connection.execute(
            select(RateLimit)
            .where(RateLimit.team_id == team_id, RateLimit.channel.in_(keys))
            .order_by(RateLimit.channel)
            .with_for_update()
        ).all()
        rows = {}
        for row in found:
            bucket = self._bucket(row.channel)
            elapsed = max((at - row.updated_at).total_seconds(), 0.0)
            rate = row.rate
            if row.channel == WORKSPACE and not (row.paused_until and row.paused_until > at):
                regained = bucket.rate * RECOVERY_PER_MINUTE * elapsed / 60
                rate = min(bucket.rate, rate + regained)
            tokens = min(bucket.burst, row.tokens + elapsed * rate)
            rows[row.channel] = _State(tokens, rate, row.paused_until)
        return rows

    def _wait(self, row: _State, at: datetime) -> float:
        if row.paused is not None and row.paused > at:
            return (row.paused - at).total_seconds()
        return 0.0 if row.tokens >= 1 else (1 - row.tokens) / row.rate


def scope_of_429(*, last_sent_to_dm: datetime | None, at: datetime) -> str:
    """Slack's 429 does not name its limit. Ours keeps each DM to one message a second, so a
    429 right after a post to the same DM (within two seconds) is taken as that DM's limit,
    and any other as the workspace's: pausing the workspace is the safe side."""
    recent = last_sent_to_dm is not None and at - last_sent_to_dm < timedelta(seconds=2)
    return "dm" if recent else "workspace"
