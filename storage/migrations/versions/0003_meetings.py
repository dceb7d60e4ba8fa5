"""meetings: rsvp, attendance, absences, recordings, live messages, due tasks, compliance
and stored files

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 17:55:05.826437
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("telegram_file_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
    )
    op.create_table(
        "chair_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_group.id"], name=op.f("fk_chair_absence_group_id_working_group")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chair_absence")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("checkin_token", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_group.id"], name=op.f("fk_meeting_group_id_working_group")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("checkin_token", name=op.f("uq_meeting_checkin_token")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_group_start", ["group_id", "starts_at"], unique=False)

    op.create_table(
        "month_compliance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("meetings_held", sa.Integer(), nullable=False),
        sa.Column("compliant", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_group.id"],
            name=op.f("fk_month_compliance_group_id_working_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_month_compliance")),
    )
    with op.batch_alter_table("month_compliance", schema=None) as batch_op:
        batch_op.create_index(
            "uq_month_compliance_group_month", ["group_id", "year", "month"], unique=True
        )

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_attendance_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_attendance_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(
            "uq_attendance_meeting_person", ["meeting_id", "person_id"], unique=True
        )

    op.create_table(
        "due_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["working_group.id"], name=op.f("fk_due_task_group_id_working_group")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_due_task_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_task")),
        sa.UniqueConstraint("key", name=op.f("uq_due_task_key")),
    )
    with op.batch_alter_table("due_task", schema=None) as batch_op:
        batch_op.create_index("ix_due_task_due", ["status", "due_at"], unique=False)

    op.create_table(
        "live_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_live_message_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_message")),
    )
    with op.batch_alter_table("live_message", schema=None) as batch_op:
        batch_op.create_index(
            "uq_live_message_meeting_chat", ["meeting_id", "chat_id"], unique=True
        )

    op.create_table(
        "recording",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=True),
        sa.Column("file_unique_id", sa.String(length=100), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("storage_ref", sa.String(length=500), nullable=True),
        sa.Column("attached_by", sa.BigInteger(), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_recording_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording")),
    )
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recording_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "rsvp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_rsvp_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_rsvp_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rsvp")),
    )
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.create_index("uq_rsvp_meeting_person", ["meeting_id", "person_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.drop_index("uq_rsvp_meeting_person")

    op.drop_table("rsvp")
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recording_meeting_id"))

    op.drop_table("recording")
    with op.batch_alter_table("live_message", schema=None) as batch_op:
        batch_op.drop_index("uq_live_message_meeting_chat")

    op.drop_table("live_message")
    with op.batch_alter_table("due_task", schema=None) as batch_op:
        batch_op.drop_index("ix_due_task_due")

    op.drop_table("due_task")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index("uq_attendance_meeting_person")

    op.drop_table("attendance")
    with op.batch_alter_table("month_compliance", schema=None) as batch_op:
        batch_op.drop_index("uq_month_compliance_group_month")

    op.drop_table("month_compliance")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_group_start")

    op.drop_table("meeting")
    op.drop_table("chair_absence")
    op.drop_table("stored_file")
