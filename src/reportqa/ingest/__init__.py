"""Reading report files of every supported format into one result, `Extracted`.

One reader per format (text.py, webpage.py, word.py, pdf.py; named so that none shadows
the `html` module or the `docx` package), each a function
`(data: bytes, name: str) -> Extracted`, chosen by the file suffix. Readers are
imported when first needed, so a corpus of .txt files never loads a PDF engine.
Every failure a user can cause is a `CorpusError` naming the file.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import CorpusError
from .base import Extracted
from .text import decode_text

__all__ = ["SUPPORTED_SUFFIXES", "Extracted", "read", "read_bytes", "decode_text"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
_READERS = {".txt": ("text", "read_text"), ".md": ("text", "read_text"), ".html": ("webpage", "read_html"),
            ".htm": ("webpage", "read_html"), ".docx": ("word", "read_docx"), ".pdf": ("pdf", "read_pdf")}


def read(path: Path) -> Extracted:
    """Read a report file, picking the reader by its suffix (case-insensitive)."""
    path = Path(path)
    _reader(path.name)  # an unsupported suffix is reported before the file is read
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CorpusError(f"{path}: cannot read ({e.strerror})") from e
    return read_bytes(data, str(path))


def read_bytes(data: bytes, name: str) -> Extracted:
    """Read report bytes (an upload, a test file); `name`'s suffix picks the reader."""
    reader = _reader(name)
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty")
    return reader(data, name)


def _reader(name: str):
    suffix = Path(name).suffix.lower()
    if suffix not in _READERS:
        raise CorpusError(f"{name}: unsupported file type {suffix or '(no suffix)'}; "
                          f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    module, func = _READERS[suffix]
    return getattr(importlib.import_module(f".{module}", __name__), func)
