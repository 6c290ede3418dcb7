"""The TA's day, in nbgrader's formgrader in headless Chromium.

A class workspace (the course's ``grading.workspace`` layout) holds one
autograded submission.  In the browser the formgrader must list exactly the
course's four modules; the TA goes to 手动评分 (Manual Grading), opens the
submission and enters the 备注 (``d5_remark``) score and a remark.  Afterwards
the gradebook, ``nbgrader export``, the course's ``grading export`` (table 6:
the 备注 column and the 评语) and the feedback page carry them.

The submission is the notebook of the first course module that has a 备注
cell (its release is shared with the student's-day tests).  While no module has
one yet, the test-only sample notebook with a 备注 cell added is graded as
module1_listing of a throwaway source tree instead.
"""

from __future__ import annotations

import csv
import datetime as _dt
import shutil
import subprocess
import sys
from pathlib import Path

import harness
import labdriver
import nbformat
import pytest

pytestmark = pytest.mark.browser

REPO = labdriver.REPO
MODULES = labdriver.MODULES
REMARK_ID = labdriver.REMARK_ID
STUDENT = "stu_browser"
REMARK_SCORE = 8
STUDENT_NOTE = "## 备注\n\n本模块我先按销量和毛利筛选商品，再写标题和详情页。"  # what the student writes
REMARK_TEXT = "标题关键词选得准，详情页逻辑清楚；SKU 定价可再参考竞品。"  # what the TA writes


def fixture_sources(tmp: Path) -> Path:
    """A source tree with the four module folders; module1_listing holds the sample
    notebook with a 备注 cell appended (built like a module's last notebook)."""
    src = tmp / "src"
    for m in MODULES:
        (src / m).mkdir(parents=True)
    nb = nbformat.read(REPO / "tests" / "fixtures" / "sample" / "sample.ipynb", as_version=4)
    cell = nbformat.v4.new_markdown_cell("## 备注\n\n请写下你对本模块作业的说明。")
    cell.id = "manual-remark"
    cell.metadata["nbgrader"] = {
        "schema_version": 3,
        "grade": True,
        "solution": True,
        "locked": False,
        "points": 10,
        "grade_id": REMARK_ID,
    }
    nb.cells.append(cell)
    nbformat.write(nb, src / "module1_listing" / "sample.ipynb")
    return src


def prepare(tmp: Path, released) -> tuple[Path, str, str, str]:
    """Workspace with one autograded submission -> (workspace, module, notebook stem, variant)."""
    from grading.gradebook import module_due, timestamp_text
    from grading.workspace import ensure_workspace

    target = labdriver.remark_target()
    if target is None:
        # no module has its 备注 cell yet: grade the sample notebook placed as module1_listing
        variant, (module, stem) = "fixture", ("module1_listing", "sample")
        ws = ensure_workspace(tmp / "classroom", source_root=fixture_sources(tmp))
        harness.nbgrader(ws, "generate_assignment", module, "--force")
        release = ws / "release" / module
    else:
        variant, (module, stem) = "course", target
        rel = released(module)  # generated once per session (shared with the student's day)
        ws = harness.workspace(tmp)
        shutil.copy(rel.ws / "gradebook.db", ws / "gradebook.db")
        release = rel.release
    nb = harness.notebooks(release)[f"{stem}.ipynb"]
    harness.set_source(nb, REMARK_ID, STUDENT_NOTE)  # an unchanged answer would need no TA
    answers = (
        {"sample": harness.form_answers({"shop": {"name": "北欧家居旗舰店", "price": "499"}}, "sample")}
        if variant == "fixture"
        else None
    )
    due = module_due(module) or _dt.datetime(2026, 12, 7, 12, 30)
    # the notebook with the 备注 cell, handed in an hour before the due time
    harness.submit(
        ws,
        module,
        STUDENT,
        {f"{stem}.ipynb": nb},
        answers=answers,
        timestamp=timestamp_text(due - _dt.timedelta(hours=1)),
    )
    harness.autograde(ws, module)
    return ws, module, stem, variant


def grades(ws: Path, module: str):
    from nbgrader.api import Gradebook

    from grading.gradebook import read_submission

    with Gradebook(f"sqlite:///{ws / 'gradebook.db'}") as gb:
        return read_submission(gb, module, STUDENT)


def test_ta_day(page, lab, released, tmp_path):
    where = labdriver.Where("test_ta_day", page)
    with where.step("prepare a workspace with an autograded submission"):
        ws, module, stem, variant = prepare(tmp_path, released)
        before = grades(ws, module)
        assert REMARK_ID in before.needs_manual, f"{REMARK_ID} should wait for a TA: {before.cells}"
        auto_total = sum(s or 0.0 for g, (s, _m) in before.grades.items() if g != REMARK_ID)
    where.notebook = f"{module}/{stem}.ipynb"
    server = lab(ws, cwd=ws)  # formgrader reads the workspace's nbgrader_config.py

    with where.step("the formgrader lists exactly the course's modules"):
        page.goto(server.url("/formgrader"))
        page.wait_for_function("() => document.querySelectorAll('#main-table td.name a').length >= 1")
        names = page.locator("#main-table td.name").all_inner_texts()
        assert sorted(n.strip() for n in names) == sorted(MODULES), f"formgrader lists {names}"
        page.screenshot(path=str(labdriver.artifact(f"ta-{variant}-{module}-formgrader-modules.png")))

    with where.step("open the autograded submission from Manual Grading"):
        page.goto(server.url("/formgrader/gradebook"))
        page.locator(f'#main-table a[href$="/formgrader/gradebook/{module}"]').click()
        page.locator(f'#main-table a[href$="/formgrader/gradebook/{module}/{stem}"]').click()
        shown = page.locator("#main-table td.name a.name-shown", has_text=STUDENT)
        shown.wait_for(state="attached")
        href = shown.get_attribute("href")
        page.locator(f'#main-table td.name a.name-hidden[href="{href}"]').click()
        page.locator(f"input.score#{REMARK_ID}").wait_for()
        # the formgrader fills the inputs from the gradebook once loaded: type only after that
        page.wait_for_function(
            "() => window.formgrader && formgrader.grades && formgrader.grades.loaded"
            " && formgrader.comments && formgrader.comments.loaded"
        )

    with where.step("enter the 备注 score and remark"):
        score = page.locator(f"input.score#{REMARK_ID}")
        score.fill(str(REMARK_SCORE))
        score.press("Tab")
        comment = page.locator(f"textarea#{REMARK_ID}-comment")
        comment.fill(REMARK_TEXT)
        comment.press("Tab")
        deadline = _dt.datetime.now() + _dt.timedelta(seconds=20)
        while True:
            after = grades(ws, module)
            if after.cells[REMARK_ID]["manual"] == REMARK_SCORE and after.comments.get(REMARK_ID) == REMARK_TEXT:
                break
            assert _dt.datetime.now() < deadline, (
                f"gradebook holds {after.cells[REMARK_ID]} / comment {after.comments.get(REMARK_ID)!r}"
            )
            page.wait_for_timeout(250)
        assert REMARK_ID not in after.needs_manual
        page.locator(f"textarea#{REMARK_ID}-comment").scroll_into_view_if_needed()
        page.screenshot(path=str(labdriver.artifact(f"ta-{variant}-{module}-formgrade-remark.png")))

    # the three readers of the gradebook run side by side
    grades_csv = ws / "grades.csv"
    table6_csv = ws / "reports" / f"browser-{module}.csv"
    procs = {
        "nbgrader export": _start(["nbgrader", "export", "--to", str(grades_csv)], ws),
        "grading export": _start(
            [
                sys.executable,
                "-m",
                "grading",
                "export",
                "--workspace",
                str(ws),
                "--module",
                module,
                "--out",
                str(table6_csv),
            ],
            REPO,
            GRADING_WORKSPACE=ws,
        ),
        "nbgrader generate_feedback": _start(
            ["nbgrader", "generate_feedback", module, "--student", STUDENT, "--force"], ws
        ),
    }
    try:
        with where.step("run nbgrader export, grading export and nbgrader generate_feedback"):
            outputs = {name: p.communicate(timeout=300)[0] for name, p in procs.items()}
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()

    with where.step("nbgrader export carries the 备注 score"):
        _ok(procs, outputs, "nbgrader export")
        rows = [
            r
            for r in csv.DictReader(grades_csv.open(encoding="utf-8"))
            if r["student_id"] == STUDENT and r["assignment"] == module
        ]
        assert len(rows) == 1, f"export rows for {STUDENT}/{module}: {rows}"
        assert abs(float(rows[0]["raw_score"]) - (auto_total + REMARK_SCORE)) < 1e-6, (
            f"export raw_score {rows[0]['raw_score']}, expected auto {auto_total} + 备注 {REMARK_SCORE}"
        )

    with where.step("grading export (table 6) carries the 备注 score and remark"):
        from grading import rubric

        _ok(procs, outputs, "grading export")
        files = [table6_csv] if table6_csv.exists() else sorted(table6_csv.parent.glob(f"{table6_csv.stem}*.csv"))
        assert files, f"grading export wrote no CSV at {table6_csv}: {outputs['grading export'][-2000:]}"
        rows = [r for f in files for r in csv.DictReader(f.open(encoding="utf-8-sig")) if r.get("学号") == STUDENT]
        assert len(rows) == 1, f"rows for {STUDENT} in {[f.name for f in files]}: {rows}"
        dim = rubric.remark_dimension(module)
        expected = round(REMARK_SCORE / before.grades[REMARK_ID][1] * dim.weight, 1)
        assert abs(float(rows[0][dim.name]) - expected) < 0.05, (
            f"{dim.name} column {rows[0][dim.name]!r}, expected {expected}"
        )
        assert REMARK_TEXT in rows[0]["评语"], f"评语 column {rows[0]['评语']!r} lacks the TA's remark"

    with where.step("the feedback page shows the 备注 score and remark"):
        _ok(procs, outputs, "nbgrader generate_feedback")
        html = ws / "feedback" / STUDENT / module / f"{stem}.html"
        assert html.exists(), f"no feedback page at {html}"
        text = html.read_text(encoding="utf-8")
        assert REMARK_TEXT in text, "the remark is missing from the feedback page"
        page.goto(html.as_uri())
        page.get_by_text(REMARK_TEXT).first.scroll_into_view_if_needed()
        page.screenshot(path=str(labdriver.artifact(f"ta-{variant}-{module}-feedback.png")), full_page=True)


def _start(cmd: list[str], cwd: Path, **env) -> subprocess.Popen:
    if cmd[0] == "nbgrader":
        cmd = [str(harness.BIN / "nbgrader"), *cmd[1:]]
    return subprocess.Popen(
        cmd, cwd=cwd, env=harness.env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _ok(procs: dict, outputs: dict, name: str) -> None:
    assert procs[name].returncode == 0, f"{name} failed ({procs[name].returncode}):\n{outputs[name][-3000:]}"
