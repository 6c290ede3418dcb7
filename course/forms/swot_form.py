"""The SWOT form: one row per chosen candidate, S/W/O/T each a concrete point.

Workshop plan, module 1: 使用SWOT模型对选品进行评估：优势(S，如差异化设计)、劣势(W，如成本偏高)、
机会(O，如季节性需求增长)、威胁(T，如竞争对手同类产品).

>>> import course
>>> _ = course.start("module1_listing", "doc_swot_form", quiet=True)
>>> f = SwotForm()
>>> f.submit({"rows": [{"item_id": "T016", "s": "月销高", "w": "月销高", "o": "", "t": "竞品多"}]})
['SWOT 分析：至少填写 3 行，现在有 1 行。']
>>> f = SwotForm(min_rows=1)
>>> f.submit({"rows": [{"item_id": "T016", "s": "月销2万件", "w": "月销2万件", "o": "开学季需求上升",
...                     "t": "竞品多价格战"}]})
['第 1 行 劣势 W 与 优势 S 内容相同：四个象限应分别分析，不要复制。']

The graded task checks the picks and the quadrants with the public functions
and the ``TopPicks`` check kind below (``grading/reference`` holds the ranking).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from .. import checks as C
from .base import Form
from .fields import Repeat, Text

QUADRANTS = [
    ("s", "优势 S", "如：差异化设计、毛利率高"),
    ("w", "劣势 W", "如：成本偏高"),
    ("o", "机会 O", "如：季节性需求增长"),
    ("t", "威胁 T", "如：竞品多、价格战"),
]
MIN_CHARS = 4
_VAGUE = {"好", "不好", "一般", "无", "没有", "暂无", "同上", "不知道", "还行", "较好", "很多", "高", "低", "略"}


def _clean(text) -> str:
    return re.sub(r"\s+", "", str(text or ""))


class SwotForm(Form):
    key = "swot"
    title = "选品 SWOT 分析"
    description = (
        "每个入选商品填一行：商品编号（榜单中的 item_id，如 T016）和 S/W/O/T 各一条具体的分析，"
        f"每条至少 {MIN_CHARS} 个字，最好带上数据（如“毛利率 52%，高于同类”）。四个象限不要互相复制。"
    )

    def __init__(
        self, key: str | None = None, *, valid_ids=None, min_rows: int | None = None, max_rows: int | None = None
    ):
        lo, hi = pick_range()
        min_rows = lo if min_rows is None else min_rows
        max_rows = hi if max_rows is None else max_rows
        self.valid_ids = set(valid_ids) if valid_ids is not None else None
        fields = [
            Repeat(
                "rows",
                "SWOT 分析",
                fields=[Text("item_id", "商品编号", placeholder="T016")]
                + [Text(k, label, placeholder=ph) for k, label, ph in QUADRANTS],
                min_rows=min_rows,
                max_rows=max_rows,
                add_label="添加一个商品",
            )
        ]
        super().__init__(key or self.key, self.title, fields)

    def check(self, values: dict) -> list[str]:
        probs = []
        rows = values.get("rows") or []
        seen_ids = []
        all_points: dict[str, tuple[int, str]] = {}
        for i, r in enumerate(rows, 1):
            iid = str(r.get("item_id") or "").strip().upper()
            if not re.fullmatch(r"T\d{3}", iid):
                probs.append(f"第 {i} 行：商品编号「{r.get('item_id')}」格式不对，应为榜单里的 item_id，如 T016。")
            elif self.valid_ids is not None and iid not in self.valid_ids:
                probs.append(f"第 {i} 行：商品编号 {iid} 不在类目 Top100 榜单中。")
            if iid in seen_ids:
                probs.append(f"第 {i} 行：商品 {iid} 已经填过，每个商品填一行。")
            seen_ids.append(iid)
            texts = {}
            for k, label, _ph in QUADRANTS:
                t = _clean(r.get(k))
                if t in _VAGUE or len(t) < MIN_CHARS:
                    probs.append(
                        f"第 {i} 行 {label}「{r.get(k)}」太笼统：请写一条具体的分析（至少 {MIN_CHARS} 个字，"
                        "最好带数据）。"
                    )
                if t in texts.values():
                    other = next(lb for lb, v in texts.items() if v == t)
                    probs.append(f"第 {i} 行 {label} 与 {other} 内容相同：四个象限应分别分析，不要复制。")
                texts[label] = t
                prev = all_points.get(t)
                if t and prev and prev[0] != i and len(t) >= MIN_CHARS:
                    probs.append(f"第 {i} 行 {label} 与 {prev[1]} 完全相同：不同商品的分析应各有依据。")
                all_points.setdefault(t, (i, f"第 {prev[0] if prev else i} 行 {label}"))
        return probs

    def preview(self, values: dict, raw: dict) -> str:
        cells = []
        for r in raw.get("rows") or []:
            if not any(str(r.get(k) or "").strip() for k in ("item_id", "s", "w", "o", "t")):
                continue
            e = {k: html.escape(str(r.get(k) or "（空）")) for k in ("item_id", "s", "w", "o", "t")}
            cells.append(
                f"<table style='display:inline-table;margin:4px;border-collapse:collapse;font-size:12px'>"
                f"<caption><b>{e['item_id']}</b></caption>"
                f"<tr><td style='border:1px solid #ccc;background:#eef7ee;width:140px'>S {e['s']}</td>"
                f"<td style='border:1px solid #ccc;background:#fbeeee;width:140px'>W {e['w']}</td></tr>"
                f"<tr><td style='border:1px solid #ccc;background:#eef2fb'>O {e['o']}</td>"
                f"<td style='border:1px solid #ccc;background:#fbf6e6'>T {e['t']}</td></tr></table>"
            )
        return "".join(cells)


# -- the rules as yes/no checks on the saved rows (public; graded task and visible check use them) ----


def pick_range() -> tuple[int, int]:
    """(min, max) number of candidates to pick (settings ``selection_pick_min`` / ``selection_pick_max``)."""
    from .. import settings

    return (
        int(settings.threshold("listing", "selection_pick_min")),
        int(settings.threshold("listing", "selection_pick_max")),
    )


def _rows(rows) -> list[dict]:
    return [r for r in (rows or []) if isinstance(r, dict)]


def picks_count_ok(rows) -> bool:
    """3-5 different candidates (the settings' range), one row each."""
    lo, hi = pick_range()
    ids = [str(r.get("item_id") or "").strip().upper() for r in _rows(rows)]
    return lo <= len(ids) <= hi and len(set(ids)) == len(ids) and all(ids)


def quadrants_concrete(rows) -> bool:
    """Every S/W/O/T point is a concrete statement (at least MIN_CHARS characters, not a vague word)."""
    points = [_clean(r.get(k)) for r in _rows(rows) for k, _label, _ph in QUADRANTS]
    return bool(points) and all(len(t) >= MIN_CHARS and t not in _VAGUE for t in points)


def quadrants_distinct(rows) -> bool:
    """No point copied between quadrants or between products."""
    points = [_clean(r.get(k)) for r in _rows(rows) for k, _label, _ph in QUADRANTS]
    return bool(points) and len(set(points)) == len(points)


@dataclass(kw_only=True)
class TopPicks(C.Check):
    """The picked items (``field`` of the rows at ``column``) are the first n of the reference ranking,
    n being how many were picked: "the best n", whatever n the student chose.

    >>> ranking = ["T034", "T029", "T036", "T032"]
    >>> task = [TopPicks(msg="不是最高的几款")]
    >>> ref = C.PlainReference(C.reference_forms(task, [ranking]))
    >>> C.judge_all(task, {"rows": [{"item_id": "t029"}, {"item_id": "T034"}, {"item_id": "T036"}]}, ref).right
    True
    >>> C.judge_all(task, {"rows": [{"item_id": "T034"}, {"item_id": "T032"}, {"item_id": "T036"}]}, ref).right
    False
    """

    column: str | None = "rows"
    field: str = "item_id"
    kind = "TopPicks"
    needs_reference = True

    def reference_forms(self, ref_value):
        ranking = [C.norm_text(x).upper() for x in C.as_items(ref_value)]
        return {"": [json.dumps(sorted(ranking[:n]), ensure_ascii=False) for n in range(1, len(ranking) + 1)]}

    def judge(self, value, ref):
        rows = _rows(C.column_or_field(value, self.column))
        ids = sorted({C.norm_text(r.get(self.field) or "").upper() for r in rows} - {""})
        return float(bool(ids) and ref.has("", [json.dumps(ids, ensure_ascii=False)]))
