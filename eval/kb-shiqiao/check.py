#!/usr/bin/env python3
"""Validate /work/fresh3/questions.jsonl against the three report files."""
import json, os, re, sys, collections

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = os.path.join(HERE, "questions.jsonl")
GBK_FILES = {"dahe-town-2024-work-summary.txt"}
NUM_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
ANS_KEYS = {"id", "lang", "kind", "question", "expect", "gold", "doc"}
UNANS_KEYS = {"id", "lang", "kind", "question", "expect_found", "doc", "note"}

errors = []
def err(msg): errors.append(msg)

def load_doc(name):
    raw = open(os.path.join(HERE, name), "rb").read()
    if name in GBK_FILES:
        try:
            raw.decode("utf-8")
            err(f"{name}: expected GBK but file is valid UTF-8")
        except UnicodeDecodeError:
            pass
        return raw.decode("gb18030")
    return raw.decode("utf-8")

def standalone_count(num, text):
    # not preceded or followed by a digit or a decimal point that continues the number
    pat = r"(?<![\d.])" + re.escape(num) + r"(?!\.?\d)"
    return len(re.findall(pat, text))

docs = {}
for name in sorted(os.listdir(HERE)):
    if name.endswith(".txt"):
        docs[name] = load_doc(name)

items, ids = [], collections.Counter()
with open(QFILE, encoding="utf-8") as f:
    for ln, line in enumerate(f, 1):
        if not line.strip():
            err(f"line {ln}: blank line"); continue
        try:
            o = json.loads(line)
        except json.JSONDecodeError as e:
            err(f"line {ln}: bad JSON: {e}"); continue
        if not isinstance(o, dict):
            err(f"line {ln}: not an object"); continue
        items.append(o); ids[o.get("id")] += 1

for i, c in ids.items():
    if c > 1: err(f"duplicate id {i!r} x{c}")

stats = collections.Counter()
for o in items:
    qid = o.get("id")
    if o.get("lang") not in ("zh", "en"): err(f"{qid}: bad lang")
    if not o.get("question"): err(f"{qid}: empty question")
    if o.get("kind") == "unanswerable":
        stats["unanswerable"] += 1
        if set(o) != UNANS_KEYS: err(f"{qid}: unanswerable keys {sorted(o)} != {sorted(UNANS_KEYS)}")
        if "gold" in o or "expect" in o: err(f"{qid}: unanswerable item has gold/expect")
        if o.get("expect_found") is not False: err(f"{qid}: expect_found must be false")
        if o.get("doc") is not None: err(f"{qid}: doc must be null")
        for m in re.findall(r"[\w.-]+\.txt", o.get("note") or ""):
            if m not in docs: err(f"{qid}: note names unknown file {m}")
        if o.get("note", "").startswith("trap"): stats["trap"] += 1
        continue
    stats["answerable"] += 1
    stats[f"answerable_{o.get('lang')}"] += 1
    stats[f"kind_{o.get('kind')}"] += 1
    if set(o) != ANS_KEYS: err(f"{qid}: answerable keys {sorted(o)} != {sorted(ANS_KEYS)}")
    doc = o.get("doc")
    if doc not in docs: err(f"{qid}: unknown doc {doc!r}"); continue
    text, gold, exp = docs[doc], o.get("gold"), o.get("expect")
    if not gold or gold not in text: err(f"{qid}: gold not a substring of {doc}: {gold!r}")
    if not isinstance(exp, list) or not exp: err(f"{qid}: expect must be a non-empty list"); continue
    if len(exp) > 1: stats["multi_expect"] += 1
    for e in exp:
        if e not in text: err(f"{qid}: expect {e!r} not in doc")
        if gold and e not in gold: err(f"{qid}: expect {e!r} not in gold")
        if NUM_RE.match(e):
            n = standalone_count(e, text)
            if n != 1: err(f"{qid}: number {e!r} occurs {n}x standalone in {doc} (need 1)")
            if gold and standalone_count(e, gold) != 1: err(f"{qid}: number {e!r} not standalone in gold")

# informational: repeated standalone numbers per document
for name, text in docs.items():
    c = collections.Counter(re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?!\.?\d)", text))
    dup = {k: v for k, v in c.items() if v > 1}
    print(f"{name}: {len(text)} chars, {len(c)} distinct numbers, repeated: {dup}")

print(f"items: {len(items)}  " + "  ".join(f"{k}={v}" for k, v in sorted(stats.items())))
if errors:
    print(f"FAIL: {len(errors)} problem(s)")
    for e in errors: print("  -", e)
    sys.exit(1)
print("OK: all checks passed")
