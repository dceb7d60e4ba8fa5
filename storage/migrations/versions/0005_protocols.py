"""protocols: versions, answers, disagreements, tasks; meeting kind and presiding

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 18:21:32.115569
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "protocol",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("consent_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by", sa.Integer(), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["broadcast_id"], ["broadcast.id"], name=op.f("fk_protocol_broadcast_id_broadcast")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_protocol_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["person.id"], name=op.f("fk_protocol_signed_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_protocol_meeting_id")),
    )
    op.create_table(
        "protocol_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("item_number", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_protocol_answer_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["protocol.id"], name=op.f("fk_protocol_answer_protocol_id_protocol")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_answer")),
    )
    with op.batch_alter_table("protocol_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protocol_answer_protocol_id"), ["protocol_id"], unique=False
        )

    op.create_table(
        "protocol_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("canonical", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["protocol.id"], name=op.f("fk_protocol_version_protocol_id_protocol")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_version")),
    )
    with op.batch_alter_table("protocol_version", schema=None) as batch_op:
        batch_op.create_index("uq_protocol_version_number", ["protocol_id", "number"], unique=True)

    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.Integer(), nullable=False),
        sa.Column("item_number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=300), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_group.id"], name=op.f("fk_task_group_id_working_group")
        ),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["protocol.id"], name=op.f("fk_task_protocol_id_protocol")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    op.create_table(
        "disagreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("item_number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("conciliation_meeting_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["protocol_answer.id"],
            name=op.f("fk_disagreement_answer_id_protocol_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["conciliation_meeting_id"],
            ["meeting.id"],
            name=op.f("fk_disagreement_conciliation_meeting_id_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["protocol.id"], name=op.f("fk_disagreement_protocol_id_protocol")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disagreement")),
    )
    with op.batch_alter_table("disagreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disagreement_protocol_id"), ["protocol_id"], unique=False
        )

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="regular", nullable=False)
        )
        batch_op.add_column(sa.Column("presiding_person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quorum_at_close", sa.Boolean(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_presiding_person_id_person"),
            "person",
            ["presiding_person_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_meeting_presiding_person_id_person"), type_="foreignkey"
        )
        batch_op.drop_column("quorum_at_close")
        batch_op.drop_column("presiding_person_id")
        batch_op.drop_column("kind")

    with op.batch_alter_table("disagreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disagreement_protocol_id"))

    op.drop_table("disagreement")
    op.drop_table("task")
    with op.batch_alter_table("protocol_version", schema=None) as batch_op:
        batch_op.drop_index("uq_protocol_version_number")

    op.drop_table("protocol_version")
    with op.batch_alter_table("protocol_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_answer_protocol_id"))

    op.drop_table("protocol_answer")
    op.drop_table("protocol")
