"""One score per candidate, from its features and a few fitted weights, and one threshold to decline.

score = bias + Σ weight × feature. The weights, the bias and the decline threshold live in
`weights.json`, written by `eval/fit.py`: a softmax over each question's candidates and a "no answer"
option whose score is the threshold, fitted to the answerable and unanswerable questions of the
fitting sets (which sets, and the scores on the sets held out, are recorded in the file). A question
is declined when no candidate scores above the threshold. `explain` says which features decided.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources

from .candidates import FEATURES, Candidate


@dataclass
class Weights:
    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.0  # a candidate must score above it to be given as the answer
    fitted_on: list[str] = field(default_factory=list)  # the question sets the weights were fitted to
    held_out: dict[str, float] = field(default_factory=dict)  # answer score of each set left out of the fit

    @classmethod
    def load(cls, path=None) -> "Weights":
        """The packaged weights (qa/weights.json), or those of `path`."""
        raw = (open(path, encoding="utf-8").read() if path else
               resources.files(__package__).joinpath("weights.json").read_text(encoding="utf-8"))
        data = json.loads(raw)
        return cls(weights={k: float(v) for k, v in data["weights"].items() if k in FEATURES or k == "bias"},
                   threshold=float(data["threshold"]), fitted_on=list(data.get("fitted_on", [])),
                   held_out=dict(data.get("held_out", {})))

    def score(self, features: dict[str, float]) -> float:
        w = self.weights
        return w.get("bias", 0.0) + sum(w.get(k, 0.0) * v for k, v in features.items())


def rank(cands: list[Candidate], weights: Weights) -> list[Candidate]:
    """The candidates, each scored, best first."""
    for c in cands:
        c.score = weights.score(c.features)
    return sorted(cands, key=lambda c: (-c.score, c.rank, c.sentence))


NEWER_MARGIN = 1.0  # how far below an older report's candidate the latest report's may score and still win


def best(cands: list[Candidate], weights: Weights, margin: float = 0.0, ranked: bool = False) -> Candidate | None:
    """The best candidate when it scores above the threshold (plus `margin`), else None. A question
    naming no year asks how things stand now: the latest report of a place wins over an older one's
    candidate it nearly matches (the `older` feature marks the older reports)."""
    ranked = cands if ranked else rank(cands, weights)
    if not ranked or ranked[0].score <= weights.threshold + margin:
        return None
    top = ranked[0]
    if top.features.get("older"):
        newer = [c for c in ranked if not c.features.get("older") and c.score > weights.threshold + margin
                 and c.score >= top.score - NEWER_MARGIN and c.chunk.doc_id != top.chunk.doc_id]
        if newer:
            return newer[0]
    return top
