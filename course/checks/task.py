"""A whole task: its reference forms, and the verdict of all its checks on an answer.

>>> from course.checks import Keys, PlainReference
>>> judge_all([Keys(keys=["a"], msg="没填 a")], {"a": ""}, PlainReference({})).messages
['没填 a']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .base import Check
from .canonical import digest
from .compare import HiddenOnly
from .reading import is_table
from .references import Reference


def reference_forms(checks: list[Check], ref_values: list[Any]) -> dict[str, list[str]]:
    """Canonical reference texts of a task's checks, by full label (the grader's side)."""
    out: dict[str, list[str]] = {}
    for i, (check, ref_value) in enumerate(zip(checks, ref_values)):
        if not check.needs_reference or isinstance(check, HiddenOnly):
            continue
        for label, forms in check.reference_forms(ref_value).items():
            out[str(i) if label == "" else f"{i}:{label}"] = list(forms)
    return out


def hash_forms(salt: str, task: str, forms: dict[str, list[str]]) -> dict[str, list[str]]:
    """Salted digests of reference texts: what a release writes for students."""
    return {label: sorted(digest(salt, task, label, f) for f in texts) for label, texts in forms.items()}


# -- judging a whole task ---------------------------------------------------------


@dataclass
class Verdict:
    """The result of a task's checks: score share and the messages to show."""

    shares: list[float]
    weights: list[float]
    messages: list[str]
    empty: bool = False
    unjudged: int = 0

    @property
    def share(self) -> float:
        if self.empty:
            return 0.0
        total = sum(self.weights) or 1.0
        return sum(w * s for w, s in zip(self.weights, self.shares) if not math.isnan(s)) / total

    @property
    def right(self) -> bool:
        return not self.empty and not self.messages and self.unjudged == 0


def is_empty(value: Any) -> bool:
    """No answer at all: None, an empty table, text or list."""
    if value is None:
        return True
    if is_table(value):
        return value.empty
    if isinstance(value, (str, list, tuple, dict, set)):
        return len(value) == 0 or (isinstance(value, str) and not value.strip())
    return False


def judge_all(checks: list[Check], value: Any, reference: Reference) -> Verdict:
    """Judge every check; a failed gate check hides the checks after it."""
    shares, weights, messages = [], [], []
    unjudged = 0
    if is_empty(value):
        return Verdict([0.0] * len(checks), [c.weight for c in checks], [], empty=True)
    blocked = False
    for i, check in enumerate(checks):
        weights.append(check.weight)
        if blocked:
            shares.append(0.0)
            continue
        try:
            s = check.judge(value, reference.at(i))
        except Exception:  # noqa: BLE001 - an answer a check cannot read is not right
            s = 0.0
        if math.isnan(s):
            unjudged += 1
            shares.append(math.nan)
            continue
        s = min(1.0, max(0.0, float(s)))
        shares.append(s)
        if s < 1.0 - 1e-9:
            messages.append(check.msg)
            if check.gate:
                blocked = True
    return Verdict(shares, weights, messages, unjudged=unjudged)
