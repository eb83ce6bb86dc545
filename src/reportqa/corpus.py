"""Reports and their structure: reading files, header metadata and the section tree.

A Chinese government report follows a standard form: a title, a line of
publishing metadata, an addressee ending in a colon, numbered sections
(一、 > (一) > 1. > (1)), enumerated points inside paragraphs (一是…二是…),
and a signature block (issuing body, date) at the end. This module finds that
structure from the markers alone; it never names any report's headings.

Offsets: `Document.text` is the file as decoded; `Document.norm` is the same
text normalised (NFKC, one character for one character), so every offset
found in `norm` is also an offset into `text`.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError

log = logging.getLogger(__name__)

CORPUS_SUFFIXES = (".txt", ".md")
CN_DIGITS = "一二三四五六七八九十"
SENTENCE_END = "。!?;"  # after normalisation: 。！？； -> 。!?;

# Heading markers at the start of a paragraph, outermost first.
HEADING_MARKERS = [
    re.compile(r"^[一二三四五六七八九十百]+、"),
    re.compile(r"^\([一二三四五六七八九十百]+\)"),
    re.compile(r"^\d{1,2}[.、](?!\d)"),
    re.compile(r"^\(\d{1,2}\)"),
]
POINT_LEVEL = len(HEADING_MARKERS) + 1  # 一是/二是 points sit below every numbered heading
POINT_MARKER = re.compile(r"(?:^|(?<=[。!?;]))\s*([一二三四五六七八九十]{1,2})是")
CLOSING_MARKER = re.compile(r"^(总之|综上所述|综上)")
META_FIELD = re.compile(r"(发布时间|发布日期|发文时间|发文日期|成文日期|信息来源|来源|发布机构|发文机关|发文字号|文号|索引号|作者"
                        r"|浏览次数|访问次数|点击数|字号|字体)\s*:\s*")
DATE_LINE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*[\d〇零一二三四五六七八九十]{1,2}\s*月"
                       r"\s*[\d〇零一二三四五六七八九十]{1,3}\s*日$")
META_KEYS = {"发布时间": "published", "发布日期": "published", "发文时间": "published", "发文日期": "published",
             "成文日期": "signed", "来源": "source", "信息来源": "source", "发布机构": "source",
             "发文机关": "issuer", "发文字号": "doc_number", "文号": "doc_number", "索引号": "index_number",
             "作者": "author"}  # page furniture (浏览次数, 字号) is recognised and dropped
# Labels of the metadata chunk, bilingual so that English questions find it too.
META_LABELS = {"title": "标题(title)", "published": "发布时间(published on)", "source": "来源(发布单位; source, published by)",
               "addressee": "主送(addressed to)", "issuer": "落款单位(issued and signed by)",
               "signed": "落款日期(signed on, dated)", "doc_number": "发文字号(document number)",
               "index_number": "索引号(index number)", "author": "作者(author)"}


@dataclass
class Section:
    """A heading and everything under it, as offsets into the document text."""

    title: str
    level: int  # 1 = 一、 … 4 = (1), POINT_LEVEL = 一是; 0 is the document root
    start: int
    end: int = -1
    body_start: int = -1  # where the text after a heading line begins
    children: list["Section"] = field(default_factory=list)

    def walk(self, path: tuple[str, ...] = ()):
        """Yield (section, path of titles from the top level down to it)."""
        for child in self.children:
            child_path = path + (child.title,)
            yield child, child_path
            yield from child.walk(child_path)


@dataclass
class Document:
    doc_id: str
    path: str
    text: str
    norm: str
    title: str
    metadata: dict[str, str]
    root: Section
    header_end: int  # the header (title, metadata, addressee) is text[:header_end]
    signature_start: int  # the signature block is text[signature_start:]

    @property
    def sections(self) -> list[Section]:
        return self.root.children


def normalise(text: str) -> str:
    """NFKC per character, keeping length, so offsets survive normalisation."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def decode(data: bytes, name: str) -> str:
    """Decode report bytes: UTF-8 first, then GB18030 (a superset of GBK and GB2312)."""
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty")
    if b"\x00" in data:
        raise CorpusError(f"{name}: looks like a binary file, not a text report")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_chinese(text):
        log.info("%s: decoded as GB18030", name)
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and _plausible_chinese(str(best)):
        log.info("%s: decoded as %s", name, best.encoding)
        return str(best)
    raise CorpusError(f"{name}: not UTF-8, GBK or GB18030 text; save it as UTF-8 and try again")


def _plausible_chinese(text: str) -> bool:
    """A wrong legacy decoding yields stray rare characters among ASCII, or non-CJK symbols."""
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return True
    cjk = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    visible = sum(1 for c in text if not c.isspace())
    return cjk / len(wide) > 0.8 and cjk / visible > 0.2


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The report files of a corpus directory, in a stable order."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory {corpus_dir} does not exist")
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES)
    if not files:
        raise CorpusError(f"corpus directory {corpus_dir} holds no .txt or .md reports")
    return files


def load_corpus(corpus_dir: Path) -> list[Document]:
    return [load_document(p) for p in corpus_files(corpus_dir)]


def load_document(path: Path) -> Document:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CorpusError(f"{path}: cannot read ({e.strerror})") from e
    return parse_document(decode(data, str(path)), doc_id=path.stem, path=str(path))


# --- parsing ---------------------------------------------------------------

def _paragraphs(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-empty lines of norm[start:end] as (start, end) with surrounding blanks stripped."""
    out = []
    pos = start
    for line in norm[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and norm[s].isspace():
            s += 1
        while e > s and norm[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse_document(text: str, doc_id: str, path: str = "") -> Document:
    """Find the header, the signature and the section tree of a report."""
    norm = normalise(text)
    paras = _paragraphs(norm, 0, len(norm))
    if not paras:
        raise CorpusError(f"{path or doc_id}: the file has no text")
    metadata: dict[str, str] = {"title": _compact(norm[paras[0][0]:paras[0][1]])}
    body_from = 1

    # Header: metadata lines and repeated title lines, up to the addressee line ("县委、县政府:").
    for i, (s, e) in enumerate(paras[1:12], start=1):
        line = norm[s:e]
        if META_FIELD.search(line):
            _read_meta_line(line, metadata)
            body_from = i + 1
        elif line.endswith(":") and len(line) <= 40 and not any(c in line for c in "。,;"):
            metadata["addressee"] = line[:-1].strip()
            body_from = i + 1
            break
        elif len(line) <= 40 and not any(c in line for c in "。,;:") and not heading_level(line):
            continue  # repeated title or issuing body above the addressee
        else:
            break

    # Signature: a date line at the end, the issuing body on the line above it.
    body_to = len(paras)
    if len(paras) > body_from and DATE_LINE.match(_compact(norm[paras[-1][0]:paras[-1][1]])):
        metadata.setdefault("signed", _compact(norm[paras[-1][0]:paras[-1][1]]))
        body_to -= 1
        s, e = paras[body_to - 1]
        line = norm[s:e]
        if body_to - 1 > body_from and len(line) <= 40 and not any(c in line for c in "。,;:"):
            metadata.setdefault("issuer", _compact(line))
            body_to -= 1
    header_end = paras[body_from - 1][1] if body_from > 0 else 0
    signature_start = paras[body_to][0] if body_to < len(paras) else len(text)
    body = paras[body_from:body_to]
    root = _section_tree(norm, body, metadata["title"])
    return Document(doc_id=doc_id, path=path, text=text, norm=norm, title=metadata["title"],
                    metadata=metadata, root=root, header_end=header_end, signature_start=signature_start)


def _read_meta_line(line: str, metadata: dict[str, str]) -> None:
    matches = list(META_FIELD.finditer(line))
    for m, nxt in zip(matches, matches[1:] + [None]):
        value = line[m.end(): nxt.start() if nxt else len(line)].strip()
        key = META_KEYS.get(m.group(1))
        if key and value:
            metadata.setdefault(key, value)


def heading_level(line: str) -> int:
    for level, pattern in enumerate(HEADING_MARKERS, start=1):
        if pattern.match(line):
            return level
    return 0


def _title_of(norm: str, start: int, end: int, limit: int = 40) -> tuple[str, bool]:
    """A heading's title and whether it fills the whole line (a heading line)."""
    line = norm[start:end]
    cut = next((i for i, c in enumerate(line) if c in SENTENCE_END), None)
    if cut is None or cut == len(line) - 1 and len(line) <= 80:
        return _compact(line.rstrip(SENTENCE_END)), True
    title = _compact(line[:cut])
    return (title if len(title) <= limit else title[:limit] + "…"), False


def _ordinal(cn: str) -> int:
    if cn == "十":
        return 10
    if cn.startswith("十"):
        return 10 + CN_DIGITS.index(cn[1]) + 1
    return CN_DIGITS.index(cn[0]) + 1 if len(cn) == 1 else -1


def _section_tree(norm: str, paras: list[tuple[int, int]], title: str) -> Section:
    root = Section(title=title, level=0, start=paras[0][0] if paras else 0)
    stack = [root]
    last_point: dict[int, int] = {}  # id(parent section) -> ordinal of its last 一是/二是 point
    seen_heading = False

    def close(level: int, at: int) -> None:
        while len(stack) > 1 and stack[-1].level >= level:
            sec = stack.pop()
            sec.end = _rstrip_to(norm, sec.start, at)

    def open_(sec: Section) -> None:
        stack[-1].children.append(sec)
        stack.append(sec)

    for s, e in paras:
        line = norm[s:e]
        level = heading_level(line)
        if level:
            seen_heading = True
            close(level, s)
            head, whole_line = _title_of(norm, s, e)
            open_(Section(title=head, level=level, start=s, body_start=e if whole_line else s))
            if whole_line:
                continue
        elif CLOSING_MARKER.match(line) and seen_heading:
            close(1, s)
        if len(stack) == 1:  # text outside every heading: a preface or a closing paragraph
            open_(Section(title="结语" if seen_heading else "前言", level=1, start=s, body_start=s))
        parent = next(sec for sec in reversed(stack) if sec.level < POINT_LEVEL)
        for m in POINT_MARKER.finditer(line):  # on the paragraph alone, so ^ is its start
            n = _ordinal(m.group(1))
            if n != last_point.get(id(parent), 0) + 1:
                continue  # out of sequence: ordinary text, not a point
            last_point[id(parent)] = n
            p = s + m.start(1)
            close(POINT_LEVEL, p)
            head, _ = _title_of(norm, p, e)
            open_(Section(title=head, level=POINT_LEVEL, start=p, body_start=p))
    close(1, paras[-1][1] if paras else 0)
    root.end = paras[-1][1] if paras else 0
    return root


def _rstrip_to(norm: str, start: int, at: int) -> int:
    while at > start and norm[at - 1].isspace():
        at -= 1
    return at


MARKER = re.compile(r"^(?:[一二三四五六七八九十百]+、|\([一二三四五六七八九十百]+\)|\d{1,2}[.、]|\(\d{1,2}\)"
                    r"|[一二三四五六七八九十]{1,2}是)\s*")


def strip_marker(title: str) -> str:
    """A heading without its number: "(一)存在的不足" -> "存在的不足", "一是行政执法能力弱" -> "行政执法能力弱"."""
    return MARKER.sub("", title)


def metadata_text(metadata: dict[str, str]) -> str:
    """The header metadata as labelled lines, so 'who published this and when' has a passage."""
    return "\n".join(f"{META_LABELS.get(k, k)}:{v}" for k, v in metadata.items() if v)
