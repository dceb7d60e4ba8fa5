"""the audit log as a hash chain (issue #18 item 1): each entry's number and hashes, the
chain's head, existing entries chained in id order, and triggers refusing UPDATE and DELETE
(and TRUNCATE on PostgreSQL)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from bot.domain.audit_chain import GENESIS, ChainFields, entry_hash

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
    "CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head "
    "WHEN NEW.seq < OLD.seq "
    "BEGIN SELECT RAISE(ABORT, 'audit_chain_head only moves forward'); END",
    "CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head "
    "BEGIN SELECT RAISE(ABORT, 'audit_chain_head cannot be deleted'); END",
)
_SQLITE_DROP = (
    "audit_log_no_update",
    "audit_log_no_delete",
    "audit_chain_head_forward",
    "audit_chain_head_no_delete",
)

_PG_UP = (
    """CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE FUNCTION audit_chain_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq THEN
            RAISE EXCEPTION 'audit_chain_head only moves forward: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
    "CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE OR DELETE ON audit_chain_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward()",
    "CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
    # Nobody gets these privileges by default; the application's own role loses them too (the
    # owner could grant them back, and disable the triggers: see docs/admin-guide.md).
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER",
    "REVOKE DELETE, TRUNCATE ON audit_chain_head FROM PUBLIC",
    "REVOKE DELETE, TRUNCATE ON audit_chain_head FROM CURRENT_USER",
)
_PG_DOWN = (
    "GRANT UPDATE, DELETE, TRUNCATE ON audit_log TO CURRENT_USER",
    "GRANT DELETE, TRUNCATE ON audit_chain_head TO CURRENT_USER",
    "DROP TRIGGER IF EXISTS audit_chain_head_no_truncate ON audit_chain_head",
    "DROP TRIGGER IF EXISTS audit_chain_head_forward ON audit_chain_head",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "DROP FUNCTION IF EXISTS audit_chain_head_forward()",
    "DROP FUNCTION IF EXISTS audit_log_refuse()",
)

_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("group_id", sa.Integer),
    sa.column("actor_telegram_id", sa.BigInteger),
    sa.column("actor_person_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.BigInteger),
    sa.column("details", sa.JSON),
    sa.column("update_id", sa.BigInteger),
    sa.column("seq", sa.BigInteger),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _utc(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite without the model's type
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _chain_existing() -> tuple[int, str]:
    """Chains the entries written before this revision, in id order."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(_log).order_by(_log.c.id)).mappings().all()
    prev, seq = GENESIS, 0
    for row in rows:
        seq += 1
        fields = ChainFields(
            seq=seq,
            at=_utc(row["at"]),
            group_id=row["group_id"],
            actor_telegram_id=row["actor_telegram_id"],
            actor_person_id=row["actor_person_id"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            details=row["details"] or {},
            update_id=row["update_id"],
        )
        digest = entry_hash(prev, fields)
        bind.execute(
            sa.update(_log)
            .where(_log.c.id == row["id"])
            .values(seq=seq, prev_hash=prev, hash=digest)
        )
        prev = digest
    return seq, prev


def upgrade() -> None:
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    seq, last = _chain_existing()
    op.bulk_insert(head, [{"id": 1, "seq": seq, "hash": last}])
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_seq"), ["seq"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in _PG_UP:
            op.execute(statement)
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _PG_DOWN:
            op.execute(statement)
    else:
        for name in _SQLITE_DROP:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_log_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    op.drop_table("audit_chain_head")
