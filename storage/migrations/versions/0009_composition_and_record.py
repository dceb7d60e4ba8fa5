"""composition acts, several roles per person, extraordinary meetings, frozen protocols

The members become the composition of an initial act per group, without a number and date
until the secretariat completes it (cl. 9); today's single roles stay the main roles.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 16:20:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEMBER_ROLES = ("chair", "deputy_chair", "member")


def upgrade() -> None:
    op.create_table(
        "composition_act",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_group.id"],
            name=op.f("fk_composition_act_group_id_working_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_composition_act")),
    )
    with op.batch_alter_table("composition_act", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_composition_act_group_id"), ["group_id"], unique=False)

    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extra_roles", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("act_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("end_act_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_membership_act_id_composition_act"),
            "composition_act",
            ["act_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_membership_end_act_id_composition_act"),
            "composition_act",
            ["end_act_id"],
            ["id"],
        )

    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invite_person_id_person"), "person", ["person_id"], ["id"]
        )

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extraordinary", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("composition_total", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("agenda_approved_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_agenda_approved_by_person"),
            "person",
            ["agenda_approved_by"],
            ["id"],
        )

    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("series", sa.String(length=16), server_default="regular", nullable=False)
        )
        batch_op.add_column(sa.Column("document_file_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_protocol_document_file_id_stored_file"),
            "stored_file",
            ["document_file_id"],
            ["id"],
        )

    with op.batch_alter_table("disagreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_by_person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolved_version", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_disagreement_resolved_by_person_id_person"),
            "person",
            ["resolved_by_person_id"],
            ["id"],
        )

    _carry_over_data()


def _carry_over_data() -> None:
    """Existing members become the composition of an initial act per group; the protocols
    of conciliation meetings move to their own series."""
    bind = op.get_bind()
    now = datetime.now(UTC)  # a migration's own timestamp, not business time
    act = sa.table(
        "composition_act",
        sa.column("id", sa.Integer),
        sa.column("group_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("created_by", sa.BigInteger),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    membership = sa.table(
        "membership",
        sa.column("group_id", sa.Integer),
        sa.column("role", sa.String),
        sa.column("ended_at", sa.DateTime(timezone=True)),
        sa.column("act_id", sa.Integer),
    )
    groups = bind.execute(
        sa.select(membership.c.group_id)
        .where(membership.c.ended_at.is_(None), membership.c.role.in_(MEMBER_ROLES))
        .distinct()
    ).scalars()
    for group_id in list(groups):
        act_id = bind.execute(
            act.insert()
            .values(group_id=group_id, kind="order", created_by=0, created_at=now)
            .returning(act.c.id)
        ).scalar_one()
        bind.execute(
            membership.update()
            .where(
                membership.c.group_id == group_id,
                membership.c.ended_at.is_(None),
                membership.c.role.in_(MEMBER_ROLES),
            )
            .values(act_id=act_id)
        )
    protocol = sa.table(
        "protocol", sa.column("meeting_id", sa.Integer), sa.column("series", sa.String)
    )
    meeting = sa.table("meeting", sa.column("id", sa.Integer), sa.column("kind", sa.String))
    bind.execute(
        protocol.update()
        .where(
            protocol.c.meeting_id.in_(
                sa.select(meeting.c.id).where(meeting.c.kind == "conciliation")
            )
        )
        .values(series="conciliation")
    )


def downgrade() -> None:
    with op.batch_alter_table("disagreement", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_disagreement_resolved_by_person_id_person"), type_="foreignkey"
        )
        batch_op.drop_column("resolved_version")
        batch_op.drop_column("resolved_by_person_id")

    with op.batch_alter_table("protocol", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_protocol_document_file_id_stored_file"), type_="foreignkey"
        )
        batch_op.drop_column("snapshot")
        batch_op.drop_column("document_file_id")
        batch_op.drop_column("series")

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_meeting_agenda_approved_by_person"), type_="foreignkey"
        )
        batch_op.drop_column("agenda_approved_by")
        batch_op.drop_column("composition_total")
        batch_op.drop_column("extraordinary")

    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_invite_person_id_person"), type_="foreignkey")
        batch_op.drop_column("person_id")

    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_membership_end_act_id_composition_act"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_membership_act_id_composition_act"), type_="foreignkey"
        )
        batch_op.drop_column("end_act_id")
        batch_op.drop_column("act_id")
        batch_op.drop_column("extra_roles")

    with op.batch_alter_table("composition_act", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_composition_act_group_id"))
    op.drop_table("composition_act")
