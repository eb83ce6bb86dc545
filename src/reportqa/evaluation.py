"""Scores a question set the way ../shared/eval/score.py does, for a user's own questions."""
from __future__ import annotations

import re
import statistics
import unicodedata
from pathlib import PurePath


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def score(items: list[dict], answers: list[dict], max_answer_chars: int = 150) -> dict:
    """hit@1, hit@3, answer, refusal, false refusals, wrong_doc and latency, with the scorer's
    definitions: an item naming its report in "doc" counts only citations from that report, and
    wrong_doc counts answers whose first citation comes from another report."""
    hit1, hit3, ans, refuse, false_refusals, wrong_doc, lat = [], [], [], [], 0, 0, []
    for item, r in zip(items, answers):
        if isinstance(r.get("latency_ms"), (int, float)):
            lat.append(float(r["latency_ms"]))
        want = PurePath(item["doc"]).stem if item.get("doc") else None
        raw = r.get("citations") or []
        same = [want is None or str(c.get("doc", want)) == want for c in raw]
        cites = [norm(c.get("text", "")) if ok else "\0" for c, ok in zip(raw, same)]
        found = bool(r.get("found"))
        wrong_doc += int(found and bool(raw) and not same[0])
        if "gold" in item:
            g = norm(item["gold"])
            hit1.append(int(bool(cites) and g in cites[0]))
            hit3.append(int(any(g in c for c in cites[:3])))
            text = norm(r.get("answer", ""))
            ans.append(int(found and len(text) <= max_answer_chars
                           and all(norm(e) in text for e in item.get("expect", []))))
            false_refusals += int(not found)
        else:
            refuse.append(int(not found))
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0
    return {"hit1": mean(hit1), "hit3": mean(hit3), "answer": mean(ans), "refusal": mean(refuse),
            "false_refusals": false_refusals, "wrong_doc": wrong_doc, "p50_ms": statistics.median(lat) if lat else 0.0,
            "p95_ms": _percentile(lat, 95), "n": len(items)}


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
