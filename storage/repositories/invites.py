"""Invitations into the roster."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from storage.dto import InviteView
from storage.models import Invite, StructuralUnit


class InviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _query(self):  # type: ignore[no-untyped-def]
        return select(Invite, StructuralUnit.name).outerjoin(
            StructuralUnit, StructuralUnit.id == Invite.unit_id
        )

    @staticmethod
    def _view(row: Invite, unit_name: str | None) -> InviteView:
        return InviteView(
            id=row.id,
            code=row.code,
            role=Role(row.role),
            unit_id=row.unit_id,
            unit_name=unit_name,
            full_name=row.full_name,
            replaces_holder=row.replaces_holder,
            created_at=row.created_at,
            expires_at=row.expires_at,
            used_at=row.used_at,
            revoked_at=row.revoked_at,
            person_id=row.person_id,
        )

    async def add(
        self,
        *,
        code: str,
        group_id: int,
        role: Role,
        unit_id: int | None,
        full_name: str | None,
        replaces_holder: bool,
        created_by: int,
        now: datetime,
        expires_at: datetime,
        person_id: int | None = None,
    ) -> InviteView:
        row = Invite(
            person_id=person_id,
            code=code,
            group_id=group_id,
            role=role.value,
            unit_id=unit_id,
            full_name=full_name,
            replaces_holder=replaces_holder,
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
        )
        self.session.add(row)
        await self.session.flush()
        found = await self.by_id(group_id, row.id)
        assert found is not None
        return found

    async def by_code(self, code: str) -> tuple[InviteView, int] | None:
        """The invite and its group id."""
        found = (await self.session.execute(self._query().where(Invite.code == code))).first()
        if not found:
            return None
        return self._view(*found), found[0].group_id

    async def by_id(self, group_id: int, invite_id: int) -> InviteView | None:
        found = (
            await self.session.execute(
                self._query().where(Invite.id == invite_id, Invite.group_id == group_id)
            )
        ).first()
        return self._view(*found) if found else None

    async def pending(self, group_id: int, now: datetime) -> list[InviteView]:
        rows = await self.session.execute(
            self._query()
            .where(
                Invite.group_id == group_id,
                Invite.used_at.is_(None),
                Invite.revoked_at.is_(None),
                Invite.expires_at > now,
            )
            .order_by(Invite.created_at.desc())
        )
        return [self._view(i, u) for i, u in rows.all()]

    async def mark_used(self, invite_id: int, person_id: int, now: datetime) -> bool:
        """Marks the invite used unless someone else used it first; True when this call won."""
        result = await self.session.execute(
            update(Invite)
            .where(Invite.id == invite_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
            .values(used_at=now, used_by_person_id=person_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def revoke(self, invite_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(Invite)
            .where(Invite.id == invite_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
