"""Check questions.jsonl against the report texts in this folder."""
import collections, json, pathlib
here = pathlib.Path(__file__).parent
texts = {p.name: p.read_text(encoding="utf-8") for p in here.glob("*.txt")}
qs = [json.loads(l) for l in (here / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
bad = []
for q in qs:
    if q["kind"] == "unanswerable":
        if q["expect_found"] is not False or (q["doc"] is not None and q["doc"] not in texts):
            bad.append((q["id"], "trap fields"))
        continue
    g, lines = q["gold"], texts[q["doc"]].split("\n")
    if not 10 <= len(g) <= 40: bad.append((q["id"], f"gold length {len(g)}"))
    if not any(g in l for l in lines): bad.append((q["id"], "gold not on one line of doc"))
    if q["kind"] != "yesno":
        bad += [(q["id"], f"expect {e!r} not in gold") for e in q["expect"] if e not in g]
print(len(qs), "questions;", "ids unique:", len({q["id"] for q in qs}) == len(qs))
print(collections.Counter((q["kind"], q["lang"]) for q in qs))
print("by doc:", collections.Counter(q["doc"] for q in qs))
print("problems:", bad or "none")
