"""Form fields: each turns what a student typed into a value, or a Chinese message.

Fields keep the *raw* text the student typed; parsing never changes it, so an
invalid entry is shown back exactly as typed together with what to fix.

>>> Number("price", "日常价", decimals=2).parse("499元")
(None, '日常价：请只填数字，不要带“元”等单位，例如 499.00。')
>>> Number("price", "日常价", decimals=2).parse("499.00")
(499.0, None)
>>> Date("day", "开始日期").parse("6月18日")[1]
'开始日期：“6月18日”没有年份，请写成“年-月-日”，例如 2026-06-18。'

A rate is typed as a percentage and stored as the 0-1 decimal (the course's one
convention, ``course/resources/glossary.md``); the form says how it read the entry:

>>> rate = Percent("target", "新客转化率目标")
>>> rate.parse("8"), rate.parse("8%"), rate.reading("8%")
((0.08, None), (0.08, None), '已按 8% 读取')
>>> rate.reading("0.08")
'已按 0.08% 读取（想写 8% 就填 8）'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..dates import parse_date, parse_datetime
from ..messages import CourseError
from ..parse import parse_number


@dataclass
class Field:
    """Base field: ``name`` is the key in the answer file, ``label`` is shown."""

    name: str
    label: str
    help: str = ""
    required: bool = True
    default: Any = None
    placeholder: str = ""
    widget_type: str = field(default="text", init=False)

    def empty(self, raw: Any) -> bool:
        return raw is None or (isinstance(raw, str) and raw.strip() == "") or raw == []

    def parse(self, raw: Any) -> tuple[Any, str | None]:
        """Return (value, None) or (None, message)."""
        if self.empty(raw):
            return None, (f"{self.label}：必填，请填写。" if self.required else None)
        return self.convert(raw)

    def convert(self, raw: Any) -> tuple[Any, str | None]:
        return raw, None

    def default_raw(self) -> Any:
        return "" if self.default is None else str(self.default)

    def reading(self, raw: Any) -> str:
        """How the field read a valid entry, shown beside it ("已按 8% 读取"); "" when nothing to say."""
        return ""


@dataclass
class Text(Field):
    """One line of text.  ``max_len`` counts characters."""

    max_len: int | None = None
    continuous: bool = True

    def convert(self, raw):
        text = str(raw).strip()
        if self.max_len and len(text) > self.max_len:
            return None, f"{self.label}：最多 {self.max_len} 个字，现在有 {len(text)} 个。"
        return text, None


@dataclass
class TextArea(Text):
    """Several lines of free text."""

    rows: int = 3

    def __post_init__(self):
        self.widget_type = "textarea"


@dataclass
class Lines(TextArea):
    """One item per line -> a list of strings (blank lines ignored)."""

    min_items: int = 0
    max_items: int | None = None

    def default_raw(self):
        if isinstance(self.default, (list, tuple)):
            return "\n".join(map(str, self.default))
        return super().default_raw()

    def convert(self, raw):
        items = [s.strip() for s in str(raw).splitlines() if s.strip()]
        if len(items) < self.min_items:
            return None, f"{self.label}：至少填写 {self.min_items} 条（每行一条），现在有 {len(items)} 条。"
        if self.max_items is not None and len(items) > self.max_items:
            return None, f"{self.label}：最多 {self.max_items} 条（每行一条），现在有 {len(items)} 条。"
        return items, None


@dataclass
class Number(Field):
    """A number typed as text, so "499元" is kept and explained, not lost."""

    minimum: float | None = None
    maximum: float | None = None
    decimals: int | None = None
    integer: bool = False
    unit: str = ""

    def convert(self, raw):
        value, msg = parse_number(raw, self.label, decimals=self.decimals, integer=self.integer)
        if msg:
            return None, msg
        if self.minimum is not None and value < self.minimum:
            return None, f"{self.label}：不能小于 {self.minimum:g}{self.unit}，现在是 {value:g}{self.unit}。"
        if self.maximum is not None and value > self.maximum:
            return None, f"{self.label}：不能大于 {self.maximum:g}{self.unit}，现在是 {value:g}{self.unit}。"
        return value, None


@dataclass
class Percent(Number):
    """A rate typed as a percentage: "8" and "8%" both mean 8 %; the value is the 0-1 decimal 0.08.

    ``minimum``/``maximum`` and ``decimals`` are in percent as typed (0-100 by
    default); ``default`` is a 0-1 value as the settings store it (0.08 is shown
    as 8).  "0.08" means 0.08 % and is echoed so, so a slip is seen, not guessed.
    """

    minimum: float | None = 0
    maximum: float | None = 100
    unit: str = "%"
    placeholder: str = "例如 8 或 8%"

    def _percent(self, raw: Any) -> tuple[float | None, str | None]:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        text = text[:-1].strip() if text.endswith("%") else text
        value, msg = parse_number(text, self.label, decimals=self.decimals)
        if msg or "," in text:  # "1,5" is no percentage a person types; never guess
            return None, f"{self.label}：“{raw}”不是百分数，请填写像 8 或 8% 这样的数字（都表示 8%）。"
        return value, None

    def convert(self, raw):
        pct, msg = self._percent(raw)
        if msg:
            return None, msg
        if self.minimum is not None and pct < self.minimum:
            return None, f"{self.label}：不能小于 {self.minimum:g}%，现在是 {pct:g}%。"
        if self.maximum is not None and pct > self.maximum:
            return None, f"{self.label}：不能大于 {self.maximum:g}%，现在是 {pct:g}%。"
        return round(pct / 100, 12), None

    def reading(self, raw: Any) -> str:
        if self.empty(raw):
            return ""
        pct, msg = self._percent(raw)
        if msg:
            return ""
        hint = f"（想写 {pct * 100:g}% 就填 {pct * 100:g}）" if 0 < pct < 1 else ""
        return f"已按 {pct:g}% 读取{hint}"

    def default_raw(self) -> Any:
        if isinstance(self.default, (int, float)) and not isinstance(self.default, bool):
            return f"{self.default * 100:.10g}"
        return super().default_raw()


@dataclass
class Choice(Field):
    """Pick one of ``options`` (a dropdown)."""

    options: list = field(default_factory=list)

    def __post_init__(self):
        self.widget_type = "dropdown"

    def default_raw(self):
        return self.default if self.default in self.options else ""

    def convert(self, raw):
        if raw not in self.options:
            return None, f"{self.label}：请从下拉框中选择（可选：{'、'.join(map(str, self.options))}）。"
        return raw, None


@dataclass
class MultiChoice(Field):
    """Tick any number of ``options`` (check boxes) -> list in option order."""

    options: list = field(default_factory=list)
    min_items: int = 0
    max_items: int | None = None

    def __post_init__(self):
        self.widget_type = "checkboxes"

    def default_raw(self):
        return [o for o in (self.default or []) if o in self.options]

    def parse(self, raw):
        chosen = [o for o in self.options if o in (raw or [])]
        if self.required and not chosen and self.min_items == 0:
            return None, f"{self.label}：请至少勾选一项。"
        if len(chosen) < self.min_items:
            return None, f"{self.label}：请至少勾选 {self.min_items} 项，现在勾选了 {len(chosen)} 项。"
        if self.max_items is not None and len(chosen) > self.max_items:
            return None, f"{self.label}：最多勾选 {self.max_items} 项，现在勾选了 {len(chosen)} 项。"
        return chosen, None


@dataclass
class Check(Field):
    """A yes/no check box."""

    required: bool = False

    def __post_init__(self):
        self.widget_type = "checkbox"

    def default_raw(self):
        return bool(self.default)

    def parse(self, raw):
        return bool(raw), None


@dataclass
class Date(Field):
    """A date typed as 2026-06-18 (typed, so "6月18日" gets a message, not lost)."""

    placeholder: str = "2026-06-18"

    def convert(self, raw):
        try:
            return parse_date(raw, what=self.label).isoformat(), None
        except CourseError as exc:
            return None, str(exc)


@dataclass
class DateTime(Field):
    """A date and time typed as 2026-06-18 20:00."""

    placeholder: str = "2026-06-18 20:00"

    def convert(self, raw):
        try:
            return parse_datetime(raw, what=self.label).isoformat(sep=" ", timespec="minutes"), None
        except CourseError as exc:
            return None, str(exc)


@dataclass
class Repeat(Field):
    """A table of rows, each row the same ``fields`` (add and delete rows).

    The value is a list of dicts; the raw value a list of raw dicts.
    """

    fields: list = field(default_factory=list)
    min_rows: int = 0
    max_rows: int | None = None
    add_label: str = "添加一行"

    def __post_init__(self):
        self.widget_type = "repeat"

    def default_raw(self):
        rows = self.default or [{} for _ in range(max(self.min_rows, 1))]
        return [{f.name: (r.get(f.name) if f.name in r else f.default_raw()) for f in self.fields} for r in rows]

    def _blank_row(self, row: dict) -> bool:
        """Nothing typed in the row (a ticked check box alone does not count)."""
        return all(f.empty(row.get(f.name)) for f in self.fields if not isinstance(f, Check))

    def empty(self, raw):
        return not raw or all(self._blank_row(r) for r in raw)

    def parse(self, raw):
        rows = [r for r in (raw or []) if not self._blank_row(r)]
        if not rows:
            if self.required or self.min_rows:
                return None, f"{self.label}：至少填写 {max(self.min_rows, 1)} 行。"
            return [], None
        if len(rows) < self.min_rows:
            return None, f"{self.label}：至少填写 {self.min_rows} 行，现在有 {len(rows)} 行。"
        if self.max_rows is not None and len(rows) > self.max_rows:
            return None, f"{self.label}：最多 {self.max_rows} 行，现在有 {len(rows)} 行。"
        values, problems = [], []
        for i, r in enumerate(rows, 1):
            row = {}
            for f in self.fields:
                v, msg = f.parse(r.get(f.name))
                row[f.name] = v
                if msg:
                    problems.append(f"{self.label} 第 {i} 行 · {msg}")
            values.append(row)
        return values, ("\n".join(problems) if problems else None)
