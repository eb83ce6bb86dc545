"""Word reports (.docx) with python-docx: paragraphs and tables in document order.

python-docx's `Document.paragraphs` and `.tables` are two separate lists, which
would move every table to the end; so the body's XML children (w:p, w:tbl) are
walked in order instead. A table row becomes one line, cells joined by a tab
(a merged cell spanning columns is written once). Paragraphs styled "Heading 1".."Heading 4"
(or the Chinese "标题 1".."标题 4") are recorded in `headings`; the "Title" style is the
title line. Core properties title/created go into metadata when they are not placeholders.
"""
from __future__ import annotations

import re
import zipfile
from io import BytesIO

from ..errors import CorpusError
from .base import Extracted, TextBuilder, iso_date, plausible_title

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEMPLATE_CREATED = "2013-12-23T23:15:00"  # core.xml of python-docx's default template
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)


def read_docx(data: bytes, name: str) -> Extracted:
    """Body text of a .docx, one paragraph or table row per line, with heading levels."""
    import docx

    try:
        document = docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise CorpusError(f"{name}: not a readable .docx file ({e}); is it an old .doc? save it as .docx") from e
    except Exception as e:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise CorpusError(f"{name}: not a readable .docx file ({type(e).__name__}: {e})") from e
    out = TextBuilder()
    _read_blocks(document.element.body, document, out)
    props = document.core_properties
    created = iso_date(props.created.isoformat()) if props.created else ""
    if props.created and props.created.isoformat().startswith(_TEMPLATE_CREATED):
        created = ""  # python-docx's own template date, not the report's
    metadata = {"title": plausible_title(props.title), "created": created}
    return out.build("docx", name, metadata)


def _read_blocks(parent, document, out: TextBuilder) -> None:
    """w:p and w:tbl children in order; content controls (w:sdt) are opened, a table of contents is skipped."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            level = _heading_level(paragraph)
            for line in paragraph.text.split("\n"):  # a manual line break (w:br) starts a new line
                out.add(line, level)
                level = 0 if line.strip() else level
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = _unique_cells(row)
                if any(cells):
                    out.add("\t".join(" ".join(c.split()) for c in cells))
        elif tag == "sdt" and "Table of Contents" not in _gallery(child):
            for content in child.iterchildren(_W + "sdtContent"):
                _read_blocks(content, document, out)


def _gallery(sdt) -> str:
    found = sdt.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return found.get(_W + "val", "") if found is not None else ""


def _heading_level(paragraph) -> int:
    style = paragraph.style
    while style is not None:  # a custom style based on "Heading 2" is a heading too
        m = _HEADING_STYLE.match((style.name or "").strip())
        if m:
            level = int(m.group(1))
            return level if level <= 4 else 0
        style = style.base_style
    return 0


def _unique_cells(row) -> list[str]:
    """Cell texts of a row; python-docx repeats a horizontally merged cell once per grid column."""
    out, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        out.append(cell.text)
    return out
