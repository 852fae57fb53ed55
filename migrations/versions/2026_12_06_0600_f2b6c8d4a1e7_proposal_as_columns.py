"""proposal as columns

A counter-proposal ("Suggest another time") is kept as a cadence, start and length in columns
of their own, like the 1:1's own, not as words read back by the grammar. An open one is read
once, here, from its words.

Revision ID: f2b6c8d4a1e7
Revises: e5a1f7c3b2d8
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "f2b6c8d4a1e7"
down_revision: str | None = "e5a1f7c3b2d8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (  # (name, type), all nullable: NULL while there is no open suggestion
    ("proposal_frequency", sa.String(length=16)),
    ("proposal_weekday", sa.Integer()),
    ("proposal_at", sa.Time()),
    ("proposal_zone", sa.String(length=64)),
    ("proposal_interval", sa.Integer()),
    ("proposal_positions", sa.String(length=16)),
    ("proposal_monthday", sa.Integer()),
    ("proposal_start", sa.Date()),
    ("proposal_minutes", sa.Integer()),
)
STARTING = re.compile(r"starting (\d{4}-\d{2}-\d{2})")


def upgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        for name, kind in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    connection = op.get_bind()
    open_ones = connection.execute(
        sa.text("SELECT id, proposal, zone FROM pairings WHERE proposal IS NOT NULL")
    ).all()
    if open_ones:
        # Only when there are some: the grammar of this release reads the words it wrote.
        from bot.scheduling.grammar import parse_schedule

        for pairing_id, words, zone in open_ones:
            starting = STARTING.search(words)
            try:  # the words carry their start ("… starting 2026-12-01 for 30 min")
                today = date.fromisoformat(starting.group(1)) if starting else date(2026, 1, 1)
                plan = parse_schedule(words, default_zone=zone, today=today)
            except ValueError:
                continue  # unreadable: the suggestion is dropped, the invitation stays open
            values = dict(
                zip(
                    [name for name, _ in COLUMNS[:7]],
                    plan.cadence.__composite_values__(),
                    strict=True,
                )
            )
            values.update(proposal_start=plan.start, proposal_minutes=plan.minutes)
            pairings = sa.table(
                "pairings", sa.column("id"), *(sa.column(name, kind) for name, kind in COLUMNS)
            )
            connection.execute(
                sa.update(pairings).where(pairings.c.id == pairing_id).values(**values)
            )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_column("proposal")


def downgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal", sa.String(length=200), nullable=True))
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
