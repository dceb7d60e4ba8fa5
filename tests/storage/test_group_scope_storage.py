"""Subgroups' meetings in storage on SQLite and PostgreSQL (cl. 10): a person's seats in the
subgroups, the people a subgroup's meetings concern (its members and the working group's
secretariat), the group an object of a meeting belongs to, and the subgroup named on the
meeting's view."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.roles import Role
from bot.services.setup import ensure_default_group
from storage.db import Database, write
from storage.repositories.group_scope import GroupScopeRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.roster import RosterRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def test_cl10_a_subgroups_people_seats_and_meetings(any_db: Database) -> None:
    async with any_db.session() as s:
        group = await ensure_default_group(s, name="РГ", timezone="Europe/Moscow", now=NOW)
        roster = RosterRepository(s)
        async with write(s):
            people = {}
            for n, name in enumerate(("Глава", "Член", "Секретарь", "Специалист", "Чужой")):
                people[name] = await roster.add_person(
                    telegram_id=100 + n,
                    telegram_name=name,
                    username=None,
                    full_name=name,
                    language="ru",
                    now=NOW,
                )
            for name, role in (
                ("Глава", Role.MEMBER),
                ("Член", Role.MEMBER),
                ("Секретарь", Role.SECRETARIAT),
                ("Чужой", Role.MEMBER),
            ):
                await roster.start_membership(
                    group_id=group.id, person_id=people[name], role=role, unit_id=None, now=NOW
                )
            committee = await roster.add_group(
                kind="project_committee",
                name="Цифра",
                timezone="Europe/Moscow",
                now=NOW,
                parent_id=group.id,
            )
            for name, role in (
                ("Глава", Role.CHAIR),
                ("Член", Role.MEMBER),
                ("Специалист", Role.SPECIALIST),
            ):
                await roster.start_membership(
                    group_id=committee, person_id=people[name], role=role, unit_id=None, now=NOW
                )
            meeting = await MeetingRepository(s).add(
                group_id=committee,
                title="Заседание комитета",
                format="remote",
                starts_at=NOW,
                status="scheduled",
                sequence=0,
                checkin_token="committee",
                created_by=100,
                created_at=NOW,
            )

        seats = await roster.subgroup_seats(group.id, people["Глава"])
        assert [(g.id, m.role) for g, m in seats] == [(committee, Role.CHAIR)]
        assert await roster.subgroup_seats(group.id, people["Чужой"]) == []

        concerned = {m.person.id: m for m in await roster.meeting_people(committee)}
        assert set(concerned) == {people[n] for n in ("Глава", "Член", "Специалист", "Секретарь")}
        assert concerned[people["Секретарь"]].role is Role.SECRETARIAT
        assert not concerned[people["Секретарь"]].is_member
        assert concerned[people["Специалист"]].is_member
        assert sum(m.is_member for m in concerned.values()) == 3
        # The working group's own meetings concern its roster as before.
        assert {m.person.id for m in await roster.meeting_people(group.id)} == {
            people[n] for n in ("Глава", "Член", "Секретарь", "Чужой")
        }

        found = await GroupScopeRepository(s).of_meeting(meeting.id)
        assert found is not None and found.id == committee and found.parent_id == group.id
        assert meeting.group_kind == "project_committee" and meeting.group_name == "Цифра"
        again = await MeetingRepository(s).get(committee, meeting.id)
        assert again is not None and again.group_name == "Цифра"
