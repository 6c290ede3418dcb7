"""Course settings: one YAML file a teacher edits, validated before anything runs.

The file is ``course/settings.yaml`` unless the environment variable
``COURSE_SETTINGS`` names another file.  Every threshold, weight and due date
in the course is read from here, so a teacher changes a number in one place
and the checks, the forms' defaults and the grading follow.

Errors name the line of the file and say in Chinese what to fix.

The parts: ``spec`` (every setting's type), ``yamlfile`` (reading with line
numbers), ``values`` (types, hints, one form for dates), ``rules`` (each setting
on its own), ``consistency`` (settings against each other).  This module is the
API the course reads: ``load``, ``threshold``, ``thresholds``, ``rubric``, ``due``.

>>> from course import settings
>>> settings.threshold("listing", "title_width_max")
60
>>> [d.weight for d in settings.rubric("module1_listing")]
[30, 25, 20, 15, 10]
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any

from ..modules import MODULES
from .rules import validate
from .spec import RUBRIC_KINDS, SPEC, Dimension, SettingsError
from .values import canonicalise, parse_due
from .yamlfile import parse

__all__ = [
    "DEFAULT_PATH",
    "RUBRIC_KINDS",
    "SPEC",
    "Dimension",
    "SettingsError",
    "dimension",
    "due",
    "load",
    "main",
    "parse_due",
    "rubric",
    "settings_path",
    "threshold",
    "thresholds",
    "validate",
]

DEFAULT_PATH = Path(__file__).parent.parent / "settings.yaml"


def settings_path() -> Path:
    """The settings file in force: ``$COURSE_SETTINGS`` or the shipped default."""
    return Path(os.environ.get("COURSE_SETTINGS") or DEFAULT_PATH)


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
        data, lines = parse(p.read_text(encoding="utf-8"), str(p))
        validate(data, lines, str(p))
        canonicalise(data)
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
