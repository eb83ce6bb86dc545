"""Every question set beside the repo, scored in one process on the knowledge base it was written for.

    .venv/bin/python eval/run_all.py [-v] [SET ...]

SET selects sets whose name contains it (dev, multi, gwr, provinces, fresh-multi, kb-shiqiao …); the
knowledge bases are described in eval/sets.py. Scores use the shared scorer's definitions
(reportqa.evaluation). -v prints every wrong item.
"""
from __future__ import annotations

import sys

import sets
from reportqa.evaluation import score


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    names = [a for a in argv if not a.startswith("-")]
    chosen = [s for s in sets.question_sets() if not names or any(n in s.name for n in names)]
    files = sets.bases()
    services = {}
    total: dict[str, float] = {}
    for qs in chosen:
        if qs.base not in services:
            services[qs.base] = sets.service(qs.base, files[qs.base])
        svc = services[qs.base]
        answers = [svc.ask(i["question"], id=i["id"]).to_dict() for i in qs.items]
        f = score(qs.items, answers)
        print(f"{qs.name:34s} n={f['n']:3d} hit1={f['hit1']:.3f} hit3={f['hit3']:.3f} answer={f['answer']:.3f} "
              f"refusal={f['refusal']:.3f} false_ref={f['false_refusals']} wrong_doc={f['wrong_doc']} "
              f"p50={f['p50_ms']:.1f}ms", flush=True)
        for k in ("n", "false_refusals", "wrong_doc"):
            total[k] = total.get(k, 0) + f[k]
        for k in ("answer", "hit1"):
            total[k] = total.get(k, 0) + f[k] * f["n"]
        if verbose:
            for item, a in zip(qs.items, answers):
                ok = score([item], [a])
                bad = ok["answer"] < 1 if "gold" in item else ok["refusal"] < 1
                if bad or ok["wrong_doc"]:
                    print(f"   {item['id']}: {item['question']} -> {a['answer'][:100]}")
    n = total.get("n", 0) or 1
    print(f"{'all':34s} n={int(n):3d} answer~{total.get('answer', 0) / n:.3f} hit1~{total.get('hit1', 0) / n:.3f} "
          f"false_ref={int(total.get('false_refusals', 0))} wrong_doc={int(total.get('wrong_doc', 0))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
