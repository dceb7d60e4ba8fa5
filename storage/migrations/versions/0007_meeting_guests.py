"""meeting guests: one-meeting invitations (cl. 16 a)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 22:02:35.909288
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_guest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_guest_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_meeting_guest_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_guest")),
        sa.UniqueConstraint("code", name=op.f("uq_meeting_guest_code")),
    )
    with op.batch_alter_table("meeting_guest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_guest_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meeting_guest_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "uq_meeting_guest_person",
            ["meeting_id", "person_id"],
            unique=True,
            sqlite_where=sa.text("person_id IS NOT NULL AND revoked_at IS NULL"),
            postgresql_where=sa.text("person_id IS NOT NULL AND revoked_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_guest", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_meeting_guest_person",
            sqlite_where=sa.text("person_id IS NOT NULL AND revoked_at IS NULL"),
            postgresql_where=sa.text("person_id IS NOT NULL AND revoked_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_meeting_guest_person_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_guest_meeting_id"))

    op.drop_table("meeting_guest")
