"""PDF reports with a text layer, read with pdfplumber (pdfminer.six) from character positions.

Why pdfplumber and not pypdfium2, measured on a 2-page reportlab report (share of its characters
recovered): with a non-embedded CJK font (STSong-Light) pypdfium2 0.996, pypdf, pdfplumber and
pymupdf 1.000; the same text drawn one glyph per text object, as OFD converters and typesetting
systems write it: pypdfium2 0.077, the others 1.000; with an embedded TrueType font all 1.000.
pdfium (on a machine without a CJK system font, like ours) silently drops every single-glyph text
object of a non-embedded CJK font: a wrapped title's last character, a lone "：", whole pages.
pdfminer reads the CMaps itself. Cost: pdfplumber 30-80 ms a page against pypdfium2's 1-5 ms;
pymupdf is AGPL; pypdf has no per-character positions without a visitor of our own.

From the characters of each page: lines (by baseline, horizontal text only, so a diagonal
watermark is left out; a gap over 2 ems inside a line becomes a tab, as in table rows). A page
whose text is (cid:…) codes, U+FFFD, private-use or control characters, or Latin letters with
almost no Chinese, is an error naming the page. Page numbers ("- 3 -", "第3页", "3", "3/10") and
running headers/footers (a short line at the top or bottom of most pages) are dropped. Wrapped
lines are joined back into paragraphs, across page breaks too: a line that does not end a
sentence (。！？；：) continues into the next one when that one opens no heading or point
(一、 (一) 1. 第一部分 一是…). The layout must agree: same font size, no paragraph gap, the next
line not indented, and the line reaching the right margin (within 4 ems), or a title, a heading
or a signature line would swallow the line after it. PDFs mark no headings: `headings` is empty.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from io import BytesIO

from ..errors import CorpusError
from .base import Extracted, TextBuilder, iso_date, plausible_title

log = logging.getLogger(__name__)

SENTENCE_END = "。！？；：!?;:"
_CLOSERS = "”’」』）)】》"
NEW_POINT = re.compile(r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[)）]|\d{1,2}[.、．](?!\d)"
                       r"|[（(]\d{1,2}[)）]|第[一二三四五六七八九十百\d]+[部分章节条]|[一二三四五六七八九十]{1,2}是"
                       r"|附件|[①②③④⑤⑥⑦⑧⑨⑩])")
PAGE_NUMBER = re.compile(r"^(?:[-－—–_]*\s*\d{1,4}\s*[-－—–_]*|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
                         r"|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}"
                         r"|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?)$")
_HANZI = re.compile(r"[\u3400-\u9fff]")
_NUMBER = re.compile(r"[0-9%.,]")
_LATIN = re.compile(r"[A-Za-z0-9%.,()]")
_UNUSABLE = "the PDF may be scanned or its fonts lack a ToUnicode map"


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    size: float
    page: int


def read_pdf(data: bytes, name: str) -> Extracted:
    """The text layer of a PDF as report text, one paragraph per line."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    pages: list[list[Line]] = []
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            info = dict(pdf.metadata or {})
            for number, page in enumerate(pdf.pages, start=1):
                lines = _page_lines(page, number)
                problem = _unusable(lines)
                if problem:
                    raise CorpusError(f"{name}: page {number} has no usable text layer ({problem}); {_UNUSABLE}")
                pages.append(lines)
    except (PdfminerException, MalformedPDFException, PDFSyntaxError, PSException, ValueError, KeyError,
            TypeError, AttributeError, IndexError) as e:
        cause = e.args[0] if isinstance(e, PdfminerException) and e.args else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise CorpusError(f"{name}: the PDF is password-protected; save an unprotected copy and try again") from e
        raise CorpusError(f"{name}: not a readable PDF ({type(cause).__name__}: {cause}); "
                          "is it damaged or another kind of file?") from e
    if not pages or not any(pages):
        raise CorpusError(f"{name}: no page has a text layer ({len(pages)} pages); it is probably a scanned image: "
                          "run OCR on it or use the original .docx/.txt")
    for number, lines in enumerate(pages, start=1):
        if not lines:
            log.warning("%s: page %d has no text (an image?); it is skipped", name, number)
    _drop_furniture(pages)
    out = TextBuilder()
    for paragraph in _paragraphs([line for lines in pages for line in lines]):
        out.add(paragraph)
    return out.build("pdf", name, {"title": plausible_title(info.get("Title") if isinstance(info.get("Title"), str)
                                                             else ""), "created": _pdf_date(info.get("CreationDate"))})


def _page_lines(page, number: int) -> list[Line]:
    """Horizontal characters grouped into lines by baseline, top to bottom, left to right.

    Rotated text (a diagonal "内部资料" watermark, a stamp's ring) is not the report's text.
    """
    chars = sorted((c for c in page.dedupe_chars().chars if c["text"] and _horizontal(c)),
                   key=lambda c: (c["top"], c["x0"]))
    rows: list[list[dict]] = []
    for c in chars:
        if rows and abs(c["top"] - rows[-1][0]["top"]) <= 0.4 * max(c["size"], rows[-1][0]["size"], 1):
            rows[-1].append(c)
        else:
            rows.append([c])
    out = []
    for row in rows:
        row = sorted(row, key=lambda c: c["x0"])
        while row and not row[0]["text"].strip():
            row.pop(0)  # leading and trailing spaces would move the line's edges
        while row and not row[-1]["text"].strip():
            row.pop()
        if row:
            out.append(_line(row, number))
    return out


def _horizontal(char: dict) -> bool:
    a, b, c, d, *_ = char.get("matrix") or (1, 0, 0, 1)
    return a > 0 and d > 0 and abs(b) <= 0.05 * a and abs(c) <= 0.05 * d


def _line(row: list[dict], number: int) -> Line:
    size = Counter(round(c["size"], 1) for c in row).most_common(1)[0][0]
    parts = [row[0]["text"]]
    for prev, c in zip(row, row[1:]):
        gap = c["x0"] - prev["x1"]
        if gap > 2 * size:
            parts.append("\t")  # table columns, or a label and its value set apart
        elif gap > _word_gap(prev["text"][-1], c["text"][0]) * size:
            parts.append(" ")  # between Latin words; never inside a number or between Chinese characters
        parts.append(c["text"])
    return Line(re.sub(r" {2,}", " ", "".join(parts)).strip(), row[0]["x0"], row[-1]["x1"], row[0]["top"], size, number)


def _word_gap(a: str, b: str) -> float:
    """The gap (in ems) that reads as a space between two characters drawn apart."""
    if _NUMBER.match(a) and _NUMBER.match(b):
        return 0.6  # digits set one by one on a grid still form one number
    return 0.2 if _LATIN.match(a) and _LATIN.match(b) else float("inf")


def _unusable(lines: list[Line]) -> str:
    """Why a page's text cannot be the report's text, or '' when it can."""
    text = "".join(line.text for line in lines)
    visible = [c for c in re.sub(r"\(cid:\d+\)", "\x00", text) if not c.isspace()]
    if not visible:
        return ""
    n = len(visible)
    cid = text.count("(cid:")
    if cid >= 3 or cid > 0.02 * n:
        return f"{cid} glyphs come out as (cid:…) codes"
    bad = {"U+FFFD replacement characters": sum(c == "\ufffd" for c in visible),
           "private-use characters": sum("\ue000" <= c <= "\uf8ff" for c in visible),
           "control characters": sum(ord(c) < 32 and c != "\x00" for c in visible)}
    for what, count in bad.items():
        if count >= 3 and count > 0.02 * n:
            return f"{count} of {n} characters are {what}"
    hanzi = len(_HANZI.findall(text))
    letters = sum(c.isalpha() for c in visible) - hanzi
    if n >= 30 and letters >= 20 and hanzi < 0.1 * letters:
        return f"{hanzi} Chinese characters among {letters} letters"
    return ""


def _drop_furniture(pages: list[list[Line]]) -> None:
    """Remove page numbers and running headers/footers: short lines at the top or bottom of most pages."""
    def edges(lines: list[Line]) -> list[Line]:
        return lines[:2] + lines[-2:] if len(lines) > 4 else list(lines)

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s", "", line.text))

    counts = Counter(k for lines in pages for k in {key(line) for line in edges(lines) if len(line.text) <= 40})
    need = max(2, len(pages) // 2 + 1)
    for lines in pages:
        drop = {id(line) for line in edges(lines)
                if PAGE_NUMBER.match(line.text.strip()) or (len(line.text) <= 40 and counts[key(line)] >= need)}
        lines[:] = [line for line in lines if id(line) not in drop]


def _paragraphs(lines: list[Line]) -> list[str]:
    """Join the lines a PDF wrapped back into paragraphs (see the module docstring)."""
    if not lines:
        return []
    body = Counter(line.size for line in lines).most_common(1)[0][0]
    lefts = sorted(line.x0 for line in lines if line.size == body) or [lines[0].x0]
    left = lefts[int(0.1 * (len(lefts) - 1))]  # percentiles: one stray line must not move a margin
    rights = sorted(line.x1 for line in lines if line.size == body and len(line.text) >= 10) or [lines[0].x1]
    right = rights[int(0.9 * (len(rights) - 1))]
    steps = sorted(b.top - a.top for a, b in zip(lines, lines[1:]) if a.page == b.page and a.size == b.size == body
                   and b.top > a.top) or [body * 1.5]
    layout = _Layout(body, left, right, max(steps[len(steps) // 5], body))  # inside a paragraph: the short steps
    out: list[str] = []
    prev: Line | None = None
    for line in lines:
        if prev is not None and layout.continues(prev, line):
            latin = _LATIN.match(prev.text[-1]) and _LATIN.match(line.text[0])
            out[-1] += (" " if latin and not prev.text.endswith("-") else "") + line.text
        else:
            out.append(line.text)
        prev = line
    return out


@dataclass
class _Layout:
    body: float  # the body text's font size
    left: float  # the text column's edges
    right: float
    pitch: float  # the usual distance from one body line to the next

    def continues(self, a: Line, b: Line) -> bool:
        """Whether line b carries on the paragraph of line a."""
        if a.text.rstrip(_CLOSERS)[-1:] in SENTENCE_END or NEW_POINT.match(b.text) or "\t" in a.text + b.text:
            return False
        gap = b.top - a.top if a.page == b.page else 0
        if abs(a.size - b.size) > 0.5 or gap > 1.4 * self.pitch * a.size / self.body:
            return False  # another size, or a paragraph gap
        if a.size > self.body * 1.15:  # a title or heading set larger than the body, wrapped
            return True
        # a reaches the right margin (a long number may push the wrap up to a few ems early) and b is not indented
        return a.x1 >= self.right - 4 * a.size and b.x0 <= self.left + 0.8 * b.size


def _pdf_date(value) -> str:
    """'D:20250106093000+08'00'' -> '2025-01-06'."""
    m = re.match(r"D?:?(\d{4})(\d{2})(\d{2})", value if isinstance(value, str) else "")
    return iso_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}") if m else ""
