"""deliveries claimed by

`claimed_by` is the presence key of the pass that holds an in-flight row (PostgreSQL), so that
another pass takes the row up as soon as that pass is gone, not at the end of its lease.

Revision ID: c4d8a2f6e913
Revises: 9b2f4e6a1c37
Create Date: 2026-12-06 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4d8a2f6e913"
down_revision: str | None = "9b2f4e6a1c37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
