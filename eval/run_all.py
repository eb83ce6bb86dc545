"""Every question set beside the repo, scored in one process on the index it was written for.

    .venv/bin/python eval/run_all.py [-v] [SET ...]

Three knowledge bases are built once under /tmp (or $REPORTQA_EVAL_TMP): the seed alone, the seed
with ../shared/eval/multi/*.txt, and the statistical bulletin in tests/data alone. An item is asked
of the seed index when it is about the seed and belongs to a single-report set (no `doc`, or the
seed's), of the bulletin index when it names the bulletin, and of the many-report index otherwise.
Scores use the shared scorer's definitions (reportqa.evaluation). -v prints every wrong item.

A folder eval/kb-*/ is a knowledge base of its own: its reports (any supported format) and the
questions.jsonl written for them, asked of an index of those reports and the bulletin of tests/data
(written by a helper who never saw the engine's rules, before any change they led to).
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "src"))

from reportqa.config import Settings  # noqa: E402
from reportqa.evaluation import score  # noqa: E402
from reportqa.service import QAService  # noqa: E402

SEED = SHARED / "seeds" / "000_c02059fcca3304c1.txt"
BULLETIN = REPO / "tests" / "data" / "yunxi-county-2024-statistical-bulletin.txt"


def knowledge_base(root: Path, name: str, files: list[Path]) -> QAService:
    corpus = root / name / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for f in files:
        if not (corpus / f.name).exists():
            shutil.copy(f, corpus / f.name)
    return QAService(Settings.from_env(corpus_dir=corpus, index_dir=root / name / "index"))


def main(argv: list[str]) -> int:
    import os
    import tempfile

    verbose = "-v" in argv
    names = [a for a in argv if not a.startswith("-")]
    root = Path(os.environ.get("REPORTQA_EVAL_TMP") or Path(tempfile.gettempdir()) / "reportqa-eval")
    bases = {"seed": knowledge_base(root, "seed", [SEED]),
             "multi": knowledge_base(root, "multi", [SEED, *sorted((SHARED / "eval" / "multi").glob("*.txt"))]),
             "bulletin": knowledge_base(root, "bulletin", [BULLETIN])}
    kbs = {d.name: d for d in sorted((REPO / "eval").glob("kb-*")) if (d / "questions.jsonl").exists()}
    for name, d in kbs.items():
        bases[name] = knowledge_base(root, name, [BULLETIN, *(f for f in sorted(d.iterdir())
                                                             if f.suffix in (".txt", ".docx", ".html", ".pdf")
                                                             and f.name != "questions.jsonl")])
    sets = [SHARED / "eval" / "dev.jsonl", SHARED / "eval" / "multi" / "questions.jsonl", *sorted((REPO / "eval").glob("*.jsonl")),
            *(d / "questions.jsonl" for d in kbs.values())]
    sets = [s for s in sets if not names or any(n in f"{s.parent.name}/{s.name}" for n in names)]
    total = {}
    for path in sets:
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        docs = {i.get("doc") for i in items}
        single = docs <= {None, SEED.name}
        groups: dict[str, list[dict]] = {}
        for item in items:
            doc = item.get("doc")
            base = (path.parent.name if path.parent.name in kbs else "bulletin" if doc == BULLETIN.name else
                    "seed" if single or (doc == SEED.name and "multi" not in path.parent.name and "multi" not in path.name)
                    else "multi")
            groups.setdefault(base, []).append(item)
        for base, group in groups.items():
            answers = [bases[base].ask(i["question"], id=i["id"]).to_dict() for i in group]
            f = score(group, answers)
            label = f"{path.parent.name if base in kbs else path.name}@{base}"
            print(f"{label:42s} n={f['n']:3d} hit1={f['hit1']:.3f} hit3={f['hit3']:.3f} answer={f['answer']:.3f} "
                  f"refusal={f['refusal']:.3f} false_ref={f['false_refusals']} wrong_doc={f['wrong_doc']}")
            for k in ("n", "false_refusals", "wrong_doc"):
                total[k] = total.get(k, 0) + f[k]
            for k in ("answer", "hit1"):
                total[k] = total.get(k, 0) + f[k] * f["n"]
            if verbose:
                for item, a in zip(group, answers):
                    ok = score([item], [a])
                    bad = ok["answer"] < 1 if "gold" in item else ok["refusal"] < 1
                    if bad or ok["wrong_doc"]:
                        print(f"   {item['id']}: {item['question']} -> {a['answer'][:90]}")
    n = total.get("n", 0) or 1
    print(f"{'all':42s} n={n:3d} answer~{total.get('answer', 0) / n:.3f} hit1~{total.get('hit1', 0) / n:.3f} "
          f"false_ref={total.get('false_refusals', 0)} wrong_doc={total.get('wrong_doc', 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
