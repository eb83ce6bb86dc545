#!/usr/bin/env python3
"""Check questions.jsonl against the eight real local reports in this folder.

- every line is JSON with exactly the expected keys; ids look like lr001 and are unique;
  kind and lang are known; doc names a report in this folder (unanswerables may have doc null);
- answerable items: `gold` is a verbatim substring of `doc`, 8-30 characters, on one line;
  every `expect` (1-2 of them) is a substring of `gold` (yes/no items instead hold exactly one of
  是/否 or Yes/No); each expect holding a digit occurs exactly once in the doc (compared after
  NFKC, not glued to further digits; otherwise a warning);
- unanswerable items: `"expect_found": false`, no `gold`/`expect`; each one is listed in exactly
  one of TRAPS, PLAIN or NODOC;
- TRAPS: the key term and its variants are absent from the asked report, and the key term is
  present in the report (another place, or the same place in another year) that states the figure;
- PLAIN: the listed terms occur in the asked report at most the given number of times, and the
  listed regular expressions match nowhere in the asked report;
- NODOC: the place is in no report: the listed strings/regexes match none of the eight files;
- ALL_ABSENT: extra regexes that must match none of the eight files (the "double check against
  every file" for the unanswerables where another file could plausibly hold the answer);
- UNNAMED: questions that name no place; their key term occurs in exactly one report, theirs;
  every other question names the place of its doc (warning otherwise).
Prints warnings and problems, then the counts; exits 1 when there is a problem.
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
ANSWERABLE_KEYS = ["id", "lang", "kind", "question", "expect", "gold", "doc"]
UNANSWERABLE_KEYS = ["id", "lang", "kind", "question", "expect_found", "doc"]

BD = "2022年保定市政府工作报告.txt"
H3 = "2023年河北省政府工作报告.txt"
H4 = "2024年河北省政府工作报告.txt"
GD = "2023年广东省政府工作报告.txt"
LY = "2023年洛阳市国民经济和社会发展统计公报.txt"
J19 = "2019年济源市国民经济和社会发展统计公报.txt"
J21 = "2021年济源市国民经济和社会发展统计公报.txt"
J22 = "2022年济源市国民经济和社会发展统计公报.txt"

PLACE = {BD: "保定", H3: "河北", H4: "河北", GD: "广东", LY: "洛阳", J19: "济源", J21: "济源", J22: "济源"}
ALIASES = {
    "保定": ["保定", "Baoding"],
    "河北": ["河北", "冀", "Hebei"],
    "广东": ["广东", "粤", "Guangdong"],
    "洛阳": ["洛阳", "Luoyang"],
    "济源": ["济源", "Jiyuan"],
}

# Traps: id -> (key term, report that states it, variants that must also be absent from the asked doc)
TRAPS = {
    "lr069": ("5G", J22, ["基站"]),                  # 洛阳 asked; 济源2022 states 5G基站1350个
    "lr070": ("旅客吞吐量", LY, ["机场", "吞吐量"]),   # 济源2022 asked; 洛阳 states 机场旅客吞吐量120.7万人
    "lr071": ("低保", J22, []),                       # 洛阳 asked; 济源2022 states 低保标准630元
    "lr072": ("森林覆盖率", J22, []),                 # 洛阳 asked; 济源2022 states 45.58%
    "lr073": ("两院院士", GD, []),                     # 河北2023 asked; 广东 states 135人
    "lr074": ("研发经费", GD, ["经费支出"]),           # 保定 asked (it gives only 投入强度 rank); 广东 states 4200亿元
    "lr075": ("通车总里程", GD, ["高速公路通车"]),     # 河北2024 asked; 广东 states 1.12万公里
    "lr076": ("恩格尔", J19, []),                     # 洛阳 asked; 济源2019 states 22.5%
    "lr077": ("吞吐量", H4, []),                       # 保定 asked; 河北2024 states 港口货物吞吐量13亿吨
    "lr083": ("申请量", J19, []),                      # 济源2022 asked; only 济源2019 gives 专利申请量 (1399件)
    "lr084": ("5G", J22, []),                          # 济源2019 asked (4G only); 2021/2022 bulletins give 5G users
}

# Plainly unanswerable / year and target traps: id -> ([(term, max count in asked doc)], [regexes absent from asked doc])
PLAIN = {
    "lr078": ([("2020", 0)], []),                                   # 济源2020: no report covers 2020
    "lr079": ([("2022年", 1)], [r"2022年.{0,12}可支配收入"]),        # 洛阳2022 income: only the 2022 GDP revision note
    "lr080": ([("2024年全省", 0)], [r"2024年.{0,10}生产总值.{0,4}(增长|达到)\d"]),  # 河北2024 result: report gives only the target
    "lr081": ([("2022年，全市生产总值", 0)], []),                    # 保定2022 result: report gives only the 8%以上 target
    "lr082": ([], [r"2023年.{0,10}生产总值.{0,4}(增长|达到)\d"]),     # 广东2023 result: only the 5%以上 target
    "lr085": ([("目标", 0), ("预期", 0)], []),                       # 济源2022 bulletin: no targets
    "lr086": ([("目标", 0), ("2024年", 1)], []),                    # 洛阳 bulletin: no targets (2024 only in its date)
    "lr087": ([("粮食产量", 1), ("粮食总产", 0)], []),               # 保定: only the 2022 target 80亿斤
    "lr088": ([("高新技术产业增加值", 2)], [r"高新技术产业增加值增长\d+(\.\d+)?%左右"]),  # 河北: only 年均增长10% (5 years) and the 2023 target 8%
    "lr089": ([("2021年", 0)], []),                                  # 广东2021: only the five-year average 年均增长5%
    "lr090": ([("新增高速公路", 1)], [r"2022年.{0,20}高速公路.{0,6}\d+公里"]),  # 河北: only the five-year total 1794公里
    "lr091": ([("可支配收入", 2)], [r"可支配收入\d", r"可支配收入[^。]{0,6}\d+元"]),  # 河北2023: growth 6.6% only, no amount
    "lr092": ([("市长", 0)], []),                                    # 洛阳 bulletin: no mayor
    "lr093": ([("中欧班列", 1)], [r"中欧班列[^。]{0,8}\d+列"]),       # 广东: 中欧班列提质扩容, no count
}

# Places in no report: id -> strings/regexes that must match none of the files
NODOC = {
    "lr094": ["开封"],
    "lr095": ["Shenzhen", r"深圳.{0,10}(生产总值|GDP)", r"深圳市?.{0,4}\d+(\.\d+)?万?亿元"],
}

# Extra "double check against every file": id -> regexes that must match none of the eight files
ALL_ABSENT = {
    "lr069": [r"洛阳.{0,20}5G"],
    "lr071": [r"洛阳.{0,20}低保"],
    "lr073": [r"河北.{0,20}院士.{0,6}\d+人", r"在冀.{0,10}院士"],
    "lr074": [r"保定.{0,20}研发经费", r"研究与试验发展经费支出"],
    "lr075": [r"河北.{0,20}高速公路.{0,10}\d+(\.\d+)?万?公里"],
    "lr077": [r"保定.{0,20}吞吐量"],
    "lr078": [r"2020年.{0,8}生产总值"],
    "lr080": [r"2024年.{0,8}全省生产总值"],
    "lr081": [r"保定.{0,10}2022年.{0,10}生产总值"],
}

# Questions that name no place: id -> key term that only their report holds
UNNAMED = {"lr042": "国家植物园"}


def nfkc(s):
    return unicodedata.normalize("NFKC", s)


def count_number(expect, text):
    """Occurrences of expect in text (both NFKC), not glued to further digits on either side."""
    e, t = nfkc(expect), nfkc(text)
    left = r"(?<![\d.])" if e[0].isdigit() else ""
    right = r"(?!\d|\.\d)" if e[-1].isdigit() else ""
    return len(re.findall(left + re.escape(e) + right, t))


def main():
    texts = {os.path.basename(p): open(p, encoding="utf-8").read()
             for p in sorted(glob.glob(os.path.join(HERE, "*.txt")))}
    errors, warnings = [], []
    for name, text in texts.items():
        raw = open(os.path.join(HERE, name), "rb").read()
        if b"\r" in raw:
            errors.append(f"{name}: has CR line ends")
        if raw.startswith(b"\xef\xbb\xbf"):
            errors.append(f"{name}: has a BOM")
    if set(texts) != set(PLACE):
        errors.append(f"report files {sorted(texts)} differ from the expected {sorted(PLACE)}")

    rows = []
    for n, line in enumerate(open(os.path.join(HERE, "questions.jsonl"), encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(f"line {n}: bad JSON: {exc}")

    ids = set()
    kind_lang = Counter()
    per_doc = Counter()
    seen_unans = set()
    for q in rows:
        qid = str(q.get("id"))
        if not re.fullmatch(r"lr\d{3}", qid):
            errors.append(f"{qid}: id should look like lr001")
        if qid in ids:
            errors.append(f"{qid}: duplicate id")
        ids.add(qid)
        kind, lang, doc = q.get("kind"), q.get("lang"), q.get("doc")
        if kind not in KINDS:
            errors.append(f"{qid}: unknown kind {kind!r}")
        if lang not in YESNO:
            errors.append(f"{qid}: lang must be zh or en, not {lang!r}")
        kind_lang[(kind, lang)] += 1
        question = str(q.get("question", "")).strip()
        if not question:
            errors.append(f"{qid}: empty question")
        want = ANSWERABLE_KEYS if kind != "unanswerable" else UNANSWERABLE_KEYS
        if list(q.keys()) != want:
            errors.append(f"{qid}: keys {list(q.keys())} should be {want}")
        if doc is None:
            if kind != "unanswerable" or qid not in NODOC:
                errors.append(f"{qid}: doc null only for unanswerables listed in NODOC")
        elif doc not in texts:
            errors.append(f"{qid}: unknown doc {doc!r}")
            continue
        per_doc[doc] += 1
        text = texts.get(doc, "")

        # the question names its place
        if doc is not None:
            names = ALIASES[PLACE[doc]]
            if qid in UNNAMED:
                key = UNNAMED[qid]
                holders = [d for d, t in texts.items() if key in t]
                if holders != [doc]:
                    errors.append(f"{qid}: unnamed key {key!r} is in {holders}, should be only {doc}")
            elif not any(a in question for a in names):
                warnings.append(f"{qid}: question does not name {PLACE[doc]}")

        if kind != "unanswerable":
            gold, expect = q.get("gold", ""), q.get("expect", [])
            if not (8 <= len(gold) <= 30):
                errors.append(f"{qid}: gold has {len(gold)} characters, want 8-30")
            if "\n" in gold:
                errors.append(f"{qid}: gold spans lines")
            if gold not in text:
                errors.append(f"{qid}: gold {gold!r} not in {doc}")
            if not isinstance(expect, list) or not 1 <= len(expect) <= 2:
                errors.append(f"{qid}: expect must hold 1-2 strings")
                continue
            if kind == "yesno":
                if len(expect) != 1 or expect[0] not in YESNO[lang]:
                    errors.append(f"{qid}: yes/no expect must be one of {sorted(YESNO[lang])}")
                continue
            for e in expect:
                if e not in gold:
                    errors.append(f"{qid}: expect {e!r} not in gold {gold!r}")
                if re.fullmatch(r"\d", e):
                    errors.append(f"{qid}: expect {e!r} is a bare digit")
                if re.search(r"\d", e):
                    c = count_number(e, text)
                    if c != 1:
                        warnings.append(f"{qid}: expect {e!r} occurs {c} times in {doc}")
        else:
            if q.get("expect_found") is not False:
                errors.append(f"{qid}: unanswerable needs expect_found false")
            listed = [name for name, table in (("TRAPS", TRAPS), ("PLAIN", PLAIN), ("NODOC", NODOC))
                      if qid in table]
            if len(listed) != 1:
                errors.append(f"{qid}: unanswerable must be listed in exactly one of TRAPS/PLAIN/NODOC, is in {listed}")
            seen_unans.add(qid)
            if qid in TRAPS:
                key, source, variants = TRAPS[qid]
                for term in [key] + variants:
                    if term in text:
                        errors.append(f"{qid}: trap term {term!r} occurs in the asked report {doc}")
                if key not in texts.get(source, ""):
                    errors.append(f"{qid}: trap key {key!r} missing from the source report {source}")
                if source == doc:
                    errors.append(f"{qid}: trap source is the asked report")
            if qid in PLAIN:
                terms, regexes = PLAIN[qid]
                for term, most in terms:
                    c = text.count(term)
                    if c > most:
                        errors.append(f"{qid}: {term!r} occurs {c} times in {doc}, at most {most} allowed")
                for rx in regexes:
                    m = re.search(rx, text)
                    if m:
                        errors.append(f"{qid}: {rx!r} matches {m.group(0)!r} in {doc}")
            if qid in NODOC:
                for pat in NODOC[qid]:
                    for name, t in texts.items():
                        m = re.search(pat, t)
                        if m:
                            errors.append(f"{qid}: {pat!r} matches {m.group(0)!r} in {name}")
        for rx in ALL_ABSENT.get(qid, []):
            for name, t in texts.items():
                m = re.search(rx, t)
                if m:
                    errors.append(f"{qid}: {rx!r} matches {m.group(0)!r} in {name}")

    for table_name, table in (("TRAPS", TRAPS), ("PLAIN", PLAIN), ("NODOC", NODOC), ("UNNAMED", UNNAMED)):
        for qid in table:
            if qid not in ids:
                errors.append(f"{table_name} lists {qid}, which is not a question")
    for qid in list(TRAPS) + list(PLAIN) + list(NODOC):
        if qid in ids and qid not in seen_unans:
            errors.append(f"{qid} is listed as unanswerable but is not of kind unanswerable")

    if not 80 <= len(rows) <= 100:
        errors.append(f"{len(rows)} questions, want about 90")
    missing = [d for d in PLACE if per_doc[d] == 0]
    if missing:
        errors.append(f"reports without questions: {missing}")

    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("PROBLEM:", e)
    langs = Counter(l for (_, l) in kind_lang.elements())
    print(f"{len(rows)} questions; zh {langs['zh']}, en {langs['en']}")
    for kind in ["number", "what", "who", "when", "yesno", "unanswerable"]:
        print(f"  {kind:13s} zh {kind_lang[(kind, 'zh')]:3d}  en {kind_lang[(kind, 'en')]:3d}")
    for d in PLACE:
        print(f"  {per_doc[d]:3d}  {d}")
    print("OK" if not errors else f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
