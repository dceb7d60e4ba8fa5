"""work programme: registers, task owners and reports, reporting cycles, agenda offers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 19:38:02.048481
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("deadline_day", sa.Date(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary_file_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_group.id"], name=op.f("fk_report_cycle_group_id_working_group")
        ),
        sa.ForeignKeyConstraint(
            ["summary_file_id"],
            ["stored_file.id"],
            name=op.f("fk_report_cycle_summary_file_id_stored_file"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_cycle")),
    )
    with op.batch_alter_table("report_cycle", schema=None) as batch_op:
        batch_op.create_index(
            "uq_report_cycle_group_quarter", ["group_id", "year", "quarter"], unique=True
        )

    op.create_table(
        "report_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["report_cycle.id"],
            name=op.f("fk_report_submission_cycle_id_report_cycle"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["person.id"], name=op.f("fk_report_submission_submitted_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["structural_unit.id"],
            name=op.f("fk_report_submission_unit_id_structural_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_submission")),
    )
    with op.batch_alter_table("report_submission", schema=None) as batch_op:
        batch_op.create_index(
            "uq_report_submission_cycle_unit", ["cycle_id", "unit_id"], unique=True
        )

    op.create_table(
        "agenda_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_group.id"], name=op.f("fk_agenda_offer_group_id_working_group")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_item.id"], name=op.f("fk_agenda_offer_item_id_agenda_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_offer")),
        sa.UniqueConstraint("key", name=op.f("uq_agenda_offer_key")),
    )
    op.create_table(
        "register_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("protocol_id", sa.Integer(), nullable=True),
        sa.Column("item_number", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_group.id"],
            name=op.f("fk_register_entry_group_id_working_group"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["register_entry.id"],
            name=op.f("fk_register_entry_parent_id_register_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["protocol.id"], name=op.f("fk_register_entry_protocol_id_protocol")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["person.id"], name=op.f("fk_register_entry_responsible_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["structural_unit.id"],
            name=op.f("fk_register_entry_unit_id_structural_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entry")),
    )
    with op.batch_alter_table("register_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_register_entry_group_register", ["group_id", "register"], unique=False
        )

    op.create_table(
        "register_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("protocol_id", sa.Integer(), nullable=True),
        sa.Column("item_number", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_register_note_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["register_entry.id"],
            name=op.f("fk_register_note_entry_id_register_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["protocol_id"], ["protocol.id"], name=op.f("fk_register_note_protocol_id_protocol")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_note")),
    )
    with op.batch_alter_table("register_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_register_note_entry_id"), ["entry_id"], unique=False)

    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("owner_unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("done_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("report_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("report_document", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_task_owner_unit_id_structural_unit"),
            "structural_unit",
            ["owner_unit_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_task_owner_person_id_person"), "person", ["owner_person_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_task_done_by_person"), "person", ["done_by"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_task_done_by_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_task_owner_person_id_person"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_task_owner_unit_id_structural_unit"), type_="foreignkey"
        )
        batch_op.drop_column("report_document")
        batch_op.drop_column("report_text")
        batch_op.drop_column("done_by")
        batch_op.drop_column("done_at")
        batch_op.drop_column("owner_unit_id")
        batch_op.drop_column("owner_person_id")

    with op.batch_alter_table("register_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_note_entry_id"))

    op.drop_table("register_note")
    with op.batch_alter_table("register_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_register_entry_group_register")

    op.drop_table("register_entry")
    op.drop_table("agenda_offer")
    with op.batch_alter_table("report_submission", schema=None) as batch_op:
        batch_op.drop_index("uq_report_submission_cycle_unit")

    op.drop_table("report_submission")
    with op.batch_alter_table("report_cycle", schema=None) as batch_op:
        batch_op.drop_index("uq_report_cycle_group_quarter")

    op.drop_table("report_cycle")
