"""Where a check's reference comes from: plain texts (grader) or salted digests (student).

>>> ref = PlainReference({"0": ["8"]})
>>> ref.at(0).has("", ["8", "9"]), ref.at(1).has("", ["8"])
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .canonical import digest


class Reference:
    """What a check compares against: ``hits(label, candidates)`` -> (matched, total)."""

    def hits(self, label: str, candidates: Iterable[str]) -> tuple[int, int]:  # pragma: no cover - interface
        raise NotImplementedError

    def labels(self) -> list[str]:  # pragma: no cover - interface
        raise NotImplementedError

    def at(self, index: int) -> Scoped:
        return Scoped(self, str(index))


@dataclass
class Scoped:
    """A reference seen by one check (labels are prefixed with the check's index)."""

    ref: Reference
    prefix: str

    def hits(self, label: str, candidates: Iterable[str]) -> tuple[int, int]:
        full = self.prefix if label == "" else f"{self.prefix}:{label}"
        return self.ref.hits(full, candidates)

    def has(self, label: str, candidates: Iterable[str]) -> bool:
        return self.hits(label, candidates)[0] > 0

    def labels(self) -> list[str]:
        """The sub-labels this check's reference has (e.g. ``预热期|UV`` per table cell)."""
        head = self.prefix + ":"
        return sorted(k[len(head) :] for k in self.ref.labels() if k.startswith(head))


class PlainReference(Reference):
    """The grader's side: canonical reference texts by label."""

    def __init__(self, items: dict[str, list[str]]):
        self.items = {k: set(v) for k, v in items.items()}

    def labels(self) -> list[str]:
        return list(self.items)

    def hits(self, label, candidates):
        ref = self.items.get(label, set())
        return len(ref & set(candidates)), len(ref)


class HashedReference(Reference):
    """The student's side: salted digests by label."""

    def __init__(self, salt: str, task: str, digests: dict[str, list[str]]):
        self.salt, self.task = salt, task
        self.digests = {k: set(v) for k, v in digests.items()}

    def labels(self) -> list[str]:
        return list(self.digests)

    def hits(self, label, candidates):
        ref = self.digests.get(label, set())
        mine = {digest(self.salt, self.task, label, c) for c in candidates}
        return len(ref & mine), len(ref)
