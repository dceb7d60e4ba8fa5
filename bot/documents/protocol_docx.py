"""The protocol of a meeting as a DOCX for members and the EDMS (regulation cl. 14-15).

Laid out as Russian organisational documents are (ГОСТ Р 7.0.97-2016): A4, margins not
below the standard's minimums (30/15/20/20 mm, the usual office practice), Times New Roman
14 pt at single spacing, 1.25 cm first-line indent, requisites in the standard's order,
page numbers at the top centre from the second page on.

Pure, like the rest of ``bot.documents``: no clock, and no I/O but the labels, read once
from `locales/<lang>/document.toml`. The same arguments give the same bytes, so a file
re-sent later is byte for byte the one registered in the EDMS.
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

from bot.documents.texts import DOCUMENT_LOCALE, DocumentTexts
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

SIGNATURE_LINE = "_" * 16

_HASH = re.compile(r"[0-9a-f]{64}")
# XML 1.0 refuses these code points (C0 controls other than tab and line feed, lone
# surrogates, U+FFFE/FFFF); lxml raises on them, so a stray control character pasted
# into Telegram must not make the protocol impossible to produce. CR goes too, as it
# does in canonical_text.
_XML_ILLEGAL = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Where the names go in «Не выразили позицию в срок: {names}»: the label is bold, they are
# not. A control character, so it cannot occur in the text (_clean drops them).
_SLOT = "\x00"
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
    locale: str = DOCUMENT_LOCALE,
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
    ``locale``: the labels' language; Russian is the document's, English exists so that
    the catalogue is complete in both.
    """
    if (signed_by is None) != (signed_on is None):
        raise ValueError("signed_by and signed_on go together")
    if signed_by is not None and not signed_by.strip():
        raise ValueError("signed_by must not be empty")
    signed = signed_by is not None
    if not _HASH.fullmatch(version_hash) and (signed or version_hash):
        raise ValueError("version_hash must be 64 lowercase hex digits (SHA-256)")

    tx = DocumentTexts(locale)
    doc = _new_document(tx, draft=not signed)
    _set_properties(doc, tx, content, version_hash, signed=signed)

    _heading(doc, tx, content)
    _participants(doc, tx, content)
    _agenda(doc, tx, content.items)
    _rejected(doc, tx, content.rejected)
    for item in content.items:
        _item(doc, tx, item)
    if consents:
        _consents(doc, tx, consents, subgroup=content.subgroup_name is not None)
    elif silent:
        _silent(doc, tx, silent, space_before=Pt(18))
    _signature(doc, tx, content, signed_by, signed_on)
    return _finished(doc, tx("version_line", sha=version_hash) if version_hash else None)


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
    name = DocumentTexts()("protocol.file_name", number=cleaned, date=_dmy(meeting_date))
    return f"{name}.docx"


# --- document set-up -------------------------------------------------------------------


def _new_document(tx: DocumentTexts, *, draft: bool) -> DocxDocument:
    """An empty A4 document in the protocol's fonts and margins (the summary's too)."""
    doc = Document()
    _drop_thumbnail(doc)
    _set_defaults(doc)
    _set_page(doc.sections[0], tx("draft_mark") if draft else None)
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


def _set_page(section: Section, draft_mark: str | None) -> None:
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
    if draft_mark:
        _run(first, draft_mark, bold=True)
    # The draft mark repeats on every page so no single printed page passes for final.
    other = section.header.paragraphs[0]
    other.paragraph_format.tab_stops.add_tab_stop(Mm(165 / 2), WD_TAB_ALIGNMENT.CENTER)
    other.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _run(other, "\t")
    _page_number(other)
    if draft_mark:
        _run(other, "\t")
        _run(other, draft_mark, bold=True)


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
    doc: DocxDocument,
    tx: DocumentTexts,
    content: ProtocolContent,
    version_hash: str,
    *,
    signed: bool,
) -> None:
    _set_core(
        doc,
        tx,
        title=tx("protocol.title", number=content.number, date=tx.date(content.meeting_date)),
        group_name=content.group_name,
        body_name=content.body_name,
        day=content.meeting_date,
        category=tx("protocol.category"),
        status=tx("protocol.status_signed" if signed else "protocol.status_draft"),
        # dc:identifier lets an EDMS read the version without parsing the text.
        identifier=f"SHA-256 {version_hash}" if version_hash else "",
    )


def _set_core(
    doc: DocxDocument,
    tx: DocumentTexts,
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
    props.language = "ru-RU" if tx.locale == "ru" else "en-GB"
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


def _heading(doc: DocxDocument, tx: DocumentTexts, content: ProtocolContent) -> None:
    # Requisites 08 (organisation), 10 (document type), 17 (heading to the text), 11-12
    # (date, number), 14 (place).
    body = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    # Capitals by formatting, not by str.upper(): the stored text stays as entered.
    _run(body, content.body_name, bold=True, caps=True)
    title = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(18))
    _run(title, tx("protocol.type"), bold=True)
    # The group's name is stored in the nominative («Рабочая группа по вопросам…»), and
    # the heading needs the genitive: the regulation's fixed formula, never a declension
    # guessed from whatever the name was set to.
    if content.series == "conciliation":
        kind = "protocol.of_conciliation"
    elif content.extraordinary:
        kind = "protocol.of_extraordinary"
    else:
        kind = "protocol.of_meeting"
    heading = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    if content.subgroup_name is not None and content.series != "conciliation":
        # A subgroup's meeting (cl. 10): «заседания проектного комитета «…»», the kind's
        # fixed genitive and the name in quotes as entered.
        extraordinary = "extraordinary_" if content.extraordinary else ""
        kind = f"group_scope.{extraordinary}of_{content.subgroup_kind}"
        _run(heading, tx(kind, name=content.subgroup_name), bold=True)
    else:
        _run(heading, tx(kind), bold=True)
    # Date at the left margin and number at the right, on one line.
    line = _paragraph(doc, space_before=Pt(12))
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _run(line, tx("date_number", date=tx.date(content.meeting_date), number=content.number))

    place = content.place if content.place is not None else tx("protocol.place_remote")
    _paragraph(doc, tx("protocol.place", place=place), space_before=Pt(12))
    hours = content.meeting_time
    if content.closed_time:
        hours = f"{content.meeting_time}–{content.closed_time}"
    _paragraph(doc, tx("protocol.hours", hours=hours))


def _participants(doc: DocxDocument, tx: DocumentTexts, content: ProtocolContent) -> None:
    # Left-aligned: justified, a name and a role spread across the line.
    presiding = _paragraph(doc, space_before=Pt(12))
    _run(presiding, tx("protocol.presiding"), bold=True)
    who = tx("protocol.presiding_who", name=content.presiding, role=content.presiding_role)
    _run(presiding, f" — {who}")
    # Only a secretariat officer who attended is named: nobody signs for a meeting they
    # did not see.
    if content.secretary:
        secretary = _paragraph(doc)
        _run(secretary, tx("protocol.secretary"), bold=True)
        _run(secretary, f" — {content.secretary}")

    _label(doc, tx("protocol.present"), space_before=Pt(12))
    for attendee in content.attendees:
        unit = f" — {attendee.unit}" if attendee.unit else ""
        _paragraph(doc, f"{attendee.name}{unit}")
    if content.guests:
        _label(doc, tx("protocol.guests"), space_before=Pt(6))
        for guest in content.guests:
            _paragraph(doc, guest)

    _paragraph(
        doc,
        quorum_text(
            tx,
            content.present_members,
            content.total_members,
            content.quorum,
            subgroup=content.subgroup_name is not None,
        ),
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        space_before=Pt(12),
    )


def quorum_text(
    tx: DocumentTexts, present: int, total: int, quorum: bool, *, subgroup: bool = False
) -> str:
    """Cl. 14: «Присутствовали 4 из 5 членов рабочей группы. Кворум имеется.» — of a
    subgroup's members for its meeting (cl. 10)."""
    keys = "group_scope" if subgroup else "protocol"
    return tx(
        f"{keys}.quorum_yes" if quorum else f"{keys}.quorum_no",
        present=tx.plural("protocol.present_count", present),
        total=tx.plural("protocol.of_members", total),
    )


def _agenda(doc: DocxDocument, tx: DocumentTexts, items: Sequence[ItemRecord]) -> None:
    _label(doc, tx("protocol.agenda"), space_before=Pt(12))
    for item in items:
        title = item.title
        if item.inclusion is not None:
            title = tx("protocol.additional", title=title)
        _paragraph(
            doc,
            f"{item.number}. {title}",
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            indent=True,
        )


def _rejected(
    doc: DocxDocument, tx: DocumentTexts, rejected: Sequence[tuple[str, InclusionVote]]
) -> None:
    # Cl. 13: an additional item the members present did not include is still on record,
    # with the vote that kept it out.
    if not rejected:
        return
    _label(doc, tx("protocol.rejected"), space_before=Pt(12))
    for title, vote in rejected:
        heading = _paragraph(
            doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, keep_with_next=True
        )
        _run(heading, title, bold=True)
        _paragraph(doc, inclusion_text(tx, vote), align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)


def inclusion_text(tx: DocumentTexts, vote: InclusionVote) -> str:
    """«ГОЛОСОВАЛИ о включении в повестку дня: «за» — 3, …. Вопрос включён …»."""
    counts = tx(
        "protocol.inclusion_counts",
        votes_for=vote.votes_for,
        against=vote.against,
        abstain=vote.abstain,
        present=vote.present,
    )
    if not vote.included:
        outcome = "protocol.not_included"
    elif vote.basis == "consensus":
        outcome = "protocol.included_consensus"
    elif vote.basis == "majority":
        outcome = "protocol.included_majority"
    else:
        outcome = "protocol.included"
    return f"{counts} {tx(outcome)}"


def _item(doc: DocxDocument, tx: DocumentTexts, item: ItemRecord) -> None:
    title = _paragraph(
        doc,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        space_before=Pt(18),
        keep_with_next=True,
    )
    _run(title, f"{item.number}. {item.title}", bold=True)
    # Cl. 13: the vote that put an additional item on the agenda, under its heading.
    if item.inclusion is not None:
        _paragraph(
            doc,
            inclusion_text(tx, item.inclusion),
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            indent=True,
        )
    _block(doc, tx("protocol.heard"), item.heard)
    if item.spoke.strip():
        _block(doc, tx("protocol.spoke"), item.spoke)
    _block(doc, tx("protocol.decided"), item.decided)
    for index, task in enumerate(item.tasks, start=1):
        text = _clean(task.text).strip()
        # Do not double the full stop the secretary may already have typed.
        if not text.endswith((".", "!", "?", "…")):
            text += "."
        number = f"{item.number}.{index}"
        if task.deadline:
            line = tx(
                "protocol.task_due",
                number=number,
                text=text,
                owner=task.owner,
                deadline=tx.date(task.deadline),
            )
        else:
            line = tx("protocol.task", number=number, text=text, owner=task.owner)
        _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    if item.vote.strip():
        _block(doc, tx("protocol.voted"), item.vote)


MODES = ("in_person", "video", "audio")


def consent_line(tx: DocumentTexts, entry: ConsentEntry) -> str:
    """One member's state in the consent record (cl. 14-15). The silent are not here:
    they are named together, in the words the chat uses (see ``_silent``)."""
    mode = tx(f"protocol.mode_{entry.mode}" if entry.mode in MODES else "protocol.mode_unknown")
    params = {
        "name": _clean(entry.name).strip(),
        "mode": mode,
        "item": entry.item_number or "—",
        "date": tx.date(entry.conciliation_on) if entry.conciliation_on else "",
    }
    dated = "" if entry.conciliation_on else "_undated"
    if entry.state is ConsentState.CONSENTED:
        key = "consented" if entry.mode in MODES else "consented_no_mode"
    elif entry.state is ConsentState.CHANGED:
        key = f"changed{dated}"
    elif entry.state is ConsentState.UNCHANGED:
        key = f"unchanged{dated}"
    elif entry.state is ConsentState.WITHDRAWN:
        key = "withdrawn"
    else:
        raise ValueError("the silent are listed together")
    return tx(f"protocol.{key}", **params)


def _consents(
    doc: DocxDocument,
    tx: DocumentTexts,
    consents: Sequence[ConsentEntry],
    *,
    subgroup: bool = False,
) -> None:
    label = "group_scope.consents" if subgroup else "protocol.consents"
    _label(doc, tx(label), space_before=Pt(18))
    for entry in consents:
        if entry.state is not ConsentState.SILENT:
            _paragraph(doc, consent_line(tx, entry), align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    silent = [entry.name for entry in consents if entry.state is ConsentState.SILENT]
    if silent:
        _silent(doc, tx, silent)


def _silent(
    doc: DocxDocument, tx: DocumentTexts, names: Sequence[str], space_before: Length | None = None
) -> None:
    # «Не выразили позицию в срок: …»: one line for all of them, so no name has to be
    # declined or given a gender.
    paragraph = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_before=space_before)
    before, _, after = tx("protocol.silent", names=_SLOT).partition(_SLOT)
    _run(paragraph, before, bold=True)
    _run(paragraph, ", ".join(_clean(name).strip() for name in names))
    if after:
        _run(paragraph, after)


def _block(doc: DocxDocument, label: str, text: str) -> None:
    _label(doc, label, space_before=Pt(6))
    for line in _lines(text):
        _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)


def _signature(
    doc: DocxDocument,
    tx: DocumentTexts,
    content: ProtocolContent,
    signed_by: str | None,
    signed_on: date | None,
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
    _cell_text(role, tx("protocol.presiding"), WD_ALIGN_PARAGRAPH.LEFT)
    # Unsigned: an empty line for a handwritten signature on the printed draft.
    _cell_text(line, "" if signed_by else SIGNATURE_LINE, WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(name, signed_by or content.presiding, WD_ALIGN_PARAGRAPH.RIGHT)
    if signed_on is not None:
        _paragraph(doc, tx("protocol.signed_on", date=tx.date(signed_on)), space_before=Pt(6))


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
