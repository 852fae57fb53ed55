"""rate limits

Token buckets for Slack's limits, one row per workspace and per DM, shared by every replica.

Revision ID: 7a3e9c1d5f20
Revises: 5c1d2e7a9b40
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = "7a3e9c1d5f20"
down_revision: str | None = "5c1d2e7a9b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("updated_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paused_until", bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("team_id", "channel", name=op.f("pk_rate_limits")),
    )


def downgrade() -> None:
    op.drop_table("rate_limits")
