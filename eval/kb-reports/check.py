# -*- coding: utf-8 -*-
"""Validate questions.jsonl against the three reports in this folder.

Checks: every line is a JSON object with the required keys; ids are unique;
answerable items name an existing doc, their gold is an exact substring of the
doc text (docx: paragraph and table-cell text; html: article text with tags
stripped, decoded GB18030; txt: UTF-8 text), every expect string occurs in the
doc, and every numeric expect occurs exactly once in the doc (as a whole number
token, counted over the whole file text).  Unanswerable items must have
expect == [], expect_found == false, gold == "", doc == null and a note.
Also prints per-doc size and (as information only) numbers repeated in a doc.
"""
import collections
import html
import json
import os
import re
import sys

from docx import Document

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = os.path.join(HERE, "questions.jsonl")


def docx_text(path):
    d = Document(path)
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def strip_tags(s):
    s = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", s)
    s = re.sub(r"(?s)<!--.*?-->", " ", s)
    s = re.sub(r"(?s)<[^>]+>", "\n", s)
    s = html.unescape(s).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in s.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def html_texts(path):
    raw = open(path, "rb").read().decode("gb18030")
    m = re.search(r'(?s)<div class="article">(.*?)<!-- /article -->', raw)
    article = strip_tags(m.group(1)) if m else ""
    return strip_tags(raw), article


def load_docs():
    docs = {}
    for name in sorted(os.listdir(HERE)):
        path = os.path.join(HERE, name)
        if name.endswith(".docx"):
            t = docx_text(path)
            docs[name] = (t, t)
        elif name.endswith(".html"):
            docs[name] = html_texts(path)
        elif name.endswith(".txt"):
            t = open(path, encoding="utf-8").read()
            docs[name] = (t, t)
    return docs


NUM_RE = re.compile(r"\d+(?:\.\d+)?%?")


def is_number(s):
    return NUM_RE.fullmatch(s) is not None


def count_number(num, text):
    tail = "" if num.endswith("%") else r"(?!\d|\.\d)"
    return len(re.findall(r"(?<![\d.])" + re.escape(num) + tail, text))


def main():
    docs = load_docs()
    errors = []
    print("== documents ==")
    for name, (full, article) in docs.items():
        size = os.path.getsize(os.path.join(HERE, name))
        cjk = len(re.findall(r"[\u4e00-\u9fff]", article))
        print("%-45s %7d bytes  text %5d chars  article %5d chars (%d CJK)"
              % (name, size, len(full), len(article), cjk))
        if not article:
            errors.append("%s: empty article text" % name)

    items = []
    with open(QFILE, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                errors.append("line %d: blank line" % n)
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                errors.append("line %d: bad JSON: %s" % (n, e))
                continue
            if not isinstance(obj, dict):
                errors.append("line %d: not an object" % n)
                continue
            items.append((n, obj))

    ids = collections.Counter(o.get("id") for _, o in items)
    for i, c in ids.items():
        if c > 1:
            errors.append("duplicate id %s" % i)

    kinds = collections.Counter()
    langs = collections.Counter()
    for n, o in items:
        where = "line %d (%s)" % (n, o.get("id"))
        for k in ("id", "lang", "kind", "question", "expect", "gold", "doc"):
            if k not in o:
                errors.append("%s: missing key %s" % (where, k))
        if o.get("lang") not in ("zh", "en"):
            errors.append("%s: lang must be zh or en" % where)
        if not isinstance(o.get("expect"), list):
            errors.append("%s: expect must be a list" % where)
            continue
        kinds[o.get("kind")] += 1
        langs[o.get("lang")] += 1
        if o.get("kind") == "unanswerable":
            if o.get("expect") != [] or o.get("expect_found") is not False \
                    or o.get("gold") != "" or o.get("doc") is not None or not o.get("note"):
                errors.append("%s: unanswerable item must have expect [], expect_found false, "
                              "gold '', doc null and a note" % where)
            continue
        doc = o.get("doc")
        if doc not in docs:
            errors.append("%s: unknown doc %r" % (where, doc))
            continue
        full, article = docs[doc]
        gold = o.get("gold") or ""
        if not gold:
            errors.append("%s: empty gold" % where)
        elif gold not in article:
            errors.append("%s: gold not a substring of %s: %r" % (where, doc, gold))
        if not o["expect"]:
            errors.append("%s: answerable item with empty expect" % where)
        for e in o["expect"]:
            if e not in full:
                errors.append("%s: expect %r not in %s" % (where, e, doc))
            if e not in gold:
                errors.append("%s: expect %r not in its gold" % (where, e))
            if is_number(e):
                c = count_number(e, full)
                if c != 1:
                    errors.append("%s: number %r occurs %d times in %s" % (where, e, c, doc))

    print("\n== questions ==")
    print("lines: %d  kinds: %s  langs: %s" % (len(items), dict(kinds), dict(langs)))
    per_doc = collections.Counter(o.get("doc") for _, o in items)
    print("per doc: %s" % dict(per_doc))

    print("\n== numbers repeated within a doc (information only) ==")
    for name, (full, _) in docs.items():
        toks = collections.Counter(re.findall(r"(?<![\d.])\d+(?:\.\d+)?%?", full))
        rep = sorted((t for t, c in toks.items() if c > 1 and t not in ("0", "2023", "2024")),
                     key=lambda t: (len(t), t))
        print("%s: %s" % (name, " ".join("%s×%d" % (t, toks[t]) for t in rep) or "none"))

    print()
    if errors:
        for e in errors:
            print("ERROR:", e)
        print("FAILED: %d error(s)" % len(errors))
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
