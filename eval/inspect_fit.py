"""Why the fitted reader fails: per set, the ceiling (a right candidate exists) and, for each miss,
the top candidates with their features.   .venv/bin/python eval/inspect_fit.py SET [N]"""
import json
import sys

import numpy as np

import sets
from fit import NAMES

records = json.loads((sets.root() / "features.json").read_text())
w = json.loads((sets.REPO / "src/reportqa/qa/weights.json").read_text())["weights"]
w = np.array([w.get(k, 0.0) for k in NAMES])
want = sys.argv[1] if len(sys.argv) > 1 else ""
for name in dict.fromkeys(r["set"] for r in records):
    rs = [r for r in records if r["set"] == name and want in name]
    if not rs:
        continue
    ans = [r for r in rs if r["answerable"] and "feats" in r and r["feats"]]
    ceiling = sum(any(r["right"]) for r in ans)
    print(f"== {name}: answerable {sum(r['answerable'] for r in rs)}, scored {len(ans)}, a right candidate in {ceiling}")
    if not want:
        continue
    for r in rs:
        if "declined" in r or "fixed" in r or not r.get("feats"):
            print(f"  {r['id']} {'declined' if 'declined' in r else 'fixed=' + str(r.get('fixed'))}")
            continue
        X = np.array(r["feats"]); s = X @ w; order = np.argsort(-s)
        top = order[0]
        ok = (s[top] > 0 and r["right"][top]) if r["answerable"] else s[top] <= 0
        if ok:
            continue
        print(f"  {r['id']} {'A' if r['answerable'] else 'U'} {r['question']}  (right at {[int(np.where(order == i)[0][0]) for i in np.where(r['right'])[0]][:3]})")
        for i in order[:3]:
            f = {k: round(v, 2) for k, v in zip(NAMES[1:], X[i][1:]) if v}
            print(f"     {s[i]:+.2f} {'*' if r['right'][i] else ' '} {r['shown'][i]}  {f}")
        for i in [i for i in np.where(r['right'])[0] if i not in order[:3]][:1]:
            f = {k: round(v, 2) for k, v in zip(NAMES[1:], X[i][1:]) if v}
            print(f"     {s[i]:+.2f} * {r['shown'][i]}  {f}")


def breakdown(rs):
    """Answerable questions by what stopped them: scoping, no right candidate, ranking, the threshold."""
    out = {"scoped out": 0, "structural wrong": 0, "no right candidate": 0, "right not first": 0,
           "right first, below threshold": 0, "answered": 0}
    for r in rs:
        if not r["answerable"]:
            continue
        if "declined" in r:
            out["scoped out"] += 1
        elif "fixed" in r:
            out["answered" if r["fixed"] else "structural wrong"] += 1
        elif not any(r["right"]):
            out["no right candidate"] += 1
        else:
            s = np.array(r["feats"]) @ w
            top = int(np.argmax(s))
            out["answered" if r["right"][top] and s[top] > 0 else "right not first" if not r["right"][top]
                else "right first, below threshold"] += 1
    return out


if not want or "--summary" in sys.argv:
    for name in dict.fromkeys(r["set"] for r in records):
        if not name.startswith("real-"):
            print(name, breakdown([r for r in records if r["set"] == name]))
