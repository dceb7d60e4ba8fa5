"""The protocol of a meeting as a DOCX for members and the EDMS (regulation cl. 14-15).

Laid out as Russian organisational documents are (ГОСТ Р 7.0.97-2016): A4, margins not
below the standard's minimums (30/15/20/20 mm, the usual office practice), Times New Roman
14 pt at single spacing, 1.25 cm first-line indent, requisites in the standard's order,
page numbers at the top centre from the second page on.

Pure, like the rest of ``bot.documents``: no clock, no I/O. The same arguments give the
same bytes, so a file re-sent later is byte for byte the one registered in the EDMS.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from bot.domain.protocol import (
    ConsentEntry,
    ConsentState,
    InclusionVote,
    ItemRecord,
    ProtocolContent,
)

FONT_NAME = "Times New Roman"
FONT_SIZE = Pt(14)
SMALL_FONT_SIZE = Pt(10)
LANGUAGE = "ru-RU"

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
LEFT_MARGIN = Mm(30)
RIGHT_MARGIN = Mm(15)
TOP_MARGIN = Mm(20)
BOTTOM_MARGIN = Mm(20)
TEXT_WIDTH = Mm(210 - 30 - 15)
FIRST_LINE_INDENT = Mm(12.5)

DRAFT_MARK = "ПРОЕКТ"
DOCUMENT_TYPE = "ПРОТОКОЛ"
REMOTE_PLACE = "дистанционно (видеоконференцсвязь)"
SIGNATURE_LINE = "_" * 16

_HASH = re.compile(r"[0-9a-f]{64}")
# XML 1.0 refuses these code points (C0 controls other than tab and line feed, lone
# surrogates, U+FFFE/FFFF); lxml raises on them, so a stray control character pasted
# into Telegram must not make the protocol impossible to produce. CR goes too, as it
# does in canonical_text.
_XML_ILLEGAL = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ILLEGAL_FILENAME_CHARS = re.compile(r'[<>:"/\\|?*]')
# Fixed ZIP entry time: zipfile would stamp every entry with the wall clock, and then
# two renderings of one version would differ in bytes. 1980-01-01 is the ZIP epoch.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def render_protocol(
    content: ProtocolContent,
    *,
    version_hash: str,
    signed_by: str | None,
    signed_on: date | None,
    silent: Sequence[str] = (),
    consents: Sequence[ConsentEntry] = (),
) -> bytes:
    """The protocol as DOCX bytes: a draft («ПРОЕКТ») while unsigned, the final document
    once ``signed_by`` and ``signed_on`` are given.

    ``version_hash`` is printed at the end so the file can be matched to the consents
    given to that version (cl. 14); it is the caller's stored hash and is not recomputed
    here, so a protocol signed under an older canonical form still renders as signed.
    An empty ``version_hash`` is accepted only for a draft that has no saved version yet
    (nothing to consent to); the version line is then left out.
    ``silent`` names the members present who did not answer within the consent period.
    ``consents``, when given, is the whole consent record instead (cl. 14-15): every member
    present with their one state, the silent among them.
    """
    if (signed_by is None) != (signed_on is None):
        raise ValueError("signed_by and signed_on go together")
    if signed_by is not None and not signed_by.strip():
        raise ValueError("signed_by must not be empty")
    signed = signed_by is not None
    if not _HASH.fullmatch(version_hash) and (signed or version_hash):
        raise ValueError("version_hash must be 64 lowercase hex digits (SHA-256)")

    doc = _new_document(draft=not signed)
    _set_properties(doc, content, version_hash, signed=signed)

    _heading(doc, content)
    _participants(doc, content)
    _agenda(doc, content.items)
    _rejected(doc, content.rejected)
    for item in content.items:
        _item(doc, item)
    if consents:
        _consents(doc, consents)
    elif silent:
        paragraph = _paragraph(doc, space_before=Pt(12))
        _run(paragraph, "Не выразили позицию в срок: ", bold=True)
        _run(paragraph, ", ".join(_clean(name).strip() for name in silent))
    _signature(doc, content, signed_by, signed_on)
    return _finished(doc, f"Версия документа: SHA-256 {version_hash}" if version_hash else None)


def protocol_filename(number: str, meeting_date: date) -> str:
    """«Протокол № 3-2026 от 25.12.2026.docx»: '/' and other characters that no OS accepts
    in a name become '-', so the number cannot turn the name into a path."""
    text = unicodedata.normalize("NFC", number)
    chars: list[str] = []
    for ch in text:
        if _ILLEGAL_FILENAME_CHARS.fullmatch(ch):
            chars.append("-")
        elif ch.isspace():
            chars.append(" ")
        # Control and format characters (category C*) are dropped: RIGHT-TO-LEFT
        # OVERRIDE among them could disguise the extension.
        elif not unicodedata.category(ch).startswith("C"):
            chars.append(ch)
    cleaned = " ".join("".join(chars).split()).strip(" .")
    if not cleaned:
        raise ValueError("protocol number must not be empty")
    return f"Протокол № {cleaned} от {_dmy(meeting_date)}.docx"


# --- document set-up -------------------------------------------------------------------


def _new_document(*, draft: bool) -> DocxDocument:
    """An empty A4 document in the protocol's fonts and margins (the summary's too)."""
    doc = Document()
    _drop_thumbnail(doc)
    _set_defaults(doc)
    _set_page(doc.sections[0], draft=draft)
    return doc


def _finished(doc: DocxDocument, last_line: str | None) -> bytes:
    """The document's bytes, after its small closing line when there is one; the same
    content always gives the same bytes."""
    if last_line is not None:
        _paragraph(doc, last_line, size=SMALL_FONT_SIZE, space_before=Pt(24))
    buffer = io.BytesIO()
    doc.save(buffer)
    return _reproducible_zip(buffer.getvalue())


def _drop_thumbnail(doc: DocxDocument) -> None:
    # python-docx's template carries a thumbnail of an empty Letter page; file managers
    # would show it as the protocol's preview. A part without a relationship is not saved.
    rels = doc.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]


def _set_defaults(doc: DocxDocument) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        # The template's defaults point at theme fonts (Calibri) and en-US; theme
        # attributes win over explicit names in Word, so replace them outright and make
        # Russian the proofing and hyphenation language.
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                rpr.remove(fonts)
            fonts = OxmlElement("w:rFonts")
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attr), FONT_NAME)
            rpr.insert(0, fonts)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:val"), LANGUAGE)
    normal = doc.styles["Normal"]
    font = normal.font
    font.name = FONT_NAME
    font.size = FONT_SIZE
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    fmt.widow_control = True
    # The template's header tabs are set for US Letter; the header paragraph sets its
    # own for A4 with these margins.
    doc.styles["Header"].paragraph_format.tab_stops.clear_all()


def _set_page(section: Section, *, draft: bool) -> None:
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.left_margin = LEFT_MARGIN
    section.right_margin = RIGHT_MARGIN
    section.top_margin = TOP_MARGIN
    section.bottom_margin = BOTTOM_MARGIN
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # ГОСТ Р 7.0.97-2016 numbers pages at the top centre from the second page on, so
    # the first page gets a header of its own.
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if draft:
        _run(first, DRAFT_MARK, bold=True)
    # The draft mark repeats on every page so no single printed page passes for final.
    other = section.header.paragraphs[0]
    other.paragraph_format.tab_stops.add_tab_stop(Mm(165 / 2), WD_TAB_ALIGNMENT.CENTER)
    other.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _run(other, "\t")
    _page_number(other)
    if draft:
        _run(other, "\t")
        _run(other, DRAFT_MARK, bold=True)


def _page_number(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"  # shown until the reader updates fields; Word does so on open
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_properties(
    doc: DocxDocument, content: ProtocolContent, version_hash: str, *, signed: bool
) -> None:
    _set_core(
        doc,
        title=f"Протокол № {content.number} от {_dmy(content.meeting_date)}",
        group_name=content.group_name,
        body_name=content.body_name,
        day=content.meeting_date,
        category="Протокол заседания",
        status="Подписан" if signed else "Проект",
        # dc:identifier lets an EDMS read the version without parsing the text.
        identifier=f"SHA-256 {version_hash}" if version_hash else "",
    )


def _set_core(
    doc: DocxDocument,
    *,
    title: str,
    group_name: str,
    body_name: str,
    day: date,
    category: str,
    status: str | None = None,
    identifier: str | None = None,
) -> None:
    """The document's properties. Stamped with `day` (the meeting's, the summary's), never
    the clock, so that the same content renders the same file; the properties are set in
    one order, which is the order they are written in."""
    props = doc.core_properties
    stamp = datetime(day.year, day.month, day.day, tzinfo=UTC)
    props.title = _clean(title)
    props.subject = _clean(group_name)
    props.author = _clean(body_name)
    props.last_modified_by = _clean(body_name)
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.language = LANGUAGE
    props.category = category
    if status is not None:
        props.content_status = status
    if identifier is not None:
        props.identifier = identifier
    props.comments = ""
    props.keywords = ""


def _reproducible_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        # Same order as python-docx wrote: [Content_Types].xml first, as readers expect.
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# --- content ---------------------------------------------------------------------------


def _heading(doc: DocxDocument, content: ProtocolContent) -> None:
    # Requisites 08 (organisation), 10 (document type), 11-12 (date, number), 14 (place).
    body = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    # Capitals by formatting, not by str.upper(): the stored text stays as entered.
    _run(body, content.body_name, bold=True, caps=True)
    _paragraph(doc, content.group_name, align=WD_ALIGN_PARAGRAPH.CENTER)
    title = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(18))
    _run(title, DOCUMENT_TYPE, bold=True)
    # The heading to the text (requisite 17) names what kind of meeting it was.
    if content.series == "conciliation":
        _paragraph(doc, "согласительного совещания", align=WD_ALIGN_PARAGRAPH.CENTER)
    elif content.extraordinary:
        _paragraph(doc, "внеочередного заседания", align=WD_ALIGN_PARAGRAPH.CENTER)
    # Date at the left margin and number at the right, on one line.
    line = _paragraph(doc, space_before=Pt(12))
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _run(line, f"{_dmy(content.meeting_date)}\t№ {content.number}")

    place = _paragraph(doc, space_before=Pt(12))
    _run(place, "Место проведения: ")
    _run(place, content.place if content.place is not None else REMOTE_PLACE)
    hours = content.meeting_time
    if content.closed_time:
        hours = f"{content.meeting_time}–{content.closed_time}"
    _paragraph(doc, f"Время проведения: {hours}")


def _participants(doc: DocxDocument, content: ProtocolContent) -> None:
    presiding = _paragraph(doc, space_before=Pt(12), align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _run(presiding, "Председательствующий", bold=True)
    _run(presiding, f" — {content.presiding} ({content.presiding_role})")
    if content.secretary:
        secretary = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _run(secretary, "Секретарь", bold=True)
        _run(secretary, f" — {content.secretary}")

    _label(doc, "Присутствовали:", space_before=Pt(12))
    for attendee in content.attendees:
        unit = f" — {attendee.unit}" if attendee.unit else ""
        _paragraph(doc, f"{attendee.name}{unit}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if content.guests:
        _label(doc, "Приглашённые:", space_before=Pt(6))
        for guest in content.guests:
            _paragraph(doc, guest, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    verdict = "Кворум имеется" if content.quorum else "Кворум отсутствует"
    _paragraph(
        doc,
        f"{verdict} ({content.present_members} из {content.total_members} "
        f"{_members_genitive(content.total_members)} рабочей группы)",
        space_before=Pt(12),
    )


def _agenda(doc: DocxDocument, items: Sequence[ItemRecord]) -> None:
    _label(doc, "Повестка дня:", space_before=Pt(12))
    for item in items:
        _paragraph(
            doc,
            f"{item.number}. {item.title}",
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            indent=True,
        )


def _rejected(doc: DocxDocument, rejected: Sequence[tuple[str, InclusionVote]]) -> None:
    # Cl. 13: an additional item the members present did not include is still on record,
    # with the vote that kept it out.
    if not rejected:
        return
    _label(doc, "Не включены в повестку дня:", space_before=Pt(12))
    for title, vote in rejected:
        heading = _paragraph(
            doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, keep_with_next=True
        )
        _run(heading, title, bold=True)
        _paragraph(doc, inclusion_text(vote), align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)


def inclusion_text(vote: InclusionVote) -> str:
    """«ГОЛОСОВАЛИ о включении в повестку дня: «за» — 3, …; включён простым большинством»."""
    counts = (
        f"ГОЛОСОВАЛИ о включении в повестку дня: «за» — {vote.votes_for}, "
        f"«против» — {vote.against}, «воздержались» — {vote.abstain} "
        f"(присутствовавших членов рабочей группы — {vote.present})"
    )
    if not vote.included:
        return f"{counts}. Вопрос не включён в повестку дня."
    basis = {"consensus": " консенсусом", "majority": " простым большинством голосов"}.get(
        vote.basis or "", ""
    )
    return f"{counts}. Вопрос включён в повестку дня{basis}."


def _item(doc: DocxDocument, item: ItemRecord) -> None:
    title = _paragraph(
        doc,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        space_before=Pt(18),
        keep_with_next=True,
    )
    _run(title, f"{item.number}. {item.title}", bold=True)
    if item.inclusion is not None:
        _paragraph(
            doc, inclusion_text(item.inclusion), align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True
        )
    _block(doc, "СЛУШАЛИ:", item.heard)
    if item.spoke.strip():
        _block(doc, "ВЫСТУПИЛИ:", item.spoke)
    _block(doc, "РЕШИЛИ:", item.decided)
    for index, task in enumerate(item.tasks, start=1):
        deadline = f", срок — {_dmy(task.deadline)}" if task.deadline else ""
        text = _clean(task.text).strip()
        # Do not double the full stop the secretary may already have typed.
        stop = "" if text.endswith((".", "!", "?", "…")) else "."
        _paragraph(
            doc,
            f"{item.number}.{index}. {text}{stop} Ответственный: {task.owner}{deadline}.",
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            indent=True,
        )
    if item.vote.strip():
        _block(doc, "ГОЛОСОВАЛИ:", item.vote)


MODES = {"in_person": "очно", "video": "по видеосвязи", "audio": "по аудиосвязи"}


def consent_line(entry: ConsentEntry) -> str:
    """One member's state in the consent record (cl. 14-15), after their name."""
    mode = f" ({MODES[entry.mode]})" if entry.mode in MODES else ""
    on = f" от {_dmy(entry.conciliation_on)}" if entry.conciliation_on else ""
    item = f"возражение по вопросу {entry.item_number}"
    if entry.state is ConsentState.CONSENTED:
        return f"устное согласие{mode}"
    if entry.state is ConsentState.CHANGED:
        return (
            f"{item}; по итогам согласительного совещания{on} текст изменён, "
            f"устное согласие с новой редакцией{mode}"
        )
    if entry.state is ConsentState.UNCHANGED:
        return f"{item} рассмотрено на согласительном совещании{on}, текст оставлен без изменений"
    if entry.state is ConsentState.WITHDRAWN:
        return f"{item} отозвано заявителем"
    return "позиция в срок, установленный для согласования, не выражена"


def _consents(doc: DocxDocument, consents: Sequence[ConsentEntry]) -> None:
    _label(
        doc, "Согласование протокола присутствовавшими членами рабочей группы:", space_before=Pt(18)
    )
    for entry in consents:
        paragraph = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _run(paragraph, f"{_clean(entry.name).strip()} — {consent_line(entry)}")


def _block(doc: DocxDocument, label: str, text: str) -> None:
    _label(doc, label, space_before=Pt(6))
    for line in _lines(text):
        _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)


def _signature(
    doc: DocxDocument, content: ProtocolContent, signed_by: str | None, signed_on: date | None
) -> None:
    _paragraph(doc)
    _paragraph(doc)
    # A borderless table rather than tab stops: a long name wraps inside its own column
    # instead of pushing the signature line across the page.
    table = doc.add_table(rows=1, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _zero_cell_margins(table._tbl)
    widths = (Mm(65), Mm(45), Mm(55))
    role, line, name = table.rows[0].cells
    # Word lays a fixed table out by the grid, other readers by the cells: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, width in zip((role, line, name), widths, strict=True):
        cell.width = width
    _cell_text(role, "Председательствующий", WD_ALIGN_PARAGRAPH.LEFT)
    # Unsigned: an empty line for a handwritten signature on the printed draft.
    _cell_text(line, "" if signed_by else SIGNATURE_LINE, WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(name, signed_by or content.presiding, WD_ALIGN_PARAGRAPH.RIGHT)
    if signed_on is not None:
        _paragraph(doc, f"Дата подписания: {_dmy(signed_on)}", space_before=Pt(6))


def _zero_cell_margins(tbl: CT_Tbl) -> None:
    # Word's default 1.9 mm cell padding would pull the first column out of line with
    # the text margin above it.
    tbl_pr = tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    # The schema orders tblPr's children and Word rejects a file that breaks the order:
    # tblCellMar comes before tblLook.
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)


def _cell_text(cell: _Cell, text: str, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    _run(paragraph, text)


# --- helpers ---------------------------------------------------------------------------


def _paragraph(
    doc: DocxDocument,
    text: str = "",
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    size: Length | None = None,
    space_before: Length | None = None,
    keep_with_next: bool = False,
) -> Paragraph:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = FIRST_LINE_INDENT
    if space_before is not None:
        fmt.space_before = space_before
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        _run(paragraph, text, size=size)
    return paragraph


def _label(doc: DocxDocument, text: str, *, space_before: Length) -> None:
    # A heading such as «СЛУШАЛИ:» stays on the page with the text it introduces.
    paragraph = _paragraph(doc, space_before=space_before, keep_with_next=True)
    _run(paragraph, text, bold=True)


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    caps: bool = False,
    size: Length | None = None,
) -> None:
    run = paragraph.add_run(_clean(text))
    if bold:
        run.bold = True
    if caps:
        run.font.all_caps = True
    if size is not None:
        run.font.size = size


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _lines(text: str) -> Iterable[str]:
    # Each line the secretary typed becomes a paragraph; blank lines are spacing only.
    return [line.strip() for line in _clean(text).split("\n") if line.strip()]


def _dmy(value: date) -> str:
    return f"{value:%d.%m.%Y}"


def _members_genitive(count: int) -> str:
    # «из 21 члена», but «из 5 членов», «из 11 членов».
    return "члена" if count % 10 == 1 and count % 100 != 11 else "членов"
