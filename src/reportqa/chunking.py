"""Chunks follow the section tree: one chunk per point or section body.

Every chunk keeps the headings above it (`section_path`) and its character
offsets into the original file, so a citation can name its section and the
UI can highlight the exact passage. A section over the size budget is split
with langchain's recursive splitter at Chinese sentence ends; each piece
keeps the heading path. The header metadata is a chunk of its own.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .corpus import Document, metadata_text, normalise

METADATA_SECTION = "文档信息"
# After NFKC: 。！？； -> 。!?; ; a line break also ends a sentence (headings).
SENTENCE_SPLIT = re.compile(r"[^。!?;\n]*(?:[。!?;]+[”\"’)]?|\n|$)")
SEPARATORS = ["\n\n", "\n", "。", "!", "?", ";", ",", ""]


@dataclass
class Chunk:
    chunk_id: int
    doc_id: str
    title: str  # the document's title
    section_path: list[str]
    text: str  # exactly text[start:end] of the original file, except for the metadata chunk
    start: int
    end: int
    metadata: dict[str, str] = field(default_factory=dict)  # the report's header fields (metadata chunk only)
    kind: str = "text"  # "text" or "metadata"
    years: set[str] = field(default_factory=set)  # the years it speaks of (periods.passage_period)
    mode: str = ""  # "review" (what was done), "plan" (what is to be done) or "" (periods.Period)
    span: bool = False  # it speaks of a term of several years (过去五年, 十三五时期)

    @property
    def section(self) -> str:
        return " › ".join(self.section_path)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Sentence:
    """A sentence of a chunk, the unit answers are extracted from."""

    chunk_id: int
    start: int  # offsets into the chunk's document text
    end: int
    text: str


def chunk_document(doc: Document, chunk_size: int, first_id: int = 0) -> list[Chunk]:
    """The metadata chunk, then one chunk per section body, split to fit chunk_size."""
    chunks = [Chunk(first_id, doc.doc_id, doc.title, [METADATA_SECTION], header_and_signature(doc),
                    0, doc.header_end, dict(doc.metadata), kind="metadata")]
    for sec, path in doc.root.walk():
        own_end = sec.children[0].start if sec.children else sec.end
        if sec.children and not doc.norm[sec.body_start:own_end].strip():
            continue  # a heading line alone: its children carry it in their section_path
        pieces = _pieces(doc.norm, sec.body_start, own_end, chunk_size - (sec.body_start - sec.start))
        pieces[0] = (sec.start, pieces[0][1])  # the first piece opens with the heading line
        for start, end in pieces:
            chunks.append(Chunk(first_id + len(chunks), doc.doc_id, doc.title, list(path),
                                doc.text[start:end], start, end))
    return chunks


def header_and_signature(doc: Document) -> str:
    """The metadata passage as the report prints it: its header, then its signature. Metadata the file
    format gave but the text lacks (a portal page's date) follows, labelled. The labelled, bilingual
    form of every field (`metadata_text`) is what is searched."""
    parts = [p for p in (doc.text[:doc.header_end].strip(), doc.text[doc.signature_start:].strip()) if p]
    shown = re.sub(r"\s+", "", normalise("".join(parts)))
    extra = {k: v for k, v in doc.metadata.items()
             if k != "title" and re.sub(r"\s+", "", normalise(v)) not in shown}
    return "\n".join(parts + ([metadata_text(extra)] if extra else []))


def search_text(chunk: Chunk) -> str:
    """What is embedded and tokenised for a chunk: its headings, then its text (for the metadata
    passage, its fields labelled in Chinese and English, so "who published this" finds it)."""
    body = metadata_text(chunk.metadata) if chunk.kind == "metadata" else chunk.text
    return " › ".join(chunk.section_path) + "\n" + body


def _pieces(norm: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Offsets of the pieces of norm[start:end], split only when over the budget."""
    while start < end and norm[start].isspace():
        start += 1
    span = norm[start:end]
    if len(span) <= size:
        return [(start, end)]
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # only builds split; asking never does

    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=0, separators=SEPARATORS,
                                              keep_separator="end", strip_whitespace=True)
    pieces, cursor = [], start
    for piece in splitter.split_text(span):
        at = norm.find(piece, cursor, end)
        if at < 0:  # the splitter never rewrites text; this is a safety net
            continue
        pieces.append((at, at + len(piece)))
        cursor = at + len(piece)
    return pieces or [(start, end)]


def split_sentences(chunk: Chunk) -> list[Sentence]:
    """Sentences of a chunk, with offsets into its report; for the metadata chunk, its labelled fields.
    Computed from the chunk alone, so the index stores a passage's sentence vectors, not its sentences."""
    if chunk.kind == "metadata":  # its labelled fields, but the title: it names the report, it answers nothing
        fields = {k: v for k, v in chunk.metadata.items() if k != "title"}
        return [Sentence(chunk.chunk_id, -1, -1, line) for line in metadata_text(fields).split("\n") if line]
    norm = normalise(chunk.text)  # one character for one: offsets hold in the original text too
    out = []
    for m in SENTENCE_SPLIT.finditer(norm):
        s, e = m.start(), m.end()
        while s < e and norm[s].isspace():
            s += 1
        while e > s and norm[e - 1].isspace():
            e -= 1
        if e - s >= 2:
            out.append(Sentence(chunk.chunk_id, chunk.start + s, chunk.start + e, chunk.text[s:e]))
    return out
