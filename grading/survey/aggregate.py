"""Counting the answers: per module (difficulty, pace, NPS, suggestions) and the final survey.

>>> nps([10, 9, 7, 3])["nps"]
25.0
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable

from .answers import Response

# -- aggregation --------------------------------------------------------------

PROMOTER_MIN, DETRACTOR_MAX = 9, 6


def nps(scores: Iterable) -> dict:
    """Net Promoter Score of 0-10 answers: promoters (9-10) share − detractors (0-6) share, in points.

    Answers that are not a whole number from 0 to 10 are left out.

    >>> nps(["10", "9", "7", "3"])["nps"]      # 50% promoters − 25% detractors
    25.0
    >>> nps([6, 6, 10])["nps"], nps([])["nps"]
    (-33.3, None)
    """
    valid = []
    for s in scores:
        try:
            v = int(str(s).strip())
        except (TypeError, ValueError):
            continue
        if 0 <= v <= 10 and str(s).strip().lstrip("+").isdigit():
            valid.append(v)
    n = len(valid)
    promoters = sum(v >= PROMOTER_MIN for v in valid)
    detractors = sum(v <= DETRACTOR_MAX for v in valid)
    return {
        "n": n,
        "promoters": promoters,
        "passives": n - promoters - detractors,
        "detractors": detractors,
        "nps": round(100.0 * (promoters - detractors) / n, 1) if n else None,
        "counts": {str(k): valid.count(k) for k in range(11)},
    }


def _texts(values: Iterable) -> list[str]:
    """Open answers, whitespace-normalised, sorted; identical ones once with ×N."""
    counts = Counter(" ".join(str(v).split()) for v in values if isinstance(v, str) and v.strip())
    return [t if n == 1 else f"{t}（×{n}）" for t, n in sorted(counts.items())]


def aggregate(responses: list[Response]) -> dict:
    """Counts, shares and means per survey; plain data (no student information)."""
    from course.forms import survey_form as sf

    summary: dict = {"modules": {}, "final": None}
    by_key: dict[str, list[dict]] = {}
    for r in responses:
        by_key.setdefault(r.key, []).append(r.values)

    for key in sorted(k for k in by_key if k != sf.FINAL_KEY):
        module = key[len(sf.SURVEY_PREFIX) :]
        rows = by_key[key]
        options = sf.DIFFICULTY_OPTIONS.get(module, sf.DEFAULT_DIFFICULTY)
        diff = Counter(v.get("difficulty") for v in rows if v.get("difficulty"))
        pace = Counter(v.get("pace") for v in rows if v.get("pace"))
        summary["modules"][module] = {
            "title": sf.module_title(module),
            "n": len(rows),
            "difficulty": {o: diff.get(o, 0) for o in [*options, *sorted(set(diff) - set(options))]},
            "pace": {o: pace.get(o, 0) for o in sf.PACE_OPTIONS},
            "recommend": nps(v.get("recommend") for v in rows if v.get("recommend") not in (None, "")),
            "suggestions": _texts(v.get("suggestion") for v in rows),
        }
    if summary["modules"]:
        every = [v.get("recommend") for k in by_key if k != sf.FINAL_KEY for v in by_key[k]]
        summary["recommend_all"] = nps(x for x in every if x not in (None, ""))

    rows = by_key.get(sf.FINAL_KEY, [])
    if rows:
        dims = {}
        for name, label in sf.FINAL_DIMENSIONS.items():
            scores = []
            for v in rows:
                try:
                    s = int(str(v.get(name)))
                except (TypeError, ValueError):
                    continue
                if 1 <= s <= 5:
                    scores.append(s)
            counts = Counter(scores)
            dims[label] = {
                "n": len(scores),
                "mean": round(statistics.fmean(scores), 2) if scores else None,
                "median": float(statistics.median(scores)) if scores else None,
                "satisfied_share": round(sum(1 for s in scores if s >= 4) / len(scores), 3) if scores else None,
                "counts": {str(k): counts.get(k, 0) for k in range(1, 6)},
            }
        summary["final"] = {"n": len(rows), "dimensions": dims, "comments": _texts(v.get("comment") for v in rows)}
    return summary
