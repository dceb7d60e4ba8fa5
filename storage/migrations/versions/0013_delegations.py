"""delegations (cl. 16 б): members representing the group at an outside event, and their
report back

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 14:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("organiser", sa.String(length=300), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("event_day", sa.Date(), nullable=False),
        sa.Column("event_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("protocol_id", sa.Integer(), nullable=True),
        sa.Column("item_number", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.Integer(), nullable=False),
        sa.Column("report_text", sa.Text(), nullable=True),
        sa.Column("report_document", sa.JSON(), nullable=True),
        sa.Column("reported_by", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_group.id"], name=op.f("fk_delegation_group_id_working_group")
        ),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["protocol.id"], name=op.f("fk_delegation_protocol_id_protocol")
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"], ["person.id"], name=op.f("fk_delegation_reported_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["person.id"], name=op.f("fk_delegation_created_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
    )
    op.create_table(
        "delegation_delegate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegation.id"],
            name=op.f("fk_delegation_delegate_delegation_id_delegation"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_delegation_delegate_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation_delegate")),
    )
    with op.batch_alter_table("delegation_delegate", schema=None) as batch_op:
        batch_op.create_index("uq_delegation_delegate", ["delegation_id", "person_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("delegation_delegate", schema=None) as batch_op:
        batch_op.drop_index("uq_delegation_delegate")
    op.drop_table("delegation_delegate")
    op.drop_table("delegation")
