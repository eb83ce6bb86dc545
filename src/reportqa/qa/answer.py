"""What a question gets back: the answer text, whether the reports answer it, and its citations."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Citation:
    doc: str
    title: str
    place: str  # the report's place and year (corpus.DocMeta)
    year: int | None
    section: str  # the heading path joined with " › "
    section_path: list[str]
    text: str  # the whole passage
    start: int  # offsets of the passage in the original file
    end: int
    score: float
    quote: str = ""  # the sentence the answer quotes, when it comes from this passage
    quote_start: int = -1
    quote_end: int = -1
    link: str = ""


@dataclass
class Answer:
    question: str
    found: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)
    lang: str = "zh"
    qtype: str = "fact"
    latency_ms: float = 0.0
    id: object = None
    # Places to choose from when a question naming no place is answered differently by several
    # ({"place": "松林乡", "label": "松林乡2024年"}); empty otherwise.
    choices: list[dict] = field(default_factory=list)
    why: list[tuple[str, float]] = field(default_factory=list)  # the features that decided, for debugging

    def to_dict(self) -> dict:
        """The scorer's schema, plus the fields the web page uses."""
        return {"id": self.id, "question": self.question, "found": self.found, "answer": self.answer,
                "lang": self.lang, "qtype": self.qtype, "latency_ms": round(self.latency_ms, 3),
                "citations": [asdict(c) for c in self.citations], "choices": list(self.choices)}
