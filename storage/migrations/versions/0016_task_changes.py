"""tasks decided again (cl. 4 д–е, 14): a task's extensions and cancellation by a decision or
by the chair with a reason, and the secretariat's verdicts on completion reports

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-07 14:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("old_deadline", sa.Date(), nullable=True),
        sa.Column("new_deadline", sa.Date(), nullable=True),
        sa.Column("protocol_id", sa.Integer(), nullable=True),
        sa.Column("item_number", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("report_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report_text", sa.Text(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["person.id"], name=op.f("fk_task_change_by_id_person")),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["protocol.id"], name=op.f("fk_task_change_protocol_id_protocol")
        ),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_task_change_task_id_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_change")),
    )
    with op.batch_alter_table("task_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_change_task_id"), ["task_id"], unique=False)
        batch_op.create_index("uq_task_change_report", ["task_id", "report_at"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("task_change", schema=None) as batch_op:
        batch_op.drop_index("uq_task_change_report")
        batch_op.drop_index(batch_op.f("ix_task_change_task_id"))
    op.drop_table("task_change")
