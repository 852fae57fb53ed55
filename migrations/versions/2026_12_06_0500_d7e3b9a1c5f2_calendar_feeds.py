"""calendar feeds

Each person's private calendar subscription (`calendar_feeds`, the secret kept only as a
SHA-256), the name Slack gives a person (`profiles.name`, for the events' titles), and each 1:1's
calendar SEQUENCE and the time of its last change (`pairings.sequence`, `pairings.changed_at`).

Revision ID: d7e3b9a1c5f2
Revises: c4d8a2f6e913
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = "d7e3b9a1c5f2"
down_revision: str | None = "c4d8a2f6e913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_calendar_feeds_secret_hash")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_calendar_feeds_team_id_user_id")),
    )
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=True))
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("changed_at", bot.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
        batch_op.drop_column("sequence")
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_column("name")
    op.drop_table("calendar_feeds")
