"""Reading reports of every format into one Extracted result (reportqa.ingest).

Every test writes its own files into tmp_path: text in several encodings, a portal
page, a .docx made with python-docx and PDFs drawn with reportlab's STSong-Light.
"""
import codecs
import datetime

import pytest

from reportqa.errors import CorpusError
from reportqa.ingest import SUPPORTED_SUFFIXES, Extracted, decode_text, read, read_bytes

TITLE = "小河镇人民政府关于2024年法治政府建设情况的报告"
META = "发布时间：2025-01-06 来源：小河镇人民政府"
DISPUTES = "一是加强人民调解工作。完善人民调解组织网络，全年累计排查化解各类矛盾纠纷230件，调解成功率达到97%以上。"
REPORT = [  # (kind, text): the same small report for every format
    ("title", TITLE),
    ("meta", META),
    ("p", "县委、县政府："),
    ("p", "2024年，在县委、县政府的坚强领导下，小河镇人民政府坚持以习近平新时代中国特色社会主义思想为指导，"
          "全面落实党中央、国务院关于法治政府建设的决策部署，扎实推进法治政府建设各项工作，取得了显著成效。"),
    ("h1", "一、主要举措和成效"),
    ("h2", "（一）依法化解社会矛盾纠纷"),
    ("p", DISPUTES),
    ("p", "二是推进信访工作法治化。严格落实信访事项受理、办理、复查、复核程序，全年受理信访事项45件，"
          "按期办结率100%，群众满意率持续提升。"),
    ("h2", "（二）加强行政执法监督"),
    ("p", "全面落实行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，开展执法案卷评查，"
          "共评查案卷56卷，发现问题12个，均已整改到位。" * 2),
    ("h1", "二、下一步工作安排"),
    ("p", "2025年，我镇将继续深入学习贯彻习近平法治思想，计划开展普法宣传活动30场次，培训执法人员200人次。"),
    ("p", "小河镇人民政府"),
    ("p", "2025年1月6日"),
]
PARAGRAPHS = [text for _, text in REPORT]


def lines_of(extracted: Extracted) -> list[str]:
    return [line for line in extracted.text.split("\n") if line.strip()]


def heading_lines(extracted: Extracted) -> dict[str, int]:
    return {extracted.text[o:].split("\n", 1)[0]: level for o, level in extracted.headings.items()}


# --- plain text --------------------------------------------------------------

PLAIN = "\n\n".join(PARAGRAPHS) + "\n"


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_txt_in_every_chinese_encoding_decodes_to_the_same_text(tmp_path, codec):
    path = tmp_path / "report.txt"
    path.write_bytes(PLAIN.encode(codec))  # "utf-16" writes a BOM; -le/-be write none
    got = read(path)
    assert got.format == "text" and got.headings == {}
    assert got.text == PLAIN


def test_gb18030_only_characters_survive(tmp_path):
    text = "𠮷村2024年化解纠纷230件。䶮\n"  # outside GBK: GB18030 four-byte sequences
    assert decode_text(text.encode("gb18030"), "x.txt") == text


def test_crlf_line_ends_become_lf_and_the_rest_is_kept(tmp_path):
    raw = "　　" + TITLE + "\r\n\r\n" + META + "\r\n"
    assert read_bytes(raw.encode("gbk"), "r.md").text == "　　" + TITLE + "\n\n" + META + "\n"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"), (b" \r\n\t\n", "empty"), (codecs.BOM_UTF8, "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary"),
    (bytes(range(0x80, 0x100)) * 8, "not UTF-8"),
], ids=["empty", "blank", "bom-only", "png", "undecodable"])
def test_empty_binary_and_undecodable_text_files_are_errors(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(CorpusError, match=message) as err:
        read(path)
    assert str(path) in str(err.value)


# --- HTML ----------------------------------------------------------------------

FURNITURE = ["网站首页", "当前位置", "上一篇", "下一篇", "分享到", "版权所有", "ICP备", "打印本页", "相关文章", "统计代码"]


def portal_page(charset: str, heading_tags=("h3", "h4")) -> str:
    body = []
    for kind, text in REPORT[2:]:
        if kind == "h1":
            body.append(f"<{heading_tags[0]}>{text}</{heading_tags[0]}>")
        elif kind == "h2":
            body.append(f"<{heading_tags[1]}>{text}</{heading_tags[1]}>")
        else:
            body.append(f"<p style='text-indent:2em'>\n  {text}\n</p>")
        if text == DISPUTES:
            body.append("<table><tr><td>项目</td><td>2023年</td><td>2024年</td></tr>"
                        "<tr><td>调解纠纷（件）</td><td>198</td><td>230</td></tr></table>")
    return f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{TITLE}_小河镇人民政府网</title><script>document.write('统计代码')</script></head><body>
<div class="header"><div class="logo">小河镇人民政府网</div>
<ul class="nav"><li><a href="/">网站首页</a></li><li><a>政务公开</a></li><li><a>互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 法治政府建设</div>
<div class="main"><div class="article">
<h1>{TITLE}</h1>
<div class="info"><span>发布时间：2025-01-06</span> <span>来源：小河镇人民政府</span> <span>浏览次数：<b>1024</b></span></div>
<div id="zoom">{''.join(body)}<p>（本报告涉及𠮷村。）</p></div>
<div class="share">分享到：<a>微信</a><a>微博</a> <a>打印本页</a></div>
<div class="pager"><p>上一篇：<a>小河镇2023年报告</a></p><p>下一篇：<a>无</a></p></div>
</div><div class="side"><h3>相关文章</h3><ul><li><a>小河镇召开法治建设推进会</a></li></ul></div></div>
<div class="footer"><p>版权所有：小河镇人民政府　豫ICP备12345678号</p></div></body></html>"""


def test_html_gb2312_page_keeps_the_article_and_drops_the_furniture(tmp_path):
    path = tmp_path / "report.html"
    path.write_bytes(portal_page("gb2312").encode("gb18030"))  # declared gb2312, read as GB18030
    got = read(path)
    lines = lines_of(got)
    assert got.format == "html"
    assert lines[0] == TITLE
    assert lines[1].startswith("发布时间：2025-01-06 来源：小河镇人民政府")  # the parser reads this line
    for text in PARAGRAPHS[2:]:
        assert text in lines  # one <p> per line, complete
    assert "（本报告涉及𠮷村。）" in lines
    assert not [f for f in FURNITURE if f in got.text]
    assert got.metadata == {"title": TITLE, "published": "2025-01-06", "source": "小河镇人民政府"}


def test_html_table_rows_are_lines_with_tab_separated_cells(tmp_path):
    got = read_bytes(portal_page("utf-8").encode("utf-8"), "report.htm")
    lines = lines_of(got)
    row = lines.index("调解纠纷（件）\t198\t230")
    assert lines[row - 1] == "项目\t2023年\t2024年" and lines[row - 2] == DISPUTES


def test_html_headings_inside_the_article_are_ranked_from_1(tmp_path):
    got = read_bytes(portal_page("utf-8", ("h2", "h3")).encode("utf-8"), "report.html")
    assert heading_lines(got) == {"一、主要举措和成效": 1, "（一）依法化解社会矛盾纠纷": 2,
                                  "（二）加强行政执法监督": 2, "二、下一步工作安排": 1}  # the title h1 is no heading


def test_html_br_paragraphs_in_a_layout_table_without_charset_are_read_as_gbk(tmp_path):
    page = """<html><head><title>关于做好2025年防汛工作的通知</title></head><body>
<div class="nav"><a>网站首页</a><a>新闻中心</a></div>
<table><tr><td class="title">关于做好2025年防汛工作的通知</td></tr>
<tr><td>发布日期：2025年05月06日 作者：办公室 点击数：33</td></tr>
<tr><td id="zoom">各乡镇人民政府：<br>　　一、提高思想认识。各地要充分认识做好防汛工作的重要性，全年储备防汛物资1200件。
<br>　　二、加强隐患排查。对辖区内23处水库开展拉网式排查，发现问题及时整改。<br><br>　　特此通知。<br></td></tr></table>
<div class="bottom">版权所有 某县人民政府</div></body></html>"""
    got = read_bytes(page.encode("gbk"), "notice.html")
    assert lines_of(got) == ["关于做好2025年防汛工作的通知", "发布日期：2025年05月06日 作者：办公室 点击数：33",
                             "各乡镇人民政府：", "一、提高思想认识。各地要充分认识做好防汛工作的重要性，全年储备防汛物资1200件。",
                             "二、加强隐患排查。对辖区内23处水库开展拉网式排查，发现问题及时整改。", "特此通知。"]
    assert got.metadata == {"title": "关于做好2025年防汛工作的通知", "published": "2025-05-06"}


def test_html_page_mislabelled_gb2312_but_saved_as_utf8_still_reads(tmp_path):
    got = read_bytes(portal_page("gb2312").encode("utf-8"), "report.html")
    assert DISPUTES in lines_of(got)


# --- docx ----------------------------------------------------------------------

def make_docx(path, title="小河镇2024年法治政府建设情况报告", created=datetime.datetime(2025, 1, 6, 9, 30)):
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.created = created
    cn_heading = document.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)  # as WPS names it
    cn_heading.base_style = document.styles["Normal"]
    for kind, text in REPORT:
        if kind == "title":
            document.add_paragraph(text, style="Title")
        elif kind == "h1":
            document.add_heading(text, level=1)
        elif kind == "h2":
            document.add_paragraph(text, style="标题 2")
        elif text == "小河镇人民政府":
            signature = document.add_paragraph(text)
            signature.add_run().add_break()  # one paragraph, two lines: body and date
            signature.add_run("2025年1月6日")
        elif text != "2025年1月6日":
            document.add_paragraph("　　" + text)
        if text == DISPUTES:
            table = document.add_table(rows=2, cols=3)
            for r, row in enumerate([["项目", "2023年", "2024年"], ["调解纠纷（件）", "198", "230"]]):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    document.save(path)
    return path


def test_docx_tables_come_in_document_order(tmp_path):
    lines = lines_of(read(make_docx(tmp_path / "report.docx")))
    at = lines.index(DISPUTES)
    assert lines[at + 1:at + 4] == ["项目\t2023年\t2024年", "调解纠纷（件）\t198\t230", PARAGRAPHS[7]]


def test_docx_paragraphs_keep_their_text_and_line_breaks(tmp_path):
    got = read(make_docx(tmp_path / "report.docx"))
    assert got.format == "docx"
    assert [line for line in lines_of(got) if "\t" not in line] == PARAGRAPHS  # indent stripped, <w:br/> splits


def test_docx_heading_styles_become_headings_english_and_chinese(tmp_path):
    got = read(make_docx(tmp_path / "report.docx"))
    assert heading_lines(got) == {"一、主要举措和成效": 1, "（一）依法化解社会矛盾纠纷": 2,
                                  "（二）加强行政执法监督": 2, "二、下一步工作安排": 1}


def test_docx_custom_style_based_on_a_heading_is_a_heading(tmp_path):
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    custom = document.styles.add_style("报告小标题", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 3"]
    document.add_paragraph(TITLE)
    document.add_paragraph("1.人民调解", style="报告小标题")
    document.add_heading("附表", level=5)  # below level 4: ordinary text
    document.save(tmp_path / "r.docx")
    assert heading_lines(read(tmp_path / "r.docx")) == {"1.人民调解": 3}


def test_docx_content_controls_are_read_and_a_table_of_contents_is_not(tmp_path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph(TITLE)
    for gallery, text in [("Table of Contents", "一、主要举措和成效……1"), (None, DISPUTES)]:
        sdt, pr, content, p, r, t = (OxmlElement(tag) for tag in ("w:sdt", "w:sdtPr", "w:sdtContent", "w:p",
                                                                   "w:r", "w:t"))
        if gallery:
            part, kind = OxmlElement("w:docPartObj"), OxmlElement("w:docPartGallery")
            kind.set(qn("w:val"), gallery)
            part.append(kind)
            pr.append(part)
        t.text = text
        r.append(t)
        p.append(r)
        content.append(p)
        sdt.extend([pr, content])
        document.element.body.insert(len(document.element.body) - 1, sdt)  # before w:sectPr
    document.save(tmp_path / "r.docx")
    assert lines_of(read(tmp_path / "r.docx")) == [TITLE, DISPUTES]


def test_docx_core_properties_become_metadata_unless_placeholders(tmp_path):
    got = read(make_docx(tmp_path / "a.docx"))
    assert got.metadata == {"title": "小河镇2024年法治政府建设情况报告", "created": "2025-01-06"}
    placeholder = make_docx(tmp_path / "b.docx", title="文档1", created=datetime.datetime(2013, 12, 23, 23, 15))
    assert read(placeholder).metadata == {}  # Word's default name; python-docx's template date


def test_a_doc_renamed_to_docx_is_an_error(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # an OLE2 (.doc) header
    with pytest.raises(CorpusError, match=r"old\.docx: not a readable \.docx"):
        read(path)


# --- PDF -----------------------------------------------------------------------

def _font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return pdfmetrics


def _wrap(text, width, size, indent):
    pdfmetrics = _font()
    lines, cur = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(cur + ch, "STSong-Light", size) > width - (indent if not lines else 0):
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    return lines + [cur]


def make_pdf(path, paragraphs=REPORT, header="小河镇人民政府文件", page_number=lambda i, n: f"- {i} -",
             lines_per_page=10, size=14, **canvas_args):
    """A report typeset like a government PDF; returns the pages as lists of source paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    width, height = A4
    left, right = 72, width - 72
    drawn = []  # (paragraph index, size, x, text)
    for i, (kind, text) in enumerate(paragraphs):
        s = 20 if kind == "title" else size
        for j, line in enumerate(_wrap(text, right - left, s, 0 if kind == "title" else 2 * s)):
            x = (width - _font().stringWidth(line, "STSong-Light", s)) / 2 if kind == "title" else \
                left + (2 * s if j == 0 else 0)
            drawn.append((i, s, x, line))
    pages = [drawn[k:k + lines_per_page] for k in range(0, len(drawn), lines_per_page)]
    c = canvas.Canvas(str(path), pagesize=A4, **canvas_args)
    for number, lines in enumerate(pages, start=1):
        c.setFont("STSong-Light", 10)
        if header:
            c.drawCentredString(width / 2, height - 50, header)
        y = height - 90
        for _, s, x, text in lines:
            c.setFont("STSong-Light", s)
            c.drawString(x, y, text)
            y -= s * 1.7
        if page_number:
            c.setFont("STSong-Light", 10)
            c.drawCentredString(width / 2, 40, page_number(number, len(pages)))
        c.showPage()
    c.save()
    return [[paragraphs[i][1] for i, *_ in lines] for lines in pages]


@pytest.mark.parametrize("page_number", [lambda i, n: f"- {i} -", lambda i, n: f"第{i}页", lambda i, n: str(i),
                                         lambda i, n: f"{i}/{n}", lambda i, n: f"第 {i} 页 共 {n} 页"],
                         ids=["dashes", "di-ye", "bare", "slash", "di-gong-ye"])
def test_pdf_page_numbers_and_running_header_are_dropped(tmp_path, page_number):
    pages = make_pdf(tmp_path / "report.pdf", page_number=page_number)
    assert len(pages) >= 3
    got = read(tmp_path / "report.pdf")
    assert got.format == "pdf" and got.headings == {}
    assert lines_of(got) == PARAGRAPHS
    assert "小河镇人民政府文件" not in got.text


def test_pdf_wrapped_lines_rejoin_into_paragraphs_across_pages(tmp_path):
    pages = make_pdf(tmp_path / "report.pdf")
    crossing = [p[-1] for p, q in zip(pages, pages[1:]) if p[-1] == q[0]]
    assert crossing  # some paragraph runs over a page break
    lines = lines_of(read(tmp_path / "report.pdf"))
    for text in crossing + [DISPUTES]:
        assert text in lines
    assert lines[0] == TITLE and lines[1] == META  # short lines stay lines of their own


def test_pdf_paragraph_gaps_separate_paragraphs_set_without_indent(tmp_path):
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(str(tmp_path / "flush.pdf"))
    y = 760
    full = ("全面落实行政执法公示制度执法全过程记录制度重大执法决定法制审核制度开展执法案卷评查工作" * 2)[:64]
    assert [len(line) for line in _wrap(full, 451, 14, 0)] == [32, 32]  # ends at the margin, no 。
    paragraphs = ["县委、县政府", PARAGRAPHS[3], full, "全年受理信访事项45件，按期办结率100%。", DISPUTES]
    for text in paragraphs:
        for line in _wrap(text, 451, 14, 0):
            c.setFont("STSong-Light", 14)
            c.drawString(72, y, line)
            y -= 22
        y -= 14  # space between paragraphs, no first-line indent
    c.showPage()
    c.save()
    assert lines_of(read(tmp_path / "flush.pdf")) == paragraphs


def test_pdf_keeps_characters_drawn_one_by_one(tmp_path):
    """pdfium drops single-glyph text objects of a non-embedded CJK font; the reader must not."""
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(str(tmp_path / "glyphs.pdf"))
    for i, ch in enumerate(TITLE):
        c.setFont("STSong-Light", 20)
        c.drawString(60 + 20 * i, 700, ch)  # one text object per glyph, as OFD converters write them
    c.setFont("STSong-Light", 14)
    c.drawString(60, 660, "现将有关情况报告如下")
    c.drawString(200, 660, "：")
    c.showPage()
    c.save()
    assert lines_of(read(tmp_path / "glyphs.pdf")) == [TITLE, "现将有关情况报告如下："]


def test_pdf_table_cells_are_tab_separated_and_a_diagonal_watermark_is_dropped(tmp_path):
    from reportlab.pdfgen import canvas

    _font()
    c = canvas.Canvas(str(tmp_path / "table.pdf"))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 740, "表1 矛盾纠纷化解情况")
    for r, row in enumerate([("项目", "2023年", "2024年"), ("调解纠纷（件）", "198", "230")]):
        for x, cell in zip((72, 250, 400), row):
            c.drawString(x, 700 - 20 * r, cell)
    c.saveState()
    c.translate(150, 300)
    c.rotate(45)
    c.setFont("STSong-Light", 40)
    c.drawString(0, 0, "内部资料")
    c.restoreState()
    c.showPage()
    c.save()
    assert lines_of(read(tmp_path / "table.pdf")) == ["表1 矛盾纠纷化解情况", "项目\t2023年\t2024年", "调解纠纷（件）\t198\t230"]


def test_pdf_title_and_created_come_from_the_document_info(tmp_path):
    make_pdf(tmp_path / "r.pdf", paragraphs=REPORT[:4], header=None, page_number=None, invariant=1)
    assert read(tmp_path / "r.pdf").metadata == {"created": "2000-01-01"}  # reportlab's "untitled" is no title


def _broken_pdf(path, bad_page: int):
    """Page `bad_page` is set in a CID font whose CMap is replaced by Identity-H without a ToUnicode map."""
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics = _font()
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))  # a font of its own, so it can be broken alone
    c = canvas.Canvas(str(path), pageCompression=0)
    for number in (1, 2, 3):
        c.setFont("HeiseiMin-W3" if number == bad_page else "STSong-Light", 14)
        c.drawString(72, 700, DISPUTES[:30])
        c.showPage()
    c.save()
    data = path.read_bytes()
    assert data.count(b"/UniJIS-UCS2-H") == 1
    path.write_bytes(data.replace(b"/UniJIS-UCS2-H", b"/Identity-H   "))  # same length: offsets stay valid


def test_pdf_without_a_usable_unicode_map_names_the_page(tmp_path):
    _broken_pdf(tmp_path / "broken.pdf", bad_page=2)
    with pytest.raises(CorpusError) as err:
        read(tmp_path / "broken.pdf")
    message = str(err.value)
    assert "broken.pdf" in message and "page 2 has no usable text layer" in message and "(cid:" in message
    assert "ToUnicode" in message and "Traceback" not in message


def test_pdf_with_latin_garbage_instead_of_chinese_is_an_error(tmp_path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "mojibake.pdf"))
    c.setFont("Helvetica", 12)
    garbage = DISPUTES.encode("gbk").decode("latin-1")  # GBK bytes shown through a Latin font: "Ò»ÊÇ¼ÓÇ¿…"
    c.drawString(40, 700, garbage[:60])
    c.drawString(40, 680, garbage[60:120])
    c.showPage()
    c.save()
    with pytest.raises(CorpusError, match=r"mojibake\.pdf: page 1 has no usable text layer \(\d+ Chinese"):
        read(tmp_path / "mojibake.pdf")


def test_scanned_pdf_without_text_is_an_error(tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "scan.pdf"))
    for _ in range(2):
        c.drawImage(ImageReader(Image.new("L", (200, 280), 230)), 50, 100, 500, 700)
        c.rect(60, 120, 300, 20, fill=1)
        c.showPage()
    c.save()
    with pytest.raises(CorpusError, match=r"scan\.pdf: no page has a text layer \(2 pages\); .*scanned"):
        read(tmp_path / "scan.pdf")


@pytest.mark.parametrize("data, message", [(b"%PDF-1.4\nnot really", "not a readable PDF"),
                                           (b"<html>oops</html>", "not a readable PDF")], ids=["truncated", "html"])
def test_damaged_pdf_is_an_error(tmp_path, data, message):
    with pytest.raises(CorpusError, match=message):
        read_bytes(data, "damaged.pdf")


def test_password_protected_pdf_is_an_error(tmp_path):
    make_pdf(tmp_path / "locked.pdf", paragraphs=REPORT[:3], encrypt="secret")
    with pytest.raises(CorpusError, match="locked.pdf: the PDF is password-protected"):
        read(tmp_path / "locked.pdf")


# --- choosing the reader -----------------------------------------------------

def test_unsupported_suffix_is_an_error_listing_the_supported_ones(tmp_path):
    path = tmp_path / "report.doc"
    path.write_bytes(b"whatever")
    with pytest.raises(CorpusError) as err:
        read(path)
    assert "report.doc" in str(err.value) and ".doc" in str(err.value)
    assert all(suffix in str(err.value) for suffix in SUPPORTED_SUFFIXES)
    with pytest.raises(CorpusError, match="no suffix"):
        read_bytes(b"text", "README")


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_empty_file_of_any_format_is_an_error(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    with pytest.raises(CorpusError, match=f"empty{suffix}: the file is empty"):
        read(path)


def test_missing_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(CorpusError, match="nowhere.txt: cannot read"):
        read(tmp_path / "nowhere.txt")


def test_suffix_is_case_insensitive(tmp_path):
    (tmp_path / "REPORT.HTM").write_bytes(portal_page("utf-8").encode("utf-8"))
    make_docx(tmp_path / "Report.DOCX")
    assert read(tmp_path / "REPORT.HTM").format == "html"
    assert read(tmp_path / "Report.DOCX").format == "docx"


# --- end to end ----------------------------------------------------------------

def test_the_same_report_reads_the_same_in_every_format(tmp_path):
    """One report saved as GBK text, a gb2312 portal page, a .docx and a PDF: the same paragraphs."""
    (tmp_path / "r.txt").write_bytes(PLAIN.encode("gbk"))
    (tmp_path / "r.html").write_bytes(portal_page("gb2312").encode("gb18030"))
    make_docx(tmp_path / "r.docx")
    make_pdf(tmp_path / "r.pdf")
    for name in ("r.txt", "r.html", "r.docx", "r.pdf"):
        got = read(tmp_path / name)
        lines = [line.strip("\u3000") for line in lines_of(got)]
        assert lines[0] == TITLE, name
        assert lines[1].startswith(META), name
        assert DISPUTES in lines and "二、下一步工作安排" in lines, name
        assert "230件" in got.text and "版权所有" not in got.text, name
        for offset in got.headings:
            assert offset == 0 or got.text[offset - 1] == "\n", name  # headings point at line starts


def test_a_line_broken_at_a_copied_link_is_mended():
    from reportqa.ingest import read_bytes

    text = read_bytes("国内生产总值达到74.4\n\u200b\n万亿元，增长6.7%。\n——\n\u200b\n就业增长超出预期。\n一、标题\n正文\n".encode(),
                      "report.txt").text
    assert "国内生产总值达到74.4万亿元，增长6.7%。" in text and "——就业增长超出预期。" in text
    assert "一、标题\n正文" in text and "\u200b" not in text


def test_a_subscript_set_on_its_own_line_is_joined_back():
    from reportqa.ingest import read_bytes

    text = read_bytes("稳健的货币政策要松紧适度。广义货币M\n2\n增长11.3%。\n以细颗粒物（PM\n2.5\n）治理为突破口。\n"
                      "二、2017年工作\n2\n一页之后的正文\n".encode(), "report.txt").text
    assert "广义货币M2增长11.3%。" in text and "（PM2.5）治理" in text
    assert "二、2017年工作\n2\n一页之后" in text  # a page number under a heading stays where it was
