"""files kept by the bot: a recording names its copy under DATA_DIR/files

Report, task and other attachments are JSON documents and gain a `kept_sha256` key without a
schema change; generated documents keep their bytes in `stored_file` as before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kept_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recording", schema=None) as batch_op:
        batch_op.drop_column("kept_sha256")
