"""guests of a meeting (cl. 16 а, в): the capacity of an invitation, a guest or an outside
specialist brought in for that meeting

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 16:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_guest", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("capacity", sa.String(length=16), server_default="guest", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_guest", schema=None) as batch_op:
        batch_op.drop_column("capacity")
