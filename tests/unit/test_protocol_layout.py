"""The reference protocol (issue #16): an extraordinary meeting, the deputy presiding, a
secretariat officer, guests, three items one of them additional with its vote, an
objection considered at conciliation, silent members. Rendered and read back paragraph by
paragraph: the layout an official expects, in that order, with those words."""

from __future__ import annotations

import dataclasses
import hashlib
import re

import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.text.paragraph import Paragraph

from bot.documents.protocol_docx import render_protocol
from bot.domain.protocol import ConsentEntry, ConsentState, ProtocolContent
from tests.support.docx_reading import blocks, open_docx
from tests.support.protocol_reference import CONSENTS, DEPUTY, REFERENCE, SIGNED_ON, VERSION

HEADING = "заседания рабочей группы по вопросам внедрения принципов клиентоцентричности"

EXPECTED = [
    # Requisites: body, document type, heading to the text, date and number, place.
    "Министерство социального развития Московской области",
    "ПРОТОКОЛ",
    f"внеочередного {HEADING}",
    "25 декабря 2026 г.\t№ 7/2026",
    "Место проведения: г. Москва, ул. Ильинка, д. 9, каб. 512",
    "Время проведения: 15:00–16:40",
    # Who was there.
    "Председательствующий — Орлов Денис Андреевич (заместитель председателя)",
    "Секретарь — Кузнецова Елена Владимировна",
    "Присутствовали:",
    "Орлов Денис Андреевич — Отдел цифровых сервисов",
    "Петрова Анна Сергеевна — Финансовое управление",
    "Ким Виктор Сергеевич — Управление делами",
    "Сидоров Сергей Семёнович",
    "Белова Ольга Игоревна — Правовое управление",
    "Приглашённые:",
    "Лебедев Артём Олегович, АНО «Открытый регион»",
    "Гусева Мария Павловна, ГКУ МО «МФЦ»",
    "Присутствовали 5 из 9 членов рабочей группы. Кворум имеется.",
    # The agenda, and the additional item the members present kept out (cl. 13).
    "Повестка дня:",
    "1. О результатах опроса заявителей за IV квартал 2026 г.",
    "2. О графике приёма граждан в праздничные дни",
    "3. О пилотном проекте «Единое окно» (дополнительный вопрос)",
    "Не включены в повестку дня:",
    "О выездном совещании в г. Коломне",
    "ГОЛОСОВАЛИ о включении в повестку дня: «за» — 1, «против» — 3, «воздержались» — 1 "
    "(присутствовавших членов рабочей группы — 5). Вопрос не включён в повестку дня.",
    # Item 1: СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ and its tasks.
    "1. О результатах опроса заявителей за IV квартал 2026 г.",
    "СЛУШАЛИ:",
    "Петрова А.С. — о результатах опроса.",
    "Удовлетворённость выросла до 87 %.",
    "ВЫСТУПИЛИ:",
    "Ким В.С., Белова О.И.",
    "РЕШИЛИ:",
    "1. Информацию принять к сведению.",
    "2. Продолжить опросы ежеквартально.",
    "1.1. Подготовить план снижения времени ожидания. Ответственный: Петрова А.С., "
    "срок — 31 января 2027 г.",
    "1.2. Разместить итоги опроса на портале. Ответственный: Отдел цифровых сервисов.",
    # Item 2: nobody spoke, so no ВЫСТУПИЛИ.
    "2. О графике приёма граждан в праздничные дни",
    "СЛУШАЛИ:",
    "Ким В.С. — о графике приёма.",
    "РЕШИЛИ:",
    "Утвердить график приёма граждан на период 31 декабря 2026 г. – 11 января 2027 г.",
    # Item 3, additional: the vote on its inclusion under its heading (cl. 13).
    "3. О пилотном проекте «Единое окно»",
    "ГОЛОСОВАЛИ о включении в повестку дня: «за» — 4, «против» — 0, «воздержались» — 1 "
    "(присутствовавших членов рабочей группы — 5). Вопрос включён в повестку дня простым "
    "большинством голосов.",
    "СЛУШАЛИ:",
    "Белова О.И. — о правовых основаниях пилотного проекта.",
    "ВЫСТУПИЛИ:",
    "Орлов Д.А.",
    "РЕШИЛИ:",
    "Одобрить проведение пилотного проекта.",
    "3.1. Подготовить проект распоряжения. Ответственный: Белова О.И., срок — 15 февраля 2027 г.",
    # Cl. 14-15: every member present in one state; the silent in the chat's words.
    "Согласование протокола присутствовавшими членами рабочей группы:",
    "Орлов Денис Андреевич — устное согласие (очно)",
    "Петрова Анна Сергеевна — устное согласие (по видеосвязи)",
    "Ким Виктор Сергеевич — возражение по вопросу 2 рассмотрено на согласительном "
    "совещании от 28 декабря 2026 г., текст оставлен без изменений",
    "Не выразили позицию в срок: Сидоров Сергей Семёнович, Белова Ольга Игоревна",
    # The signature block.
    "",
    "",
    "Председательствующий |  | Орлов Денис Андреевич",
    "Дата подписания: 29 декабря 2026 г.",
    f"Версия документа: SHA-256 {VERSION}",
]


def render(
    content: ProtocolContent = REFERENCE,
    *,
    signed: bool = True,
    consents: tuple[ConsentEntry, ...] = CONSENTS,
    locale: str = "ru",
) -> bytes:
    return render_protocol(
        content,
        version_hash=VERSION,
        signed_by=DEPUTY if signed else None,
        signed_on=SIGNED_ON if signed else None,
        consents=consents,
        locale=locale,
    )


def paragraph(doc: DocxDocument, text: str) -> Paragraph:
    return next(p for p in doc.paragraphs if p.text == text)


def test_cl14_cl15_reference_protocol_paragraph_by_paragraph() -> None:
    """Cl. 11-15: the signed reference protocol reads, paragraph by paragraph, as above."""
    assert blocks(open_docx(render())) == EXPECTED


def test_heading_centred_in_bold_and_labels_bold() -> None:
    """ГОСТ Р 7.0.97-2016: the requisites of the heading centred, the document type and
    the section labels in bold, the names that follow them not."""
    doc = open_docx(render())
    for text in (EXPECTED[0], "ПРОТОКОЛ", f"внеочередного {HEADING}"):
        found = paragraph(doc, text)
        assert found.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold for run in found.runs)
    for text in ("Присутствовали:", "Приглашённые:", "Повестка дня:"):
        assert all(run.bold for run in paragraph(doc, text).runs)
    presiding = paragraph(doc, EXPECTED[6])
    assert [(run.text, bool(run.bold)) for run in presiding.runs] == [
        ("Председательствующий", True),
        (" — Орлов Денис Андреевич (заместитель председателя)", False),
    ]
    silent = paragraph(doc, EXPECTED[-6])
    assert [(run.text, bool(run.bold)) for run in silent.runs] == [
        ("Не выразили позицию в срок: ", True),
        ("Сидоров Сергей Семёнович, Белова Ольга Игоревна", False),
    ]
    # The items' headings, numbered, in bold and kept with their text on one page.
    for heading in ("1. О результатах", "2. О графике", "3. О пилотном проекте «Единое окно»"):
        item = [p for p in doc.paragraphs if p.text.startswith(heading)][-1]
        assert item.runs[0].bold and item.paragraph_format.keep_with_next


def test_no_wording_the_glossary_rules_out() -> None:
    """Issue #16: no «г..», no hyphen in a date range, none of «гость», «сводка»,
    «выполнено», «знаков», and no placeholder left unfilled."""
    text = "\n".join(blocks(open_docx(render())) + blocks(open_docx(render(signed=False))))
    assert "г.." not in text
    assert not re.search(r"\d{4}(?: г\.)? ?- ?\d", text)
    for word in ("гость", "сводка", "выполнено", "знаков"):
        assert word not in text.lower()
    assert not re.search(r"\{[a-z_]+\}", text)


@pytest.mark.parametrize(
    ("changes", "heading"),
    [
        ({"extraordinary": False}, HEADING),
        ({"extraordinary": True}, f"внеочередного {HEADING}"),
        (
            {"series": "conciliation", "number": "С-1/2026"},
            "согласительного совещания по разногласиям к протоколу заседания рабочей группы "
            "по вопросам внедрения принципов клиентоцентричности",
        ),
    ],
)
def test_cl12_cl15_heading_names_the_kind_of_meeting(
    changes: dict[str, object], heading: str
) -> None:
    """Cl. 12, 15: «ПРОТОКОЛ» is followed by the group in the genitive, with
    «внеочередного» for an extraordinary meeting, whatever the stored nominative name; a
    conciliation meeting is not a meeting of the group and says what it was about."""
    content = dataclasses.replace(REFERENCE, **changes)  # type: ignore[arg-type]
    lines = blocks(open_docx(render(content)))
    assert lines[1:3] == ["ПРОТОКОЛ", heading]
    assert REFERENCE.group_name not in lines


def test_no_secretary_line_when_no_secretariat_officer_attended() -> None:
    """The «Секретарь» line names the officer who attended; none attended, no line."""
    lines = blocks(open_docx(render(dataclasses.replace(REFERENCE, secretary=None))))
    assert not any(line.startswith("Секретарь") for line in lines)
    assert lines[6].startswith("Председательствующий — ")
    assert lines[7] == "Присутствовали:"


def test_silent_alone_are_listed_under_the_consent_heading() -> None:
    """Cl. 14: silent after the consent period, named together in the chat's words."""
    silent = tuple(ConsentEntry(e.name, ConsentState.SILENT) for e in CONSENTS)
    lines = blocks(open_docx(render(consents=silent)))
    start = lines.index("Согласование протокола присутствовавшими членами рабочей группы:")
    assert lines[start + 1] == (
        "Не выразили позицию в срок: Орлов Денис Андреевич, Петрова Анна Сергеевна, "
        "Ким Виктор Сергеевич, Сидоров Сергей Семёнович, Белова Ольга Игоревна"
    )


def test_the_same_reference_renders_to_the_same_bytes() -> None:
    """A signed protocol's file is registered in the EDMS: rendering it again from its
    snapshot gives the very same bytes (the same SHA-256)."""
    digests = {hashlib.sha256(render()).hexdigest() for _ in range(3)}
    assert len(digests) == 1


def test_english_labels_exist_for_every_russian_one() -> None:
    """The document's language is Russian; the English catalogue holds the same labels."""
    lines = blocks(open_docx(render(locale="en")))
    assert lines[1:3] == [
        "MINUTES",
        "of the extraordinary meeting of the working group on implementing the principles "
        "of client-centricity",
    ]
    assert "Present: 5 of 9 members of the working group. There is a quorum." in " ".join(lines)
    assert not re.search(r"[А-ЯЁ]{4,}:", "\n".join(lines))  # no Russian label left
