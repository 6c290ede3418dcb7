"""Course settings: one YAML file a teacher edits, validated before anything runs.

The file is ``course/settings.yaml`` unless the environment variable
``COURSE_SETTINGS`` names another file.  Every threshold, weight and due date
in the course is read from here, so a teacher changes a number in one place
and the checks, the forms' defaults and the grading follow.

Errors name the line of the file and say in Chinese what to fix.

>>> from course import settings
>>> settings.threshold("listing", "title_width_max")
60
>>> [d.weight for d in settings.rubric("module1_listing")]
[30, 25, 20, 15, 10]
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import dates
from .messages import CourseError
from .modules import MODULES

DEFAULT_PATH = Path(__file__).with_name("settings.yaml")
RUBRIC_KINDS = ("auto", "timeliness", "remark")
_DIM_ID = re.compile(r"^d[1-9]$")

# Expected type of every scalar setting outside ``modules``.  A new threshold
# is added here and in settings.yaml; both are checked by tests/test_settings.py.
_NUM = (int, float)
SPEC: dict[str, Any] = {
    "course.name": str,
    "course.course_id": str,
    "course.lecturer": str,
    "course.teaching_assistants": list,
    "schedule.day1": "date",
    "schedule.day2": "date",
    "schedule.day_start": "clock",
    "schedule.day_end": "clock",
    "schedule.group_size_min": int,
    "schedule.group_size_max": int,
    "late.grace_minutes": _NUM,
    "late.penalty_per_day": _NUM,
    "dataset.seed": int,
    "dataset.scale": _NUM,
    "featured.product_id": str,
    "thresholds.listing.title_width_min": int,
    "thresholds.listing.title_width_max": int,
    "thresholds.listing.main_image_count": int,
    "thresholds.listing.main_image_scene_count": int,
    "thresholds.listing.main_image_detail_count": int,
    "thresholds.listing.main_image_size": int,
    "thresholds.listing.white_background_share_min": "share",
    "thresholds.listing.white_pixel_level": int,
    "thresholds.listing.white_border_share_min": "share",
    "thresholds.listing.selling_points_min": int,
    "thresholds.listing.selling_points_max": int,
    "thresholds.listing.video_seconds_min": int,
    "thresholds.listing.video_seconds_max": int,
    "thresholds.listing.selection_pick_min": int,
    "thresholds.listing.selection_pick_max": int,
    "thresholds.listing.traffic_discount_min": "share",
    "thresholds.listing.traffic_discount_max": "share",
    "thresholds.listing.profit_sku_share": "share",
    "thresholds.listing.price_lookback_days": int,
    "thresholds.listing.selection_margin_min": "share",
    "thresholds.listing.core_attribute_relevance_min": "share",
    "thresholds.campaign.gmv_target": _NUM,
    "thresholds.campaign.new_customer_conversion_target": "share",
    "thresholds.campaign.margin_target_min": "share",
    "thresholds.campaign.margin_target_max": "share",
    "thresholds.campaign.stock_alert_level": int,
    "thresholds.campaign.presale_days": int,
    "thresholds.campaign.burst_days": int,
    "thresholds.campaign.encore_days": int,
    "thresholds.campaign.commission_rate": "share",
    "thresholds.campaign.risk_reserve_share": "share",
    "thresholds.campaign.budget_total": _NUM,
    "thresholds.campaign.gift_stock": int,
    "thresholds.campaign.baseline_days": int,
    "thresholds.campaign.uv_factor": dict,  # {阶段: {渠道: 系数}}, checked by course.tools.campaign.factors
    "thresholds.campaign.conv_factor": dict,  # {阶段: 系数}
    "thresholds.campaign.cart_shares": dict,  # {A..F: 订单占比}, checked by course.tools.carts.cart_shares
    "thresholds.campaign.deepest_max_skus": int,
    "thresholds.campaign.deepest_max_qty": int,
    "thresholds.campaign.pause_conversion_floor": "share",
    "thresholds.campaign.pause_gmv_ratio_floor": _NUM,
    "thresholds.campaign.pause_min_uv": int,
    "thresholds.campaign.pause_consecutive_days": int,
    "thresholds.analytics.conversion_target": "share",
    "thresholds.analytics.gmv_ratio_floor": _NUM,
    "thresholds.analytics.roi_floor": _NUM,
    "thresholds.analytics.normal_cart_rate": "share",
    "thresholds.analytics.low_cart_to_order_rate": "share",
    "thresholds.analytics.ab_alpha": "share",
    "thresholds.analytics.ab_power": "share",
    "thresholds.analytics.retention_days": int,
    "thresholds.analytics.budget_max_increase": "share",
    "thresholds.analytics.budget_min_cut": "share",
    "thresholds.crm.repurchase_target": "share",
    "thresholds.crm.high_value_min_orders_30d": int,
    "thresholds.crm.high_value_min_aov": _NUM,
    "thresholds.crm.potential_orders_30d": int,
    "thresholds.crm.potential_max_aov": _NUM,
    "thresholds.crm.dormant_days_min": int,
    "thresholds.crm.lost_days_min": int,
    "thresholds.crm.frequency_cap_messages": int,
    "thresholds.crm.frequency_cap_window_hours": _NUM,
    "thresholds.crm.silver_min_spend": _NUM,
    "thresholds.crm.gold_min_spend": _NUM,
    "thresholds.crm.platinum_min_spend": _NUM,
    "thresholds.crm.points_expiry_reminder_days": int,
    "thresholds.crm.repurchase_coupon_days": int,
    "thresholds.crm.as_of_date": "date",
    "thresholds.crm.compare_date": "date",
    "thresholds.crm.activity_window_days": int,
    "thresholds.crm.silver_min_orders": int,
    "thresholds.crm.gold_min_orders": int,
    "thresholds.crm.platinum_min_orders": int,
    "thresholds.crm.points_per_yuan": _NUM,
    "thresholds.crm.coupon_denominations": list,
    "thresholds.crm.return_gift_cost": _NUM,
    "thresholds.crm.repurchase_window_days": int,
    "thresholds.crm.cohort_start": "date",
    "thresholds.crm.cohort_end": "date",
    "thresholds.crm.member_day_zhe": _NUM,
    "thresholds.crm.coupon_threshold": _NUM,
    "thresholds.crm.coupon_off": _NUM,
    "thresholds.crm.wakeup_coupon": _NUM,
    "thresholds.crm.wakeup_coupon_days": int,
    "thresholds.crm.comeback_coupon": _NUM,
    "thresholds.crm.audit_start": "date",
    "thresholds.crm.audit_end": "date",
    "thresholds.crm.max_delay_hours": _NUM,
    "thresholds.crm.send_hours_start": "clock",
    "thresholds.crm.send_hours_end": "clock",
    "thresholds.crm.plan_days": int,
    "thresholds.crm.human_reply_minutes": int,
}

_TYPE_WORDS = {
    str: "文字",
    int: "整数",
    list: "列表（如 [a, b]）",
    dict: "一组“名称: 值”（如 {预热期: 0.4, 爆发期: 0.6}）",
    _NUM: "数字",
    "share": "0 到 1 之间的小数（如 60% 写 0.60）",
    "date": '日期（如 "2026-12-07"）',
    "clock": '时间（如 "09:00"）',
}


class SettingsError(CourseError):
    """An invalid settings file; the message names the file, line and fix."""


@dataclass(frozen=True)
class Dimension:
    """One rubric dimension of a module (a column of table 6).

    ``id`` (``d1`` .. ``d9``) is stable: graded cells name their dimension by it
    (grade_id ``d1_title``), so a teacher may reorder the rubric freely.
    """

    name: str
    weight: int
    kind: str  # auto | timeliness | remark
    id: str = ""


def settings_path() -> Path:
    """The settings file in force: ``$COURSE_SETTINGS`` or the shipped default."""
    return Path(os.environ.get("COURSE_SETTINGS") or DEFAULT_PATH)


# -- loading with line numbers ------------------------------------------------


class _DuplicateKey(Exception):
    def __init__(self, path: str, first: int, second: int):
        super().__init__(path)
        self.path, self.first, self.second = path, first, second


def _to_python(node: yaml.Node, lines: dict, path: str) -> Any:
    """Convert a composed YAML node to Python, remembering each path's line."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            sub = f"{path}.{key}" if path else key
            if key in out:
                # PyYAML would silently keep the last one: a copied line must not
                # quietly override the value the teacher is looking at
                raise _DuplicateKey(sub, lines[sub], key_node.start_mark.line + 1)
            out[key] = _to_python(value_node, lines, sub)
            lines[sub] = key_node.start_mark.line + 1  # the line a teacher sees the name on
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, lines, f"{path}[{i}]") for i, v in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node, deep=True)


def _parse(text: str, where: str) -> tuple[dict, dict]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark else "某处"
        raise SettingsError(
            f"设置文件 {where} {line}格式有误：YAML 无法读取。" + _syntax_hint(text, mark.line if mark else None)
        ) from None
    if node is None or not isinstance(node, yaml.MappingNode):
        raise SettingsError(f"设置文件 {where} 是空的或不是“键: 值”的格式，请从 course/settings.yaml 复制一份再修改。")
    lines: dict[str, int] = {}
    try:
        return _to_python(node, lines, ""), lines
    except _DuplicateKey as dup:
        raise SettingsError(
            f"设置文件 {where} 第 {dup.second} 行：设置项 {dup.path} 重复出现（第 {dup.first} 行已经有一次）。"
            "请删掉其中一行，只保留你要的值。"
        ) from None


def _syntax_hint(text: str, line0: int | None) -> str:
    """A concrete hint for the usual typing slips near the failing line."""
    rows = text.splitlines()
    near = [rows[i] for i in (line0 - 1 if line0 else None, line0) if i is not None and 0 <= i < len(rows)]
    if line0 is None:
        near = rows
    if any("\t" in r for r in near):
        return "这一行附近用了 Tab 键缩进，YAML 只认空格：请把 Tab 换成两个空格。"
    if any("：" in r.split("#")[0] for r in near):
        return "这一行附近用了中文全角冒号“：”，请改成英文冒号加一个空格“: ”。"
    return "请检查缩进（两个空格）、冒号后的空格和引号是否成对。"


def _get(data: dict, dotted: str) -> tuple[bool, Any]:
    cur: Any = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


def _type_ok(value: Any, kind: Any) -> bool:
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


def _canonical(data: dict) -> None:
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


def _value_hint(value: Any, kind: Any) -> str:
    """What the teacher probably meant, for the usual slips."""
    numeric = kind in (int, _NUM, "share")
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
# is a typo (or a threshold no notebook reads), reported with the nearest name.
_STRICT_SECTIONS = ("course", "schedule", "late", "dataset", "featured", "thresholds")
_TOP_LEVEL = (*_STRICT_SECTIONS, "modules")
_MODULE_KEYS = ("title", "due", "rubric")


def _nearest(name: str, candidates) -> str:
    """``你是不是想写 …？`` with the closest known name, or how to add a new threshold."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"你是不是想写 {close[0]}？" if close else "如果是新加的阈值，需要同时写进 course/settings.py 的 SPEC。"


def _unknown_keys(data: dict, at: Callable[[str], str]) -> list[str]:
    """Names the settings do not know: in the strict sections, at the top level and under a module."""
    out: list[str] = []
    for key, value in data.items():
        if key in _STRICT_SECTIONS:
            out += _unknown_in_section(value, key, at)
        elif key not in _TOP_LEVEL:
            out.append(f"{at(key)}：不认识的设置分组 {key}。{_nearest(key, _TOP_LEVEL)}")
    for mod, body in (data.get("modules") or {}).items():
        if mod not in MODULES:
            out.append(f"{at('modules.' + mod)}：不认识的模块 {mod}。{_nearest(mod, MODULES)}")
            continue
        for key in (body or {}) if isinstance(body, dict) else ():
            if key not in _MODULE_KEYS:
                out.append(
                    f"{at(f'modules.{mod}.{key}')}：模块 {mod} 下不认识的设置项 {key}（可用：title、due、rubric）。"
                )
    return out


def _unknown_in_section(node: Any, path: str, at: Callable[[str], str]) -> list[str]:
    """Keys under ``path`` that are neither a setting of SPEC nor a group holding some."""
    if not isinstance(node, dict):
        return []
    prefixes = {k.rsplit(".", 1)[0] for k in SPEC}
    out: list[str] = []
    for key, value in node.items():
        sub = f"{path}.{key}"
        if sub in SPEC:
            continue
        if sub in prefixes:
            out += _unknown_in_section(value, sub, at)
            continue
        siblings = [k.rsplit(".", 1)[1] for k in (*SPEC, *prefixes) if "." in k and k.rsplit(".", 1)[0] == path]
        out.append(f"{at(sub)}：不认识的设置项 {sub}。{_nearest(key, siblings)}")
    return out


def _locator(lines: dict) -> Callable[[str], str]:
    """``at(path)`` -> ``第 N 行``: the line of the setting, or of its nearest ancestor that exists."""

    def at(path: str) -> str:
        p = path
        while p and p not in lines:
            p = p.rsplit(".", 1)[0] if "." in p else ""
        return f"第 {lines.get(p, 1)} 行"

    return at


def validate(data: dict, lines: dict, where: str) -> None:
    """Raise one SettingsError listing every problem with its line (top of the file
    first); return None when the settings are valid.

    Each setting is checked on its own first (present, of its type, a known name);
    only settings that pass are checked against each other (min below max, ...).
    """
    at = _locator(lines)
    problems = [
        *_setting_problems(data, at),
        *_unknown_keys(data, at),
        *_featured_problems(data, at),
        *_module_problems(data, at),
    ]
    if not problems:
        problems = [p for check in _CONSISTENCY for p in check(data, at)]
    if problems:
        problems = sorted(dict.fromkeys(problems), key=_line_of)  # top of the file first
        raise SettingsError(f"设置文件 {where} 有 {len(problems)} 处需要修改：\n  " + "\n  ".join(problems))


def _line_of(problem: str) -> int:
    m = re.match(r"第 (\d+) 行", problem)
    return int(m.group(1)) if m else 0


def _setting_problems(data: dict, at: Callable[[str], str]) -> list[str]:
    """Every setting of SPEC: present, of its type, not negative where a count or limit is meant."""
    problems = []
    for path, kind in SPEC.items():
        found, value = _get(data, path)
        if not found:
            problems.append(f"{at(path)}：缺少设置项 {path}（请从原始 course/settings.yaml 补回）。")
        elif not _type_ok(value, kind):
            problems.append(
                f"{at(path)}：{path} 的值 {value!r} 不对，应为{_TYPE_WORDS[kind]}。" + _value_hint(value, kind)
            )
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and value < 0
            and path.startswith(("thresholds.", "late.", "schedule."))
        ):
            problems.append(f"{at(path)}：{path} 的值 {value!r} 不能是负数。")
    return problems


def _featured_problems(data: dict, at: Callable[[str], str]) -> list[str]:
    found, pid = _get(data, "featured.product_id")
    why = _featured_problem(pid) if found and isinstance(pid, str) else None
    return [f"{at('featured.product_id')}：featured.product_id（主推商品）{pid!r} 不能用。{why}"] if why else []


_KEEP_EVERY_MODULE = "course/modules.py 登记的每个模块都必须有（title、due、rubric）。"


def _module_problems(data: dict, at: Callable[[str], str]) -> list[str]:
    """Every module of the registry is there, with a due time and a rubric."""
    modules = data.get("modules")
    if not isinstance(modules, dict):
        return [
            f"{at('modules')}：缺少 modules（每个模块的截止时间与评分维度）。",
            *(f"{at('modules')}：modules 下缺少模块 {mod}，{_KEEP_EVERY_MODULE}" for mod in MODULES),
        ]
    problems = []
    for mod in MODULES:
        if mod not in modules:
            problems.append(f"{at('modules')}：modules 下缺少模块 {mod}，{_KEEP_EVERY_MODULE}")
            continue
        m = modules[mod] or {}
        if parse_due(m.get("due")) is None:
            problems.append(
                f'{at(f"modules.{mod}.due")}：{mod} 的截止时间 {m.get("due")!r} 无法识别，请写成 "2026-12-07 17:00"。'
            )
        problems += _rubric_problems(mod, m.get("rubric"), at)
    return problems


def _rubric_problems(mod: str, rubric: Any, at: Callable[[str], str]) -> list[str]:
    """Five dimensions with distinct ids, weights adding up to 100, one timeliness and one remark."""
    base = f"modules.{mod}.rubric"
    if not isinstance(rubric, list) or len(rubric) != 5:
        return [f"{at(base)}：{mod} 的评分维度必须正好 5 项。"]
    problems: list[str] = []
    ids: list[str] = []
    counted: list[tuple[int, Any]] = []  # (weight, kind) of the dimensions with a usable weight
    for i, dim in enumerate(rubric):
        found, weight = _dimension_problems(mod, i, dim, ids, at(f"{base}[{i}]"))
        problems += found
        if weight is not None:
            counted.append((weight, dim.get("kind")))
    if len(counted) == 5:
        kinds = [k for _, k in counted]
        total = sum(w for w, _ in counted)
        if total != 100:
            problems.append(f"{at(base)}：{mod} 的评分权重之和为 {total}，必须等于 100。")
        if kinds.count("timeliness") != 1 or kinds.count("remark") != 1:
            problems.append(f"{at(base)}：{mod} 必须有且只有一个 timeliness（提交时效性）和一个 remark（备注）维度。")
    return problems


def _dimension_problems(mod: str, i: int, dim: Any, ids: list[str], line: str) -> tuple[list[str], int | None]:
    """Problems of the ``i``-th dimension (its id is added to ``ids``), and its weight when it counts."""
    if not isinstance(dim, dict) or not isinstance(dim.get("name"), str) or not dim.get("name"):
        return [f"{line}：{mod} 第 {i + 1} 个维度缺少名称 name。"], None
    problems = []
    did = dim.get("id")
    if not isinstance(did, str) or not _DIM_ID.match(did):
        problems.append(
            f"{line}：维度「{dim['name']}」缺少编号 id 或写法不对（应为 d1-d9，例如 id: d1）；"
            "评分单元格按 id 找到自己的维度，调整顺序时请整行移动、不要改 id。"
        )
    elif did in ids:
        problems.append(f"{line}：{mod} 的维度编号 {did} 重复，每个维度的 id 必须不同。")
    else:
        ids.append(did)
    w = dim.get("weight")
    if isinstance(w, bool) or not isinstance(w, int) or w < 0:
        return problems + [f"{line}：维度「{dim['name']}」的权重 {w!r} 应为非负整数。"], None
    if dim.get("kind") not in RUBRIC_KINDS:
        problems.append(f"{line}：维度「{dim['name']}」的 kind 应为 auto、timeliness 或 remark 之一。")
    return problems, w


# -- settings checked against each other (once each one is valid on its own) ----------

_ORDERED = [  # (section, lower, upper): the lower may not exceed the upper
    ("listing", "title_width_min", "title_width_max"),
    ("listing", "selling_points_min", "selling_points_max"),
    ("listing", "video_seconds_min", "video_seconds_max"),
    ("listing", "selection_pick_min", "selection_pick_max"),
    ("listing", "traffic_discount_min", "traffic_discount_max"),
    ("campaign", "margin_target_min", "margin_target_max"),
    ("crm", "dormant_days_min", "lost_days_min"),
    ("crm", "silver_min_spend", "gold_min_spend"),
    ("crm", "gold_min_spend", "platinum_min_spend"),
    ("crm", "silver_min_orders", "gold_min_orders"),
    ("crm", "gold_min_orders", "platinum_min_orders"),
]


def _ordered_thresholds(data: dict, at: Callable[[str], str]) -> list[str]:
    th = data["thresholds"]
    return [
        f"{at(f'thresholds.{sect}.{lo}')}：{lo} ({th[sect][lo]}) 不能大于 {hi} ({th[sect][hi]})。"
        for sect, lo, hi in _ORDERED
        if sect in th and lo in th[sect] and hi in th[sect] and th[sect][lo] > th[sect][hi]
    ]


def _positive_scale(data: dict, at: Callable[[str], str]) -> list[str]:
    return [f"{at('dataset.scale')}：dataset.scale 必须大于 0。"] if data["dataset"]["scale"] <= 0 else []


def _workshop_days(data: dict, at: Callable[[str], str]) -> list[str]:
    """Group sizes in order, the second day after the first, each day ending after it starts."""
    sch = data["schedule"]
    problems = []
    if sch["group_size_min"] > sch["group_size_max"]:
        problems.append(
            f"{at('schedule.group_size_min')}：每组最少人数 ({sch['group_size_min']}) "
            f"不能大于最多人数 ({sch['group_size_max']})。"
        )
    d1, d2 = dates.parse_date(sch["day1"]), dates.parse_date(sch["day2"])
    if d2 <= d1:
        problems.append(f"{at('schedule.day2')}：第二天 ({d2}) 必须在第一天 ({d1}) 之后。")
    if dates.parse_clock(sch["day_end"]) <= dates.parse_clock(sch["day_start"]):
        problems.append(f"{at('schedule.day_end')}：每天结束时间必须晚于开始时间。")
    return problems


def _segmentation_dates(data: dict, at: Callable[[str], str]) -> list[str]:
    crm = data["thresholds"].get("crm", {})
    if "as_of_date" not in crm or "compare_date" not in crm:
        return []
    as_of, compare = dates.parse_date(crm["as_of_date"]), dates.parse_date(crm["compare_date"])
    if compare < as_of:
        return []
    return [
        f"{at('thresholds.crm.compare_date')}：对比日期 compare_date ({compare}) "
        f"应早于分层截止日期 as_of_date ({as_of})。"
    ]


def _image_rules(data: dict, at: Callable[[str], str]) -> list[str]:
    """Pixel levels up to 255; the main images of table 1 are one white-background image + scenes + details."""
    lst = data["thresholds"].get("listing", {})
    problems = []
    if lst.get("white_pixel_level", 0) > 255:
        problems.append(f"{at('thresholds.listing.white_pixel_level')}：white_pixel_level 是像素亮度，最大 255。")
    mix = [lst.get(k) for k in ("main_image_count", "main_image_scene_count", "main_image_detail_count")]
    if all(isinstance(x, int) for x in mix) and mix[1] + mix[2] + 1 != mix[0]:
        problems.append(
            f"{at('thresholds.listing.main_image_count')}：表1 主图 = 白底图 1 张 + 场景图 + 细节图，"
            f"main_image_count ({mix[0]}) 应等于 1 + main_image_scene_count ({mix[1]}) + "
            f"main_image_detail_count ({mix[2]})。"
        )
    return problems


_CONSISTENCY = (_ordered_thresholds, _positive_scale, _workshop_days, _segmentation_dates, _image_rules)


def _featured_problem(product_id: str) -> str | None:
    """Why ``featured.product_id`` cannot be featured, or None.  Needs the shop's
    data; where none is found the check is left to ``course.featured``, which says
    the same when the product is first used."""
    try:
        from . import catalog

        return catalog.why_not(product_id)
    except Exception:  # noqa: BLE001 - missing or old data is reported where the data is used
        return None


_CACHE: dict[tuple, dict] = {}


def load(path: str | os.PathLike | None = None) -> dict:
    """Load and validate the settings file; cached until the file changes.

    >>> load()["course"]["course_id"]
    'ecom-ops'
    """
    p = Path(path) if path else settings_path()
    try:
        stat = p.stat()
    except OSError:
        raise SettingsError(
            f"找不到设置文件 {p}。请检查环境变量 COURSE_SETTINGS 或恢复 course/settings.yaml。"
        ) from None
    key = (str(p.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        data, lines = _parse(p.read_text(encoding="utf-8"), str(p))
        validate(data, lines, str(p))
        _canonical(data)
        _CACHE.clear()
        _CACHE[key] = data
    return _CACHE[key]


def threshold(section: str, name: str) -> Any:
    """One threshold, e.g. ``threshold("crm", "frequency_cap_messages")`` -> 2."""
    th = load()["thresholds"]
    if section not in th or name not in th[section]:
        raise SettingsError(f"设置文件中没有阈值 thresholds.{section}.{name}。")
    return th[section][name]


def thresholds(section: str) -> dict:
    """All thresholds of one section as a dict (a copy)."""
    th = load()["thresholds"]
    if section not in th:
        raise SettingsError(f"设置文件中没有阈值分组 thresholds.{section}，可选：{', '.join(th)}。")
    return dict(th[section])


def rubric(module: str) -> list[Dimension]:
    """The five rubric dimensions of a module, in the order configured.

    >>> [d.id for d in rubric("module1_listing")]
    ['d1', 'd2', 'd3', 'd4', 'd5']
    """
    mods = load()["modules"]
    if module not in mods:
        raise SettingsError(f"设置文件中没有模块 {module}，可选：{', '.join(MODULES)}。")
    return [Dimension(d["name"], int(d["weight"]), d["kind"], d["id"]) for d in mods[module]["rubric"]]


def dimension(module: str, dim_id: str) -> Dimension | None:
    """The dimension with this id (``"d2"``) of a module, or None.

    >>> dimension("module1_listing", "d3").name
    'SKU合理性'
    """
    return next((d for d in rubric(module) if d.id == dim_id), None)


def due(module: str) -> _dt.datetime:
    """A module's due date (naive, Beijing time)."""
    return parse_due(load()["modules"][module]["due"])


def main(argv: list[str] | None = None) -> int:
    """``python -m course.settings [FILE]``: check a settings file and print a summary.

    Without FILE the file in force is checked ($COURSE_SETTINGS or course/settings.yaml).
    """
    import sys

    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] in ("-h", "--help"):
        print("用法：python -m course.settings [设置文件]   检查设置文件，出错时给出行号和修改方法。")
        return 0
    path = Path(args[0]) if args else settings_path()
    try:
        data = load(path)
    except SettingsError as exc:
        print(exc)
        return 1
    print(f"设置文件 {path} 检查通过。")
    for mod in MODULES:
        dims = "、".join(f"{d['name']}{d['weight']}" for d in data["modules"][mod]["rubric"])
        print(f"  {mod}: 截止 {data['modules'][mod]['due']}；{dims}")
    print(f"  主推商品（模块一、二）：{data['featured']['product_id']}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
