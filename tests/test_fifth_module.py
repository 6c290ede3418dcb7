"""A fifth module is the registry, its folder and the settings (issue 17).

The module ``module5_live`` is added without touching the repository, the way
``course/modules.py`` documents: its folder outside the repository
(``COURSE_EXTRA_MODULES``), a copy of the settings with its title, due date and
rubric (``COURSE_SETTINGS``) and its task declaration (``GRADING_EXTRA_TASKS``).
Then the real commands, each in its own process, see it listed (``python -m
course.settings``, ``grading check``), linked into the class workspace and
released (``grading release``) and graded (``grading autograde`` in the sandbox, then
``grading export``): a saved form with the right answer scores the cell's points,
a blank submission none.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import harness
import pytest

pytestmark = pytest.mark.slow

MODULE = "module5_live"
NOTEBOOK = "01_live"
TITLE = "模块五 直播带货（测试用）"
DUE = "2026-12-09 17:00"
# right: an hour before the module's due date; blank: a day and a half after it
SUBMITTED = {"right": "2026-12-09 16:00:00 Asia/Shanghai", "blank": "2026-12-11 05:00:00 Asia/Shanghai"}
WEIGHTS = {"d1": ("直播目标", 30), "d2": ("预热安排", 25), "d3": ("库存预警", 20)}

SETTINGS_ENTRY = (
    f'  {MODULE}:\n    title: {TITLE}\n    due: "{DUE}"\n    rubric:\n'
    + "".join(f"      - {{id: {d}, name: {n}, weight: {w}, kind: auto}}\n" for d, (n, w) in WEIGHTS.items())
    + "      - {id: d4, name: 提交时效性, weight: 15, kind: timeliness}\n"
    + "      - {id: d5, name: 备注, weight: 10, kind: remark}\n"
)

# one form task per auto dimension (grading check wants each to have a graded cell):
# (task, dimension, points, form key, field label, campaign threshold that is the right answer)
TASKS = [
    ("live_goal", "d1", 4, "goal", "直播间目标 GMV（元）", "gmv_target"),
    ("warmup_days", "d2", 3, "warmup", "直播预热天数", "presale_days"),
    ("stock_alert", "d3", 2, "stock", "库存预警线（件）", "stock_alert_level"),
]

TASKS_PY = (
    f"""\
from course import checks as C
from grading.reference.tasks import Task

NOTEBOOK = "{NOTEBOOK}"


def campaign(name):
    return lambda R: R.threshold("campaign", name)


TASKS = [
"""
    + "".join(
        f'    Task("{t}", title="{label}", dim="{d}", points={pts}, kind="form", var="{t}_answer", effort=1, checks=[\n'
        f'        C.Keys(keys=["value"], msg="先在表单里填写{label}并保存。"),\n'
        f'        C.Equals(column="value", digits=0, msg="{label}与店长定的不一致：回到场景设定。", ref=campaign("{s}"))]),\n'
        for t, d, pts, _, label, s in TASKS
    )
    + "]\n"
)


def _notebook(folder: Path) -> Path:
    """The module's one notebook: per task a form, its answer cell and the locked test cell; the 备注 cell."""
    from grading.authoring import Notebook

    nb = Notebook(MODULE, NOTEBOOK)
    nb.md(
        f"# {TITLE}\n\n**场景设定**：店长定的直播间目标 GMV 是 {{{{ campaign.gmv_target }}}} 元，"
        f"本模块截止 {{{{ modules.{MODULE}.due }}}}。\n\n**学习目标**：会把店长的安排填进表单。"
    )
    nb.code(f'import course\ncourse.start("{MODULE}", "{NOTEBOOK}")\nfrom course.forms import Form, Number')
    for task, dim, points, key, label, setting in TASKS:
        nb.code(
            f'{key}_form = Form("{key}", "{label}", [Number("value", "{label}", minimum=0, decimals=0)])\n{key}_form'
        )
        nb.answer(
            f"{dim}_{task}_answer",
            f"{task}_answer = {key}_form.answers()\n### BEGIN SOLUTION\nif {task}_answer is None:\n"
            f'    {task}_answer = {{"value": course.settings.threshold("campaign", "{setting}")}}\n### END SOLUTION',
        )
        nb.test(
            f"{dim}_{task}",
            points,
            f'course.check("{task}", {task}_answer)\n### BEGIN HIDDEN TESTS\n'
            f'_v = course.export("{task}", globals().get("{task}_answer"))\n'
            f'course.grade("{task}", _v)\n### END HIDDEN TESTS',
        )
    nb.manual("d5_remark", 10, "（在这里写你的运营备注）\n### BEGIN SOLUTION\n目标来自店长的安排。\n### END SOLUTION")
    nb.md("## 小结\n\n目标和节奏从场景设定里读。")
    return nb.save(folder / f"{NOTEBOOK}.ipynb")


def _settings_copy(path: Path) -> Path:
    """course/settings.yaml with the fifth module's entry under ``modules:``."""
    text = (harness.REPO / "course" / "settings.yaml").read_text(encoding="utf-8")
    text, n = re.subn(r"^modules:\n", lambda m: m.group(0) + SETTINGS_ENTRY, text, count=1, flags=re.M)
    assert n == 1, "course/settings.yaml has no top-level modules: section"
    path.write_text(text, encoding="utf-8")
    return path


def _run(env: dict, *args: str, rc: int = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=300, cwd=str(harness.REPO)
    )
    assert proc.returncode == rc, f"{' '.join(args)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def fifth(tmp_path_factory):
    """The fifth module tried outside the repository, through every step a TA takes."""
    base = tmp_path_factory.mktemp("fifth")
    folder = base / "modules" / MODULE
    folder.mkdir(parents=True)
    _notebook(folder)
    (base / "tasks" / MODULE).mkdir(parents=True)
    (base / "tasks" / MODULE / "live.py").write_text(TASKS_PY, encoding="utf-8")
    env = harness.env(
        COURSE_EXTRA_MODULES=folder,
        COURSE_SETTINGS=_settings_copy(base / "settings.yaml"),
        GRADING_EXTRA_TASKS=base / "tasks",
    )
    ws = base / "classroom"
    grading = ("-m", "grading")
    run = {"ws": ws, "folder": folder, "out": {}}
    run["out"]["modules"] = _run(env, "-c", "from course.modules import MODULES; print(list(MODULES))").stdout
    run["out"]["settings"] = _run(env, "-m", "course.settings").stdout
    without_entry = {k: v for k, v in env.items() if k != "COURSE_SETTINGS"}  # the repository's settings
    run["out"]["no_entry"] = _run(without_entry, "-m", "course.settings", rc=1).stdout
    run["out"]["check"] = _run(env, *grading, "check", MODULE).stdout
    _run(env, *grading, "release", MODULE, "--no-zip", "--no-exchange", "--workspace", str(ws))

    released = harness.notebooks(ws / "release" / MODULE)
    for student, typed in _typed_answers().items():
        answers = {NOTEBOOK: harness.form_answers(typed, NOTEBOOK)} if typed else None
        harness.submit(ws, MODULE, student, released, answers=answers, timestamp=SUBMITTED[student])
    run["out"]["autograde"] = _run(env, *grading, "autograde", MODULE, "--jobs", "2", "--quiet", "--workspace", str(ws))
    sheet = base / "table6.csv"
    _run(env, *grading, "export", "--out", str(sheet), "--workspace", str(ws))
    run["sheet"] = sheet
    return run


def _typed_answers() -> dict[str, dict]:
    """What each student typed into the forms: the shop manager's numbers, or nothing."""
    from course import settings  # the repository's settings: the copy differs only by the module entry

    right = {key: {"value": str(settings.threshold("campaign", s))} for _, _, _, key, _, s in TASKS}
    return {"right": right, "blank": {}}


def _cells(ws: Path, student: str) -> dict[str, dict]:
    res = json.loads((ws / ".grading" / "results" / MODULE / f"{student}.json").read_text(encoding="utf-8"))
    assert res["status"] == "ok" and res["sandbox"] != "off", res
    return res["notebooks"][NOTEBOOK]["cells"]


def test_listed_and_its_settings_valid(fifth):
    out = fifth["out"]
    assert f"'{MODULE}'" in out["modules"] and "'module4_crm'" in out["modules"]
    assert "检查通过" in out["settings"] and f"{MODULE}" in out["settings"] and "直播目标30" in out["settings"]
    assert f"缺少模块 {MODULE}" in out["no_entry"] and "Traceback" not in out["no_entry"], out["no_entry"]
    assert f"✓ {MODULE}：" in out["check"] and "表单 100%" in out["check"], out["check"]


def test_linked_into_the_class_workspace(fifth):
    """The workspace the grading commands open links every module of the registry, each from its folder."""
    from nbgrader.api import Gradebook

    ws = fifth["ws"]
    assert (ws / "source" / MODULE).is_symlink() and (ws / "source" / MODULE).resolve() == fifth["folder"].resolve()
    assert (ws / "source" / "module4_crm").resolve() == harness.REPO / "module4_crm"
    with Gradebook(f"sqlite:///{ws / 'gradebook.db'}") as gb:  # the due date reached nbgrader (UTC)
        assert gb.find_assignment(MODULE).duedate == dt.datetime(2026, 12, 9, 9, 0)


def test_released_without_solution_or_hidden_test(fifth):
    folder = fifth["ws"] / "release" / MODULE
    text = "\n".join(c.source for c in harness.notebooks(folder)[f"{NOTEBOOK}.ipynb"].cells)
    assert all(f'course.check("{t[0]}", {t[0]}_answer)' in text for t in TASKS)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "course.grade" not in text
    assert "course.settings.threshold" not in text and "目标来自店长的安排" not in text  # the solutions
    assert DUE in text and "{{" not in text  # the module's due date, from the settings copy
    spec = json.loads((folder / f"{NOTEBOOK}.checks.json").read_text(encoding="utf-8"))
    assert set(spec["tasks"]) == {t[0] for t in TASKS}
    assert not list(folder.glob("*.answers.json"))


def test_graded_in_the_sandbox(fifth):
    points = {f"{d}_{t}": float(p) for t, d, p, *_ in TASKS}
    right, blank = (_cells(fifth["ws"], s) for s in ("right", "blank"))
    assert {g: (right[g]["final"], right[g]["max"]) for g in points} == {g: (p, p) for g, p in points.items()}
    assert {g: blank[g]["final"] for g in points} == dict.fromkeys(points, 0)
    assert not any(c.get("disagree") for res in (right, blank) for c in res.values())


def test_exported_in_table6(fifth):
    rows = list(csv.DictReader(fifth["sheet"].read_text(encoding="utf-8-sig").splitlines()))
    by = {r["学号"]: r for r in rows}
    assert set(by) == {"right", "blank"} and {r["模块"] for r in rows} == {"模块五"}
    assert [by["right"][name] for name, _ in WEIGHTS.values()] == [str(w) for _, w in WEIGHTS.values()]
    assert [by["blank"][name] for name, _ in WEIGHTS.values()] == ["0"] * len(WEIGHTS)
    # the module's own due date: on time keeps the whole 提交时效性, late loses some
    assert by["right"]["提交时效性"] == "15" and float(by["blank"]["提交时效性"]) < 15
