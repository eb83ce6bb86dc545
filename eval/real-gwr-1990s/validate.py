#!/usr/bin/env python3
"""Check the gwr-1990s set: the report files, questions.jsonl and commitments.jsonl.

Reports: every china-YYYY-government-work-report.txt is UTF-8 without CR, starts with the line
`YYYY年国务院政府工作报告`, has no leftover JSON escapes (a literal backslash-n), and ends with the
closing paragraph of the speech (its last line ends in 。 or ！ and the Wikisource licence footer
is gone).

questions.jsonl:
  - every line is JSON with exactly the fields of its kind; ids unique; lang en/zh; kind known;
  - `doc` is a report of this folder (null allowed only for unanswerable items);
  - answerable: `gold` is a verbatim substring of `doc`, 8-30 characters, within one line;
    `expect` holds 1-2 strings, each a substring of `gold` (yes/no items: exactly one of 是/否 for
    zh, Yes/No for en); no expect is a lone digit; an expect holding a digit should occur exactly
    once in its doc (NFKC, so ８ = 8, and not glued to further digits) - a warning otherwise;
  - unanswerable: `expect_found` is false, no gold/expect, and every absence probe written for
    it below finds nothing in the reports it names (these probes encode the manual check that the
    figure is really absent, or present only as a target / multi-year figure).
commitments.jsonl:
  - fields as in the shared gwr set; ids unique; promise_doc is report Y, outcome_doc report Y+1;
    status met / not_met / not_reported; promise verbatim in promise_doc (one line); outcome
    verbatim in outcome_doc (one line) or null, null exactly when not_reported; an outcome_doc
    that is not in the folder (the 1996 report) is allowed only with a null outcome (warning).
Prints warnings and problems and the counts; exits 1 when there is a problem.
"""
import glob
import json
import os
import re
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = {"number", "what", "who", "when", "yesno", "unanswerable"}
YESNO = {"zh": {"是", "否"}, "en": {"Yes", "No"}}
STATUSES = {"met", "not_met", "not_reported"}
Q_FIELDS = {"id", "lang", "kind", "question", "expect", "gold", "doc"}
U_FIELDS = {"id", "lang", "kind", "question", "expect_found", "doc"}
C_FIELDS = {"id", "year", "promise_doc", "promise", "outcome_doc", "outcome", "status", "note"}


def nfkc(s):
    return unicodedata.normalize("NFKC", s)


def flat(s):
    """NFKC with all whitespace removed (the 1998 report spaces out its digits: `8 ．8 ％`)."""
    return re.sub(r"\s+", "", nfkc(s))


def doc_name(year):
    return f"china-{year}-government-work-report.txt"


def count_number(expect, text):
    """Occurrences of expect in text (NFKC), not glued to further digits on either side."""
    e, t = nfkc(expect), nfkc(text)
    left = r"(?<![\d.])" if e[0].isdigit() else ""
    right = r"(?!\d|\.\d)" if e[-1].isdigit() else ""
    return len(re.findall(left + re.escape(e) + right, t))


# Absence probes: question id -> list of (years or "*", regex on flat() text, what it would mean).
# Each regex must match nowhere; "*" means all eight reports.
ALL = "*"
PROBES = {
    # year traps: results for 2000, plans for 2001 (no 2001 report is loaded)
    "g9055": [(ALL, r"2000年[^。]{0,20}(国内生产总值|经济)[^。]{0,10}增长\d", "a 2000 growth result")],
    "g9056": [(ALL, r"2000年(底|末)[^。]{0,10}外汇储备", "a 2000 year-end reserve figure"),
              (ALL, r"外汇储备[^。]{0,10}2000年", "a 2000 reserve figure")],
    "g9057": [(ALL, r"2001年", "anything about 2001")],
    "g9058": [([2000], r"\d+(\.\d+)?%左右", "an 'about x%' target in the 2000 report"),
              ([2000], r"(增长|增速)[^。]{0,8}(预期|目标)[^。]{0,8}\d", "a growth target with a figure"),
              ([2000], r"(预期|目标)[^。]{0,8}(增长|增速)[^。]{0,8}\d", "a growth target with a figure")],
    "g9059": [([2000], r"国内生产总值[^。]{0,12}\d", "a 1999 GDP figure in the 2000 report")],
    "g9060": [([2000], r"外商直接投资[^。]{0,15}\d", "a 1999 FDI amount")],
    # the 1996 report is missing: no 1995 GDP growth, no 1996 growth target anywhere
    "g9061": [(ALL, r"1995年[^。]{0,20}(国内|国民)生产总值[^。]{0,20}\d", "a 1995 GDP figure"),
              ([1997], r"去年[^。]{0,6}(国内|国民)生产总值[^。]{0,8}上年", "a 1995 figure in the 1997 report")],
    "g9062": [([1997], r"去年政府工作报告提出，(?!物价)", "a 1996 target other than prices"),
              (ALL, r"1996年[^。]{0,20}(增长|速度)[^。]{0,10}\d", "a 1996 growth target")],
    # single-year figures that only come as five-year totals
    "g9063": [([1998], r"(?<!五年来城镇)新增就业\d", "a single-year job figure")],
    "g9064": [([1998], r"(?<!五年中有)(?<!\d)\d+万贫困人口", "a single-year poverty figure"),
              ([1998], r"贫困人口减少", "a poverty reduction figure")],
    # result-vs-target traps
    "g9065": [([1999], r"粮食[^。]{0,6}产量", "a 1998 grain output figure")],
    "g9066": [([1994], r"物价(上涨|涨幅)(了|为|达到|高达)?(幅度)?(为|达到|高达)?(百分之[一二三四五六七八九十]|\d)", "a 1993 price figure"),
              ([1995], r"1993年[^。]{0,20}物价", "a 1993 price figure in the 1995 report")],
    "g9067": [(ALL, r"失业率", "any unemployment rate")],
    # provinces and cities: the reports never give a province's or a city's own figures
    "g9068": [(ALL, r"广东[^。]{0,20}(生产总值|增长)", "a Guangdong figure")],
    "g9069": [(ALL, r"浦东[^。]{0,20}(生产总值|\d+亿元)", "a Pudong figure")],
    # facts no report states
    "g9070": [(ALL, r"(李鹏|朱镕基|总理)", "the premier's name")],
    "g9071": [(ALL, r"(国防费|国防支出|军费|国防预算)", "a defence budget")],
    "g9072": [([2000], r"文盲[^。]{0,10}\d", "a 1999 literacy figure"),
              ([2000], r"\d+万[^。]{0,6}文盲", "a 1999 literacy figure")],
    "g9073": [([1993], r"物价(上涨|涨幅)(了|为|达到|高达)?(幅度)?(为|达到|高达)?(百分之[一二三四五六七八九十]|\d)", "a 1992 price figure"),
              ([1993], r"物价[^。]{0,20}百分之", "a 1992 price figure")],
    "g9074": [([1992], r"1991年国民生产总值(达到|为|是)", "a 1991 GNP total"),
              ([1992], r"国民生产总值[^。]{0,6}\d+亿元", "a 1991 GNP total")],
    "g9075": [([1999], r"贫困人口[^。]{0,6}(减少|解决)[^。]{0,4}\d+万(?!以上)", "a 1998 poverty result"),
              ([1999], r"\d+万[^。]{0,6}贫困人口", "a 1998 poverty result")],
}


def load_jsonl(path, errors):
    rows = []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            errors.append(f"{os.path.basename(path)} line {n}: bad JSON: {exc}")
    return rows


def check_reports(texts, errors):
    for name, text in texts.items():
        year = name[6:10]
        raw = open(os.path.join(HERE, name), "rb").read()
        if b"\r" in raw:
            errors.append(f"{name}: CR line ends")
        if not text.startswith(f"{year}年国务院政府工作报告\n"):
            errors.append(f"{name}: first line is not the title line")
        if "\\n" in text or '\\"' in text:
            errors.append(f"{name}: leftover JSON escapes")
        if "本作品是中华人民共和国" in text or "Public domain" in text:
            errors.append(f"{name}: Wikisource footer still present")
        last = text.rstrip("\n").split("\n")[-1]
        if not last.endswith(("。", "！")):
            errors.append(f"{name}: does not end with a closing sentence: {last[-30:]!r}")
        if len(text) < 12000:
            errors.append(f"{name}: suspiciously short ({len(text)} characters)")


def check_questions(texts, errors, warnings):
    rows = load_jsonl(os.path.join(HERE, "questions.jsonl"), errors)
    ids = Counter(r.get("id") for _, r in rows)
    for i, c in ids.items():
        if c > 1:
            errors.append(f"questions: id {i} used {c} times")
    table = Counter()
    for n, r in rows:
        qid = r.get("id", f"line {n}")
        kind, lang, doc = r.get("kind"), r.get("lang"), r.get("doc")
        if kind not in KINDS:
            errors.append(f"{qid}: unknown kind {kind!r}")
            continue
        if lang not in YESNO:
            errors.append(f"{qid}: unknown lang {lang!r}")
            continue
        table[(kind, lang)] += 1
        if not str(r.get("question", "")).strip():
            errors.append(f"{qid}: empty question")
        if doc is not None and doc not in texts:
            errors.append(f"{qid}: doc {doc} is not a report here")
            continue
        if kind == "unanswerable":
            if set(r) != U_FIELDS:
                errors.append(f"{qid}: fields {sorted(r)} (want {sorted(U_FIELDS)})")
            if r.get("expect_found") is not False:
                errors.append(f"{qid}: unanswerable without expect_found: false")
            probes = PROBES.get(qid)
            if not probes:
                errors.append(f"{qid}: no absence probe recorded")
                continue
            for years, pattern, meaning in probes:
                names = texts if years == ALL else [doc_name(y) for y in years]
                for name in names:
                    m = re.search(pattern, flat(texts[name]))
                    if m:
                        errors.append(f"{qid}: {name} has {meaning}: {m.group(0)!r}")
            continue
        if set(r) != Q_FIELDS:
            errors.append(f"{qid}: fields {sorted(r)} (want {sorted(Q_FIELDS)})")
            continue
        if doc is None:
            errors.append(f"{qid}: answerable item without doc")
            continue
        gold, expect, text = r["gold"], r["expect"], texts[doc]
        if not isinstance(gold, str) or not 8 <= len(gold) <= 30:
            errors.append(f"{qid}: gold must be 8-30 characters ({len(gold)})")
        if "\n" in gold:
            errors.append(f"{qid}: gold spans lines")
        if gold not in text:
            errors.append(f"{qid}: gold not in {doc}: {gold!r}")
        if not isinstance(expect, list) or not 1 <= len(expect) <= 2:
            errors.append(f"{qid}: expect must be a list of 1-2 strings")
            continue
        if kind == "yesno":
            if len(expect) != 1 or expect[0] not in YESNO[lang]:
                errors.append(f"{qid}: yes/no expect must be one of {sorted(YESNO[lang])}")
            continue
        for e in expect:
            if not isinstance(e, str) or not e:
                errors.append(f"{qid}: empty expect")
                continue
            if e not in gold:
                errors.append(f"{qid}: expect {e!r} not in gold")
            if re.fullmatch(r"\d", nfkc(e).strip()):
                errors.append(f"{qid}: expect {e!r} is a lone digit")
            if re.search(r"\d", nfkc(e)):
                k = count_number(e, text)
                if k != 1:
                    warnings.append(f"{qid}: expect {e!r} occurs {k} times in {doc}")
    return rows, table


def check_commitments(texts, errors, warnings):
    rows = load_jsonl(os.path.join(HERE, "commitments.jsonl"), errors)
    ids = Counter(r.get("id") for _, r in rows)
    for i, c in ids.items():
        if c > 1:
            errors.append(f"commitments: id {i} used {c} times")
    for n, r in rows:
        cid = r.get("id", f"line {n}")
        if set(r) != C_FIELDS:
            errors.append(f"{cid}: fields {sorted(r)} (want {sorted(C_FIELDS)})")
            continue
        y = r["year"]
        if r["promise_doc"] != doc_name(y) or r["outcome_doc"] != doc_name(y + 1):
            errors.append(f"{cid}: promise_doc/outcome_doc are not reports {y}/{y + 1}")
            continue
        if r["status"] not in STATUSES:
            errors.append(f"{cid}: bad status {r['status']!r}")
        p = r["promise"]
        if r["promise_doc"] not in texts:
            errors.append(f"{cid}: promise_doc {r['promise_doc']} is not here")
        elif p not in texts[r["promise_doc"]] or "\n" in p:
            errors.append(f"{cid}: promise not verbatim (one line) in {r['promise_doc']}: {p!r}")
        o = r["outcome"]
        if (o is None) != (r["status"] == "not_reported"):
            errors.append(f"{cid}: outcome must be null exactly when not_reported")
        if r["outcome_doc"] not in texts:
            if o is not None:
                errors.append(f"{cid}: outcome quoted from a report that is not here")
            else:
                warnings.append(f"{cid}: outcome_doc {r['outcome_doc']} is not in this set (the source has no 1996 report)")
        elif o is not None and (o not in texts[r["outcome_doc"]] or "\n" in o):
            errors.append(f"{cid}: outcome not verbatim (one line) in {r['outcome_doc']}: {o!r}")
    return [r for _, r in rows]


def main():
    texts = {os.path.basename(p): open(p, encoding="utf-8").read()
             for p in sorted(glob.glob(os.path.join(HERE, "china-*-government-work-report.txt")))}
    errors, warnings = [], []
    check_reports(texts, errors)
    qrows, table = check_questions(texts, errors, warnings)
    crows = check_commitments(texts, errors, warnings)
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("PROBLEM:", e)
    print(f"{len(texts)} reports, {len(qrows)} questions, {len(crows)} commitments")
    kinds = ["number", "what", "who", "when", "yesno", "unanswerable"]
    print("kind          en  zh  all")
    for k in kinds:
        print(f"{k:<12} {table[(k, 'en')]:>3} {table[(k, 'zh')]:>3} {table[(k, 'en')] + table[(k, 'zh')]:>4}")
    en = sum(v for (k, l), v in table.items() if l == "en")
    zh = sum(v for (k, l), v in table.items() if l == "zh")
    print(f"{'all':<12} {en:>3} {zh:>3} {en + zh:>4}")
    print("commitment status:", dict(Counter(r["status"] for r in crows)))
    if errors:
        print(f"{len(errors)} problem(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
