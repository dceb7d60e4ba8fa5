"""Issue #18 item 4: the signed protocol's package for the document system (СЭД, cl. 15) —
the registration card validates against its own JSON Schema and XML Schema, every file's
SHA-256 and size in it match the file in the ZIP, a package without PDF says why, and the PDF
is LibreOffice's rendering of the protocol."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from bot.documents.edms import (
    CARD_JSON,
    CARD_XML,
    JSON_SCHEMA,
    XML_SCHEMA,
    PackageSource,
    PdfAbsence,
    PdfResult,
    build_package,
    convert_to_pdf,
    find_soffice,
    write_atomically,
)
from bot.documents.protocol_docx import protocol_filename, render_protocol
from bot.services.edms import protocol_title
from tests.support.protocol_content import make_content

NS = {"c": "urn:wg-bot:edms-card:1"}


def _source(docx: bytes = b"PK docx bytes", **changes: object) -> PackageSource:
    content = make_content()
    source = PackageSource(
        protocol_id=7,
        number=content.number,
        meeting_date=content.meeting_date,
        signed_on=date(2026, 12, 28),
        title=protocol_title(content),
        organisation=content.body_name,
        group=content.group_name,
        subgroup_kind=None,
        subgroup_name=None,
        signer_name=content.presiding,
        signer_role=content.presiding_role,
        addressees=("Соколова Марина Викторовна", "Орлов Денис Андреевич"),
        docx_name=protocol_filename(content.number, content.meeting_date),
        docx=docx,
    )
    return replace(source, **changes)  # type: ignore[arg-type]


def _open(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def _validate(files: dict[str, bytes]) -> tuple[dict[str, Any], etree._Element]:
    card = json.loads(files[CARD_JSON])
    jsonschema.validate(card, json.loads(JSON_SCHEMA.read_text("utf-8")))
    schema = etree.XMLSchema(etree.parse(str(XML_SCHEMA)))
    xml = etree.fromstring(files[CARD_XML])
    schema.assertValid(xml)
    return card, xml


def test_issue18_item4_card_validates_and_hashes_match_the_files() -> None:
    pdf = b"%PDF-1.7 a rendering"
    package = build_package(_source(), PdfResult(pdf))
    files = _open(package.content)
    card, xml = _validate(files)
    docx_name = "Протокол № 3-2026 от 25.12.2026.docx"
    assert sorted(files) == sorted(
        [docx_name, "Протокол № 3-2026 от 25.12.2026.pdf", CARD_JSON, CARD_XML]
    )
    assert package.file_name == "Протокол № 3-2026 от 25.12.2026 (СЭД).zip"
    for key in ("docx", "pdf"):
        entry = card["files"][key]
        content = files[entry["name"]]
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["size"] == len(content)
        # The XML says the same.
        element = xml.find(f"c:files/c:{key}", NS)
        assert element is not None
        assert element.findtext("c:sha256", namespaces=NS) == entry["sha256"]
        assert element.findtext("c:name", namespaces=NS) == entry["name"]
    # The DOCX is the very bytes given, never a new rendering.
    assert files[docx_name] == b"PK docx bytes"
    assert card["document"] == {
        "kind": "protocol",
        "kind_name": "Протокол заседания",
        "number": "3/2026",
        "date": "2026-12-25",
        "title": "Протокол заседания рабочей группы по вопросам внедрения принципов "
        "клиентоцентричности",
        "signed_on": "2026-12-28",
    }
    assert card["signed_by"] == {
        "name": "Соколова Марина Викторовна",
        "capacity": "председательствующий",
        "role": "председатель рабочей группы",
    }
    assert card["body"]["subgroup"] is None
    assert [a["name"] for a in card["addressees"]] == [
        "Соколова Марина Викторовна",
        "Орлов Денис Андреевич",
    ]
    assert card["format_version"] == "1.0"
    assert card["pdf_absent_reason"] is None
    assert xml.find("c:pdfAbsentReason", NS) is None
    assert [a.text for a in xml.findall("c:addressees/c:addressee", NS)] == [
        "Соколова Марина Викторовна",
        "Орлов Денис Андреевич",
    ]


def test_issue18_item4_package_without_pdf_says_so_and_still_validates() -> None:
    package = build_package(_source(), PdfResult(None, PdfAbsence.NOT_INSTALLED))
    files = _open(package.content)
    card, xml = _validate(files)
    assert not any(name.endswith(".pdf") for name in files)
    assert card["files"]["pdf"] is None
    reason = "PDF не сформирован: LibreOffice не установлен"
    assert card["pdf_absent_reason"] == reason
    assert xml.findtext("c:pdfAbsentReason", namespaces=NS) == reason
    assert xml.find("c:files/c:pdf", NS) is None


def test_issue18_item4_a_subgroups_protocol_names_the_subgroup() -> None:
    """Cl. 10: an expert group's protocol is the subgroup's, as its heading says."""
    content = replace(make_content(), subgroup_kind="expert_group", subgroup_name="Сервисы")
    source = _source(
        title=protocol_title(content), subgroup_kind="expert_group", subgroup_name="Сервисы"
    )
    card, xml = _validate(_open(build_package(source, PdfResult(b"%PDF")).content))
    assert card["body"]["subgroup"] == {"kind": "expert_group", "name": "Сервисы"}
    assert card["document"]["title"] == "Протокол заседания экспертной группы «Сервисы»"
    subgroup = xml.find("c:body/c:subgroup", NS)
    assert subgroup is not None
    assert subgroup.text == "Сервисы"
    assert subgroup.get("kind") == "expert_group"


def test_issue18_item4_schemas_refuse_a_wrong_hash_and_a_pdf_with_a_reason() -> None:
    """The schemas are strict enough to be worth checking against."""
    package = build_package(_source(), PdfResult(b"%PDF"))
    card = json.loads(_open(package.content)[CARD_JSON])
    schema = json.loads(JSON_SCHEMA.read_text("utf-8"))
    bad = json.loads(json.dumps(card))
    bad["files"]["docx"]["sha256"] = "XYZ"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    bad = json.loads(json.dumps(card))
    bad["pdf_absent_reason"] = "нет"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_issue18_item4_same_protocol_same_bytes() -> None:
    """A document system that sees the package twice sees the same file."""
    one = build_package(_source(), PdfResult(b"%PDF"))
    two = build_package(_source(), PdfResult(b"%PDF"))
    assert one.content == two.content


def test_issue18_item4_written_atomically_into_the_folder(tmp_path: Path) -> None:
    path = write_atomically(tmp_path, "п.zip", b"data")
    assert path.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == ["п.zip"]
    with pytest.raises(OSError):
        write_atomically(tmp_path / "missing", "п.zip", b"data")


def test_issue18_item4_soffice_named_but_missing_means_no_pdf() -> None:
    assert find_soffice("/nonexistent/soffice") is None
    result = asyncio.run(convert_to_pdf(b"x", "a.docx", soffice=None, seconds=5))
    assert result == PdfResult(None, PdfAbsence.NOT_INSTALLED)


SOFFICE = find_soffice(None)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_issue18_item4_pdf_is_libreoffices_rendering_of_the_protocol() -> None:
    """One real conversion: the signed protocol's DOCX becomes a PDF with its text."""
    content = make_content()
    docx = render_protocol(
        content,
        version_hash="ab" * 32,
        signed_by=content.presiding,
        signed_on=date(2026, 12, 28),
    )
    result = asyncio.run(convert_to_pdf(docx, "p.docx", soffice=SOFFICE, seconds=120))
    assert result.absent is None
    assert result.content is not None
    assert result.content.startswith(b"%PDF")
    package = build_package(_source(docx), result)
    files = _open(package.content)
    _validate(files)
    pdf = files["Протокол № 3-2026 от 25.12.2026.pdf"]
    assert pdf == result.content
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode("utf-8")
        assert "ПРОТОКОЛ" in text
        assert "Об опросе заявителей" in text
        assert "Соколова" in text
    else:
        assert pdf.count(b"/Type /Page") >= 1


def test_issue18_item4_settings_empty_export_dir_is_off(tmp_path: Path) -> None:
    """EDMS_EXPORT_DIR empty: no export folder; SOFFICE_PATH empty: LibreOffice on PATH; a
    timeout out of range is a start-up error naming the variable."""
    from pydantic import ValidationError

    from bot.config import Settings, describe_error

    base = {"bot_token": "123:" + "a" * 35, "_env_file": None}
    off = Settings(**base, edms_export_dir="", soffice_path="")  # type: ignore[arg-type]
    assert off.edms_export_dir is None
    assert off.soffice_path is None
    assert off.edms_convert_timeout_seconds == 60
    on = Settings(**base, edms_export_dir=str(tmp_path))  # type: ignore[arg-type]
    assert on.edms_export_dir == tmp_path
    with pytest.raises(ValidationError) as error:
        Settings(**base, edms_convert_timeout_seconds=0)  # type: ignore[arg-type]
    assert describe_error(error.value).startswith(
        "Configuration error: EDMS_CONVERT_TIMEOUT_SECONDS is invalid; expected a whole number"
    )


def _script(folder: Path, body: str) -> str:
    path = folder / "fake-soffice"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_issue18_item4_a_conversion_that_fails_or_hangs_gives_no_pdf_and_says_why(
    tmp_path: Path,
) -> None:
    """LibreOffice that fails, or never finishes, is not waited for past the timeout: the
    package is made without the PDF and its card names the reason."""
    failing = _script(tmp_path, "echo broken >&2; exit 1")
    result = asyncio.run(convert_to_pdf(b"x", "a.docx", soffice=failing, seconds=10))
    assert result == PdfResult(None, PdfAbsence.FAILED)
    hanging = _script(tmp_path, "sleep 30")
    result = asyncio.run(convert_to_pdf(b"x", "a.docx", soffice=hanging, seconds=0.5))
    assert result == PdfResult(None, PdfAbsence.TIMED_OUT)
    card = build_package(_source(), result).card
    assert card["pdf_absent_reason"] == (
        "PDF не сформирован: LibreOffice не завершил преобразование в отведённое время"
    )
