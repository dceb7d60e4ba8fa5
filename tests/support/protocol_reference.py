"""The reference protocol: an extraordinary meeting with everything a protocol can hold
(the deputy presiding, a secretariat officer, guests, three items one of them additional
with its vote, an objection settled at conciliation, members who stayed silent)."""

from __future__ import annotations

from datetime import date

from bot.domain.protocol import (
    Attendee,
    ConsentEntry,
    ConsentState,
    InclusionVote,
    ItemRecord,
    ProtocolContent,
    TaskLine,
)

SIGNED_ON = date(2026, 12, 29)
DEPUTY = "Орлов Денис Андреевич"
VERSION = "5d41402abc4b2a76b9719d911017c592" * 2

REFERENCE = ProtocolContent(
    body_name="Министерство социального развития Московской области",
    group_name="Рабочая группа по вопросам клиентоцентричности",
    number="7/2026",
    meeting_date=date(2026, 12, 25),
    meeting_time="15:00",
    closed_time="16:40",
    place="г. Москва, ул. Ильинка, д. 9, каб. 512",
    presiding=DEPUTY,
    presiding_role="заместитель председателя",
    attendees=(
        Attendee(DEPUTY, "Отдел цифровых сервисов"),
        Attendee("Петрова Анна Сергеевна", "Финансовое управление"),
        Attendee("Ким Виктор Сергеевич", "Управление делами"),
        Attendee("Сидоров Сергей Семёнович", None),
        Attendee("Белова Ольга Игоревна", "Правовое управление"),
    ),
    guests=(
        "Лебедев Артём Олегович, АНО «Открытый регион»",
        "Гусева Мария Павловна, ГКУ МО «МФЦ»",
    ),
    secretary="Кузнецова Елена Владимировна",
    present_members=5,
    total_members=9,
    quorum=True,
    extraordinary=True,
    items=(
        ItemRecord(
            number=1,
            title="О результатах опроса заявителей за IV квартал 2026 г.",
            heard="Петрова А.С. — о результатах опроса.\nУдовлетворённость выросла до 87 %.",
            spoke="Ким В.С., Белова О.И.",
            decided="1. Информацию принять к сведению.\n2. Продолжить опросы ежеквартально.",
            tasks=(
                TaskLine(
                    "Подготовить план снижения времени ожидания", "Петрова А.С.", date(2027, 1, 31)
                ),
                TaskLine("Разместить итоги опроса на портале.", "Отдел цифровых сервисов", None),
            ),
        ),
        ItemRecord(
            number=2,
            title="О графике приёма граждан в праздничные дни",
            heard="Ким В.С. — о графике приёма.",
            spoke="",
            decided=(
                "Утвердить график приёма граждан на период 31 декабря 2026 г. – 11 января 2027 г."
            ),
        ),
        ItemRecord(
            number=3,
            title="О пилотном проекте «Единое окно»",
            heard="Белова О.И. — о правовых основаниях пилотного проекта.",
            spoke="Орлов Д.А.",
            decided="Одобрить проведение пилотного проекта.",
            tasks=(TaskLine("Подготовить проект распоряжения", "Белова О.И.", date(2027, 2, 15)),),
            inclusion=InclusionVote(4, 0, 1, 5, "majority", True),
        ),
    ),
    rejected=(("О выездном совещании в г. Коломне", InclusionVote(1, 3, 1, 5, None, False)),),
)

CONSENTS = (
    ConsentEntry(DEPUTY, ConsentState.CONSENTED, "in_person"),
    ConsentEntry("Петрова Анна Сергеевна", ConsentState.CONSENTED, "video"),
    ConsentEntry("Ким Виктор Сергеевич", ConsentState.UNCHANGED, None, 2, date(2026, 12, 28)),
    ConsentEntry("Сидоров Сергей Семёнович", ConsentState.SILENT),
    ConsentEntry("Белова Ольга Игоревна", ConsentState.SILENT),
)
