"""A task's changes on SQLite and PostgreSQL (cl. 4 д–е, 14): one verdict per completion
report, whatever the service saw; the history with the protocol's number; a task changed
only from the state the service checked."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.setup import ensure_default_group
from storage.db import Database, write
from storage.repositories.meetings import MeetingRepository
from storage.repositories.protocols import ProtocolRepository
from storage.repositories.roster import RosterRepository
from storage.repositories.task_changes import TaskChangeRepository
from storage.repositories.tasks import TaskRepository
from tests.conftest import START


async def test_cl4e_one_verdict_per_report_and_the_history_on_both_engines(
    any_db: Database,
) -> None:
    async with any_db.session() as s:
        group = await ensure_default_group(s, name="РГ", timezone="Europe/Moscow", now=START)
        async with write(s):
            person = await RosterRepository(s).add_person(
                telegram_id=501,
                telegram_name="Петрова",
                username=None,
                full_name="Петрова Анна Сергеевна",
                language="ru",
                now=START,
            )
            meeting = await MeetingRepository(s).add(
                group_id=group.id,
                title="Заседание",
                format="in_person",
                place="Зал",
                link=None,
                starts_at=START,
                status="closed",
                sequence=0,
                checkin_token="token",
                created_by=1,
                created_at=START,
            )
            protocol = await ProtocolRepository(s).add(meeting.id, 2026, START)
            tasks = TaskRepository(s)
            task_id = await tasks.add(
                group_id=group.id,
                protocol_id=protocol.id,
                item_number=1,
                text="Подготовить методичку",
                owner="Отдел качества",
                deadline=date(2026, 12, 15),
                status="open",
                created_at=START,
            )
            changes = TaskChangeRepository(s)
            await changes.add(
                task_id=task_id,
                kind="extend",
                old_deadline=date(2026, 12, 15),
                new_deadline=date(2026, 12, 25),
                protocol_id=protocol.id,
                item_number=2,
                at=START,
            )
            assert await tasks.set_deadline(task_id, date(2026, 12, 25))
            assert await tasks.complete(
                task_id, done_by=person, done_at=START, report_text="Готово", report_document=None
            )
            # A cancellation or an extension of a done task changes nothing.
            assert not await tasks.cancel(task_id)
            assert not await tasks.set_deadline(task_id, date(2027, 1, 1))
            verdict = {"task_id": task_id, "report_at": START, "by_id": person, "at": START}
            assert await changes.add_verdict(kind="accept", **verdict)
            assert not await changes.add_verdict(kind="accept", **verdict)
            assert not await changes.add_verdict(kind="return", **verdict)
            assert await changes.accepted(task_id, START)
            assert not await changes.accepted(task_id, START + timedelta(seconds=1))
            history = await changes.history(task_id)
        assert [(c.kind, c.protocol_number, c.item_number) for c in history] == [
            ("extend", f"{protocol.sequence}/2026", 2),
            ("accept", None, None),
        ]
        view = await TaskRepository(s).get(group.id, task_id)
        assert view is not None and view.deadline == date(2026, 12, 25) and view.status == "done"
        async with write(s):
            assert await TaskRepository(s).reopen(task_id)
            again = await TaskRepository(s).get(group.id, task_id)
        assert again is not None and (again.status, again.report_text) == ("open", None)
