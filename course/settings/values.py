"""Values of the settings file: reading one by its dotted name, checking its type,
hinting at the usual slips, and writing dates and times of day in one form.

>>> lookup({"a": {"b": 1}}, "a.b"), lookup({}, "a.b")
((True, 1), (False, None))
>>> value_hint("60%", "share")
'百分比请写成小数：60% 写 0.60。'
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from .. import dates
from ..messages import CourseError
from .spec import NUM, SPEC


def lookup(data: dict, dotted: str) -> tuple[bool, Any]:
    cur: Any = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


def type_ok(value: Any, kind: Any) -> bool:
    if isinstance(value, bool):
        return False
    if kind == "share":
        return isinstance(value, (int, float)) and 0 <= value <= 1
    if kind == "date":
        return isinstance(value, (_dt.date, str)) and _parses(dates.parse_date, value)
    if kind == "clock":
        return isinstance(value, str) and _parses(dates.parse_clock, value)
    if kind is int:
        return isinstance(value, int)
    return isinstance(value, kind)


def _parses(parse, value: Any) -> bool:
    """Whether the course's one date parser (``course.dates``) reads ``value``; its own message is not
    shown here: the settings check says what a setting should look like, with the line."""
    try:
        parse(value)
    except CourseError:
        return False
    return True


def parse_due(text: Any) -> _dt.datetime | None:
    """Parse ``"2026-12-07 17:00"`` (Beijing time) into a naive datetime, or None.

    >>> parse_due("2026-12-07 17:00"), parse_due("12月7日")
    (datetime.datetime(2026, 12, 7, 17, 0), None)
    """
    try:
        return dates.parse_datetime(text, what="截止时间")
    except CourseError:
        return None


def canonicalise(data: dict) -> None:
    """Dates and times of day as ``2026-12-07`` and ``09:00`` whatever way they were typed
    (``2026/12/7``, ``9:00``), so that every reader of the settings sees one form."""
    for path, kind in SPEC.items():
        if kind not in ("date", "clock"):
            continue
        *parents, name = path.split(".")
        section = data
        for part in parents:
            section = section[part]
        if not isinstance(section[name], str):
            continue  # a date YAML already read as a date
        if kind == "date":
            section[name] = dates.parse_date(section[name]).isoformat()
        else:
            clock = dates.parse_clock(section[name])
            section[name] = clock.isoformat(timespec="seconds" if clock.second else "minutes")


def value_hint(value: Any, kind: Any) -> str:
    """What the teacher probably meant, for the usual slips."""
    numeric = kind in (int, NUM, "share")
    if isinstance(value, str):
        s = value.strip()
        if s.endswith(("%", "％")) and kind == "share":
            try:
                return f"百分比请写成小数：{s} 写 {float(s.rstrip('%％')) / 100:.2f}。"
            except ValueError:
                return ""
        if numeric and any(u in s for u in ("元", "天", "次", "件", "条", "个", "字", "分", "小时", "分钟", "px")):
            return "只写数字，不要带单位。"
        if numeric:
            try:
                float(s)
                return "数字不要加引号。"
            except ValueError:
                return ""
    if kind == "share" and isinstance(value, (int, float)) and not isinstance(value, bool) and 1 < value <= 100:
        return f"百分比请写成小数：{value}% 写 {value / 100:.2f}。"
    if kind is int and isinstance(value, float):
        return "这里只能填整数（不要带小数点）。"
    return ""


# Sections whose keys are all listed in SPEC: a key found there but not in SPEC
