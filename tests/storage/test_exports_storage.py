"""The exports' queries on both engines (issue #18 item 2): a period takes the meetings from
its first instant and leaves out the one starting at its end; a subgroup's records come with
its group; a cancelled or only scheduled meeting is not a held one; the calendar feed takes
only meetings still to come."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from storage.db import Database, write
from storage.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Membership,
    Person,
    Protocol,
    ProtocolAnswer,
    ReportCycle,
    ReportSubmission,
    Rsvp,
    StructuralUnit,
    Task,
    Vote,
    WorkingGroup,
)
from storage.repositories.exports import ExportRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
# 2026 in Moscow: [31.12.2025 21:00 UTC, 31.12.2026 21:00 UTC).
YEAR = (datetime(2025, 12, 31, 21, 0, tzinfo=UTC), datetime(2026, 12, 31, 21, 0, tzinfo=UTC))


async def _add(s: Any, row: Any) -> Any:
    s.add(row)
    await s.flush()
    return row


async def _history(db: Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    async with db.session() as s, write(s):
        wg = await _add(
            s,
            WorkingGroup(kind="working_group", name="РГ", timezone="Europe/Moscow", created_at=NOW),
        )
        sub = await _add(
            s,
            WorkingGroup(
                kind="expert_group",
                name="ЭГ",
                timezone="Europe/Moscow",
                created_at=NOW,
                parent_id=wg.id,
            ),
        )
        gone = await _add(
            s,
            WorkingGroup(
                kind="expert_group",
                name="Распущенная",
                timezone="Europe/Moscow",
                created_at=NOW,
                parent_id=wg.id,
                dissolved_at=NOW,
            ),
        )
        people = []
        for n in range(3):
            person = await _add(
                s, Person(telegram_name=f"Член {n}", full_name=None, created_at=NOW)
            )
            people.append(person.id)
            await _add(
                s,
                Membership(
                    group_id=wg.id,
                    person_id=person.id,
                    role="member",
                    started_at=NOW - timedelta(days=400),
                ),
            )
        await _add(
            s,
            Membership(
                group_id=sub.id,
                person_id=people[0],
                role="chair",
                started_at=NOW - timedelta(days=400),
            ),
        )

        def meeting(group: int, starts_at: datetime, status: str, token: str) -> Meeting:
            return Meeting(
                group_id=group,
                title=f"Заседание {token}",
                format="in_person",
                starts_at=starts_at,
                status=status,
                checkin_token=token,
                created_by=1,
                created_at=NOW,
                composition_total=3,
                quorum_at_close=status == "closed",
            )

        first = await _add(s, meeting(wg.id, YEAR[0], "closed", "m-first"))
        at_end = await _add(s, meeting(wg.id, YEAR[1], "closed", "m-end"))
        sub_held = await _add(
            s, meeting(sub.id, datetime(2026, 6, 1, 9, tzinfo=UTC), "closed", "m-sub")
        )
        await _add(
            s, meeting(wg.id, datetime(2026, 7, 1, 9, tzinfo=UTC), "cancelled", "m-cancelled")
        )
        upcoming = await _add(s, meeting(wg.id, NOW + timedelta(days=5), "scheduled", "m-next"))
        await _add(s, meeting(gone.id, NOW + timedelta(days=6), "scheduled", "m-gone"))
        await _add(s, meeting(wg.id, NOW - timedelta(days=1), "scheduled", "m-past"))
        await _add(
            s,
            Attendance(
                meeting_id=first.id, person_id=people[0], mode="in_person", checked_in_at=YEAR[0]
            ),
        )
        await _add(
            s,
            Attendance(
                meeting_id=first.id, person_id=people[1], mode="remote", checked_in_at=YEAR[0]
            ),
        )
        await _add(
            s,
            Rsvp(
                meeting_id=first.id,
                person_id=people[2],
                answer="absent",
                reason="Отпуск",
                answered_at=NOW,
            ),
        )
        item = await _add(
            s,
            AgendaItem(
                meeting_id=first.id,
                position=3,
                title="Дополнительный",
                source="additional",
                status="included",
                created_at=YEAR[0],
                vote_opened_at=YEAR[0],
            ),
        )
        await _add(
            s,
            AgendaItem(
                meeting_id=sub_held.id,
                position=1,
                title="Без голосов",
                source="additional",
                status="not_included",
                created_at=YEAR[0],
                vote_opened_at=YEAR[0],
            ),
        )
        await _add(
            s,
            AgendaItem(
                meeting_id=first.id,
                position=1,
                title="Обычный",
                source="chair",
                status="included",
                created_at=YEAR[0],
            ),
        )
        await _add(s, Vote(item_id=item.id, person_id=people[0], choice="for", at=YEAR[0]))
        await _add(s, Vote(item_id=item.id, person_id=people[1], choice="against", at=YEAR[0]))
        protocol = await _add(
            s,
            Protocol(
                meeting_id=first.id,
                year=2026,
                sequence=1,
                status="signed",
                created_at=NOW,
                signed_at=NOW,
            ),
        )
        await _add(
            s,
            ProtocolAnswer(
                protocol_id=protocol.id,
                version=1,
                sha256="0" * 64,
                person_id=people[1],
                kind="objection",
                item_number=2,
                reason="Срок",
                at=NOW,
            ),
        )
        await _add(
            s,
            Task(
                group_id=wg.id,
                protocol_id=protocol.id,
                item_number=1,
                text="Сделать",
                owner="Член 0",
                created_at=NOW,
                deadline=date(2026, 12, 20),
            ),
        )
        await _add(
            s,
            Task(
                group_id=sub.id,
                protocol_id=protocol.id,
                item_number=2,
                text="Позже",
                owner="ЭГ",
                created_at=YEAR[1],
            ),
        )
        unit_a = await _add(
            s, StructuralUnit(group_id=wg.id, name="Отдел А", created_at=NOW - timedelta(days=400))
        )
        await _add(
            s, StructuralUnit(group_id=wg.id, name="Отдел Б", created_at=NOW - timedelta(days=400))
        )
        cycle = await _add(
            s,
            ReportCycle(
                group_id=wg.id,
                year=2026,
                quarter=3,
                deadline_day=date(2026, 10, 10),
                deadline=datetime(2026, 10, 10, 21, tzinfo=UTC),
                closes_at=datetime(2026, 10, 24, 21, tzinfo=UTC),
                opened_at=datetime(2026, 9, 26, 7, tzinfo=UTC),
            ),
        )
        await _add(
            s,
            ReportSubmission(
                cycle_id=cycle.id,
                unit_id=unit_a.id,
                submitted_by=people[0],
                submitted_at=datetime(2026, 10, 1, tzinfo=UTC),
                updated_at=NOW,
            ),
        )
        ids.update(wg=wg.id, sub=sub.id, gone=gone.id, first=first.id, sub_held=sub_held.id)
        ids.update(at_end=at_end.id, upcoming=upcoming.id)
    return ids


async def test_issue18_item2_export_queries_on_both_engines(any_db: Database) -> None:
    ids = await _history(any_db)
    async with any_db.session() as s:
        repo = ExportRepository(s)
        groups = await repo.groups(ids["wg"])
        assert groups == {ids["wg"]: "РГ", ids["sub"]: "ЭГ", ids["gone"]: "Распущенная"}
        assert await repo.subgroups_alive(ids["wg"]) == [ids["sub"]]
        every = list(groups)

        data = await repo.attendance(every, YEAR)
        assert [m.id for m in data.meetings] == [ids["first"], ids["sub_held"]]
        assert {(p.meeting_id, p.mode) for p in data.presence} == {
            (ids["first"], "in_person"),
            (ids["first"], "remote"),
        }
        assert [(a.answer, a.reason) for a in data.answers] == [("absent", "Отпуск")]
        assert len(data.seats) == 4
        everything = await repo.attendance(every, None)
        assert [m.id for m in everything.meetings] == [ids["first"], ids["sub_held"], ids["at_end"]]

        votes = await repo.votes(every, YEAR)
        assert [(v.item, v.person, v.choice) for v in votes] == [
            ("Дополнительный", "Член 0", "for"),
            ("Дополнительный", "Член 1", "against"),
            ("Без голосов", None, None),
        ]
        consents = await repo.consents(every, YEAR)
        assert [(c.person, c.kind, c.item_number, c.reason) for c in consents] == [
            ("Член 1", "objection", 2, "Срок")
        ]
        tasks = await repo.tasks(every, YEAR)
        assert [(t.text, t.deadline) for t in tasks] == [("Сделать", date(2026, 12, 20))]
        assert len(await repo.tasks(every, None)) == 2

        submissions = await repo.submissions(ids["wg"], YEAR)
        assert [(c.year, c.quarter) for c in submissions.cycles] == [(2026, 3)]
        assert [u.name for u in submissions.units] == ["Отдел А", "Отдел Б"]
        assert len(submissions.submitted) == 1
        assert (
            await repo.submissions(ids["wg"], (YEAR[1], YEAR[1] + timedelta(days=365)))
        ).cycles == []

        assert await repo.upcoming([ids["wg"], ids["sub"]], NOW) == [(ids["upcoming"], ids["wg"])]
        composition = await repo.composition(ids["wg"])
        assert [c.person for c in composition] == ["Член 0", "Член 1", "Член 2"]
