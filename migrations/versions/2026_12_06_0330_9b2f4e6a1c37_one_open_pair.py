"""one open pair

`open_pair` holds the two people's ids in order while a 1:1 is open, NULL once it is not; a
unique constraint on it (with the workspace) lets only one of two rival schedules win.

Revision ID: 9b2f4e6a1c37
Revises: 7a3e9c1d5f20
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b2f4e6a1c37"
down_revision: str | None = "7a3e9c1d5f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open_pair", sa.String(length=65), nullable=True))
    op.execute(
        "UPDATE pairings SET open_pair = CASE WHEN leader_id < member_id "
        "THEN leader_id || ' ' || member_id ELSE member_id || ' ' || leader_id END "
        "WHERE status IN ('invited', 'active', 'paused')"
    )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_pairings_team_id_open_pair"), ["team_id", "open_pair"]
        )


def downgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_pairings_team_id_open_pair"), type_="unique")
        batch_op.drop_column("open_pair")
