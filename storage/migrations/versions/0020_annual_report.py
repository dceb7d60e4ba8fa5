"""annual report (issue #18 item 6): the introduction the secretariat writes for a year

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "annual_intro",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_group.id"], name=op.f("fk_annual_intro_group_id_working_group")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["person.id"], name=op.f("fk_annual_intro_updated_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_intro")),
    )
    with op.batch_alter_table("annual_intro", schema=None) as batch_op:
        batch_op.create_index("uq_annual_intro_group_year", ["group_id", "year"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("annual_intro", schema=None) as batch_op:
        batch_op.drop_index("uq_annual_intro_group_year")
    op.drop_table("annual_intro")
