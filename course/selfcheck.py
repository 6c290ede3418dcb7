"""``course.check(task, value)``: the visible self-check a student runs while working.

It says 正确 ✓, or what is wrong with a 提升方向, judged on the values, without
ever printing an expected value.  The reference is not here: the release (and,
in the repository, ``course.start``) writes ``<notebook>.checks.json`` beside
the answer file with each task's public check parameters and *salted digests*
of the reference's canonical forms (see ``course.checks``).  The grader never
reads this file; it re-judges with the reference itself.

>>> import json, tempfile, pathlib
>>> from course import checks as C
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> spec = {"format": 1, "salt": "x", "tasks": {"n": {"title": "数量", "checks": [
...     {"kind": "Equals", "params": C.Equals(msg="数量不对").params(),
...      "digests": {"0": [C.digest("x", "n", "0", "3")]}}]}}}
>>> _ = (d / "demo.checks.json").write_text(json.dumps(spec), encoding="utf-8")
>>> report("n", 3, load_spec(d / "demo.checks.json"))
【数量】✓ 正确
>>> report("n", 4, load_spec(d / "demo.checks.json"))
【数量】✗ 还有 1 处需要修改：
  ✗ 提升方向：数量不对
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import checks as C

SUFFIX = ".checks.json"
MISSING_SPEC = (
    "（自检文件 {name} 不在笔记本旁边，暂时无法判断对错；请从老师发的作业包中恢复它，或直接保存答案——评分时仍会检查。）"
)
NOT_ANSWERED = "还没有作答：请完成上面的步骤（填写表单并保存，或把代码里的 ___ 填好并运行），再运行这个检查。"


def spec_path(folder: Path, notebook: str) -> Path:
    return Path(folder) / f"{notebook}{SUFFIX}"


def load_spec(path: Path) -> dict | None:
    """The check spec, or None when it is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("tasks"), dict) else None


def verdict(task: str, value: Any, spec: dict) -> tuple[C.Verdict, dict]:
    """Judge ``value`` against the spec of ``task``; (verdict, task entry)."""
    entry = spec["tasks"][task]
    checks = [C.from_spec(c) for c in entry["checks"]]
    digests: dict[str, list[str]] = {}
    for c in entry["checks"]:
        digests.update(c.get("digests") or {})
    ref = C.HashedReference(spec.get("salt", ""), task, digests)
    return C.judge_all(checks, value, ref), entry


def report(task: str, value: Any, spec: dict | None, *, name: str | None = None) -> None:
    """Print the self-check of one task (never raises: a check must not stop a notebook)."""
    if spec is None:
        print(MISSING_SPEC.format(name=name or "*.checks.json"))
        return
    if task not in spec.get("tasks", {}):
        print(f"（自检文件里没有「{task}」这一项，请确认作业包是最新发布的版本。）")
        return
    try:
        v, entry = verdict(task, value, spec)
    except Exception as exc:  # noqa: BLE001 - a broken spec is reported, never raised
        print(f"（自检暂时无法运行：{type(exc).__name__}。评分时仍会检查，请保存答案后继续。）")
        return
    head = f"【{entry.get('title') or task}】"
    if v.empty:
        print(f"{head}✗ {NOT_ANSWERED}")
        return
    if v.right:
        print(f"{head}✓ 正确")
        return
    if not v.messages:
        print(f"{head}✓ 自检的各项都正确（还有 {v.unjudged} 项在评分时检查）")
        return
    print(f"{head}✗ 还有 {len(v.messages)} 处需要修改：")
    for msg in v.messages:
        print(f"  ✗ 提升方向：{msg}")
    if v.unjudged:
        print(f"  （另有 {v.unjudged} 项在评分时检查）")


def check(task: str, value: Any = None) -> None:
    """Run the visible self-check of ``task`` on ``value`` in the current notebook.

    Returns None on purpose: it often is the last line of a released test cell,
    where a returned True/False would be shown and read by nbgrader as a score.
    """
    from .session import current

    s = current()
    path = spec_path(s.store.path.parent, s.notebook)
    try:
        report(task, value, load_spec(path), name=path.name)
    except Exception as exc:  # noqa: BLE001 - never stop the student's notebook
        print(f"（自检暂时无法运行：{type(exc).__name__}）")
