"""Adding an exercise is declarative (issue 15, item 4).

A teacher declares two tasks in a folder outside the repository
(``GRADING_EXTRA_TASKS``), builds a small notebook, and lets
``python -m grading.authoring add`` write the graded cells after the cells it
names.  ``grading check`` then reports what is left to do (the solution
templates) and, for deliberately broken copies, each common mistake: a missing
export, a wrong dimension prefix, points that differ from the declaration, a
test cell that reads a name no cell defines, literals in a hidden test, a
declared task without cells.  Finally the new exercise is released and graded
under the real ``grading`` commands (nbgrader, sandbox, clean re-check): the
reference scores every point, the unchanged release 0, a partly answered one
in between.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import harness
import nbformat
import pytest

MODULE = "module3_analytics"
NOTEBOOK = "06_extra"

TASKS_PY = """\
from course import checks as C
from grading.reference.tasks import Task

NOTEBOOK = "06_extra"


def channel_count(R):
    return R.table("traffic")["channel"].nunique()


def gmv_target(R):
    return R.threshold("campaign", "gmv_target")


TASKS = [
    Task("n_channels", title="渠道数量", dim="d1", points=3, kind="scaffold", checks=[
        C.Equals(digits=0, msg="渠道数量不对：数一数流量表 channel 列里有几种不同的值。", ref=channel_count)]),
    Task("gmv_goal", title="活动目标", dim="d2", points=2, kind="form", var="goal_answer", effort=1, checks=[
        C.Keys(keys=["target"], msg="先在表单里填写活动目标 GMV 并保存。"),
        C.Equals(column="target", digits=0, msg="活动目标与店长给的不一致：回到场景设定看目标 GMV。", ref=gmv_target)]),
]
"""

SOLUTIONS = {
    "n_channels": ('n_channels = traffic["channel"].nunique()', "# n_channels = traffic[___].nunique()"),
    "gmv_goal": ('goal_answer = {"target": course.settings.threshold("campaign", "gmv_target")}', None),
}


@pytest.fixture
def extra(tmp_path, monkeypatch):
    """The teacher's own task declarations, outside the repository."""
    from grading.reference import EXTRA_ENV, registry

    folder = tmp_path / "my_tasks"
    (folder / MODULE).mkdir(parents=True)
    (folder / MODULE / "extra.py").write_text(TASKS_PY, encoding="utf-8")
    monkeypatch.setenv(EXTRA_ENV, str(folder))
    registry.cache_clear()
    yield folder
    monkeypatch.delenv(EXTRA_ENV)
    registry.cache_clear()


def _skeleton(folder: Path) -> Path:
    """The notebook before the graded cells: scenario, data, a form."""
    from grading.authoring import Notebook

    nb = Notebook(MODULE, NOTEBOOK)
    nb.md(
        "# 新练习：活动复盘前的两个数\n\n**场景设定**：店长定的活动目标 GMV 是 {{ campaign.gmv_target }} 元。\n\n**学习目标**：会数渠道、会填目标。"
    )
    nb.code(
        f'import course\ncourse.start("{MODULE}", "{NOTEBOOK}")\nfrom course import data\nfrom course.forms import Form, Number'
    )
    nb.code('traffic = data.load("traffic")')
    nb.md("## 第 2 步：填写活动目标")
    nb.code(
        'goal_form = Form("goal", "活动目标", [Number("target", "活动目标 GMV（元）", minimum=0, decimals=0, unit="元")])\n'
        "goal_form"
    )
    nb.md("## 小结\n\n数渠道用 nunique，目标从场景设定里读。")
    return nb.save(folder / MODULE / f"{NOTEBOOK}.ipynb")


def _authoring(*args: str) -> subprocess.CompletedProcess:
    """``python -m grading.authoring ARGS``, run in this process (one test runs the real command)."""
    import contextlib
    import io

    from grading.authoring import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(list(args))
        except SystemExit as exc:  # argparse
            rc = exc.code
    return subprocess.CompletedProcess(list(args), rc, out.getvalue(), err.getvalue())


def _fill_solutions(path: Path) -> None:
    """What the author types into the regions the helper left."""
    from grading.task_cells import CODE_TEMPLATE, FORM_TEMPLATE

    nb = nbformat.read(path, as_version=4)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id", "")
        for task, (solution, scaffold) in SOLUTIONS.items():
            if gid.endswith(f"_{task}_answer"):
                var = solution.split(" = ")[0]
                c.source = c.source.replace(CODE_TEMPLATE.format(var=var), solution)
                c.source = c.source.replace(FORM_TEMPLATE.format(var=var), solution)
                if scaffold:
                    lines = c.source.split("### BEGIN SCAFFOLD\n")
                    c.source = lines[0] + "### BEGIN SCAFFOLD\n" + scaffold + "\n### END SCAFFOLD"
    nbformat.write(nb, path)


def _grade_ids(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nb.cells]


def _problems(folder: Path) -> list[str]:
    from grading.authoring import check_module
    from grading.release_check import literal_problems, placeholder_problems, task_problems

    meta = [p for p in check_module(MODULE, folder / MODULE) if "没有任何评分单元格" not in p]
    return (
        meta
        + placeholder_problems(MODULE, folder / MODULE)
        + task_problems(MODULE, folder / MODULE)
        + literal_problems(MODULE, folder / MODULE)
    )


@pytest.fixture
def authored(tmp_path, extra):
    """The notebook with both tasks added by the helper (command line) and the solutions written."""
    path = _skeleton(tmp_path / "src")
    form_cell = nbformat.read(path, as_version=4).cells[4].id
    out = _authoring("add", MODULE, NOTEBOOK, "n_channels", "--after", "3", "--file", str(path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "第 4、5 个单元格" in out.stdout
    out = _authoring("add", MODULE, NOTEBOOK, "gmv_goal", "--after", form_cell, "--file", str(path))
    assert out.returncode == 0, out.stdout + out.stderr
    return path


def test_helper_writes_the_cells_where_asked(authored):
    nb = nbformat.read(authored, as_version=4)
    ids = _grade_ids(authored)
    assert ids[3:5] == ["d1_n_channels_answer", "d1_n_channels"]  # after cell 3 (the data)
    assert ids[7:9] == ["d2_gmv_goal_answer", "d2_gmv_goal"]  # after the form cell
    test = nb.cells[8]
    meta = test.metadata["nbgrader"]
    assert meta["grade"] and meta["locked"] and meta["points"] == 2
    assert test.source.startswith('course.check("gmv_goal", goal_answer)')
    assert 'course.export("gmv_goal", globals().get("goal_answer"))' in test.source
    assert nb.cells[7].source.startswith("goal_answer = goal_form.answers()")  # the form it names
    assert "### BEGIN SCAFFOLD" in nb.cells[3].source


def test_grading_check_says_what_is_left_then_passes(authored, tmp_path):
    left = _problems(tmp_path / "src")
    assert sum("模板" in p for p in left) == 2, left  # both solution regions still the template
    assert any("d1_n_channels" in p and "解答与代码骨架对不上" in p for p in left), left
    _fill_solutions(authored)
    assert _problems(tmp_path / "src") == []


# -- the helper's Chinese messages ------------------------------------------------------


def test_helper_refuses_with_chinese_messages(tmp_path, extra):
    path = _skeleton(tmp_path / "src")
    cases = [
        (("add", MODULE, NOTEBOOK, "n_chanels", "--file", str(path)), "你是不是想写 n_channels"),
        (("add", MODULE, "07_none", "n_channels"), "没有为笔记本 07_none 声明任何任务"),
        (("add", "module9", NOTEBOOK, "n_channels"), "没有模块 module9"),
        (("add", MODULE, NOTEBOOK, "n_channels", "--after", "99", "--file", str(path)), "只有 6 个单元格"),
        (("add", MODULE, NOTEBOOK, "n_channels", "--after", "d9_x", "--file", str(path)), "没有这个 grade_id"),
        (("add", MODULE, NOTEBOOK, "gmv_goal", "--after", "2", "--file", str(path)), "没有表单变量"),
        (
            ("add", MODULE, NOTEBOOK, "gmv_goal", "--form", "plan_form", "--file", str(path)),
            "没有单元格创建表单 plan_form",
        ),
        (("add", MODULE, NOTEBOOK, "n_channels", "--file", str(tmp_path / "nope.ipynb")), "找不到笔记本"),
        (("cells", MODULE), "需要写出模块、笔记本和任务名"),
    ]
    for args, expect in cases:
        out = _authoring(*args)
        assert out.returncode != 0 and expect in out.stdout, (args, out.stdout, out.stderr)
        assert "Traceback" not in out.stdout + out.stderr
    assert _authoring("add", MODULE, NOTEBOOK, "n_channels", "--file", str(path)).returncode == 0
    again = _authoring("add", MODULE, NOTEBOOK, "n_channels", "--file", str(path))
    assert again.returncode == 1 and "不会重复添加" in again.stdout
    assert _grade_ids(path).count("d1_n_channels") == 1


def test_helper_checks_the_declaration_against_the_rubric(tmp_path, extra):
    from grading.reference import registry
    from grading.task_cells import AuthoringError, find_task

    (extra / MODULE / "bad.py").write_text(
        TASKS_PY.replace('"06_extra"', '"08_bad"').replace('dim="d1"', 'dim="d7"').replace('dim="d2"', 'dim="d4"'),
        encoding="utf-8",
    )
    registry.cache_clear()
    with pytest.raises(AuthoringError, match="维度 d7 不在设置文件"):
        find_task(MODULE, "08_bad", "n_channels")
    with pytest.raises(AuthoringError, match="不是自动评分维度"):
        find_task(MODULE, "08_bad", "gmv_goal")


def test_cells_prints_what_add_would_write(tmp_path, extra):
    """The real command line (the other tests call its main() in-process)."""
    path = _skeleton(tmp_path / "src")
    out = subprocess.run(
        [sys.executable, "-m", "grading.authoring", "cells", MODULE, NOTEBOOK, "gmv_goal", "--file", str(path)],
        env=harness.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0 and "goal_answer = goal_form.answers()" in out.stdout, out.stdout + out.stderr
    listed = _authoring("list", MODULE, NOTEBOOK)
    assert "n_channels（渠道数量）  d1_n_channels  3 分  scaffold" in listed.stdout


# -- grading check finds the common mistakes (deliberately broken copies) ---------------------


def _broken(authored: Path, grade_id: str, edit) -> list[str]:
    _fill_solutions(authored)
    nb = nbformat.read(authored, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    edit(cell)
    nbformat.write(nb, authored)
    return _problems(authored.parent.parent)


def _set(key, value):
    return lambda cell: cell.metadata["nbgrader"].__setitem__(key, value)


def _replace(old, new):
    def edit(cell):
        assert old in cell.source, cell.source
        cell.source = cell.source.replace(old, new)

    return edit


@pytest.mark.parametrize(
    "grade_id,edit,expect",
    [
        (
            "d1_n_channels",
            _replace('_v = course.export("n_channels", globals().get("n_channels"))\n', ""),
            "course.export",
        ),  # a missing export
        ("d1_n_channels", _set("grade_id", "d2_n_channels"), "grade_id 应为 d1_n_channels"),  # the wrong dimension
        (
            "d1_n_channels",
            _set("grade_id", "d7_n_channels"),
            "没有编号为 d7 的评分维度",
        ),  # a dimension the settings lack
        ("d2_gmv_goal", _set("points", 4), "单元格分值 4 与任务声明的 2 不一致"),  # points that do not add up
        (
            "d1_n_channels",
            _replace('course.grade("n_channels", _v)', 'course.grade("n_channels", _v + offset)'),
            "测试单元格读取的 offset 在上面的单元格中没有定义",
        ),  # a name no cell defines
        (
            "d1_n_channels_answer",
            _replace("n_channels = ", "channels = "),
            "隐藏测试读取的变量 n_channels 在上面的单元格中没有定义",
        ),
        (
            "d2_gmv_goal",
            _replace("course.grade(", "assert _v.get('target') != 50000\ncourse.grade("),
            "隐藏测试里写死了数字 50000",
        ),  # a literal threshold
        (
            "d2_gmv_goal",
            _replace("course.grade(", "assert _v.get('item') != 'P001'\ncourse.grade("),
            "隐藏测试里写死了商品编号「P001」",
        ),  # a literal product id
        ("d1_n_channels", _replace('course.check("n_channels", n_channels)\n', ""), "可见部分应调用 course.check"),
    ],
)
def test_grading_check_reports_a_broken_cell(authored, grade_id, edit, expect):
    problems = _broken(authored, grade_id, edit)
    assert any(expect in p for p in problems), problems


def test_grading_check_reports_a_declared_task_without_cells(authored, extra):
    from grading.reference import registry

    _fill_solutions(authored)
    extra_file = extra / MODULE / "extra.py"
    extra_file.write_text(
        extra_file.read_text(encoding="utf-8").replace(
            "TASKS = [", 'TASKS = [\n    Task("forgotten", title="忘了加单元格", dim="d1", points=1, kind="free"),'
        ),
        encoding="utf-8",
    )
    registry.cache_clear()
    problems = _problems(authored.parent.parent)
    assert any("forgotten" in p and "没有调用它的评分单元格" in p for p in problems), problems


def test_literal_check_reports_a_planted_literal(tmp_path):
    """The literal search ``grading check`` runs, on a copy of module 1 with a category and a width planted."""
    from grading.release_check import literal_problems

    folder = harness.copy_module("module1_listing", tmp_path)
    path = folder / "02_title.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "d1_title")
    cell.source = cell.source.replace(
        "course.grade(", "assert '床头柜' in str(_v) and len(str(_v)) <= 60\ncourse.grade("
    )
    nbformat.write(nb, path)
    problems = literal_problems("module1_listing", folder)
    assert any("写死了类目「床头柜」" in p for p in problems), problems
    assert any("写死了数字 60" in p for p in problems), problems


# -- the new exercise under the real grading commands -------------------------------------------


def _grading(ws: Path, extra: Path, *args: str) -> subprocess.CompletedProcess:
    from grading.reference import EXTRA_ENV

    proc = subprocess.run(
        [sys.executable, "-m", "grading", *args, "--workspace", str(ws)],
        env=harness.env(**{EXTRA_ENV: str(extra)}),
        capture_output=True,
        text=True,
        timeout=900,
        cwd=str(harness.REPO),
    )
    assert proc.returncode == 0, f"grading {' '.join(args)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _cells(ws: Path, student: str) -> dict[str, dict]:
    res = json.loads((ws / ".grading" / "results" / MODULE / f"{student}.json").read_text(encoding="utf-8"))
    assert res["status"] == "ok", res
    return {gid: c for nb in res["notebooks"].values() for gid, c in nb["cells"].items() if c["type"] == "code"}


@pytest.mark.slow
def test_new_exercise_is_released_and_graded(authored, extra, tmp_path):
    from grading.scaffold import fill
    from grading.workspace import ensure_workspace

    _fill_solutions(authored)
    ws = ensure_workspace(tmp_path / "classroom", modules=())
    shutil.copytree(authored.parent, ws / "source" / MODULE)
    _grading(ws, extra, "release", MODULE, "--no-zip", "--no-exchange")
    released = harness.notebooks(ws / "release" / MODULE)
    text = json.dumps(released, ensure_ascii=False)
    assert "50,000 元" in text and "{{" not in text  # the placeholder, rendered
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "nunique()" in text
    spec = json.loads((ws / "release" / MODULE / f"{NOTEBOOK}.checks.json").read_text(encoding="utf-8"))
    assert set(spec["tasks"]) == {"n_channels", "gmv_goal"}

    half = json.loads(json.dumps(released))
    half = {k: nbformat.from_dict(v) for k, v in half.items()}
    ans = harness.cell(half[f"{NOTEBOOK}.ipynb"], "d1_n_channels_answer")
    assert ans.source.count("___") == 1
    ans.source = fill(ans.source, ['"channel"'])
    harness.submit(ws, MODULE, "ref", harness.notebooks(authored.parent))
    harness.submit(ws, MODULE, "blank", released)
    harness.submit(ws, MODULE, "half", half)
    _grading(ws, extra, "autograde", MODULE, "--jobs", "2", "--quiet")

    ref, blank, part = _cells(ws, "ref"), _cells(ws, "blank"), _cells(ws, "half")
    assert {g: (c["final"], c["max"]) for g, c in ref.items()} == {"d1_n_channels": (3, 3), "d2_gmv_goal": (2, 2)}
    assert sum(c["final"] for c in blank.values()) == 0
    assert part["d1_n_channels"]["final"] == 3 and part["d2_gmv_goal"]["final"] == 0
    assert not any(c.get("disagree") for c in (*ref.values(), *part.values()))
