"""Calibrated scores: one expert's 60 may be another's 85.

The additive reviewer-bias model: the score expert e gives nomination n is
    s(e, n) = q(n) + b(e) + noise,
q the nomination's quality on the panel's scale, b the expert's lenience (positive: lenient,
negative: harsh). Both are estimated together by alternating least squares from the items
experts share; the biases are shrunk towards 0 for experts with few scores (a pseudo-count of
SHRINK items at bias 0) and centred on 0, so the panel's own level stays. The calibrated score
of a nomination is q(n): its experts' scores with each expert's lenience taken out.

An expert is flagged when their lenience is further than FLAG points from the panel (at least
MIN_SCORES scores). Pure: (nomination, expert, score) triples in, numbers out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SHRINK = 2.0        # pseudo-items at bias 0: one score moves an expert's bias a third of the way
FLAG = 8.0          # points from the panel on a 0-100 scale
MIN_SCORES = 3
ROUNDS = 200


@dataclass
class Calibration:
    quality: dict[int, float] = field(default_factory=dict)   # nomination -> calibrated score
    bias: dict[int, float] = field(default_factory=dict)      # expert -> lenience (points)
    scores: dict[int, int] = field(default_factory=dict)      # expert -> number of scores

    def flag(self, expert: int) -> str:
        """偏宽松 / 偏严格 / "" for an expert."""
        b = self.bias.get(expert, 0.0)
        if self.scores.get(expert, 0) < MIN_SCORES or abs(b) <= FLAG:
            return ""
        return "偏宽松" if b > 0 else "偏严格"

    @property
    def flagged(self) -> dict[int, str]:
        return {e: self.flag(e) for e in self.bias if self.flag(e)}


def calibrate(observations: list[tuple[int, int, float]]) -> Calibration:
    """`observations`: (nomination, expert, weighted total) for every submitted score."""
    out = Calibration()
    if not observations:
        return out
    by_n: dict[int, list[tuple[int, float]]] = {}
    by_e: dict[int, list[tuple[int, float]]] = {}
    for n, e, s in observations:
        by_n.setdefault(n, []).append((e, s))
        by_e.setdefault(e, []).append((n, s))
    bias = {e: 0.0 for e in by_e}
    quality: dict[int, float] = {}
    for _ in range(ROUNDS):
        quality = {n: sum(s - bias[e] for e, s in rows) / len(rows) for n, rows in by_n.items()}
        new = {e: sum(s - quality[n] for n, s in rows) / (len(rows) + SHRINK)
               for e, rows in by_e.items()}
        centre = sum(new.values()) / len(new)
        new = {e: b - centre for e, b in new.items()}
        moved = max(abs(new[e] - bias[e]) for e in new)
        bias = new
        if moved < 1e-6:
            break
    quality = {n: sum(s - bias[e] for e, s in rows) / len(rows) for n, rows in by_n.items()}
    out.quality = {n: round(q, 2) for n, q in quality.items()}
    out.bias = {e: round(b, 2) for e, b in bias.items()}
    out.scores = {e: len(rows) for e, rows in by_e.items()}
    return out
