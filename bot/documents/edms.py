"""The package a signed protocol goes to the body's document system in (СЭД, cl. 15; issue #18
item 4): a ZIP with the protocol's DOCX exactly as it was signed, its PDF rendering, and a
registration card as `card.json` and `card.xml`.

The card's format is `schemas/edms-card.schema.json` (JSON Schema) and `schemas/edms-card.xsd`
(XML Schema), shipped with the bot and described field by field in the README and in
docs/admin-guide.md. The builder is pure: the PDF is made beforehand by `convert_to_pdf`,
which runs LibreOffice in a subprocess with a timeout, so it never blocks the event loop and
never runs inside a database transaction (the caller sees to the latter).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import signal
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from bot.i18n import translator

log = logging.getLogger(__name__)

# The card's format; a document system checks it before it reads anything else. A change
# that drops or renames a field is a new major version.
FORMAT = "wg-edms-card"
FORMAT_VERSION = "1.0"
XML_NAMESPACE = "urn:wg-bot:edms-card:1"
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
JSON_SCHEMA = SCHEMAS_DIR / "edms-card.schema.json"
XML_SCHEMA = SCHEMAS_DIR / "edms-card.xsd"

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA_TYPE = "application/pdf"
ZIP_MEDIA_TYPE = "application/zip"
CARD_JSON = "card.json"
CARD_XML = "card.xml"

# The card is in the documents' language: it is the same file for every reader.
CARD_LOCALE = "ru"
# Every entry of the ZIP carries this time, so the same protocol always gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class PdfAbsence:
    """Why a package has no PDF; each is a sentence in the card (locales/*/edms.toml)."""

    NOT_INSTALLED = "not_installed"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


@dataclass(frozen=True, slots=True)
class PdfResult:
    content: bytes | None
    # One of PdfAbsence when there is no content.
    absent: str | None = None


@dataclass(frozen=True, slots=True)
class PackageSource:
    """What the card states of a signed protocol, all from its frozen record."""

    protocol_id: int
    number: str  # «1/2026»
    meeting_date: date  # the protocol's date
    signed_on: date
    title: str
    organisation: str  # the executive body
    group: str  # the working group
    subgroup_kind: str | None  # a subgroup's protocol (cl. 10): its kind and name
    subgroup_name: str | None
    signer_name: str
    signer_role: str
    addressees: tuple[str, ...]
    docx_name: str
    docx: bytes  # the very bytes frozen at signature


@dataclass(frozen=True, slots=True)
class Package:
    file_name: str
    content: bytes
    card: dict[str, Any]


def card_text(key: str, **params: Any) -> str:
    """A sentence of the card, in the documents' language."""
    return translator(CARD_LOCALE, "UTC").plain(f"edms.{key}", **params)


def find_soffice(configured: str | None) -> str | None:
    """The LibreOffice program: `SOFFICE_PATH` when set (None if it is not there), else
    `soffice` or `libreoffice` on PATH."""
    if configured:
        found = shutil.which(configured)
        return found
    return shutil.which("soffice") or shutil.which("libreoffice")


async def convert_to_pdf(
    docx: bytes, file_name: str, *, soffice: str | None, seconds: float
) -> PdfResult:
    """The DOCX rendered to PDF by LibreOffice headless, in a subprocess with a timeout, with
    a profile of its own (a running LibreOffice on the server is never disturbed)."""
    if soffice is None:
        return PdfResult(None, PdfAbsence.NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="wg-edms-") as tmp:
        work = Path(tmp)
        source = work / "protocol.docx"
        source.write_bytes(docx)
        out = work / "out"
        profile = (work / "profile").as_uri()
        try:
            process = await asyncio.create_subprocess_exec(
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(source),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=tmp,
                # A group of its own, so that a timeout ends LibreOffice's helpers too.
                start_new_session=True,
            )
        except OSError as error:
            log.warning("LibreOffice could not be started for %s: %s", file_name, error)
            return PdfResult(None, PdfAbsence.NOT_INSTALLED)
        try:
            _, err = await asyncio.wait_for(process.communicate(), seconds)
        except TimeoutError:
            _kill(process)
            await process.wait()
            log.warning("LibreOffice took over %ss to convert %s", seconds, file_name)
            return PdfResult(None, PdfAbsence.TIMED_OUT)
        pdf = out / "protocol.pdf"
        if process.returncode != 0 or not pdf.is_file():
            log.warning(
                "LibreOffice failed to convert %s (exit %s): %s",
                file_name,
                process.returncode,
                err.decode("utf-8", "replace").strip()[:300],
            )
            return PdfResult(None, PdfAbsence.FAILED)
        return PdfResult(pdf.read_bytes())


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def pdf_name(docx_name: str) -> str:
    return f"{docx_name.removesuffix('.docx')}.pdf"


def package_name(docx_name: str) -> str:
    return f"{docx_name.removesuffix('.docx')} (СЭД).zip"


def _file_entry(name: str, content: bytes, media_type: str) -> dict[str, Any]:
    return {
        "name": name,
        "media_type": media_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def build_card(source: PackageSource, pdf: PdfResult) -> dict[str, Any]:
    """The registration card as data: what `card.json` holds and `card.xml` says."""
    absent = None if pdf.content is not None else card_text(f"pdf_absent_{pdf.absent}")
    subgroup = None
    if source.subgroup_name is not None:
        subgroup = {"kind": source.subgroup_kind or "", "name": source.subgroup_name}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "document": {
            "kind": "protocol",
            "kind_name": card_text("kind_protocol"),
            "number": source.number,
            "date": source.meeting_date.isoformat(),
            "title": source.title,
            "signed_on": source.signed_on.isoformat(),
        },
        "body": {
            "organisation": source.organisation,
            "group": source.group,
            "subgroup": subgroup,
        },
        "signed_by": {
            "name": source.signer_name,
            "capacity": card_text("capacity_presiding"),
            "role": source.signer_role,
        },
        "addressees": [{"name": name} for name in source.addressees],
        "files": {
            "docx": _file_entry(source.docx_name, source.docx, DOCX_MEDIA_TYPE),
            "pdf": None
            if pdf.content is None
            else _file_entry(pdf_name(source.docx_name), pdf.content, PDF_MEDIA_TYPE),
        },
        "pdf_absent_reason": absent,
    }


def card_json(card: dict[str, Any]) -> bytes:
    return (json.dumps(card, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def card_xml(card: dict[str, Any]) -> bytes:
    """The same card as XML in the namespace `urn:wg-bot:edms-card:1`; an absent PDF is an
    absent `<pdf>` element and a `<pdfAbsentReason>`."""
    ns = f"{{{XML_NAMESPACE}}}"

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, ns + tag, attrs)
        if text is not None:
            element.text = text
        return element

    root = ET.Element(
        ns + "card", {"format": card["format"], "formatVersion": card["format_version"]}
    )
    doc = card["document"]
    document = sub(root, "document", kind=doc["kind"])
    sub(document, "kindName", doc["kind_name"])
    sub(document, "number", doc["number"])
    sub(document, "date", doc["date"])
    sub(document, "title", doc["title"])
    sub(document, "signedOn", doc["signed_on"])
    body = sub(root, "body")
    sub(body, "organisation", card["body"]["organisation"])
    sub(body, "group", card["body"]["group"])
    if card["body"]["subgroup"] is not None:
        sub(
            body,
            "subgroup",
            card["body"]["subgroup"]["name"],
            kind=card["body"]["subgroup"]["kind"],
        )
    signer = sub(root, "signedBy")
    sub(signer, "name", card["signed_by"]["name"])
    sub(signer, "capacity", card["signed_by"]["capacity"])
    sub(signer, "role", card["signed_by"]["role"])
    addressees = sub(root, "addressees")
    for person in card["addressees"]:
        sub(addressees, "addressee", person["name"])
    files = sub(root, "files")
    for key in ("docx", "pdf"):
        entry = card["files"][key]
        if entry is None:
            continue
        element = sub(files, key)
        sub(element, "name", entry["name"])
        sub(element, "mediaType", entry["media_type"])
        sub(element, "size", str(entry["size"]))
        sub(element, "sha256", entry["sha256"])
    if card["pdf_absent_reason"] is not None:
        sub(root, "pdfAbsentReason", card["pdf_absent_reason"])
    ET.register_namespace("", XML_NAMESPACE)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def build_package(source: PackageSource, pdf: PdfResult) -> Package:
    """The ZIP: the DOCX as signed, the PDF when there is one, `card.json` and `card.xml`."""
    card = build_card(source, pdf)
    entries: list[tuple[str, bytes]] = [(source.docx_name, source.docx)]
    if pdf.content is not None:
        entries.append((pdf_name(source.docx_name), pdf.content))
    entries += [(CARD_JSON, card_json(card)), (CARD_XML, card_xml(card))]
    return Package(package_name(source.docx_name), _zip(entries), card)


def _zip(entries: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Names in UTF-8 (the flag is set by zipfile for non-ASCII names).
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def write_atomically(folder: Path, name: str, content: bytes) -> Path:
    """The file in `folder` under a temporary name first, then renamed: a system watching
    the folder never sees half a file. Raises OSError when the folder is not writable."""
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    target = folder / name
    fd, temp = tempfile.mkstemp(prefix=".", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            # mkstemp makes the file readable by its owner only; the document system reads it.
            os.fchmod(fh.fileno(), 0o644)
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return target
