"""Each setting checked on its own: present, of its type, a known name, a valid rubric.

>>> at = lambda path: "第 1 行"
>>> unknown_keys({"thresholds": {"listing": {"title_widht_max": 60}}}, at)
['第 1 行：不认识的设置项 thresholds.listing.title_widht_max。你是不是想写 title_width_max？']
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from ..modules import MODULES
from .consistency import CONSISTENCY
from .spec import DIM_ID, RUBRIC_KINDS, SPEC, TYPE_WORDS, SettingsError
from .values import lookup, parse_due, type_ok, value_hint

# is a typo (or a threshold no notebook reads), reported with the nearest name.
_STRICT_SECTIONS = ("course", "schedule", "late", "dataset", "featured", "thresholds")
_TOP_LEVEL = (*_STRICT_SECTIONS, "modules")
_MODULE_KEYS = ("title", "due", "rubric")


def _nearest(name: str, candidates) -> str:
    """``你是不是想写 …？`` with the closest known name, or how to add a new threshold."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"你是不是想写 {close[0]}？" if close else "如果是新加的阈值，需要同时写进 course/settings/spec.py 的 SPEC。"


def unknown_keys(data: dict, at: Callable[[str], str]) -> list[str]:
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
        *unknown_keys(data, at),
        *_featured_problems(data, at),
        *_module_problems(data, at),
    ]
    if not problems:
        problems = [p for check in CONSISTENCY for p in check(data, at)]
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
        found, value = lookup(data, path)
        if not found:
            problems.append(f"{at(path)}：缺少设置项 {path}（请从原始 course/settings.yaml 补回）。")
        elif not type_ok(value, kind):
            problems.append(
                f"{at(path)}：{path} 的值 {value!r} 不对，应为{TYPE_WORDS[kind]}。" + value_hint(value, kind)
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
    found, pid = lookup(data, "featured.product_id")
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
    if not isinstance(did, str) or not DIM_ID.match(did):
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


def _featured_problem(product_id: str) -> str | None:
    """Why ``featured.product_id`` cannot be featured, or None.  Needs the shop's
    data; where none is found the check is left to ``course.featured``, which says
    the same when the product is first used."""
    try:
        from .. import catalog

        return catalog.why_not(product_id)
    except Exception:  # noqa: BLE001 - missing or old data is reported where the data is used
        return None
