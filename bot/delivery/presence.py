"""A pass's proof of life, so that what a dead pass claimed is taken up again at once.

A pass claims rows with a lease (`Policy.lease`) because a process can die holding them. On
PostgreSQL the server knows better than a lease: each pass holds a session advisory lock, keyed
by a number of its own, on a connection of its own, and writes that number on the rows it
claims (`deliveries.claimed_by`). The lock goes when its connection goes: the process was
killed, its host vanished, or the database restarted under it. Another pass then sees, in
`pg_locks`, that no one holds the key, and takes those rows up before the lease ends (each is
looked up in the DM's history before it is sent again, as after a lease, so nothing is sent
twice); each pass does this once, as it starts. A living pass checks its lock's connection
before every claim and every post, and stops (OperationalError) when it is gone, because from
then on others may take its rows.

SQLite has no such lock; there a lease it is (one host, and a killed tick is rare).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    column,
    func,
    literal_column,
    select,
    table,
    update,
)
from sqlalchemy import text as sql

from bot.models import Delivery, DeliveryState

logger = logging.getLogger(__name__)

# The first half of the two-key advisory lock: ours ("1:1 " in ASCII), so that another user of
# advisory locks in the same database never collides with a pass.
NAMESPACE = 0x313A3120

_locks = table(
    "pg_locks",
    column("locktype"),
    column("database"),
    column("classid"),
    column("objid"),
    column("objsubid"),
    column("granted"),
)


class Presence:
    """Held for one pass: `key` goes on the rows the pass claims."""

    def __init__(self, engine: Engine) -> None:
        self.key = secrets.randbelow(2**31 - 1) + 1  # int4, positive: pg_locks shows it as oid
        self._connection: Connection | None = engine.connect()
        self._connection.execute(select(func.pg_advisory_lock(NAMESPACE, self.key)))
        self._connection.commit()

    def release_the_departed(self, connection: Connection, now: datetime) -> int:
        """Make the rows in flight whose pass no longer holds its lock due at `now`, so that
        this pass takes them up (after a look in the DM's history) instead of their lease's
        end. In-flight rows are few, and the index on (state, available_at) finds them."""
        this_database = literal_column(
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        alive = select(_locks.c.objid.cast(BigInteger)).where(
            _locks.c.locktype == "advisory",
            _locks.c.database == this_database,
            _locks.c.classid.cast(BigInteger) == NAMESPACE,
            _locks.c.objsubid == 2,
            _locks.c.granted,
        )
        departed = connection.execute(
            update(Delivery)
            .where(
                Delivery.state == DeliveryState.IN_FLIGHT,
                Delivery.available_at > now,
                Delivery.claimed_by.is_not(None),
                Delivery.claimed_by.not_in(alive),
            )
            .values(available_at=now, claimed_by=None)
        ).rowcount
        if departed:
            logger.warning("%s rows claimed by a pass that is gone: taken up again", departed)
        return departed

    def check(self) -> None:
        """Raises (OperationalError) once the lock's connection is gone."""
        assert self._connection is not None
        self._connection.execute(sql("SELECT 1"))
        self._connection.commit()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(select(func.pg_advisory_unlock(NAMESPACE, self.key)))
            connection.commit()
            connection.close()
        except Exception:  # the connection is gone, and the lock with it
            connection.invalidate()
            logger.debug("presence %s: its connection was already gone", self.key)


def open_presence(engine: Engine) -> Presence | None:
    return Presence(engine) if engine.dialect.name == "postgresql" else None
