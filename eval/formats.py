"""Score a question set over .docx, .pdf and .html copies of its reports, beside the .txt originals.

    .venv/bin/python eval/formats.py CORPUS_DIR QUESTIONS.jsonl

Each .txt report of CORPUS_DIR is written again as a Word file (one paragraph per line), a
PDF typeset with reportlab's STSong-Light (wrapped lines, a running header, page numbers)
and a GB2312 portal page (navigation, breadcrumb, footer around the article). Each format
gets its own index; ../shared/eval/score.py scores the same questions on all four. A reader
that loses structure or text shows here as a lower score than the .txt row.
"""
from __future__ import annotations

import html
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

from reportqa.ingest import decode_text  # noqa: E402
from test_ingest import make_pdf  # noqa: E402

SCORER = REPO.parent / "shared" / "eval" / "score.py"
CLI = str(REPO / ".venv" / "bin" / "reportqa")


def convert(src: Path, out: Path) -> None:
    import docx

    for fmt in ("txt", "docx", "pdf", "html"):
        (out / fmt).mkdir(parents=True)
    for p in sorted(src.glob("*.txt")):
        (out / "txt" / p.name).write_bytes(p.read_bytes())
        paras = [line.strip() for line in decode_text(p.read_bytes(), p.name).splitlines() if line.strip()]
        d = docx.Document()
        for para in paras:
            d.add_paragraph(para)
        d.save(out / "docx" / f"{p.stem}.docx")
        make_pdf(out / "pdf" / f"{p.stem}.pdf", paragraphs=[("title", paras[0])] + [("p", x) for x in paras[1:]],
                 header=paras[0][:12], lines_per_page=30, size=11)
        body = "".join(f"<p>{html.escape(x)}</p>" for x in paras[1:])
        page = (f'<!DOCTYPE html><html><head><meta charset="gb2312"><title>{html.escape(paras[0])}_政府网</title>'
                f'</head><body><div class="nav"><a>首页</a><a>政务公开</a><a>互动交流</a></div>'
                f'<div class="crumb">当前位置：首页 &gt; 政务公开</div><div class="article">'
                f'<h1>{html.escape(paras[0])}</h1><div id="zoom">{body}</div>'
                f'<div class="pager">上一篇：<a>无</a> 下一篇：<a>无</a></div></div>'
                f'<div class="footer">版权所有：人民政府 ICP备12345678号</div></body></html>')
        (out / "html" / f"{p.stem}.html").write_bytes(page.encode("gb18030"))


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    corpus, questions = Path(sys.argv[1]), Path(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        convert(corpus, Path(tmp))
        for fmt in ("txt", "docx", "pdf", "html"):
            c, i = Path(tmp) / fmt, Path(tmp) / f"index-{fmt}"
            subprocess.run([CLI, "build", "--corpus", str(c), "--index", str(i)], check=True, capture_output=True)
            p = subprocess.run([sys.executable, str(SCORER), str(questions), "--quiet",
                                "--cmd", f"{CLI} ask --jsonl - --corpus {c} --index {i}"], capture_output=True, text=True)
            print(f"{fmt:5s} {p.stdout.strip().splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
