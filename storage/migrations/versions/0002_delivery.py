"""delivery engine: outbox, broadcasts, acknowledgements, linked chat

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:33:21.694441
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "acknowledgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_acknowledgement_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acknowledgement")),
    )
    with op.batch_alter_table("acknowledgement", schema=None) as batch_op:
        batch_op.create_index(
            "uq_acknowledgement_subject_person", ["subject", "person_id"], unique=True
        )

    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("author_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("audience", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progress_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_group.id"], name=op.f("fk_broadcast_group_id_working_group")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["structural_unit.id"], name=op.f("fk_broadcast_unit_id_structural_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("edit_message_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("reply_markup", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("unknown_count", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["broadcast_id"], ["broadcast.id"], name=op.f("fk_outbox_broadcast_id_broadcast")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_outbox_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_broadcast_id"), ["broadcast_id"], unique=False)
        batch_op.create_index("ix_outbox_chat_order", ["chat_id", "id"], unique=False)
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_outbox_status_id", ["status", "id"], unique=False)

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blocked_bot_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("client_language", sa.String(length=8), nullable=True))

    with op.batch_alter_table("working_group", schema=None) as batch_op:
        batch_op.add_column(sa.Column("linked_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("linked_chat_title", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("working_group", schema=None) as batch_op:
        batch_op.drop_column("linked_chat_title")
        batch_op.drop_column("linked_chat_id")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("client_language")
        batch_op.drop_column("blocked_bot_at")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_id")
        batch_op.drop_index("ix_outbox_due")
        batch_op.drop_index("ix_outbox_chat_order")
        batch_op.drop_index(batch_op.f("ix_outbox_broadcast_id"))

    op.drop_table("outbox")
    op.drop_table("broadcast")
    with op.batch_alter_table("acknowledgement", schema=None) as batch_op:
        batch_op.drop_index("uq_acknowledgement_subject_person")

    op.drop_table("acknowledgement")
