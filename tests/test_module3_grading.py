"""module3_analytics under the real grading command line (``python -m grading release`` /
``autograde``: nbgrader plus the clean re-check outside the student's kernel).

Students play the *released* notebooks: they fill the blanks ``___`` of the code
skeletons, save the forms (answer files with what they typed) and, for the
optional 挑战, type a metric function.  A complete student scores every automatic
point, the unchanged release zero, a partly right one in between, and the clean
re-check agrees with nbgrader on every cell.  The released notebooks hold no
solution, hidden test or reference code and run top to bottom for a student who
has not answered anything.  One workspace, every student graded in one call."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import harness
import module3_answers as A
import nbformat
import pytest

MODULE = A.MODULE
NOTEBOOKS = ["01_core_metrics", "02_funnel", "03_channel_roi", "04_ab_test", "05_review_dashboard"]
MANUAL = {"d2_review_problems": 8, "d5_remark": 10}
STUB = "# 在此处填写你的代码"  # what the release puts where a free-code solution was
pytestmark = pytest.mark.slow


def grading(ws: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "grading", *args, "--workspace", str(ws)],
        env=harness.env(),
        capture_output=True,
        text=True,
        timeout=1500,
        cwd=str(harness.REPO),
    )
    assert proc.returncode == 0, (
        f"grading {' '.join(args)} -> {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc


def played(released: dict, blanks: dict[str, list[str]], challenge: str | None = None) -> dict:
    """The released notebooks with these skeletons filled in (and the 挑战 typed), as a student does."""
    from grading.scaffold import fill

    out = {}
    for name, nb in released.items():
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            task = gid[3 : -len("_answer")] if gid.endswith("_answer") else None
            if task in blanks:
                assert cell.source.count("___") == len(blanks[task]), (gid, cell.source)
                cell.source = fill(cell.source, blanks[task])
            elif task == "challenge_metrics" and challenge:
                assert STUB in cell.source, cell.source
                cell.source = cell.source.replace(STUB, STUB + "\n" + challenge, 1)
        out[name] = nb
    return out


def results(ws: Path, student: str) -> dict:
    return json.loads((ws / ".grading" / "results" / MODULE / f"{student}.json").read_text(encoding="utf-8"))


def cells(res: dict) -> dict[str, dict]:
    return {gid: c for nb in res["notebooks"].values() for gid, c in nb["cells"].items() if c["type"] == "code"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from grading.workspace import ensure_workspace

    ws = ensure_workspace(tmp_path_factory.mktemp("m3") / "classroom", modules=(MODULE,))
    grading(ws, "release", MODULE, "--no-zip", "--no-exchange")
    released = harness.notebooks(ws / "release" / MODULE)
    every = {t: b for stem in NOTEBOOKS for t, b in A.blanks(stem).items()}
    harness.submit(
        ws, MODULE, "m3_full", played(released, every, A.challenge_code()), answers=A.answer_files(A.student_forms())
    )
    harness.submit(ws, MODULE, "m3_blank", released)
    # partly right: two skeletons filled with typical wrong picks, two forms with wrong judgements, no 挑战
    harness.submit(
        ws,
        MODULE,
        "m3_partial",
        played(released, {**every, **A.wrong_blanks()}),
        answers=A.answer_files(A.student_forms(mistakes=True)),
    )
    grading(ws, "autograde", MODULE, "--jobs", "2", "--quiet")
    return ws, released


def test_complete_student_scores_every_automatic_point(graded):
    ws, _ = graded
    res = results(ws, "m3_full")
    got = cells(res)
    lost = {gid: (c["final"], c["max"]) for gid, c in got.items() if c["final"] != c["max"]}
    assert res["status"] == "ok" and not lost, (lost, res.get("reasons"))
    assert sum(c["max"] for c in got.values()) > 0


def test_unchanged_release_scores_zero(graded):
    ws, _ = graded
    got = cells(results(ws, "m3_blank"))
    assert sum(c["final"] for c in got.values()) == 0, {g: c["final"] for g, c in got.items() if c["final"]}


def test_partly_right_scores_in_between(graded):
    ws, _ = graded
    full = {gid: c["max"] for gid, c in cells(results(ws, "m3_full")).items()}
    got = {gid: c["final"] for gid, c in cells(results(ws, "m3_partial")).items()}
    assert 0 < sum(got.values()) < sum(full.values())
    assert 0 < got["d1_campaign_conversion"] < full["d1_campaign_conversion"]  # 支付人数 still right
    assert 0 < got["d1_roi_table"] < full["d1_roi_table"]  # costs right, ROI by GMV
    assert 0 < got["d2_leak"] < full["d2_leak"] and 0 < got["d2_low_roi"] < full["d2_low_roi"]
    assert 0 < got["d3_action_plan"] < full["d3_action_plan"]  # one vague action
    assert got["d1_challenge_metrics"] == 0  # the 挑战 not done
    for gid in ("d1_campaign_money", "d1_ab_result", "d2_phase_funnel", "d3_budget"):
        assert got[gid] == full[gid], gid


def test_clean_recheck_agrees_with_nbgrader(graded):
    ws, _ = graded
    for student in ("m3_full", "m3_blank", "m3_partial"):
        res = results(ws, student)
        dis = {gid: c for gid, c in cells(res).items() if c.get("disagree")}
        assert res["status"] == "ok" and not dis, (student, dis, res.get("reasons"))


def test_dimensions_and_manual_cells(graded):
    _ws, released = graded
    ids = {
        c.metadata["nbgrader"]["grade_id"]
        for nb in released.values()
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    assert {i.split("_")[0] for i in ids} == {"d1", "d2", "d3", "d5"}
    for gid, pts in MANUAL.items():
        nb = next(
            nb
            for nb in released.values()
            if any(c.metadata.get("nbgrader", {}).get("grade_id") == gid for c in nb.cells)
        )
        cell = harness.cell(nb, gid)
        assert cell.cell_type == "markdown" and cell.metadata["nbgrader"]["points"] == pts
        assert "参考答案" not in cell.source


def test_release_holds_no_answer(graded):
    ws, released = graded
    assert sorted(released) == [f"{n}.ipynb" for n in NOTEBOOKS]
    assert not (ws / "release" / MODULE / "TEACHER_NOTES.md").exists()
    for n in NOTEBOOKS:
        assert (ws / "release" / MODULE / f"{n}.checks.json").is_file()
    for name, nb in released.items():
        text = "\n".join(c.source for c in nb.cells)
        for marker in (
            "BEGIN SOLUTION",
            "BEGIN HIDDEN TESTS",
            "BEGIN SCAFFOLD",
            "grading.reference",
            "参考答案",
            "def core_metrics",
            "{{",
        ):
            assert marker not in text, f"{name} leaks {marker!r}"


def test_blank_release_runs_top_to_bottom(graded):
    ws, _ = graded
    folder = ws / "autograded" / "m3_blank" / MODULE
    for name in NOTEBOOKS:
        nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        for c in nb.cells:
            if c.cell_type != "code" or c.metadata.get("nbgrader", {}).get("grade"):
                continue
            errors = [o for o in c.get("outputs", []) if o.output_type == "error"]
            assert not errors, f"{name}: {c.source[:60]!r} -> {errors[0].ename}: {errors[0].evalue}"
            streams = "".join(o.get("text", "") for o in c.get("outputs", []) if o.output_type == "stream")
            assert "Traceback" not in streams and not re.search(r"\bnan%", streams)
