"""Dates and times as people type them: one parser, one Chinese message per mistake.

Every tool and form reads a typed day or moment here, so the same slip gets
the same answer everywhere.  A day is written 年-月-日 (``2026-06-18``; ``/``,
``.`` or 年月日 between the parts also work); a moment adds 时:分
(``2026-06-18 20:00``); a time of day is 时:分 alone (``09:00``).  Dates,
datetimes and pandas Timestamps pass through.

>>> parse_date("2026/6/18")
datetime.date(2026, 6, 18)
>>> parse_date("6月18日", what="开始日期")
Traceback (most recent call last):
...
course.messages.CourseError: 开始日期：“6月18日”没有年份，请写成“年-月-日”，例如 2026-06-18。
>>> parse_datetime("2026-06-18 20:00"), parse_datetime("2026-06-18", end=True)
(datetime.datetime(2026, 6, 18, 20, 0), datetime.datetime(2026, 6, 18, 23, 59, 59))
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Any

from .messages import CourseError

DAY_EXAMPLE = "2026-06-18"
TIME_EXAMPLE = "2026-06-18 20:00"
CLOCK_EXAMPLE = "09:00"

_DAY = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
_CLOCK = r"(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2})(?:\.\d+)?)?"
_DAY_ONLY = re.compile(_DAY)
_CLOCK_ONLY = re.compile(_CLOCK)
_DAY_TIME = re.compile(_DAY + r"(?:\s*(?:[ T]|(?<=[日号]))\s*" + _CLOCK + r")?")
_NO_YEAR = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]?")


def parse_date(value: Any, *, what: str = "日期") -> _dt.date:
    """A day from text typed as 年-月-日, or from a date, datetime or Timestamp.

    >>> parse_date("2026年6月18日"), parse_date("2026-6-18")
    (datetime.date(2026, 6, 18), datetime.date(2026, 6, 18))
    >>> parse_date("2026-02-30")
    Traceback (most recent call last):
    ...
    course.messages.CourseError: 日期：“2026-02-30”这一天不存在，请检查月份和日期。
    """
    typed = _typed(value)
    if typed is not None:
        return typed.date() if isinstance(typed, _dt.datetime) else typed
    text = _text(value, what, "日期", DAY_EXAMPLE)
    m = _DAY_ONLY.fullmatch(text)
    if not m:
        raise CourseError(_wrong_format(value, text, what, "日期", "年-月-日", DAY_EXAMPLE))
    return _day(m, value, what)


def parse_datetime(value: Any, *, what: str = "时间", end: bool = False) -> _dt.datetime:
    """A moment from text typed as 年-月-日 时:分 (or just 年-月-日), or from a date, datetime or Timestamp.

    A day alone means its first moment, or with ``end=True`` its last (23:59:59);
    an end typed to the minute includes that whole minute.

    >>> parse_datetime("2026/6/18 9:30"), parse_datetime("2026-06-18 23:59", end=True)
    (datetime.datetime(2026, 6, 18, 9, 30), datetime.datetime(2026, 6, 18, 23, 59, 59))
    >>> parse_datetime("2026-06-18 25:00", what="开始时间")
    Traceback (most recent call last):
    ...
    course.messages.CourseError: 开始时间：“2026-06-18 25:00”这个时刻不存在，请检查小时（0-23）和分钟（0-59）。
    """
    typed = _typed(value)
    if isinstance(typed, _dt.datetime):
        return typed.replace(tzinfo=None)
    if typed is not None:
        return _dt.datetime.combine(typed, _day_end() if end else _dt.time(0, 0))
    text = _text(value, what, "时间", TIME_EXAMPLE)
    m = _DAY_TIME.fullmatch(text)
    if not m:
        raise CourseError(_wrong_format(value, text, what, "时间", "年-月-日 时:分", TIME_EXAMPLE))
    day = _day(m, value, what)
    if m.group(4) is None:
        return _dt.datetime.combine(day, _day_end() if end else _dt.time(0, 0))
    hour, minute = int(m.group(4)), int(m.group(5))
    second = int(m.group(6)) if m.group(6) is not None else (59 if end else 0)
    try:
        return _dt.datetime.combine(day, _dt.time(hour, minute, second))
    except ValueError:
        raise CourseError(f"{what}：“{value}”这个时刻不存在，请检查小时（0-23）和分钟（0-59）。") from None


def parse_clock(value: Any, *, what: str = "时刻") -> _dt.time:
    """A time of day typed as 时:分 (``09:00``, ``9:30``, ``21:00:00``), or a ``datetime.time``.

    >>> parse_clock("9:30"), parse_clock("21：00")
    (datetime.time(9, 30), datetime.time(21, 0))
    >>> parse_clock("25:00", what="结束时间")
    Traceback (most recent call last):
    ...
    course.messages.CourseError: 结束时间：“25:00”这个时刻不存在，请检查小时（0-23）和分钟（0-59）。
    """
    if isinstance(value, _dt.time):
        return value
    text = _text(value, what, "时刻", CLOCK_EXAMPLE)
    m = _CLOCK_ONLY.fullmatch(text)
    if not m:
        raise CourseError(f"{what}：“{value}”不是时刻，请写成“时:分”，例如 {CLOCK_EXAMPLE}。")
    try:
        return _dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    except ValueError:
        raise CourseError(f"{what}：“{value}”这个时刻不存在，请检查小时（0-23）和分钟（0-59）。") from None


def _day_end() -> _dt.time:
    return _dt.time(23, 59, 59)


def _typed(value: Any) -> _dt.date | None:
    """A date or datetime already (pandas and numpy ones included), else None."""
    if _missing(value):
        return None
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return value.to_pydatetime()
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value
    if type(value).__name__ == "datetime64":
        import pandas as pd

        return pd.Timestamp(value).to_pydatetime()
    return None


def _missing(value: Any) -> bool:
    """None, NaN, NaT, pd.NA (NaN and NaT are the values not equal to themselves)."""
    try:
        return value is None or bool(value != value)
    except TypeError:  # pd.NA: its comparisons are NA again
        return True
    except ValueError:  # an array: not one value
        return False


def _text(value: Any, what: str, noun: str, example: str) -> str:
    text = "" if _missing(value) else unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        raise CourseError(f"{what}：请填写{noun}，例如 {example}。")
    return text


def _wrong_format(value: Any, text: str, what: str, noun: str, form: str, example: str) -> str:
    if "年" not in text and _NO_YEAR.search(text):
        return f"{what}：“{value}”没有年份，请写成“{form}”，例如 {example}。"
    return f"{what}：“{value}”不是{noun}，请写成“{form}”，例如 {example}。"


def _day(m: re.Match, value: Any, what: str) -> _dt.date:
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise CourseError(f"{what}：“{value}”这一天不存在，请检查月份和日期。") from None
