"""Everything a browser sees as HTML, built from escaped text.

Report passages and questions are untrusted: they reach HTML only through `esc`.
Links are built here from document ids and integer offsets, never taken from the data.
"""
from __future__ import annotations

import html
import uuid
from urllib.parse import quote

from ..commitments import KIND_LABELS
from .sources import MARK, citation_link, origin, report_href, section_label, split_sources, where

PAGE_HEAD = ('<!doctype html><html lang="zh"><head><meta charset="utf-8">'
             '<meta name="viewport" content="width=device-width, initial-scale=1">'
             '<link rel="icon" href="/reportqa-static/favicon.svg" type="image/svg+xml">'
             '<title>{title}</title><link rel="stylesheet" href="/reportqa-static/report.css"></head>')
# A report's metadata as the report page labels it, in Chinese with English beside it (corpus.META_KEYS)
META_LABELS = {"published": "发布时间 Published", "source": "来源 Source", "addressee": "主送 To",
               "signed": "成文日期 Signed", "issuer": "发文机关 Issuer", "doc_number": "发文字号 Document no.",
               "index_number": "索引号 Index no.", "author": "作者 Author", "subtitle": "副标题 Subtitle",
               "byline": "署名 Byline"}


def esc(text) -> str:
    """HTML-escape, keeping carriage returns as references so DOM offsets equal text offsets."""
    return html.escape(str(text), quote=True).replace("\r", "&#13;")


# ---------------------------------------------------------------- answers

def _passage_html(c: dict) -> str:
    text, quote_ = c.get("text") or "", c.get("quote") or ""
    at = (c.get("quote_start", -1) or -1) - (c.get("start") or 0)
    if quote_ and not (0 <= at and text[at:at + len(quote_)] == quote_):
        at = text.find(quote_)
    if not quote_ or at < 0:
        return esc(text)
    return f"{esc(text[:at])}<mark>{esc(quote_)}</mark>{esc(text[at + len(quote_):])}"


def render_question(question: str, lang: str | None = None) -> str:
    attr = f' lang="{esc(lang)}"' if lang in ("zh", "en") else ""
    return f'<div class="rq-question"{attr}>{esc(question)}</div>'


def _source_html(n: int, c: dict, aid: str) -> str:
    where_ = origin(c)
    where_ = f'<span class="rq-where">{esc(where_)}</span> ' if where_ else ""
    return (f'<li id="{aid}-{n}" value="{n}" tabindex="-1"><div class="rq-path">{where_}'
            f'<a href="{esc(citation_link(c))}" target="_blank" rel="noopener">{esc(section_label(c))}</a></div>'
            f'<div class="rq-passage">{_passage_html(c)}</div></li>')


def _short_html(d: dict, aid: str) -> str:
    """The answer text with each [n] a link to its source in the same message."""
    text, count = str(d.get("answer", "")), len(d.get("citations") or [])
    out, pos = [], 0
    for m in MARK.finditer(text):
        n = int(m.group(1))
        if not 1 <= n <= count:
            continue
        title = f"来源 {n} · Source {n}"
        out += [esc(text[pos:m.start()]), f'<a class="rq-ref" href="#{aid}-{n}" title="{title}">[{n}]</a>']
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def render_answer(d: dict, aid: str | None = None) -> str:
    """The short answer with linked [n] marks, the sources that support it (at most three, the
    quoted one first), the others behind "more sources", and a copy button; one line of HTML so
    Markdown leaves it alone. `aid` (a fresh id by default) makes the anchors unique in the page."""
    aid = aid or f"rq-a{uuid.uuid4().hex[:10]}"
    found = bool(d.get("found"))
    lang = d.get("lang") if d.get("lang") in ("zh", "en") else "zh"
    parts = [f'<div class="rq-answer {"rq-found" if found else "rq-notfound"}" id="{aid}" lang="{lang}">']
    if not found:
        parts.append('<div class="rq-badge">报告中没有提到 · The report does not say</div>')
    parts.append(f'<div class="rq-short">{_short_html(d, aid)}</div>')
    shown, more = split_sources(d)
    if shown:
        parts.append('<div class="rq-label">来源 Sources</div><ol class="rq-sources">')
        parts += [_source_html(n, c, aid) for n, c in shown]
        parts.append("</ol>")
    if more:
        label = "更多来源 More sources" if found else "最接近的段落 Nearest passages"
        parts.append(f'<details class="rq-more"><summary>{label} ({len(more)})</summary><ol class="rq-sources">')
        parts += [_source_html(n, c, aid) for n, c in more]
        parts.append("</ol></details>")
    parts.append('<div class="rq-tools"><button type="button" class="rq-copy" title="复制答案和来源（纯文本） · '
                 'Copy the answer and its sources as plain text">复制 Copy</button></div></div>')
    return "".join(parts).replace("\n", "<br>")


def render_error(message: str) -> str:
    return f'<div class="rq-answer rq-error">{esc(message)}</div>'


# ---------------------------------------------------------------- the report

def _heading_end(text: str, s) -> int:
    if text.startswith(s.title, s.start):
        return s.start + len(s.title)
    return max(s.start, s.body_start)


def _render_span(text: str, start: int, end: int, children, out: list[str]) -> None:
    """Emit text[start:end] with each section wrapped in an anchor span; textContent stays == text."""
    pos = start
    for ch in sorted(children, key=lambda s: s.start):
        cs, ce = max(ch.start, pos), min(ch.end if ch.end >= 0 else end, end)
        if cs >= ce:
            continue
        out.append(esc(text[pos:cs]))
        he = min(max(_heading_end(text, ch), cs), ce)
        out.append(f'<span class="sec l{ch.level}" id="s{ch.start}"><strong class="h">{esc(text[cs:he])}</strong>')
        _render_span(text, he, ce, ch.children, out)
        out.append("</span>")
        pos = ce
    out.append(esc(text[pos:end]))


def outline_html(doc, base: str = "") -> str:
    """Nested list of the section titles, each linking to its range in the report page."""
    def walk(sections) -> str:
        items = []
        for s in sections:
            href = f"{base}#{s.start}-{s.end}"
            items.append(f'<li><a href="{esc(href)}">{esc(s.title)}</a>{walk(s.children)}</li>')
        return f"<ul>{''.join(items)}</ul>" if items else ""
    return f'<nav class="outline">{walk(doc.root.children)}</nav>'


def document_html(doc) -> str:
    out: list[str] = []
    _render_span(doc.text, 0, len(doc.text), doc.root.children, out)
    return f'<div id="doc" class="doc">{"".join(out)}</div>'


def site_nav(place: str | None = None) -> str:
    """The way back from a public page: home, asking (pinned to the page's place), the commitments."""
    q = f"?place={quote(place, safe='')}" if place else ""
    return (f'<nav class="rq-pagenav"><a href="/home">首页 Home</a><a href="/widget{esc(q)}">提问 Ask a question</a>'
            f'<a href="/commitments{esc(q)}">承诺事项 Commitments</a></nav>')


def report_page(doc) -> str:
    meta = "".join(f'<span class="rq-field"><span class="rq-key">{esc(META_LABELS.get(k, k))}</span> {esc(v)}</span>'
                   for k, v in doc.metadata.items() if k != "title")
    return (PAGE_HEAD.format(title=esc(doc.title)) +
            f'<body><header>{site_nav(doc.meta.place)}<h1>{esc(doc.title)}</h1><p class="meta">{meta}</p></header>'
            f'<div class="layout">{outline_html(doc)}<main>{document_html(doc)}</main></div>'
            '<script src="/reportqa-static/report.js"></script></body></html>')


def not_found_page(message: str, status_note: str = "") -> str:
    return f"<!doctype html><meta charset=utf-8><p>{esc(message)}</p>{esc(status_note)}"


def browse_html(doc) -> str:
    link = f"/report/{quote(doc.doc_id, safe='')}"
    outline = outline_html(doc, base=link).replace("<a ", '<a target="_blank" ')
    return (f'<h3>{esc(doc.title)}</h3><p><a href="{esc(link)}" target="_blank" rel="noopener">'
            f'打开全文 Open the full report</a></p>{outline}'
            f'<div class="rq-full">{esc(doc.text)}</div>')


# ---------------------------------------------------------------- commitments

def _followups_html(it: dict) -> str:
    """What the next year's report says about a plan, or that it says nothing."""
    if "followups" not in it:
        return ""
    year = it.get("next_year") or ""
    if not it["followups"]:
        reports = "".join(f' <a href="/report/{esc(quote(d, safe=""))}" target="_blank" rel="noopener">'
                          f'打开 Open {esc(d)}</a>' for d in it.get("next_reports", []))
        return (f'<div class="rq-followup rq-not-mentioned"><span class="rq-status">{esc(year)}年报告未提及 · '
                f'not mentioned in the {esc(year)} report</span>{reports}</div>')
    rows = []
    for f in it["followups"]:
        path = " › ".join(f.get("section_path") or [f.get("section", "")])
        rows.append(f'<li><div class="rq-path"><span class="rq-where">{esc(where("", f.get("year")))}</span> '
                    f'<a href="{esc(citation_link(f))}" target="_blank" rel="noopener">{esc(path)}</a> '
                    f'<span class="rq-score">{float(f.get("score", 0)):.2f}</span></div>'
                    f'<div class="rq-passage">{_passage_html(f)}</div></li>')
    return (f'<div class="rq-followup rq-reported"><span class="rq-status">{esc(year)}年报告提到 · '
            f'reported in the {esc(year)} report</span><ol>{"".join(rows)}</ol></div>')


def commitments_html(items: list[dict], message: str = "") -> str:
    if not items:
        return f'<p class="rq-empty">{esc(message or "No commitments were found in the reports.")}</p>'
    rows = []
    for it in items:
        link = report_href(it["doc"], it["start"], it["end"])
        rows.append(f'<li class="rq-commit rq-{esc(it["kind"])}"><span class="rq-kind">{esc(KIND_LABELS[it["kind"]])}</span> '
                    f'<span class="rq-where">{esc(where(it.get("place"), it.get("year")))}</span> '
                    f'<a href="{esc(link)}" target="_blank" rel="noopener">{esc(" › ".join(it["section_path"]))}</a>'
                    f'<div class="rq-passage">{esc(it["text"])}</div>{_followups_html(it)}</li>')
    return f'<ol class="rq-commitments">{"".join(rows)}</ol>'


def _select(name: str, label: str, options: list[tuple[str, str]], chosen: str) -> str:
    opts = "".join(f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(text)}</option>'
                   for v, text in [("", "全部 All")] + options)
    return f'<label>{esc(label)} <select name="{esc(name)}">{opts}</select></label>'


STATUS_LABELS = {"met": "已完成 Met", "not_met": "未完成 Not met", "not_reported": "未报告 Not reported"}
BOUND_LABELS = {"about": "左右 about", "at least": "不低于 at least", "at most": "不高于 at most", "range": "区间 range"}
TARGET_KIND_LABELS = {"quantified": "定量目标 Quantified", "qualitative": "定性目标 Qualitative"}


def _summary_zh(targets: list[dict]) -> str:
    n = {s: sum(1 for t in targets if t["status"] == s) for s in STATUS_LABELS}
    return f"{len(targets)}项目标：完成{n['met']}项，未完成{n['not_met']}项，未报告{n['not_reported']}项"


def targets_html(targets: list[dict], summary: str) -> str:
    """The targets as a table: the pledge (linked to its words), what was promised, what the later
    report says (linked to its words), the status. Below 600 px each row is a card (report.css)."""
    if not targets:
        return '<p class="rq-empty">所选范围内没有可核对的目标 · No targets in the chosen reports.</p>'
    rows = []
    for t in targets:
        promised = esc(t["figure"] or "—")
        if t.get("bound"):
            promised += f' <span class="rq-bound">{esc(BOUND_LABELS.get(t["bound"], t["bound"]))}</span>'
        o = t.get("outcome")
        if o:
            href = report_href(o["doc"], o["start"], o["end"])
            reported = (f'<a href="{esc(href)}" target="_blank" rel="noopener">{esc(o["quote"])}</a>'
                        f' <span class="rq-where">{esc(where("", o.get("year")))}</span>')
        else:
            reported = '<span class="rq-none">报告未提及 · not stated</span>'
        href = report_href(t["doc"], t["start"], t["end"])
        rows.append(f'<tr class="rq-{esc(t["status"])}">'
                    f'<td data-label="目标 Target"><a href="{esc(href)}" target="_blank" rel="noopener">{esc(t["text"])}</a>'
                    f' <span class="rq-where">{esc(where(t.get("place"), t.get("year")))}</span></td>'
                    f'<td data-label="承诺 Promised">{promised}</td><td data-label="报告 Reported">{reported}</td>'
                    f'<td data-label="状态 Status"><span class="rq-status">{esc(STATUS_LABELS.get(t["status"], t["status"]))}'
                    '</span></td></tr>')
    return (f'<p class="rq-summary">{esc(_summary_zh(targets))} · {esc(summary)}</p>'
            '<table class="rq-targets"><thead><tr><th>目标 Target</th><th>承诺 Promised</th><th>报告 Reported</th>'
            f'<th>状态 Status</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def commitments_page(items: list[dict], message: str, reports: list[dict], chosen: dict,
                     targets: list[dict] | None = None) -> str:
    """The targets table with its summary line, a filter form (place, year, kind, status: a plain GET
    form, no script) and the plans with the next year's follow-up."""
    from ..tracker import summary

    places = sorted({r["place"] for r in reports if r.get("place")})
    years = sorted({str(r["year"]) for r in reports if r.get("year")})
    kinds = ([(k, v) for k, v in TARGET_KIND_LABELS.items()] + [(k, KIND_LABELS[k]) for k in KIND_LABELS]
             + [(k, k) for k in sorted({r["kind"] for r in reports if r.get("kind")})])
    form = ('<form class="rq-filters" method="get" action="/commitments">'
            + _select("place", "地方 Place", [(p, p) for p in places], chosen.get("place") or "")
            + _select("year", "年度 Year", [(y, y) for y in years], str(chosen.get("year") or ""))
            + _select("kind", "类别 Kind", kinds, chosen.get("kind") or "")
            + _select("status", "状态 Status", list(STATUS_LABELS.items()), chosen.get("status") or "")
            + '<button type="submit">筛选 Filter</button></form>')
    targets = targets or []
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in chosen.items() if v)
    csv_link = f"/api/commitments?{query + '&' if query else ''}format=csv"
    return (PAGE_HEAD.format(title="承诺事项 Commitments") + '<body><header>'
            '<h1>承诺事项 Commitments</h1><p class="meta">政府报告设定的目标，下一年报告所述结果，以及是否完成 · '
            'The targets the reports set, what the next year\'s report says, and whether each was met.</p>'
            f'{form}</header><main><h2>目标 Targets</h2>{targets_html(targets, summary(targets))}'
            f'<p class="meta"><a href="{esc(csv_link)}">下载 CSV · Download CSV</a> · '
            f'<a href="{esc(csv_link.replace("format=csv", "").rstrip("&?"))}">JSON</a></p>'
            f'<h2>计划与整改 Plans and rectifications</h2>{commitments_html(items, message)}</main></body></html>')


# ---------------------------------------------------------------- the public home and staff sign-in

def home_page(reports: list[dict], staff: bool) -> str:
    """What a citizen sees at the server's root: ask, commitments, the reports; staff sign in."""
    rows = "".join(f'<li><a href="/report/{esc(quote(r["doc"], safe=""))}">{esc(r["title"])}</a> '
                   f'<span class="rq-where">{esc(where(r.get("place"), r.get("year")))}</span></li>'
                   for r in reports)
    sign_in = '<p class="meta"><a href="/login">工作人员登录 Staff sign in</a></p>' if staff else ""
    return (PAGE_HEAD.format(title="报告问答 · Ask the reports") +
            '<body><header><h1>报告问答 · Ask the reports</h1>'
            '<p class="meta">就政府报告提问，答案附出处 · Questions about the government reports, answered with '
            'the passage they come from.</p></header><main>'
            '<p><a href="/widget">提问 Ask a question</a> · <a href="/commitments">承诺事项 Commitments</a></p>'
            f'<h2>报告 Reports</h2><ul>{rows}</ul>{sign_in}</main></body></html>')


def login_page(message: str = "", next_path: str = "/", open_: bool = True) -> str:
    """The staff sign-in form (no script: it posts to /login)."""
    note = f'<p class="rq-error">{esc(message)}</p>' if message else ""
    if not open_:
        form = ('<p>尚未配置工作人员账号 · No staff account is configured yet. On the server run '
                '<code>reportqa staff-user add NAME</code> (or set REPORTQA_STAFF_TOKEN).</p>')
    else:
        form = ('<form class="rq-login" method="post" action="/login">'
                f'<input type="hidden" name="next" value="{esc(next_path)}">'
                '<p><label>账号 Name <input name="user" autocomplete="username" maxlength="64"></label></p>'
                '<p><label>密码 Password <input name="password" type="password" autocomplete="current-password" '
                'maxlength="1024" required></label></p>'
                '<p><button type="submit">登录 Sign in</button></p></form>'
                '<p class="meta">With a token instead of an account, leave the name empty.</p>')
    return (PAGE_HEAD.format(title="登录 Staff sign in") +
            f'<body><header><h1>工作人员登录 · Staff sign in</h1></header><main>{note}{form}'
            '<p><a href="/home">公众页面 Public pages</a></p></main></body></html>')


def logout_page() -> str:
    return (PAGE_HEAD.format(title="退出 Sign out") +
            '<body><header><h1>退出登录 · Sign out</h1></header><main>'
            '<form method="post" action="/logout"><button type="submit">退出 Sign out</button></form>'
            '</main></body></html>')
