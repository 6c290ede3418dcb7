"""The base of every check, and the registry of check kinds (for a release's spec).

>>> from course.checks import Columns
>>> from_spec({"kind": "Columns", "params": {"msg": "缺列", "columns": ["a"]}}).columns
['a']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .references import Scoped


@dataclass(kw_only=True)
class Check:
    """One thing a student should get right, with the 提升方向 shown when it is not.

    ``weight`` is its share of the task's points.  ``partial``: a check that can
    be partly right (most table cells right) earns that share of its weight.
    ``gate``: when it fails, later checks are not reported (a table without the
    right columns gets one clear message, not ten).  ``ref`` is used by the
    grading side only (a function of the reference context); it is never
    shipped to students.
    """

    msg: str
    weight: float = 1.0
    partial: bool = False
    gate: bool = False
    ref: Callable | Any = field(default=None, repr=False, compare=False)

    kind = "check"
    needs_reference = False

    # -- the grading side turns the reference into canonical texts by label
    def reference_forms(self, ref_value: Any) -> dict[str, list[str]]:
        return {}

    # -- both sides
    def judge(self, value: Any, ref: Scoped | None) -> float:
        """How right the answer is, 0..1 (1 = right)."""
        raise NotImplementedError  # pragma: no cover

    def params(self) -> dict:
        """Public parameters, written to the release's check spec."""
        out = {}
        for name in self.__dataclass_fields__:
            if name in ("ref",):
                continue
            out[name] = getattr(self, name)
        return out


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def kinds() -> dict[str, type[Check]]:
    """Every check kind defined so far (this package's, and any a course module adds)."""
    return {c.kind: c for c in _subclasses(Check) if c.kind != "check"}


def from_spec(entry: dict) -> Check:
    """A check rebuilt from its public parameters in a release's spec.

    A kind defined outside this package (say in ``course.tools.pricing``) names its
    module in the spec; it is imported first.
    """
    import importlib

    found = kinds()
    if entry["kind"] not in found and entry.get("module"):
        importlib.import_module(entry["module"])
        found = kinds()
    return found[entry["kind"]](**entry["params"])
