"""Which of an answer's citations support it, and the answer as plain text with those sources.

An answer marks what it quotes with [n], n counting its citations from 1. The marked
citations support the answer; the others are merely the nearest passages (all of them,
when the report does not say). Pages show the supporting ones first (at most
`SHOWN`, the quoted one first) and keep the rest behind a "more sources" expander; the
OpenAI-compatible API lists the supporting ones under the answer text.
"""
from __future__ import annotations

import re
from urllib.parse import quote

SHOWN = 3  # sources open under an answer; the others wait behind "more sources"
MARK = re.compile(r"\[(\d{1,2})\]")
SOURCES_LABEL = {"zh": "来源：", "en": "Sources:"}


def marked(d: dict) -> set[int]:
    """The citation numbers (1-based) the answer text marks."""
    count = len(d.get("citations") or [])
    return {int(n) for n in MARK.findall(str(d.get("answer", ""))) if 1 <= int(n) <= count}


def split_sources(d: dict) -> tuple[list[tuple[int, dict]], list[tuple[int, dict]]]:
    """(shown, more): (number, citation) pairs. Shown: the supporting citations, quoted ones
    first, at most SHOWN; more: every other citation, in order. A declined answer shows none."""
    cites = list(enumerate(d.get("citations") or [], start=1))
    marks = marked(d) if d.get("found") else set()
    support = sorted((p for p in cites if p[0] in marks), key=lambda p: (not p[1].get("quote"), p[0]))
    shown = support[:SHOWN]
    numbers = {n for n, _ in shown}
    return shown, [p for p in cites if p[0] not in numbers]


def where(place, year) -> str:
    """'小河镇 2024年': which report a passage comes from."""
    return " ".join(p for p in (str(place or ""), f"{year}年" if year else "") if p)


def origin(c: dict) -> str:
    return where(c.get("place"), c.get("year"))


def section_label(c: dict) -> str:
    return " › ".join(c.get("section_path") or [c.get("section") or ""])


def report_href(doc_id: str, start: int, end: int, quote_start: int = -1, quote_end: int = -1) -> str:
    """The report page at a passage, plus a quoted sentence when there is one."""
    link = f"/report/{quote(str(doc_id), safe='')}#{int(start)}-{int(end)}"
    if quote_start >= 0:
        link += f",{int(quote_start)}-{int(quote_end)}"
    return link


def citation_link(c: dict) -> str:
    """The report page at the passage, plus the quoted sentence when there is one."""
    quoted = bool(c.get("quote")) and int(c.get("quote_start", -1)) >= 0
    return report_href(c.get("doc"), c.get("start", 0), c.get("end", 0),
                       int(c["quote_start"]) if quoted else -1, int(c.get("quote_end", -1)) if quoted else -1)


def plain_text(d: dict, base_url: str = "") -> str:
    """The answer, then one line per supporting source ("- [1] 小河镇 2024年 · section — link"),
    as a Markdown list so chat clients keep the lines apart. Links are absolute when base_url is set."""
    text = str(d.get("answer", ""))
    support = [(n, c) for n, c in enumerate(d.get("citations") or [], start=1) if n in marked(d)] if d.get("found") else []
    if not support:
        return text
    lines = [text, "", SOURCES_LABEL.get(d.get("lang"), SOURCES_LABEL["en"])]
    for n, c in support:
        where = " · ".join(p for p in (origin(c), section_label(c)) if p)
        lines.append(f"- [{n}] {where} — {base_url.rstrip('/')}{citation_link(c)}")
    return "\n".join(lines)
