"""Chinese messages for students, and the error type that carries them.

A ``CourseError`` is an expected problem with what a user typed or where a
file is.  In a notebook (after ``course.start``) it is shown as its Chinese
message only, never as a traceback, so a typo is answered with what to fix
(``course.friendly_errors`` shows it; every other error of a cell is explained
there too).  This module imports nothing of the course: every part may use it.

>>> str(CourseError("请先填写并保存表单。"))
'请先填写并保存表单。'
"""

from __future__ import annotations

# Messages shared by several modules.  A teacher who wants other wording
# changes it here (module-specific messages live next to their check).
FILL_FORM_FIRST = "请先填写并保存上面的表单（点击「保存」按钮），再运行这个单元格。"
DO_STEP_FIRST = "请先完成上一步：变量 {name} 还没有结果（仍是 None）。"
SAVED = "已保存 ✓"
CHECK_PASSED = "检查通过，可以继续下一步。"
SAVED_WITH_PROBLEMS = "已保存，但还有 {n} 处需要修改："
NOTHING_SAVED_YET = "（还没有保存过答案）"


class CourseError(Exception):
    """An expected, explainable problem; its message is Simplified Chinese."""
