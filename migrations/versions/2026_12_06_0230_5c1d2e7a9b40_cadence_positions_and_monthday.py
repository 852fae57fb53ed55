"""cadence positions and monthday

A monthly cadence may fall on several weeks of the month ("the first and third Friday"), kept
in `positions` ("1,3"; "-1" is the last), or on a day of the month (`monthday`, with no
weekday). `nth`, the one week it could hold before, becomes `positions`.

Revision ID: 5c1d2e7a9b40
Revises: 0dd4e218d32d
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1d2e7a9b40"
down_revision: str | None = "0dd4e218d32d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("positions", sa.String(length=16), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("monthday", sa.Integer(), nullable=True))
        batch_op.alter_column("weekday", existing_type=sa.Integer(), nullable=True)
    op.execute(
        "UPDATE pairings SET positions = CAST(nth AS VARCHAR(16)) WHERE frequency = 'monthly'"
    )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_column("nth")


def downgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nth", sa.Integer(), server_default="1", nullable=False))
    # A cadence that the old columns cannot hold (several weeks, a day of the month) keeps its
    # first week, or becomes the first Monday.
    op.execute(
        "UPDATE pairings SET nth = CAST(CASE WHEN positions LIKE '-%' THEN '-1' "
        "WHEN positions = '' THEN '1' ELSE SUBSTR(positions, 1, 1) END AS INTEGER), "
        "weekday = COALESCE(weekday, 0)"
    )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_column("monthday")
        batch_op.drop_column("positions")
        batch_op.alter_column("weekday", existing_type=sa.Integer(), nullable=False)
