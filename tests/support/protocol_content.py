"""A protocol's content as a signed one would hold it: two items, a task, a vote, a guest."""

from __future__ import annotations

from datetime import date

from bot.domain.protocol import Attendee, ItemRecord, ProtocolContent, TaskLine


def make_content() -> ProtocolContent:
    return ProtocolContent(
        body_name="Министерство социального развития Московской области",
        group_name="Рабочая группа по вопросам клиентоцентричности",
        number="3/2026",
        meeting_date=date(2026, 12, 25),
        meeting_time="15:00",
        place="г. Москва, ул. Ильинка, д. 9",
        presiding="Соколова Марина Викторовна",
        presiding_role="председатель рабочей группы",
        attendees=(
            Attendee("Соколова Марина Викторовна", "Управление делами"),
            Attendee("Орлов Денис Андреевич", "Отдел цифровых сервисов"),
        ),
        guests=("Лебедев А.О.",),
        secretary="Кузнецова Е.В.",
        present_members=4,
        total_members=5,
        quorum=True,
        items=(
            ItemRecord(
                number=1,
                title="Об опросе заявителей",
                heard="Орлов Д.А.",
                spoke="Соколова М.В.",
                decided="Принять к сведению.",
                tasks=(TaskLine("Подготовить план", "Орлов Д.А.", date(2027, 1, 31)),),
            ),
            ItemRecord(
                number=2,
                title="О графике приёма",
                heard="Петрова А.С.",
                spoke="",
                decided="Утвердить график.",
                vote="за — 3, против — 1",
            ),
        ),
    )
