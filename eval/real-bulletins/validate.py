#!/usr/bin/env python3
"""Check questions.jsonl against the three real 2024 city statistical bulletins in this folder.

Adapted from ../real-local/validate.py.

- every line is JSON with exactly the expected keys; ids look like rb001 and are unique;
  kind and lang are known; doc names a report in this folder;
- answerable items: `gold` is a verbatim substring of `doc`, 8-30 characters, on one line;
  every `expect` (1-2 of them) is a substring of `gold` (yes/no items instead hold exactly one of
  是/否 or Yes/No); each expect holding a digit occurs exactly once in the doc (compared after
  NFKC, not glued to further digits; otherwise a warning);
- unanswerable items: `"expect_found": false`, no `gold`/`expect`; each one is listed in exactly
  one of TRAPS or PLAIN;
- TRAPS: the key term and its variants are absent from the asked report, and the key term is
  present in the other report that states the figure;
- PLAIN: the listed terms occur in the asked report at most the given number of times, and the
  listed regular expressions match nowhere in the asked report;
- ALL_ABSENT: extra regexes that must match none of the report files;
- every question names the place of its doc (warning otherwise).
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

CZ = "2024年滁州市国民经济和社会发展统计公报.txt"
FY = "2024年阜阳市国民经济和社会发展统计公报.txt"
SZ = "2024年随州市国民经济和社会发展统计公报.txt"

PLACE = {CZ: "滁州", FY: "阜阳", SZ: "随州"}
ALIASES = {
    "滁州": ["滁州", "Chuzhou"],
    "阜阳": ["阜阳", "Fuyang"],
    "随州": ["随州", "Suizhou"],
}

# Traps: id -> (key term, report that states it, variants that must also be absent from the asked doc)
TRAPS = {
    "rb027": ("旅客吞吐量", FY, ["机场", "吞吐量"]),       # 随州 asked; 阜阳 states 旅客吞吐量127.1万人次
    "rb028": ("5G", CZ, []),                             # 阜阳 asked; 滁州 states 5G移动电话用户数239.1万户
    "rb029": ("恩格尔", CZ, []),                          # 随州 asked; 滁州 states 城镇居民恩格尔系数为30.4%
    "rb030": ("旅游收入", SZ, ["接待旅游", "旅游人数"]),   # 滁州 asked; 随州 states 旅游收入225.83亿元
    "rb031": ("用电量", SZ, ["千瓦时"]),                   # 阜阳 asked; 随州 states 全社会用电量61.69亿千瓦时
    "rb032": ("专利", FY, []),                            # 随州 asked; 阜阳 states 专利授权量5211件
    "rb033": ("港口货物吞吐量", FY, ["吞吐量", "港口"]),   # 滁州 asked; 阜阳 states 586.2万吨
}

# Plainly unanswerable / year and target traps: id -> ([(term, max count in asked doc)], [regexes absent from asked doc])
PLAIN = {
    "rb034": ([], [r"2023年.{0,12}生产总值", r"上年.{0,6}生产总值\d"]),   # 滁州2023 GDP: the bulletin gives only 2024 (and a 2023 R&D figure)
    "rb035": ([("2025年", 0), ("预期", 0)], [r"目标.{0,6}\d"]),          # 阜阳: a bulletin sets no 2025 target
    "rb036": ([("2022年", 0)], []),                                       # 随州2022 GDP: only a chart caption 2018-2024, no figure
    "rb037": ([("户籍", 0)], []),                                         # 随州: only 常住人口 200.39万人
    "rb038": ([("森林", 0)], []),                                         # 阜阳: no forest coverage
    "rb039": ([("全体居民", 0)], [r"(?<!常住)居民人均可支配收入"]),        # 随州: only urban 39459元 and rural 24257元
    "rb040": ([("人均体育", 0)], [r"人均.{0,4}体育场地"]),                # 滁州: only total 体育场地 area 1216.78万平方米
}

# Extra "double check against every file": id -> regexes that must match none of the files
ALL_ABSENT = {
    "rb027": [r"随州.{0,20}机场"],
    "rb033": [r"滁州.{0,20}吞吐量"],
    "rb034": [r"2023年.{0,8}(全市)?(地区)?生产总值"],
    "rb036": [r"2022年.{0,8}生产总值"],
    "rb037": ["户籍"],
    "rb038": ["森林覆盖率"],
    "rb039": ["全体居民"],
    "rb040": [r"人均.{0,4}体育场地"],
}


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
        if not text.split("\n", 1)[0].endswith("统计公报"):
            errors.append(f"{name}: first line is not the bulletin's title")
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
        if not re.fullmatch(r"rb\d{3}", qid):
            errors.append(f"{qid}: id should look like rb001")
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
        if doc not in texts:
            errors.append(f"{qid}: unknown doc {doc!r}")
            continue
        per_doc[doc] += 1
        text = texts[doc]

        if not any(a in question for a in ALIASES[PLACE[doc]]):
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
            listed = [name for name, table in (("TRAPS", TRAPS), ("PLAIN", PLAIN)) if qid in table]
            if len(listed) != 1:
                errors.append(f"{qid}: unanswerable must be listed in exactly one of TRAPS/PLAIN, is in {listed}")
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
        for rx in ALL_ABSENT.get(qid, []):
            for name, t in texts.items():
                m = re.search(rx, t)
                if m:
                    errors.append(f"{qid}: {rx!r} matches {m.group(0)!r} in {name}")

    for table_name, table in (("TRAPS", TRAPS), ("PLAIN", PLAIN), ("ALL_ABSENT", ALL_ABSENT)):
        for qid in table:
            if qid not in ids:
                errors.append(f"{table_name} lists {qid}, which is not a question")
    for qid in list(TRAPS) + list(PLAIN):
        if qid in ids and qid not in seen_unans:
            errors.append(f"{qid} is listed as unanswerable but is not of kind unanswerable")

    if not 35 <= len(rows) <= 45:
        errors.append(f"{len(rows)} questions, want about 40")
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
