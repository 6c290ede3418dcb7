"""module4_crm under the real grading command line (``python -m grading release`` /
``autograde``: nbgrader plus the clean re-check outside the student's kernel).

Students play the *released* notebooks as a student would: they fill the blanks
``___`` of the code skeletons and save the forms (answer files with what they
typed).  A complete student scores every automatic point, the unchanged release
zero, a partly right one in between (some blanks, one of them with a typical
mistake; two forms, one with two boundary customers placed wrong), and the clean
re-check agrees with nbgrader on every cell.  One workspace, every student graded
in one call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import harness
import module4_answers as A
import nbformat
import pytest

from grading import simulate
from grading.scaffold import fill

MODULE = A.MODULE
SOURCE = A.SOURCE
pytestmark = pytest.mark.slow


def type_blanks(nb, task: str, answers: list[str]) -> None:
    """Type ``answers`` into the blanks of a released scaffold cell, in order."""
    cell = harness.cell(nb, next(f"{d}_{task}_answer" for d in ("d1", "d2", "d3") if _has(nb, f"{d}_{task}_answer")))
    assert cell.source.count("___") == len(answers), cell.source
    cell.source = fill(cell.source, answers)


def _has(nb, gid: str) -> bool:
    try:
        harness.cell(nb, gid)
        return True
    except KeyError:
        return False


def partial_submission(released: dict) -> tuple[dict, dict]:
    nbs = {name: nbformat.from_dict(json.loads(json.dumps(nb))) for name, nb in released.items()}
    blanks = A.blank_answers()
    # 01: the gap customers put in 潜力用户 (default typed wrong); 02: the whole customer base as denominator
    type_blanks(nbs["01_segments.ipynb"], "segments", blanks["segments"][:2] + ['"潜力用户"'])
    type_blanks(nbs["02_strategy.ipynb"], "repurchase", ["WINDOW_DAYS", "firsts"])
    type_blanks(nbs["03_outreach.ipynb"], "audit_by_campaign", blanks["audit_by_campaign"])
    type_blanks(nbs["04_membership.ipynb"], "tiers", blanks["tiers"])
    raws = A.form_raws()
    picks = dict(raws["segment_rules"], case_a="潜力用户", case_b="沉睡用户")  # both boundaries misread
    answers = {
        "01_segments": harness.form_answers({"segment_rules": picks}, "01_segments"),
        "02_strategy": harness.form_answers({"segment_strategy": raws["segment_strategy"]}, "02_strategy"),
    }
    return nbs, answers


def complete_submission(released: dict) -> tuple[dict, dict]:
    nbs = {name: nbformat.from_dict(json.loads(json.dumps(nb))) for name, nb in released.items()}
    blanks = A.blank_answers()
    for task, notebook in A.NOTEBOOK.items():
        if task in blanks:
            type_blanks(nbs[f"{notebook}.ipynb"], task, blanks[task])
    # the 挑战 is free code: a student who codes types the instructor's solution
    source = nbformat.read(SOURCE / "01_segments.ipynb", as_version=4)
    harness.set_source(
        nbs["01_segments.ipynb"], "d1_rfm_scores_answer", simulate.solutions(source)["d1_rfm_scores_answer"]
    )
    raws = A.form_raws()
    answers = {
        nb: harness.form_answers({key: raws[key] for key, (n, _t) in A.FORMS.items() if n == nb}, nb)
        for nb in {n for n, _t in A.FORMS.values()}
    }
    return nbs, answers


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


def results(ws: Path, student: str) -> dict:
    return json.loads((ws / ".grading" / "results" / MODULE / f"{student}.json").read_text(encoding="utf-8"))


def cells(res: dict) -> dict[str, dict]:
    return {gid: c for nb in res["notebooks"].values() for gid, c in nb["cells"].items() if c["type"] == "code"}


def max_points() -> dict[str, float]:
    return harness.max_points(SOURCE)


def auto_ids() -> list[str]:
    return harness.auto_ids(SOURCE)


# -- the workspace ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from grading.workspace import ensure_workspace

    ws = ensure_workspace(tmp_path_factory.mktemp("m4") / "classroom", modules=(MODULE,))
    grading(ws, "release", MODULE, "--no-zip", "--no-exchange")
    released = harness.notebooks(ws / "release" / MODULE)
    harness.submit(ws, MODULE, "m4_full", *complete_submission(released))
    harness.submit(ws, MODULE, "m4_blank", released)
    harness.submit(ws, MODULE, "m4_partial", *partial_submission(released))
    grading(ws, "autograde", MODULE, "--jobs", "2", "--quiet")  # every student in one call
    return ws, {
        s: {gid: c["final"] for gid, c in cells(results(ws, s)).items()} for s in ("m4_full", "m4_blank", "m4_partial")
    }


def test_rubric_dimensions_have_cells():
    pts = max_points()
    for dim in ("d1_", "d2_", "d3_"):
        assert sum(p for g, p in pts.items() if g.startswith(dim)) > 0, dim
    assert pts["d5_remark"] == 10
    assert not any(g.startswith("d4_") for g in pts)  # 提交时效性 has no cells


def test_complete_student_scores_every_automatic_point(graded):
    _ws, scores = graded
    full, pts = scores["m4_full"], max_points()
    lost = {g: (full.get(g), pts[g]) for g in auto_ids() if full.get(g) != pts[g]}
    assert not lost, f"a complete student lost points: {lost}"


def test_unchanged_release_scores_zero(graded):
    _ws, scores = graded
    assert sum(scores["m4_blank"].values()) == 0, {g: v for g, v in scores["m4_blank"].items() if v}


def test_partly_right_scores_in_between(graded):
    _ws, scores = graded
    part, pts = scores["m4_partial"], max_points()
    assert 0 < sum(part.values()) < sum(pts[g] for g in auto_ids())
    assert part["d1_segment_rules"] == pytest.approx(pts["d1_segment_rules"] * 5 / 7, abs=0.01)  # keys + 4 of 6 cases
    assert 0.5 * pts["d1_segments"] < part["d1_segments"] < pts["d1_segments"]  # only the gap customers
    assert part["d2_strategy"] == pts["d2_strategy"]
    assert 0 < part["d2_repurchase"] < pts["d2_repurchase"]  # the denominator
    assert part["d3_audit_by_campaign"] == pts["d3_audit_by_campaign"]
    assert part["d2_tiers"] == pts["d2_tiers"]
    assert all(
        part[g] == 0
        for g in (
            "d1_rfm_scores",
            "d3_cap_rule",
            "d3_schedule_report",
            "d3_contact_export",
            "d3_reminders",
            "d3_coupons",
        )
    )


def test_clean_recheck_agrees_with_nbgrader(graded):
    ws, _ = graded
    for student in ("m4_full", "m4_blank", "m4_partial"):
        res = results(ws, student)
        dis = {gid: c for gid, c in cells(res).items() if c.get("disagree")}
        assert res["status"] == "ok" and not dis, (student, dis, res.get("reasons"))


def test_release_hides_solutions_and_ships_the_checks(graded):
    ws, _ = graded
    release = ws / "release" / MODULE
    for path in release.glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "BEGIN SCAFFOLD" not in text, path.name
        assert "{{" not in text, path.name  # placeholders rendered
        assert (release / f"{path.stem}.checks.json").is_file(), path.name
        for needle in ('default=\\"成长用户\\"', 'basis=\\"either\\"', "def _pick", "_b[3]"):
            assert needle not in text, (path.name, needle)
    seg = (release / "01_segments.ipynb").read_text(encoding="utf-8")
    assert "default=___" in seg and "___, ___" in seg
    assert (release / "assets" / "week_plan.csv").is_file() and (release / "assets" / "service_contacts.csv").is_file()
    assert not list(release.glob("*.answers.json"))


def test_blank_release_runs_without_errors(graded):
    """A student who answered nothing can run every notebook top to bottom."""
    ws, _ = graded
    for path in sorted((ws / "autograded" / "m4_blank" / MODULE).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        errors = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            if o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")
        ]
        assert not errors, (path.name, [e.get("ename") or e.get("text", "")[:200] for e in errors])


def test_feedback_says_what_to_improve_in_chinese(graded):
    """The re-check's 提升方向 lines (what the feedback shows) name the mistake, in Chinese."""
    ws, _ = graded
    got = cells(results(ws, "m4_partial"))
    rules = "\n".join(got["d1_segment_rules"]["messages"])
    assert "客户A 的天数正好落在两层的分界线上" in rules and "客户C" not in rules
    assert any("default" in m for m in got["d1_segments"]["messages"])
    assert any("30天复购率不对" in m for m in got["d2_repurchase"]["messages"])
    assert all("提升方向" in m for c in got.values() for m in c["messages"])
