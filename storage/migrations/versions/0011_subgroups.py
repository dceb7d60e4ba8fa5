"""expert groups and project committees (cl. 10): a subgroup is a working_group row under
the working group, with its purpose and the decision that formed it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 06:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("working_group", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("protocol_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("item_number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("dissolved_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("working_group", schema=None) as batch_op:
        batch_op.drop_column("dissolved_at")
        batch_op.drop_column("item_number")
        batch_op.drop_column("protocol_id")
        batch_op.drop_column("purpose")
