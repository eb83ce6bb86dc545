"""The one result every reader returns, and helpers the readers share.

Readers differ in how they find paragraphs; they agree on what comes out: plain
text with one paragraph per line and the title first, the offsets of the lines
the format itself marks as headings, and the metadata the format states.
Keeping this in one place is what lets `corpus.py` treat a .docx like a .txt.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..errors import CorpusError


@dataclass
class Extracted:
    """A report as plain text, whatever file format it came in."""

    text: str  # one paragraph per line ("\n"), title first; blank lines allowed
    format: str  # "text", "html", "docx", "pdf"
    headings: dict[int, int] = field(default_factory=dict)  # offset of a heading line in text -> level 1..4
    metadata: dict[str, str] = field(default_factory=dict)  # title, published (ISO date), source, …


class TextBuilder:
    """Collects lines and remembers where heading lines start, so offsets stay exact."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._size = 0
        self.headings: dict[int, int] = {}

    def add(self, line: str, level: int = 0) -> None:
        """Append one paragraph (newlines inside it become spaces); level 1..4 marks a heading."""
        line = " ".join(line.splitlines()).strip()
        if not line:
            return
        if level:
            self.headings[self._size] = min(level, 4)
        self._lines.append(line)
        self._size += len(line) + 1

    def __len__(self) -> int:
        return len(self._lines)

    def build(self, fmt: str, name: str, metadata: dict[str, str] | None = None) -> Extracted:
        if not self._lines:
            raise CorpusError(f"{name}: the file has no text")
        return Extracted(text="\n".join(self._lines) + "\n", format=fmt, headings=self.headings,
                         metadata={k: v for k, v in (metadata or {}).items() if v})


# The visible metadata line of a portal article: "发布时间：2025-01-06 来源：某县司法局".
META_LINE = re.compile(r"(发布时间|发布日期|发文日期|成文日期|信息来源|来源|发布机构)\s*[:：]")
_META_FIELD = re.compile(r"(发布时间|发布日期|发文日期|成文日期|信息来源|来源|发布机构|浏览次数|访问次数|点击数|作者|字号|【)\s*[:：]?")
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def iso_date(value: str) -> str:
    """'2025年03月28日 16:38' or '2025-3-28' -> '2025-03-28'; '' when no plausible date is there."""
    m = _DATE.search(value or "")
    if not m:
        return ""
    try:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return ""
    return d.isoformat() if 1949 <= d.year <= date.today().year + 1 else ""


def meta_from_line(line: str) -> dict[str, str]:
    """published/source from a visible metadata line; fields the line does not state are left out."""
    out: dict[str, str] = {}
    matches = list(_META_FIELD.finditer(line))
    for m, nxt in zip(matches, matches[1:] + [None]):
        value = line[m.end(): nxt.start() if nxt else len(line)].strip(" \u3000\xa0|")
        label = m.group(1)
        if label.startswith(("发布", "发文", "成文")) and iso_date(value):
            out.setdefault("published", iso_date(value))
        elif label in ("来源", "信息来源", "发布机构") and value and len(value) <= 40:
            out.setdefault("source", value)
    return out


def plausible_title(title: str | None) -> str:
    """A stated title, unless it is empty, a placeholder or absurdly long."""
    title = " ".join((title or "").split())
    if not title or len(title) > 120:
        return ""
    if re.fullmatch(r"(?i)(untitled|document\d*|文档\d*|新建.*文档.*|microsoft word.*|无标题.*|\W*)", title):
        return ""
    return title
