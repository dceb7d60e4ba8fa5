"""e-mail through the outbox (issue #18 item 3): addresses of people and units, and the
channel, address and subject of an outbox row

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 18:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
    with op.batch_alter_table("structural_unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=8), server_default="telegram", nullable=False)
        )
        batch_op.add_column(sa.Column("address", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("subject", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("subject")
        batch_op.drop_column("address")
        batch_op.drop_column("channel")
    with op.batch_alter_table("structural_unit", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("email")
