"""Plain-text reports (.txt, .md): byte decoding and encoding detection, done once, here.

Order of trust: a byte-order mark (UTF-8, UTF-16, UTF-32) > UTF-16 without a BOM,
recognised by NULs falling on one byte parity > strict UTF-8 > GB18030 (a superset
of GBK and GB2312) when the result reads as Chinese > charset-normalizer's guess
when that reads as Chinese. Legacy decodings almost never fail outright, so a
decoding is only accepted when it looks like Chinese (`plausible_chinese`).

The text is kept as decoded except that CRLF and lone CR line ends become "\n" and a line
broken where a web copy had a link is mended: a line holding only zero-width characters ("74.4" /
U+200B / "万亿元，增长6.7%"), or a line ending in "——" or an opening quote, is joined to the next
(`mend_links`); so is a subscript set on a line of its own ("M" / "2" / "增长11.3%").
`Extracted.text` offsets are offsets into that text, which the index keeps and shows.
"""
from __future__ import annotations

import codecs
import logging
import re

from ..errors import CorpusError
from .base import Extracted

log = logging.getLogger(__name__)

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: FF FE 00 00
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def read_text(data: bytes, name: str) -> Extracted:
    """A .txt/.md report: the decoded text, no headings (the markers are in the text itself)."""
    return Extracted(text=decode_text(data, name), format="text")


def decode_text(data: bytes, name: str) -> str:
    """Decode report bytes, or raise CorpusError saying what is wrong with the file."""
    if not data.strip(b" \t\r\n\x00"):
        raise CorpusError(f"{name}: the file is empty")
    text = _decode(data, name)
    if not text.strip(" \t\r\n\ufeff\u3000"):
        raise CorpusError(f"{name}: the file is empty")
    if _binary(text):
        raise CorpusError(f"{name}: looks like a binary file, not a text report")
    return mend_links(text.replace("\r\n", "\n").replace("\r", "\n"))


ZERO_WIDTH_LINE = re.compile(r"\n[ \t]*[\u200b\u200c\u200d\u2060\ufeff][\u200b\u200c\u200d\u2060\ufeff \t]*\n")
OPEN_END = re.compile(r"(——|[“‘《(（])[ \t]*\n(?=\S)")


SUBSCRIPT_LINE = re.compile(r"(?<=[A-Za-z])\n(\d{1,2}(?:\.\d)?)\n(?=[^\s\d])")


def mend_links(text: str) -> str:
    """Join the lines a copied web page broke at its links (see the module docstring) and at a
    subscript ("广义货币M" / "2" / "增长11.3%": M₂, PM₂.₅, CO₂ set below the line)."""
    text = ZERO_WIDTH_LINE.sub("", text)
    text = SUBSCRIPT_LINE.sub(r"\1", text)
    return OPEN_END.sub(r"\1", text)


def _decode(data: bytes, name: str) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as e:
                raise CorpusError(f"{name}: starts with a {codec.upper()} byte-order mark but is not valid "
                                  f"{codec.upper()} (byte {e.start}); save it as UTF-8 and try again") from e
    utf16 = _utf16_by_nuls(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            text = None
        if text is not None and plausible_chinese(text):
            log.info("%s: decoded as %s (no byte-order mark)", name, utf16)
            return text
    if b"\x00" in data:
        raise CorpusError(f"{name}: looks like a binary file, not a text report")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and plausible_chinese(text):
        log.info("%s: decoded as GB18030", name)
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and plausible_chinese(str(best)):
        log.info("%s: decoded as %s", name, best.encoding)
        return str(best)
    raise CorpusError(f"{name}: not UTF-8, UTF-16, GBK or GB18030 text; save it as UTF-8 and try again")


def _utf16_by_nuls(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII characters (digits, newlines) put NULs on one parity only."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if even + odd < max(2, len(data) // 100):
        return None
    if odd >= 10 * max(even, 1) or (even == 0 and odd):
        return "utf-16-le"
    if even >= 10 * max(odd, 1) or (odd == 0 and even):
        return "utf-16-be"
    return None


def _binary(text: str) -> bool:
    """Control characters other than tab/newline/form feed do not occur in a report."""
    bad = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\t\n\r\f")
    return bad > max(2, len(text[:20000]) // 1000)


_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")


def plausible_chinese(text: str) -> bool:
    """A wrong legacy decoding yields stray rare characters among ASCII, or non-CJK symbols.

    Counts the ideographs outside the BMP's main block too (extension A, B…): GB18030 is
    used precisely for those, in names of people and places.
    """
    wide = [c for c in text if ord(c) > 127 and c != "\ufeff"]
    if not wide:
        return True
    cjk = sum(1 for c in wide if _CJK.match(c))
    visible = sum(1 for c in text if not c.isspace())
    return cjk / len(wide) > 0.8 and cjk / visible > 0.2
