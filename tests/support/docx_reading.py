"""Reading a generated DOCX back as a person reads it: the body's text in order."""

from __future__ import annotations

import io

import docx
from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph


def open_docx(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


def blocks(doc: DocxDocument) -> list[str]:
    """Body text in reading order; a table row reads as its cells joined by ' | '."""
    out: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out += [" | ".join(cell.text for cell in row.cells) for row in block.rows]
    return out
