"""A graded task, declared once: what is exported, its dimension, points, kind and checks.

A task is the grading side's whole knowledge of one graded cell.  From the
declaration the course derives:

* the hidden test's score (``Task.score``, called through ``course.grade``);
* the visible self-check's spec (public parameters + salted digests, see
  ``grading/reference/spec.py`` and ``course/checks/``);
* the graded cells themselves for a new exercise (``grading.authoring``);
* what ``grading check`` verifies before a release (points, dimension prefix,
  export name, kind shares, minutes).

Example (a task of a demo notebook)::

    Task("n_candidates", title="候选数量", dim="d1", points=2, kind="form",
         checks=[Equals(column="count", msg="候选商品的数量不对：回到选品条件。",
                        ref=lambda R: 4)])

``ref`` is a function of the reference context ``R`` (settings, featured
product, shop data: ``grading/reference/context.py``); ``HiddenOnly`` checks
take ``(R, value)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from course import checks as C

KINDS = ("form", "scaffold", "text", "free")
KIND_ZH = {"form": "表单", "scaffold": "代码填空", "text": "文字作答", "free": "自由编程"}


@dataclass
class Task:
    """One graded task of a notebook (see the module docstring)."""

    name: str  # export name; also what course.check / course.grade call it
    title: str  # shown to the student: 【title】
    dim: str  # rubric dimension id: "d1"
    points: float
    kind: str  # form | scaffold | text | free
    checks: list[C.Check] = field(default_factory=list)
    var: str | None = None  # the student's variable (default: name)
    effort: int = 0  # form fields to fill / text answers to write (time estimate)
    module: str = ""  # filled in by the registry
    notebook: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"task {self.name}: kind must be one of {KINDS}")
        if self.var is None:
            self.var = self.name

    @property
    def grade_id(self) -> str:
        """The test cell's grade_id: dimension prefix + name."""
        return f"{self.dim}_{self.name}"

    # -- reference ------------------------------------------------------------
    def reference_values(self, R) -> list[Any]:
        out = []
        for check in self.checks:
            if not check.needs_reference or isinstance(check, C.HiddenOnly):
                out.append(None)
            else:
                out.append(check.ref(R) if callable(check.ref) else check.ref)
        return out

    def reference_forms(self, R) -> dict[str, list[str]]:
        return C.reference_forms(self.checks, self.reference_values(R))

    # -- judging --------------------------------------------------------------
    def judge(self, value: Any, R, forms: dict[str, list[str]] | None = None) -> C.Verdict:
        ref = GraderReference(forms if forms is not None else self.reference_forms(R))
        for i, check in enumerate(self.checks):
            if isinstance(check, C.HiddenOnly):
                try:
                    ref.hidden[str(i)] = float(check.ref(R, value)) if not C.is_empty(value) else 0.0
                except Exception:  # noqa: BLE001 - an answer the check cannot read is not right
                    ref.hidden[str(i)] = 0.0
        return C.judge_all(self.checks, value, ref)

    def score(self, value: Any, R, forms: dict[str, list[str]] | None = None) -> float:
        """Print the grading report and return the points (nbgrader partial credit)."""
        v = self.judge(value, R, forms)
        pts = round(self.points * v.share, 2)
        print(f"【{self.title}】得分 {pts:g} / {self.points:g}")
        if v.empty:
            print("  ✗ 提升方向：还没有作答（结果为空）。请完成上面的步骤并保存，再重新运行。")
        for msg in v.messages:
            print(f"  ✗ 提升方向：{msg}")
        if v.right:
            print("  ✓ 全部正确")
        return pts


class GraderReference(C.PlainReference):
    """Plain reference texts plus the grader-only verdicts of HiddenOnly checks."""

    def __init__(self, items: dict[str, list[str]]):
        super().__init__(items)
        self.hidden: dict[str, float] = {}
