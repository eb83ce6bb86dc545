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

import json
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import CorpusError
from .ingest import SUPPORTED_SUFFIXES, read as read_file

log = logging.getLogger(__name__)

CORPUS_SUFFIXES = SUPPORTED_SUFFIXES  # .txt .md .html .htm .docx .pdf: one reader each, in ingest/
SIDECAR = ".meta.json"  # report.pdf + report.meta.json: metadata set by hand
CN_DIGITS = "一二三四五六七八九十"
SENTENCE_END = "。!?;"  # after normalisation: 。！？； -> 。!?;

# Heading markers at the start of a paragraph, outermost first.
HEADING_MARKERS = [
    re.compile(r"^第[一二三四五六七八九十]+(?:部分|篇|章)"),
    re.compile(r"^[一二三四五六七八九十百]+、"),
    re.compile(r"^\([一二三四五六七八九十百]+\)"),
    re.compile(r"^\d{1,2}[.、](?!\d)"),
    re.compile(r"^\(\d{1,2}\)"),
]
# A heading a copy left unnumbered, known by what it announces: "2024年工作回顾", "2025年工作安排" (level 2, as 一、).
PERIOD_HEADING = re.compile(r"^[^，,。；;：:！？!?、]{0,6}(?:(?:19|20)\d{2}年|过去[一五]年|今年|十[一二三四五]五)"
                            r"[^，,。；;：:！？!?、]{0,10}(?:工作回顾|回顾|工作安排|主要任务|重点任务|重点工作|总体要求|目标任务)$")
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
               "index_number": "索引号(index number)", "author": "作者(author)",
               "subtitle": "副标题(subtitle, occasion)", "byline": "署名(delivered by, presented by, author)",
               "place": "地区(place)", "year": "年度(year covered)", "kind": "类别(kind of report)"}


@dataclass
class Section:
    """A heading and everything under it, as offsets into the document text."""

    title: str
    level: int  # 1 = 第一部分, 2 = 一、 … 5 = (1), POINT_LEVEL = 一是; 0 is the document root
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
    meta: "DocMeta" = None  # place, year, kind …: computed once, by describe()
    headings: dict[int, int] = field(default_factory=dict)  # offsets the file format marks as headings -> level

    def __post_init__(self) -> None:
        if self.meta is None:
            self.meta = describe(self)

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


def corpus_files(corpus_dir: Path, allow_empty: bool = False) -> list[Path]:
    """The report files of a corpus directory, in a stable order; a report's id is its file name
    without extension, so two files with one name (a.pdf, a.docx) are refused."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory {corpus_dir} does not exist")
    files = sorted(p for p in corpus_dir.iterdir() if is_report_file(p))
    if not files and not allow_empty:
        raise CorpusError(f"corpus directory {corpus_dir} holds no reports ({', '.join(CORPUS_SUFFIXES)})")
    seen: dict[str, Path] = {}
    for p in files:
        if p.stem in seen:
            raise CorpusError(f"{seen[p.stem].name} and {p.name} would both be report '{p.stem}'; rename one")
        seen[p.stem] = p
    return files


def is_report_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in CORPUS_SUFFIXES and not path.name.startswith(".")


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR)


def read_sidecar(path: Path) -> dict:
    """The DocMeta fields a report's NAME.meta.json sets ({} when there is none)."""
    side = sidecar_of(path)
    if not side.is_file():
        return {}
    try:
        values = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CorpusError(f"{side}: not a JSON object of metadata ({e})") from e
    if not isinstance(values, dict):
        raise CorpusError(f"{side}: not a JSON object of metadata")
    unknown = set(values) - set(DocMeta.FIELDS)
    if unknown:
        raise CorpusError(f"{side}: unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(DocMeta.FIELDS)}")
    if values.get("year") not in (None, "") and not str(values["year"]).isdigit():
        raise CorpusError(f"{side}: year must be a number like 2024")
    return values


def load_corpus(corpus_dir: Path) -> list[Document]:
    return [load_document(p) for p in corpus_files(corpus_dir)]


def load_document(path: Path) -> Document:
    """Read a report file of any supported format, with its sidecar's metadata."""
    extracted = read_file(path)
    return parse_document(extracted.text, doc_id=path.stem, path=str(path), headings=extracted.headings,
                          overrides=read_sidecar(path), known=extracted.metadata)


# --- parsing ---------------------------------------------------------------

def paragraphs(norm: str, start: int, end: int) -> list[tuple[int, int]]:
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
    """A header line as one value: no spaces, and none of the zero-width characters web copies carry."""
    return re.sub(r"[\s\u200b-\u200d\u2060\ufeff]+", "", text)


# A speech's dateline, with or without its speaker, as real copies write it: "——2025年1月14日在吉林省第十四届人民
# 代表大会第四次会议上", "2025年1月14日在浙江省…会议上浙江省代省长刘捷作政府工作报告", "----2025年1月15日龚正市长在
# 上海市…会议的政府工作报告", "…会议上北京市市长 殷勇同志作政府工作报告。"
DATELINE_LINE = re.compile(r"^[—―\-－─]*((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)(.{0,20}?)(在[^。]{2,60}?会议)(?:上|的)?(.{0,40})$")
DASHES = ("—", "―", "-", "－", "─")  # how copies lead a dateline: em dash, horizontal bar, hyphen …
SPEAKER_END = re.compile(r"(?:同志)?(?:作|所作)?(?:的)?(?:政府)?(?:工作)?(?:报告)?[。.]?$")


CHROME = re.compile(r"首页|位置|>|\|")  # a portal's navigation, not a report's title
DATED = re.compile(r"^[—―\-－─]*(?:19|20)\d{2}年\d{1,2}月")  # a dateline, not a title


def _title_like(line: str) -> bool:
    """A short line of words, no sentence, no page navigation, no dateline: what a title looks like."""
    compact = _compact(line)
    return (2 <= len(compact) <= 60 and len(re.findall(r"[\u4e00-\u9fff]", compact)) >= 2 and not heading_level(line)
            and not re.search(r"[，,。；;？?！!:：]", compact) and not CHROME.search(compact) and not DATED.match(compact))
OFFICE_START = re.compile(r"^(?:代|副|常务副)?(?:总理|省长|市长|县长|区长|镇长|乡长|主席|州长|旗长|盟长)")
OFFICE_END = re.compile(r"(?:总理|省长|市长|县长|区长|镇长|乡长|主席|州长|旗长)$")


def _dateline(line: str) -> dict[str, str]:
    """The subtitle (date and occasion) and the byline (who spoke) of a speech's dateline line, or {}."""
    m = DATELINE_LINE.match(_compact(line))
    if not m:
        return {}
    out = {"subtitle": f"{m.group(1)}{m.group(3)}上"}
    speaker = SPEAKER_END.sub("", m.group(2) or m.group(4) or "")
    if 2 <= len(speaker) <= 20:
        out["byline"] = speaker
    return out


def parse_document(text: str, doc_id: str, path: str = "", headings: dict[int, int] | None = None,
                   overrides: dict | None = None, known: dict | None = None) -> Document:
    """Find the header, the signature and the section tree of a report.

    headings: line offsets the file format marks as headings (Word styles, <h2>) -> level,
    used where a line has no numbering marker. overrides: DocMeta fields set by hand.
    known: metadata the file format states (an HTML page's publication date), used where
    the text itself says nothing."""
    norm = normalise(text)
    paras = paragraphs(norm, 0, len(norm))
    if not paras:
        raise CorpusError(f"{path or doc_id}: the file has no text")
    # The title: the first line that names a kind of report and reads like a title, else the first that reads
    # like one (a web copy may put its page's chrome first: "加入收藏|会员中心", "您的位置:首页>…").
    heads = [norm[s:e] for s, e in paras[:12]]
    ends = {i + 1 for i, line in enumerate(heads[:-1]) if DATED.match(_compact(line)) and not _dateline(line)
            and _dateline(line + heads[i + 1])}  # the second line of a dateline broken in two is no title
    fits = [_title_like(line) and i not in ends for i, line in enumerate(heads)]
    first = next((i for i, line in enumerate(heads) if fits[i] and any(p.search(line) for _, p in KINDS)), None)
    if first is None:
        first = next((i for i in range(len(heads)) if fits[i]), 0)
    metadata: dict[str, str] = {"title": _compact(heads[first])}
    body_from = first + 1
    for i, line in enumerate(heads[:first]):  # above the title: a dateline, who issued it ("阿城区机关后勤服务中心")
        said = _dateline(line) or (_dateline(line + heads[i + 1]) if i + 1 in ends else {})
        for key, value in said.items():
            metadata.setdefault(key, value)
        if not said and fits[i] and place_chain(line)[0]:
            metadata.setdefault("source", _compact(line))

    # Header: metadata lines and repeated title lines, up to the addressee line ("县委、县政府:").
    joined = -1  # a dateline's second line, read with its first
    for i, (s, e) in enumerate(paras[first + 1:12], start=first + 1):
        if i == joined:
            continue
        line = norm[s:e]
        dateline = _dateline(line)
        if not dateline and i + 1 < len(paras) and "会议" not in line:
            # "——2023年1月12日在广东省第十四届" / "人民代表大会第一次会议上": one dateline on two lines
            dateline = _dateline(line + norm[paras[i + 1][0]:paras[i + 1][1]])
            joined = i + 1 if dateline else -1
        if dateline:
            for key, value in dateline.items():
                metadata.setdefault(key, value)
            body_from = max(i, joined) + 1  # past its second line too, when it had one
        elif META_FIELD.search(line):
            _read_meta_line(line, metadata)
            body_from = i + 1
        elif line.endswith(":") and len(line) <= 40 and not any(c in line for c in "。,;"):
            metadata["addressee"] = line[:-1].strip()
            body_from = i + 1
            break
        elif len(line) <= 40 and not any(c in line for c in "。,;:") and not heading_level(line):
            # A repeated title, the issuing body, a subtitle ("——2025年1月8日在…会议上") or a byline
            # ("县人民政府县长 贺立川"): the first two repeat what is known, the others are kept.
            compact = _compact(line)
            if compact and compact != metadata["title"] and compact not in metadata["title"]:
                key = "subtitle" if compact.startswith(DASHES) else "byline"
                if key == "byline" and OFFICE_END.search(metadata.get("byline", "")) and len(compact) <= 5:
                    metadata["byline"] += compact  # "国务院总理" on one line, "李克强" on the next
                metadata.setdefault(key, compact.lstrip("".join(DASHES)))
            continue
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
    for key in ("published", "source"):
        if (known or {}).get(key):
            metadata.setdefault(key, known[key])
    if "subtitle" not in metadata:  # "现在，我代表国务院，向第十届全国人民代表大会第一次会议报告…": the occasion
        opening = norm[paras[body_from][0]:paras[min(body_from + 2, len(paras) - 1)][1]] if body_from < len(paras) else ""
        m = SESSION.search(opening)
        if m:
            occasion = m.group(0)
            cut = max(occasion.rfind(c, 0, occasion.find("第")) for c in "在向于对")  # "…11月25日在桂阳县第十七届…"
            metadata["subtitle"] = f"在{occasion[cut + 1:]}上"
    root = _section_tree(norm, body, metadata["title"], headings or {})
    doc = Document(doc_id=doc_id, path=path, text=text, norm=norm, title=metadata["title"],
                   metadata=metadata, root=root, header_end=header_end, signature_start=signature_start,
                   headings=dict(headings or {}))
    if overrides:
        doc.meta = doc.meta.updated(overrides)
    return doc


def _read_meta_line(line: str, metadata: dict[str, str]) -> None:
    matches = list(META_FIELD.finditer(line))
    for m, nxt in zip(matches, matches[1:] + [None]):
        value = line[m.end(): nxt.start() if nxt else len(line)].strip()
        key = META_KEYS.get(m.group(1))
        if key and value:
            metadata.setdefault(key, value)


SESSION = re.compile(r"[\u4e00-\u9fff]{0,12}?第[一二三四五六七八九十]+届[\u4e00-\u9fff]{0,12}?人民代表大会(?:常务委员会)?第[一二三四五六七八九十]+次(?:全体)?会议")
TABLE_ROW = re.compile(r"\S\t+\S|\S *[|｜] *\S")  # cells set apart by tabs or bars, as every reader writes rows


def heading_level(line: str) -> int:
    """1 for 一、, 2 for (一) … ; 0 for a line that is no heading, table rows included."""
    if TABLE_ROW.search(line):
        return 0
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


def _section_tree(norm: str, paras: list[tuple[int, int]], title: str, hints: dict[int, int]) -> Section:
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
        row = bool(TABLE_ROW.search(line))  # "一、本年新收政府信息公开申请数量 | 21 | 5 …" is a table's row
        level = 0 if row else heading_level(line) or hints.get(norm.rfind("\n", 0, s) + 1, 0) or \
            (2 if len(line.strip()) <= 24 and PERIOD_HEADING.match(line.strip()) else 0)
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
            # The lowest heading level, so that the next heading of any level closes it.
            open_(Section(title="结语" if seen_heading else "前言", level=POINT_LEVEL - 1, start=s, body_start=s))
        parent = next(sec for sec in reversed(stack) if sec.level < POINT_LEVEL)
        for m in ([] if row else POINT_MARKER.finditer(line)):  # on the paragraph alone, so ^ is its start
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


MARKER = re.compile(r"^(?:第[一二三四五六七八九十]+(?:部分|篇|章)\s*|[一二三四五六七八九十百]+、|\([一二三四五六七八九十百]+\)|\d{1,2}[.、]|\(\d{1,2}\)"
                    r"|[一二三四五六七八九十]{1,2}是)\s*")


def strip_marker(title: str) -> str:
    """A heading without its number: "(一)存在的不足" -> "存在的不足", "一是行政执法能力弱" -> "行政执法能力弱"."""
    return MARKER.sub("", title)


def metadata_text(metadata: dict[str, str]) -> str:
    """The header metadata as labelled lines, so 'who published this and when' has a passage."""
    return "\n".join(f"{META_LABELS.get(k, k)}:{v}" for k, v in metadata.items() if v)


# --- document metadata -------------------------------------------------------
# Computed once per document, here and nowhere else: the place a report is about, its year,
# when and by whom it was issued, and what kind of report it is. Scoping, citations, the
# commitments view and `reportqa list` all read DocMeta.

PLACE_SUFFIXES = ("街道", "镇", "乡", "县", "区", "市", "旗", "州", "省")
LEVELS = {"街道": "街道", "镇": "镇", "乡": "乡", "县": "县", "区": "区", "市": "市", "旗": "县", "州": "市", "省": "省"}
PLACE_AT = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:街道|镇|乡|县|区|市|旗|州|省)")
# Words that end like a place but name none ("全县", "城乡", "乡镇", "自治区主席…" in a byline).
NOT_PLACES = re.compile(r"^(?:全|本|各|该|我|每|两|城|县|乡|市|区|镇|省)|(?:城乡|乡镇|县乡|市县|县区|区县)$|^自治(?:区|州|县|旗)$")
GOVERNMENT = re.compile(r"^(?:人民政府|政府|办事处|人民代表大会|人大|党委|党工委|委员会)")
DEPARTMENT = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:局|厅|委员会|办公室|中心|所|站|院|队)")
# What a title may open with before its place: a bracketed tag a portal adds ("(湖南省)", "【来凤县招商】"), 关于, a year.
TITLE_LEAD = re.compile(r"^[^\u4e00-\u9fff\d(（【\[]*(?:[(（【\[][^)）】\]]{0,12}[)）】\]])?(?:关于|中共|\d{4}\s*年度?)?")
CONGRESS_OF = re.compile(r"在([\u4e00-\u9fff]{2,12}?)第[一二三四五六七八九十]+届")  # the place whose congress heard it
NATIONAL = re.compile(r"国务院|全国人民代表大会")  # how a national report names its author or its congress
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")  # a year anywhere: in a question, a heading, a passage
YEAR_IN = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年|－|-|—)?")
ANY_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})")
# Kinds of government report, most specific first.
KINDS = [("统计公报", re.compile(r"统计公报|国民经济和社会发展")), ("政府工作报告", re.compile(r"政府工作报告")),
         ("法治政府建设报告", re.compile(r"法治政府建设|依法行政")), ("预算报告", re.compile(r"预算|决算")),
         ("工作要点", re.compile(r"要点")), ("工作计划", re.compile(r"计划|规划")),
         ("工作总结", re.compile(r"总结")), ("年度报告", re.compile(r"年度报告|年报")), ("报告", re.compile(r"报告"))]
# How a question names a kind of report, in either language (the generic 报告 names none).
KIND_ASKED = {"统计公报": re.compile(r"统计公报|公报|\bstatistic(?:al|s) (?:bulletin|communiqu)|\bbulletin\b|\bcommuniqu", re.I),
              "政府工作报告": re.compile(r"政府工作报告|\bgovernment work report\b|\bwork report\b", re.I),
              "法治政府建设报告": re.compile(r"法治政府建设|法治政府|依法行政|\brule[- ]of[- ]law\b", re.I),
              "预算报告": re.compile(r"预算报告|决算报告|\bbudget report\b", re.I),
              "工作要点": re.compile(r"工作要点|\bwork points\b", re.I),
              "工作计划": re.compile(r"工作计划|\bwork plan\b", re.I),
              "工作总结": re.compile(r"工作总结|总结|\b(?:work )?summary\b", re.I),
              "年度报告": re.compile(r"年度报告|年报|\bannual report\b", re.I)}


@dataclass(frozen=True)
class DocMeta:
    """What a report is about and who issued it; every field can be overridden per file."""

    place: str = ""  # 小河镇
    short: str = ""  # 小河: how people name it without the level
    pinyin: str = ""  # xiaohe: how English questions name it (filled at index build)
    parents: tuple[str, ...] = ()  # higher places named with it (浚县 for 浚县小河镇)
    level: str = ""  # 镇, 乡, 街道, 县, 区, 市, or 部门 for a department's report
    year: int | None = None  # the year the report is known by: its title's (a speech's, the year delivered)
    issued: str = ""  # ISO date it was published or signed
    kind: str = ""  # 法治政府建设报告, 政府工作报告, 统计公报, 工作总结 …
    issuer: str = ""  # the issuing body
    reviews: int | None = None  # the year whose results it reports (periods.report_years)
    plans: int | None = None  # the year whose targets and tasks it sets, if any

    FIELDS = ("place", "short", "pinyin", "parents", "level", "year", "issued", "kind", "issuer", "reviews", "plans")

    def updated(self, values: dict) -> "DocMeta":
        """A copy with the given fields replaced (a sidecar or command-line override); a new
        place without a short form gets one derived from it."""
        known = {k: v for k, v in values.items() if k in self.FIELDS and v not in (None, "")}
        for key in ("year", "reviews", "plans"):
            if key in known:
                known[key] = int(known[key])
        if "year" in known and "reviews" not in known and self.reviews is not None and self.year is not None:
            shift = known["year"] - self.year  # a year set by hand moves the periods with it
            known["reviews"] = self.reviews + shift
            if self.plans is not None and "plans" not in known:
                known["plans"] = self.plans + shift
        if "parents" in known:
            known["parents"] = tuple(known["parents"])
        if "place" in known and "short" not in known:
            known["short"] = short_place(known["place"])
            known.setdefault("pinyin", "")
        from dataclasses import replace as _replace
        return _replace(self, **known)

    def names(self) -> list[str]:
        """The Chinese names a question may use for this place: 广东省, 广东, 粤; 全国, 中国, 我国 …"""
        from . import places

        if self.place == places.NATIONAL:
            return list(places.NATIONAL_ZH)
        d = places.division(self.place) if self.level == "省" else None
        abbreviation = [places.abbreviation(d)] if d is not None else []
        return [n for n in dict.fromkeys((self.place, self.short)) if len(n) >= 2] + [a for a in abbreviation if a]

    @property
    def relative_years(self) -> dict[str, int]:
        """What last / this / next year mean asked of this report (periods.relative_years)."""
        from .periods import relative_years

        return relative_years(self.kind, self.reviews, self.plans)

    def label(self, lang: str = "zh") -> str:
        """'小河镇2024年' / 'Xiaohe town, 2024': how an answer names the report it comes from; a
        department's report is named by the department ('东坡县司法局2024年')."""
        from . import places

        body = self.issuer if self.level == "部门" and self.place and self.place in self.issuer else ""
        if lang == "zh":
            name = body or self.place
            return f"{name}{self.year}年" if self.year else name
        name = places.english_name(self.place, self.pinyin) if self.place else ""
        if body:
            name = f"{body} ({name})" if name else body
        return f"{name}, {self.year}" if self.year and name else name or (str(self.year) if self.year else "")

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


def short_place(place: str) -> str:
    """小河镇 -> 小河, 宁夏回族自治区 -> 宁夏; a one-character name keeps its suffix (浚县)."""
    from .places import short_name

    return short_name(place)


def place_chain(text: str) -> tuple[list[str], str]:
    """The places a name opens with, highest first ("浚县小河镇人民政府" -> [浚县, 小河镇]),
    and what follows them ("人民政府")."""
    from .places import divisions

    text = TITLE_LEAD.sub("", _compact(text))
    chain, pos = [], 0
    while not GOVERNMENT.match(text[pos:]) and not OFFICE_START.match(text[pos:]):
        # "河北省人民政府省长", "广东省代省长": the body and the office are no place
        # a division's whole name first (滁州市, not 滁州 read as a 州), else the shortest that ends like one
        known = next((text[pos:pos + n] for n in range(16, 1, -1) if text[pos:pos + n] in divisions()), None)
        m = PLACE_AT.match(text, pos)
        name = known or (m.group(0) if m else None)
        if not name or NOT_PLACES.search(name):
            break
        chain.append(name)
        pos += len(name)
    return chain, text[pos:]


def iso_date(text: str) -> str:
    m = ANY_DATE.search(text or "")
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


def describe(doc: Document) -> DocMeta:
    """Place, level, year, periods, issue date, kind and issuer from the title, header and signature."""
    from . import periods, places

    md = doc.metadata
    congress = CONGRESS_OF.search(_compact(md.get("subtitle", "")))  # "在广东省第十四届人民代表大会…"
    stem = Path(doc.path).stem if doc.path else ""  # "2023年广东省政府工作报告.txt": how its keeper named it
    chain, rest = [], ""
    for source in (doc.title, md.get("issuer", ""), md.get("byline", ""), md.get("source", ""),
                   congress.group(1) if congress else ""):
        chain, rest = place_chain(source)
        if chain:
            break
    place = chain[-1] if chain else ""
    heading = " ".join(md.get(k, "") for k in ("title", "subtitle", "byline", "issuer", "source"))
    if not place and NATIONAL.search(heading):
        place = places.NATIONAL  # 国务院政府工作报告, "在第十二届全国人民代表大会第五次会议上"
    for source in (doc.title, stem) if not place else ():
        # "2025年宁夏政府工作报告": a province or city named without its suffix; else the file's name
        named = [places.division(n) for n in places.known_mentions(TITLE_LEAD.sub("", source))]
        named = [d for d in named if d is not None]
        if named:
            place = min(named, key=lambda d: len(d.code)).name
            break
        chain, rest = place_chain(source) if source == stem else ([], "")
        if chain:
            place = chain[-1]
            break
    division = places.division(place) if place and place != places.NATIONAL else None
    level = ""
    if place == places.NATIONAL:
        level = "国家"
    elif place:
        level = "省" if division is not None and division.level == "省" else \
            next((LEVELS[s] for s in PLACE_SUFFIXES if place.endswith(s)), division.level if division else "")
    kind = next((name for source in (doc.title, stem) for name, pattern in KINDS if pattern.search(source)), "")
    if place and place != places.NATIONAL and kind != "统计公报" and not GOVERNMENT.match(rest) and DEPARTMENT.match(rest):
        level = "部门"  # 东坡县司法局: a department's report about its county (a bulletin is its place's, whoever issued it)
    delivered = periods.delivered_year(kind, doc.title, md)
    title_years = [int(y) for y in YEAR_IN.findall(doc.title)]
    issued = iso_date(md.get("published", "")) or iso_date(md.get("signed", "")) or iso_date(md.get("subtitle", ""))
    if title_years:
        year = title_years[0]
    elif delivered is not None:
        year = delivered
    else:  # a report naming no year: annual reports are issued early in the year after the one
        # they cover; otherwise the year the text speaks of most, not after its issue
        limit = int(issued[:4]) if issued else 9999
        counts: dict[int, int] = {}
        for y in YEAR_IN.findall(doc.norm):
            if int(y) <= limit:
                counts[int(y)] = counts.get(int(y), 0) + 1
        if issued and int(issued[5:7]) <= 6 and limit - 1 in counts:
            year = limit - 1
        else:
            year = max(counts, key=lambda y: (counts[y], y)) if counts else None
    has_plans = any(periods.announces_plans(s.title, year) for s in doc.root.children)
    reviews, plans = periods.report_years(kind, year, delivered, has_plans)
    issuer = md.get("issuer") or md.get("source") or ""
    if not issuer and md.get("byline"):  # "东坡县人民政府县长贺立川": the body before the office
        m = re.match(r".*?(?:人民政府|政府|国务院|办事处|委员会|局)", md["byline"])
        issuer = m.group(0) if m else ""  # "省长许昆林" is who spoke, not who issued
    if not issuer and place == places.NATIONAL:
        issuer = "国务院"
    elif not issuer and place and kind in periods.SPEECH_KINDS:
        issuer = f"{place}人民政府"  # a government work report is its government's
    parents = chain[:-1]
    for other in (md.get("issuer", ""), md.get("source", "")):
        more, _ = place_chain(other)
        if not parents and len(more) > 1 and more[-1] == place:
            parents = more[:-1]  # the title says 小河镇, the signature 浚县小河镇人民政府
    if not parents and division is not None:  # 万载县 lies in 宜春市, in 江西省 (when the report says so:
        above = places.parents(division)  # two counties may share a name)
        if any(n in doc.norm for p in above for n in (p, short_place(p))):
            parents = above
    return DocMeta(place=place, short=short_place(place) if place != places.NATIONAL else "", parents=tuple(parents),
                   level=level, year=year, issued=issued, kind=kind, issuer=issuer, reviews=reviews, plans=plans)
