#!/usr/bin/env python3
"""Validate questions.jsonl against the two bulletins in this folder.

Checks:
  * every line is valid JSON with the required fields; ids are unique
  * answerable items: doc exists, gold is an exact substring of the doc,
    every expect string occurs in the doc (and in gold);
    every purely numeric expect value occurs exactly once in the doc as a
    stand-alone number (not as part of a longer number such as 15.6 / 5.67)
  * unanswerable items: expect_found is false, expect == [], gold == "", doc is null
  * the county file decodes as GB18030 and uses CRLF line ends; the city file is UTF-8
  * summary counts (44 lines, 32 answerable, 12 unanswerable, zh/en balance)
"""
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = os.path.join(HERE, "questions.jsonl")
ENCODINGS = {
    "jiangzhou-city-2022-bulletin.txt": "utf-8",
    "linshui-county-2022-bulletin.txt": "gb18030",
}
NUM_RE = re.compile(r"^-?\d+(?:\.\d+)?$")

errors = []
warnings = []


def err(msg):
    errors.append(msg)


def load_docs():
    docs = {}
    for name, enc in ENCODINGS.items():
        path = os.path.join(HERE, name)
        if not os.path.exists(path):
            err(f"missing document {name}")
            continue
        raw = open(path, "rb").read()
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as e:
            err(f"{name}: cannot decode as {enc}: {e}")
            continue
        if enc == "gb18030":
            lf = raw.count(b"\n")
            crlf = raw.count(b"\r\n")
            if lf == 0 or lf != crlf:
                err(f"{name}: expected CRLF line ends ({crlf} CRLF of {lf} LF)")
            try:
                raw.decode("utf-8")
                warnings.append(f"{name}: also decodes as UTF-8 (is it really GB18030?)")
            except UnicodeDecodeError:
                pass
        else:
            if b"\r\n" in raw:
                warnings.append(f"{name}: contains CRLF")
        docs[name] = text
    return docs


def count_standalone(num, text):
    pat = r"(?<![\d.])" + re.escape(num) + r"(?!\d|\.\d)"
    return len(re.findall(pat, text))


def main():
    docs = load_docs()
    ids = Counter()
    n_ans = n_unans = 0
    langs = Counter()
    kinds = Counter()
    with open(QFILE, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for ln, line in enumerate(lines, 1):
        if not line.strip():
            err(f"line {ln}: blank line")
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"line {ln}: invalid JSON: {e}")
            continue
        for key in ("id", "lang", "kind", "question", "expect", "gold", "doc"):
            if key not in q:
                err(f"line {ln}: missing field {key}")
        qid = q.get("id", f"<line {ln}>")
        ids[qid] += 1
        langs[q.get("lang")] += 1
        kinds[q.get("kind")] += 1
        if q.get("lang") not in ("zh", "en"):
            err(f"{qid}: bad lang {q.get('lang')!r}")
        if not isinstance(q.get("expect"), list):
            err(f"{qid}: expect must be a list")
            continue
        if q.get("kind") == "unanswerable":
            n_unans += 1
            if q.get("expect_found") is not False:
                err(f"{qid}: unanswerable item needs expect_found false")
            if q["expect"] != [] or q.get("gold") != "" or q.get("doc") is not None:
                err(f"{qid}: unanswerable item needs expect [], gold '', doc null")
            continue
        n_ans += 1
        doc = q.get("doc")
        if doc not in docs:
            err(f"{qid}: unknown doc {doc!r}")
            continue
        text = docs[doc]
        gold = q.get("gold", "")
        if not gold:
            err(f"{qid}: empty gold")
        elif gold not in text:
            err(f"{qid}: gold not a substring of {doc}: {gold!r}")
        if not q["expect"]:
            err(f"{qid}: answerable item with empty expect")
        for e in q["expect"]:
            if e not in text:
                err(f"{qid}: expect {e!r} not in {doc}")
            if gold and e not in gold:
                err(f"{qid}: expect {e!r} not in its gold")
            if NUM_RE.match(e):
                c = count_standalone(e, text)
                if c != 1:
                    err(f"{qid}: number {e!r} occurs {c} times in {doc} (need exactly 1)")
                raw_c = text.count(e)
                if raw_c != c:
                    warnings.append(
                        f"{qid}: {e!r} also appears inside longer numbers "
                        f"({raw_c} raw substring hits, {c} stand-alone)")
    for qid, c in ids.items():
        if c > 1:
            err(f"duplicate id {qid} ({c} times)")
    print(f"questions: {len(lines)} lines, {n_ans} answerable, {n_unans} unanswerable")
    print(f"langs: {dict(langs)}")
    print(f"kinds: {dict(kinds)}")
    for name, text in docs.items():
        han = len(re.findall(r"[\u4e00-\u9fff]", text))
        print(f"{name}: {len(text)} chars, {han} Han characters ({ENCODINGS[name]})")
    if len(lines) != 44:
        err(f"expected 44 lines, got {len(lines)}")
    for w in warnings:
        print("WARN:", w)
    for e in errors:
        print("ERROR:", e)
    print("OK" if not errors else f"FAILED ({len(errors)} errors)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
