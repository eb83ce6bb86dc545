"""Fit the reader's weights and its decline threshold, and report every set left out of the fit.

    .venv/bin/python eval/fit.py [--hold SET ...] [--write] [--l2 X] [--only FEATURE]

For every question of every set (eval/sets.py) the candidates the reader scores are collected with their
features; a candidate is right when its answer holds every expected string and comes from the item's
report. The model is a softmax over a question's candidates and a "no answer" option of score 0: the
weights make the right candidate outscore the others and, when none is right (or the question has no
answer), fall below 0. L-BFGS with an L2 penalty fits it.

Leave one set out: each set of the fitting pool is scored by weights fitted on the others; sets given
with --hold are never fitted on and scored by the weights fitted on the whole pool. --write stores those
weights in src/reportqa/qa/weights.json, with the pool and the held-out scores. --only FEATURE fits that
one weight with the others as stored (a feature added to a fitted reader), and --write then stores it alone.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize, minimize_scalar

import sets
from reportqa.evaluation import norm
from reportqa.lexical import language
from reportqa.qa.candidates import FEATURES, MISMATCHES, SUPPORTS
from reportqa.qa.question import question_type

WEIGHTS = sets.REPO / "src" / "reportqa" / "qa" / "weights.json"
NAMES = ["bias", *FEATURES]


def right(item: dict, cand, reader, query, question, svc) -> bool:
    want = Path(item["doc"]).stem if item.get("doc") else None
    if want is not None and cand.chunk.doc_id != want:
        return False
    text = norm(reader.format(query, cand, question))
    return all(norm(e) in text for e in item.get("expect", []))


def collect(qs, svc) -> list[dict]:
    """One record per question: its candidates' features and which are right (None: not a scored answer)."""
    out = []
    for item in qs.items:
        q = item["question"]
        lang = language(q)
        scoped = svc.scoper.scope(q, lang)
        rec = {"set": qs.name, "id": item["id"], "answerable": "gold" in item, "feats": [], "right": []}
        if not scoped.docs:
            rec["declined"] = True
            out.append(rec)
            continue
        query, question, hits = svc.search(q, lang, question_type(q, lang), None, scoped)
        reader = svc.reader
        structural = question.metadata or question.plans or question.claim is not None or question.multi or \
            (question.qtype in ("list", "why") and reader.named_list(query))
        if structural:
            a = svc.ask(q).to_dict()
            rec["fixed"] = bool(a["found"]) == rec["answerable"] and (
                not rec["answerable"] or all(norm(e) in norm(a["answer"]) for e in item.get("expect", [])))
            out.append(rec)
            continue
        cands = reader.candidates(query, hits, question, scoped.years, scoped.mode, docs=scoped.docs)
        rec["feats"] = [[1.0] + [c.features.get(k, 0.0) for k in FEATURES] for c in cands]
        rec["right"] = [bool(rec["answerable"]) and right(item, c, reader, query, question, svc) for c in cands]
        rec["shown"] = [f"{c.chunk.doc_id[:24]}|{c.chunk.mode}|{'/'.join(c.facts)}|{c.text[:60]}" for c in cands]
        rec["question"] = q
        out.append(rec)
    return out


def bounds(signed: bool) -> list[tuple[float | None, float | None]]:
    """Evidence for a candidate never counts against it, a mismatch never for it (the bias and the
    per-kind biases are free): a fit cannot learn an accident of the sets it saw."""
    if not signed:
        return [(None, None)] * len(NAMES)
    return [(0.0, None) if k in SUPPORTS else (None, 0.0) if k in MISMATCHES else (None, None) for k in NAMES]


def _data(records: list[dict]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(np.array(r["feats"]), np.array(r["right"], dtype=bool)) for r in records
            if "declined" not in r and "fixed" not in r]


def _loss(w: np.ndarray, data, l2: float) -> tuple[float, np.ndarray]:
    """The negative log-likelihood of the right candidates (or of "no answer", scoring 0, when none is
    right) with an L2 penalty on every weight but the bias, and its gradient."""
    total, grad = l2 * (w[1:] @ w[1:]), np.zeros_like(w)
    grad[1:] = 2 * l2 * w[1:]
    for X, y in data:
        if not len(X):
            continue
        s = X @ w
        m = max(0.0, s.max())
        e = np.exp(s - m)
        z = np.exp(-m) + e.sum()  # the "no answer" option scores 0
        p = e / z
        if y.any():
            total -= np.log(e[y].sum() / z)
            grad -= (p[y][:, None] * X[y]).sum(0) / p[y].sum() - (p[:, None] * X).sum(0)
        else:
            total -= np.log(np.exp(-m) / z)
            grad += (p[:, None] * X).sum(0)
    return total, grad


def fit_one(records: list[dict], base: np.ndarray, name: str, l2: float) -> np.ndarray:
    """`base` with one weight fitted, the others kept: a feature added to a fitted reader is weighed
    without refitting (and moving) everything else; its sign is bounded as in a full fit."""
    k, data = NAMES.index(name), _data(records)
    lo, hi = bounds(True)[k]
    w = base.copy()

    def loss(v):
        w[k] = v
        return _loss(w, data, l2)[0]

    res = minimize_scalar(loss, bounds=(-10.0 if lo is None else lo, 10.0 if hi is None else hi), method="bounded")
    w[k] = res.x
    return w


def fit(records: list[dict], l2: float, signed: bool = True) -> np.ndarray:
    data = _data(records)
    w0 = np.zeros(len(NAMES))
    res = minimize(_loss, w0, args=(data, l2), jac=True, method="L-BFGS-B", bounds=bounds(signed),
                   options={"maxiter": 500})
    w = res.x
    w[0] -= threshold(records, w)  # the threshold folded into the bias: a candidate must score above 0
    return w


WRONG_COST = 1.5  # a wrong answer (a guess, another place's or year's figure) costs more than a decline


def threshold(records: list[dict], w: np.ndarray) -> float:
    """The decline threshold that gains most with these weights: each right answer counts 1, each
    wrong answer (to an answerable question or to one the reports do not answer) costs WRONG_COST,
    a decline counts 0."""
    tops = []
    for r in records:
        if "declined" in r or "fixed" in r or not r.get("feats"):
            continue
        s = np.array(r["feats"]) @ w
        top = int(np.argmax(s))
        tops.append((float(s[top]), bool(r["answerable"] and r["right"][top]), not r["answerable"]))
    best, best_t = None, 0.0
    for t in sorted({round(s, 3) for s, _, _ in tops} | {0.0}):
        got = sum((1.0 if ok else -WRONG_COST) for s, ok, _ in tops if s > t)
        if best is None or got > best:
            best, best_t = got, t
    return best_t


def evaluate(records: list[dict], w: np.ndarray) -> dict[str, float]:
    answered = refused = n_ans = n_un = 0
    for r in records:
        if r["answerable"]:
            n_ans += 1
        else:
            n_un += 1
        if "declined" in r:
            refused += not r["answerable"]
            continue
        if "fixed" in r:
            if r["fixed"]:
                answered += r["answerable"]
                refused += not r["answerable"]
            continue
        X = np.array(r["feats"])
        if len(X) and (X @ w).max() > 0:
            answered += bool(r["answerable"] and r["right"][int(np.argmax(X @ w))])
        else:
            refused += not r["answerable"]
    return {"answer": answered / n_ans if n_ans else 0.0, "refusal": refused / n_un if n_un else 0.0,
            "n": n_ans + n_un}


def main(argv) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hold", nargs="*", default=[], help="sets never fitted on")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--cache", default=str(sets.root() / "features.json"))
    ap.add_argument("--fresh", action="store_true", help="collect the features again")
    ap.add_argument("--free", action="store_true", help="no sign constraints on the weights")
    ap.add_argument("--only", help="fit this one weight; the others stay as qa/weights.json has them")
    args = ap.parse_args(argv)
    cache = Path(args.cache)
    if cache.exists() and not args.fresh:
        records = json.loads(cache.read_text())
    else:
        files, services, records = sets.bases(), {}, []
        for qs in sets.question_sets():
            if qs.base not in services:
                services[qs.base] = sets.service(qs.base, files[qs.base])
            records += collect(qs, services[qs.base])
            print(f"collected {qs.name}", file=sys.stderr, flush=True)
        cache.write_text(json.dumps(records))
    names = list(dict.fromkeys(r["set"] for r in records))
    held = [n for n in names if any(h in n for h in args.hold)]
    pool = [n for n in names if n not in held]
    by = {n: [r for r in records if r["set"] == n] for n in names}
    print(f"{'set':34s} {'in-fit':>14s} {'left out':>14s}")
    loso = {}
    stored = json.loads(WEIGHTS.read_text())
    if args.only:
        base = np.array([stored["weights"].get(k, 0.0) for k in NAMES])
        fitter = lambda recs: fit_one(recs, base, args.only, args.l2)
    else:
        fitter = lambda recs: fit(recs, args.l2, not args.free)
    full = fitter([r for n in pool for r in by[n]])
    for n in names:
        inside = evaluate(by[n], full)
        if n in pool:
            w = fitter([r for m in pool if m != n for r in by[m]])
            out = evaluate(by[n], w)
        else:
            out = inside
        loso[n] = out
        print(f"{n:34s} {inside['answer']:.3f}/{inside['refusal']:.3f}  {out['answer']:.3f}/{out['refusal']:.3f}"
              f"  {'held out' if n in held else ''}")
    print("weights:", {k: round(float(v), 3) for k, v in zip(NAMES, full)})
    if args.write and args.only:
        stored["weights"][args.only] = round(float(full[NAMES.index(args.only)]), 4)
        stored.setdefault("fitted_alone", {})[args.only] = {
            "fitted_on": pool, "held_out": {n: round(loso[n]["answer"], 3) for n in names}}
        WEIGHTS.write_text(json.dumps(stored, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {args.only} to {WEIGHTS}")
    elif args.write:
        WEIGHTS.write_text(json.dumps({
            "weights": {k: round(float(v), 4) for k, v in zip(NAMES, full)}, "threshold": 0.0,
            "fitted_on": pool, "l2": args.l2, "signed": not args.free,
            "held_out": {n: round(loso[n]["answer"], 3) for n in names}}, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
