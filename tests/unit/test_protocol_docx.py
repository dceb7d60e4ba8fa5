"""The protocol DOCX (regulation cl. 14-15, ГОСТ Р 7.0.97-2016), checked by opening the
bytes with python-docx and reading the requisites back in document order."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import UTC, date, datetime
from typing import Any

import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.documents.protocol_docx import protocol_filename, render_protocol
from bot.domain.protocol import (
    Attendee,
    ItemRecord,
    ProtocolContent,
    TaskLine,
    version_hash,
)
from tests.support.docx_reading import blocks, open_docx

MEETING_DAY = date(2026, 12, 25)
SIGNED_ON = date(2026, 12, 29)
PRESIDING = "Соколова Марина Викторовна"


def make_content(**changes: Any) -> ProtocolContent:
    content = ProtocolContent(
        body_name="Министерство социального развития Московской области",
        group_name="Рабочая группа по вопросам клиентоцентричности",
        number="3/2026",
        meeting_date=MEETING_DAY,
        meeting_time="15:00",
        place="г. Москва, ул. Ильинка, д. 9, каб. 512",
        presiding=PRESIDING,
        presiding_role="председатель рабочей группы",
        attendees=(
            Attendee(PRESIDING, "Управление делами"),
            Attendee("Орлов Денис Андреевич", "Отдел цифровых сервисов"),
            Attendee("Петрова Анна Сергеевна", "Финансовое управление"),
            Attendee("Ким Виктор", None),
        ),
        guests=("Лебедев Артём Олегович — АНО «Открытый регион»",),
        secretary="Кузнецова Елена Владимировна",
        present_members=4,
        total_members=5,
        quorum=True,
        items=(
            ItemRecord(
                number=1,
                title="О результатах опроса заявителей за IV квартал",
                heard="Орлов Д.А. — о результатах опроса.\nУдовлетворённость выросла до 87 %.",
                spoke="",
                decided="Информацию принять к сведению.",
                tasks=(
                    TaskLine(
                        "Подготовить план снижения времени ожидания",
                        "Орлов Д.А.",
                        date(2027, 1, 31),
                    ),
                    TaskLine("Разместить итоги опроса на портале.", "Ким В.", None),
                ),
            ),
            ItemRecord(
                number=2,
                title="О графике приёма граждан в праздничные дни",
                heard="Петрова А.С. — о графике.",
                spoke="Соколова М.В., Ким В.",
                decided="Утвердить график приёма.",
                vote="за — 3, против — 1, воздержались — 0",
            ),
        ),
    )
    return dataclasses.replace(content, **changes)


CONTENT = make_content()
HASH = version_hash(CONTENT)


def render(
    content: ProtocolContent = CONTENT,
    *,
    signed: bool = False,
    silent: tuple[str, ...] = (),
) -> bytes:
    return render_protocol(
        content,
        version_hash=version_hash(content),
        signed_by=PRESIDING if signed else None,
        signed_on=SIGNED_ON if signed else None,
        silent=silent,
    )


def texts(data: bytes) -> list[str]:
    return blocks(open_docx(data))


def index_of(lines: list[str], expected: str, start: int = 0) -> int:
    for index in range(start, len(lines)):
        if expected in lines[index]:
            return index
    raise AssertionError(f"{expected!r} not found after line {start}: {lines[start:]}")


def assert_in_order(lines: list[str], *expected: str) -> None:
    position = 0
    for text in expected:
        position = index_of(lines, text, position) + 1


def paragraph_with(doc: DocxDocument, text: str) -> Paragraph:
    for paragraph in doc.paragraphs:
        if paragraph.text == text:
            return paragraph
    raise AssertionError(f"no paragraph {text!r}")


# --- requisites (cl. 15: a document ready for the EDMS) -------------------------------


@pytest.mark.parametrize("signed", [False, True])
def test_requisites_in_gost_order(signed: bool) -> None:
    """Cl. 15 / ГОСТ Р 7.0.97-2016: body, ПРОТОКОЛ with the group in the genitive, date
    and number, place, time, presiding person, attendees, quorum, agenda, items, signature,
    version line."""
    lines = texts(render(signed=signed))
    assert lines[0] == CONTENT.body_name
    assert lines[1] == "ПРОТОКОЛ"
    assert lines[2] == (
        "заседания рабочей группы по вопросам внедрения принципов клиентоцентричности"
    )
    assert_in_order(
        lines,
        "25 декабря 2026 г.\t№ 3/2026",
        "Место проведения: г. Москва, ул. Ильинка, д. 9, каб. 512",
        "Время проведения: 15:00",
        f"Председательствующий — {PRESIDING} (председатель рабочей группы)",
        "Секретарь — Кузнецова Елена Владимировна",
        "Присутствовали:",
        "Орлов Денис Андреевич — Отдел цифровых сервисов",
        "Приглашённые:",
        "Лебедев Артём Олегович — АНО «Открытый регион»",
        "Присутствовали 4 из 5 членов рабочей группы. Кворум имеется.",
        "Повестка дня:",
        "1. О результатах опроса заявителей за IV квартал",
        "2. О графике приёма граждан в праздничные дни",
        # Item 1
        "1. О результатах опроса заявителей за IV квартал",
        "СЛУШАЛИ:",
        "Орлов Д.А. — о результатах опроса.",
        "Удовлетворённость выросла до 87 %.",
        "РЕШИЛИ:",
        "Информацию принять к сведению.",
        "1.1. Подготовить план снижения времени ожидания. Ответственный: Орлов Д.А., "
        "срок — 31 января 2027 г.",
        "1.2. Разместить итоги опроса на портале. Ответственный: Ким В.",
        # Item 2
        "2. О графике приёма граждан в праздничные дни",
        "СЛУШАЛИ:",
        "ВЫСТУПИЛИ:",
        "Соколова М.В., Ким В.",
        "РЕШИЛИ:",
        "Утвердить график приёма.",
        "ГОЛОСОВАЛИ:",
        "за — 3, против — 1, воздержались — 0",
        f"Председательствующий | {'' if signed else '_' * 16} | {PRESIDING}",
    )
    assert lines[-1] == f"Версия документа: SHA-256 {HASH}"


def test_heading_layout() -> None:
    """ГОСТ Р 7.0.97-2016: body name, document type and the heading to the text centred
    at the top in bold; the body name in capitals by formatting, so its stored text is
    unchanged."""
    doc = open_docx(render())
    body, title, heading, *_ = doc.paragraphs
    assert body.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert body.runs[0].font.all_caps and body.runs[0].bold
    assert title.text == "ПРОТОКОЛ"
    assert heading.text.startswith("заседания рабочей группы")
    for paragraph in (title, heading):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold for run in paragraph.runs)
    # Date at the left margin, number at a right tab stop on the text's right edge.
    line = paragraph_with(doc, "25 декабря 2026 г.\t№ 3/2026")
    (stop,) = line.paragraph_format.tab_stops
    assert stop.alignment == WD_TAB_ALIGNMENT.RIGHT
    assert stop.position.mm == pytest.approx(165, abs=0.1)


def test_remote_meeting_place() -> None:
    """Cl. 12: a remote meeting has no address; the protocol says how it was held."""
    lines = texts(render(make_content(place=None)))
    assert "Место проведения: дистанционно (видеоконференцсвязь)" in lines


@pytest.mark.parametrize(
    ("present", "total", "quorum", "line"),
    [
        (4, 5, True, "Присутствовали 4 из 5 членов рабочей группы. Кворум имеется."),
        (
            2,
            5,
            False,
            "Присутствовали 2 из 5 членов рабочей группы. Кворум отсутствует: рабочая группа "
            "не правомочна принимать решения (п. 14 Положения).",
        ),
        (11, 21, True, "Присутствовали 11 из 21 члена рабочей группы. Кворум имеется."),
        (6, 11, True, "Присутствовали 6 из 11 членов рабочей группы. Кворум имеется."),
        (21, 41, True, "Присутствовал 21 из 41 члена рабочей группы. Кворум имеется."),
        (12, 22, True, "Присутствовали 12 из 22 членов рабочей группы. Кворум имеется."),
    ],
)
def test_quorum_line(present: int, total: int, quorum: bool, line: str) -> None:
    """Cl. 14: the protocol records whether the meeting had a quorum, and of how many."""
    content = make_content(present_members=present, total_members=total, quorum=quorum)
    assert line in texts(render(content))


def test_no_guests_no_guest_heading() -> None:
    """Guests never count for quorum; with none there is no «Приглашённые:» block."""
    lines = texts(render(make_content(guests=())))
    assert "Приглашённые:" not in lines


def test_spoke_block_only_when_someone_spoke() -> None:
    """ВЫСТУПИЛИ appears for item 2 only: item 1 had no speakers."""
    lines = texts(render())
    assert lines.count("ВЫСТУПИЛИ:") == 1
    assert lines.count("СЛУШАЛИ:") == lines.count("РЕШИЛИ:") == 2
    assert index_of(lines, "ВЫСТУПИЛИ:") > index_of(lines, "2. О графике", 20)


def test_vote_line_only_for_the_additional_item() -> None:
    """Cl. 13: an additional item records how the vote went; a regular one has no line."""
    lines = texts(render())
    assert lines.count("ГОЛОСОВАЛИ:") == 1
    vote = index_of(lines, "ГОЛОСОВАЛИ:")
    assert lines[vote + 1] == "за — 3, против — 1, воздержались — 0"


# --- draft and signature (cl. 14) ------------------------------------------------------


def header_texts(doc: DocxDocument) -> tuple[str, str]:
    section = doc.sections[0]
    return section.first_page_header.paragraphs[0].text, section.header.paragraphs[0].text


def test_unsigned_is_marked_draft_on_every_page() -> None:
    """Cl. 14: until the presiding person signs, the file is a draft («ПРОЕКТ», top right)."""
    doc = open_docx(render(signed=False))
    first, other = header_texts(doc)
    assert first == "ПРОЕКТ"
    assert doc.sections[0].first_page_header.paragraphs[0].alignment == (WD_ALIGN_PARAGRAPH.RIGHT)
    assert other.endswith("\tПРОЕКТ")
    lines = blocks(doc)
    assert f"Председательствующий | {'_' * 16} | {PRESIDING}" in lines
    assert not any(line.startswith("Дата подписания") for line in lines)
    assert doc.core_properties.content_status == "Проект"


def test_signed_has_no_draft_mark_and_names_signer_and_date() -> None:
    """Cl. 14: the signed protocol names who signed it and when; no draft mark anywhere."""
    data = render_protocol(
        CONTENT,
        version_hash=HASH,
        signed_by="Волков Павел Игоревич",
        signed_on=SIGNED_ON,
    )
    doc = open_docx(data)
    assert "ПРОЕКТ" not in " ".join(header_texts(doc))
    assert "ПРОЕКТ" not in " ".join(blocks(doc))
    lines = blocks(doc)
    assert "Председательствующий |  | Волков Павел Игоревич" in lines
    assert_in_order(
        lines, "Председательствующий |", "Дата подписания: 29 декабря 2026 г.", "SHA-256"
    )
    assert doc.core_properties.content_status == "Подписан"


def test_pages_numbered_from_the_second() -> None:
    """ГОСТ Р 7.0.97-2016: page numbers at the top centre, not on the first page."""
    doc = open_docx(render())
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    fields = section.header._element.iter(qn("w:fldSimple"))
    assert [field.get(qn("w:instr")) for field in fields] == ["PAGE"]
    assert not list(section.first_page_header._element.iter(qn("w:fldSimple")))


def test_silent_members_listed_when_given() -> None:
    """Cl. 14: members present who did not answer in the consent period are named."""
    lines = texts(render(signed=True, silent=("Ким Виктор", "Петрова Анна Сергеевна")))
    assert "Не выразили позицию в срок: Ким Виктор, Петрова Анна Сергеевна" in lines
    assert not any("Не выразили" in line for line in texts(render(signed=True)))


def test_version_line_is_last_and_small() -> None:
    """Cl. 14-15: the hash the consents bind to closes the document, in small print, and
    is also the file's dc:identifier so an EDMS can match it without reading the text."""
    doc = open_docx(render())
    last = doc.paragraphs[-1]
    assert last.text == f"Версия документа: SHA-256 {HASH}"
    assert {run.font.size.pt for run in last.runs if run.font.size} == {10}
    assert doc.core_properties.identifier == f"SHA-256 {HASH}"


@pytest.mark.parametrize("bad", ["abc", HASH.upper(), HASH[:-1], HASH + "0", "g" * 64, f" {HASH}"])
def test_rejects_malformed_hash(bad: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        render_protocol(CONTENT, version_hash=bad, signed_by=None, signed_on=None)


def test_draft_without_saved_version_has_no_version_line() -> None:
    """Cl. 14: before the first save there is no version to consent to; the draft can
    still be read, and says nothing about a version."""
    doc = open_docx(render_protocol(CONTENT, version_hash="", signed_by=None, signed_on=None))
    assert not any("SHA-256" in line for line in blocks(doc))
    assert doc.core_properties.identifier == ""
    assert header_texts(doc)[0] == "ПРОЕКТ"


def test_signed_protocol_needs_its_version() -> None:
    """Cl. 14: a signed protocol is the version the consents bind to; it must name it."""
    with pytest.raises(ValueError, match="SHA-256"):
        render_protocol(CONTENT, version_hash="", signed_by=PRESIDING, signed_on=SIGNED_ON)


@pytest.mark.parametrize(
    ("signed_by", "signed_on"), [(PRESIDING, None), (None, SIGNED_ON), ("  ", SIGNED_ON)]
)
def test_rejects_half_a_signature(signed_by: str | None, signed_on: date | None) -> None:
    with pytest.raises(ValueError, match="signed_"):
        render_protocol(CONTENT, version_hash=HASH, signed_by=signed_by, signed_on=signed_on)


# --- page, font, properties, reproducibility ------------------------------------------


def test_a4_page_and_margins() -> None:
    """ГОСТ Р 7.0.97-2016: A4; margins at least 20/10/20/20 mm, here the usual 30/15/20/20."""
    section = open_docx(render()).sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    margins = (
        section.left_margin,
        section.right_margin,
        section.top_margin,
        section.bottom_margin,
    )
    assert [m.mm if m is not None else None for m in margins] == [
        pytest.approx(30, abs=0.1),
        pytest.approx(15, abs=0.1),
        pytest.approx(20, abs=0.1),
        pytest.approx(20, abs=0.1),
    ]


def test_times_new_roman_14_single_spacing() -> None:
    """ГОСТ Р 7.0.97-2016: Times New Roman 14 pt, single spacing; no run overrides the
    face, and only the version line is smaller."""
    doc = open_docx(render())
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    assert normal.paragraph_format.line_spacing == 1.0
    # The template's theme fonts (Calibri) must not survive in the defaults either.
    fonts = doc.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"
    )
    assert fonts is not None
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman"
    assert fonts.get(qn("w:asciiTheme")) is None
    runs = [run for paragraph in doc.paragraphs for run in paragraph.runs]
    assert all(run.font.name is None for run in runs)
    sizes = {run.font.size.pt for run in runs if run.font.size is not None}
    assert sizes == {10}


def test_core_properties_from_content_not_clock() -> None:
    """The EDMS reads title, subject and author; dates come from the meeting day."""
    props = open_docx(render()).core_properties
    assert props.title == "Протокол № 3/2026 от 25 декабря 2026 г."
    assert props.subject == CONTENT.group_name
    assert props.author == CONTENT.body_name
    assert props.created == datetime(2026, 12, 25, tzinfo=UTC)
    assert props.modified == datetime(2026, 12, 25, tzinfo=UTC)
    assert props.language == "ru-RU"


def test_same_version_same_bytes() -> None:
    """A file re-sent later must be byte for byte the one registered in the EDMS, so no
    wall-clock time may leak into it (not even the ZIP entries' timestamps)."""
    assert render() == render()
    with zipfile.ZipFile(io.BytesIO(render())) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    # python-docx's template thumbnail shows an empty US Letter page; it is dropped.
    assert not any("thumbnail" in info.filename for info in infos)


def test_different_versions_differ() -> None:
    edited = make_content(meeting_time="16:00")
    assert render(edited) != render()


# --- user text survives literally -----------------------------------------------------

SPECIAL = "<b>Бюджет</b> & «кавычки» \"x\" 'y' {name} %s $1 \\n <script>alert(1)</script> 😀"


def test_special_characters_survive_literally() -> None:
    """Text typed in Telegram is not HTML: tags, entities and braces appear as typed."""
    item = dataclasses.replace(
        CONTENT.items[0],
        title=SPECIAL,
        heard=SPECIAL,
        tasks=(TaskLine(SPECIAL, "О'Коннор & Ко", None),),
    )
    content = make_content(
        items=(item,),
        place="ул. <Ленина> & Co",
        attendees=(Attendee("Ким «Виктор»", "Отдел <IT>"),),
        body_name="ОИВ & <Ко>",
    )
    lines = texts(render(content))
    assert lines[0] == "ОИВ & <Ко>"
    assert lines.count(f"1. {SPECIAL}") == 2  # agenda and item heading
    assert SPECIAL in lines
    assert f"1.1. {SPECIAL}. Ответственный: О'Коннор & Ко." in lines
    assert "Место проведения: ул. <Ленина> & Co" in lines
    assert "Ким «Виктор» — Отдел <IT>" in lines


def test_control_characters_do_not_break_the_file() -> None:
    """A control character pasted from elsewhere is dropped rather than making XML that
    no reader opens (lxml refuses it outright)."""
    item = dataclasses.replace(CONTENT.items[0], title="Бюд\x00жет\x0b\x1f", decided="a\r\nb")
    lines = texts(render(make_content(items=(item,))))
    assert "1. Бюджет" in lines
    assert_in_order(lines, "РЕШИЛИ:", "a", "b")


# XML-legal characters except CR (dropped, as in canonical_text): what a user can type.
_typed = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\ufffe\uffff",
    )
    | st.sampled_from("<>&\"'\t\n"),
    min_size=1,
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(title=_typed)
def test_any_typed_title_round_trips(title: str) -> None:
    """Whatever a secretary types as an item title reads back unchanged from the file."""
    item = dataclasses.replace(CONTENT.items[0], title=title)
    doc = open_docx(render(make_content(items=(item,))))
    lines = blocks(doc)
    assert lines[index_of(lines, "Повестка дня:") + 1] == f"1. {title}"


# --- file name (UX: named for a person) -----------------------------------------------


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("3/2026", "Протокол № 3-2026 от 25.12.2026.docx"),
        ("12/2026", "Протокол № 12-2026 от 25.12.2026.docx"),
        ("7\\2026:доп", "Протокол № 7-2026-доп от 25.12.2026.docx"),
        ("3/2026\u202excod.exe", "Протокол № 3-2026xcod.exe от 25.12.2026.docx"),
        ("  3/2026\n", "Протокол № 3-2026 от 25.12.2026.docx"),
    ],
)
def test_protocol_filename(number: str, expected: str) -> None:
    assert protocol_filename(number, MEETING_DAY) == expected


@pytest.mark.parametrize("number", ["", "  ", "\u202e", "."])
def test_protocol_filename_needs_a_number(number: str) -> None:
    with pytest.raises(ValueError, match="number"):
        protocol_filename(number, MEETING_DAY)
