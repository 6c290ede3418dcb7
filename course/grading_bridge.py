"""``course.grade(task, value)``: the last line of every hidden test.

The reference answers and the way to compute them live on the grading side
(``grading/reference``), which is never shipped to students.  A hidden test
records the student's answer as plain data (``course.export``) and hands it to
``course.grade``, which asks the grading side for the points.

Where the grading side is absent:

* in the grading sandbox (``COURSE_SANDBOX=1``) the student's kernel only
  records answers: this prints a note and returns None; the score comes from
  the clean re-check outside the sandbox, which runs the real reference;
* anywhere else (a student's own computer) hidden tests never run, because
  nbgrader removes them from the released notebooks; if one does run, the
  student is told so in Chinese.
"""

from __future__ import annotations

import os
from typing import Any

from .messages import CourseError

DEFERRED = "[评分端复核] 答案已记录；本项得分由评分端在学生环境之外计算。"


def grade(task: str, value: Any) -> float | None:
    """Points of ``task`` for ``value`` (printed report included), via grading.reference."""
    from .session import current

    try:
        from grading.reference import grade as reference_grade
    except ImportError:
        if os.environ.get("COURSE_SANDBOX"):
            print(DEFERRED)
            return None
        raise CourseError("这个单元格是评分测试，只能在助教的评分环境中运行；请保存答案后提交作业。") from None
    s = current()
    return reference_grade(s.module, s.notebook, task, value)
