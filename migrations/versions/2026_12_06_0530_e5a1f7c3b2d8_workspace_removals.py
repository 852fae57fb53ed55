"""workspace removals

A workspace that uninstalled the app, and when its data is to be deleted (after the grace
period, unless it installs the app again).

Revision ID: e5a1f7c3b2d8
Revises: d7e3b9a1c5f2
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models

revision: str = "e5a1f7c3b2d8"
down_revision: str | None = "d7e3b9a1c5f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_removals",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("uninstalled_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delete_after", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_workspace_removals")),
    )


def downgrade() -> None:
    op.drop_table("workspace_removals")
