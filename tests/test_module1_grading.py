"""module1_listing under the real grading command line (``python -m grading release`` /
``autograde``: nbgrader plus the clean re-check outside the student's kernel).

Students play the *released* notebooks as a student would: they fill the blanks
``___`` of the code skeletons and save the forms (answer files with what they
typed).  A complete student scores every automatic point, the unchanged release
zero, a partly answered one in between, and the clean re-check agrees with
nbgrader on every cell.  A second class features another product
(``featured.product_id`` in a copy of the settings): the released text names it
and the same kind of complete answer, computed for it, keeps full points.
One workspace per class, every student graded in one call."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import harness
import module1_answers as A
import nbformat
import pytest

MODULE = A.MODULE
SOURCE = harness.REPO / MODULE
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


def filled(released: dict, only: set[str] | None = None) -> dict:
    """The released notebooks with the blanks of every skeleton filled in, as a student types them."""
    from grading.scaffold import fill

    out = {}
    for name, nb in released.items():
        nb = nbformat.from_dict(json.loads(json.dumps(nb)))
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            task = gid[3 : -len("_answer")] if gid.endswith("_answer") else None
            if task in A.BLANKS and (only is None or task in only):
                assert cell.source.count("___") == len(A.BLANKS[task]), (gid, cell.source)
                cell.source = fill(cell.source, A.BLANKS[task])
        out[name] = nb
    return out


def results(ws: Path, student: str) -> dict:
    return json.loads((ws / ".grading" / "results" / MODULE / f"{student}.json").read_text(encoding="utf-8"))


def cells(res: dict) -> dict[str, dict]:
    return {gid: c for nb in res["notebooks"].values() for gid, c in nb["cells"].items() if c["type"] == "code"}


def release(ws: Path) -> dict:
    grading(ws, "release", MODULE, "--no-zip", "--no-exchange")
    return harness.notebooks(ws / "release" / MODULE)


# -- the class at default settings ------------------------------------------------------


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from grading.workspace import ensure_workspace

    ws = ensure_workspace(tmp_path_factory.mktemp("m1") / "classroom", modules=(MODULE,))
    released = release(ws)
    harness.submit(ws, MODULE, "m1_full", filled(released), answers=A.answer_files(A.student_forms()))
    harness.submit(ws, MODULE, "m1_blank", released)
    # partly right: the title and the SKU/price forms saved (SKU with the draft's invalid option), one skeleton filled
    forms = A.student_forms(sku_invalid_option=True)
    partial = {k: v for k, v in forms.items() if k in ("02_title", "04_sku_price")}
    harness.submit(ws, MODULE, "m1_partial", filled(released, only={"kw_value"}), answers=A.answer_files(partial))
    grading(ws, "autograde", MODULE, "--jobs", "2", "--quiet")
    return ws, released


def test_complete_student_scores_every_automatic_point(graded):
    ws, _ = graded
    res = results(ws, "m1_full")
    got = cells(res)
    lost = {gid: (c["final"], c["max"]) for gid, c in got.items() if c["final"] != c["max"]}
    assert res["status"] == "ok" and not lost, (lost, res.get("reasons"))
    assert sum(c["max"] for c in got.values()) == 75


def test_unchanged_release_scores_zero(graded):
    ws, _ = graded
    got = cells(results(ws, "m1_blank"))
    assert sum(c["final"] for c in got.values()) == 0, {g: c["final"] for g, c in got.items() if c["final"]}


def test_partly_right_scores_in_between(graded):
    ws, _ = graded
    got = {gid: c["final"] for gid, c in cells(results(ws, "m1_partial")).items()}
    assert 0 < sum(got.values()) < 75
    assert got["d1_title"] == 10 and got["d1_title_choice"] == 8 and got["d1_kw_value"] == 8
    assert got["d3_sku"] == 4  # the draft's invalid option costs the invalid-option check
    assert got["d3_prices"] == 4
    assert got["d2_candidates"] == 0 and got["d2_detail"] == 0


def test_clean_recheck_agrees_with_nbgrader(graded):
    ws, _ = graded
    for student in ("m1_full", "m1_blank", "m1_partial"):
        res = results(ws, student)
        dis = {gid: c for gid, c in cells(res).items() if c.get("disagree")}
        assert res["status"] == "ok" and not dis, (student, dis, res.get("reasons"))


def test_release_hides_solutions_and_hidden_tests(graded):
    ws, released = graded
    reference_title = A.title_text()
    for name, nb in released.items():
        text = json.dumps(nb, ensure_ascii=False)
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "BEGIN SCAFFOLD" not in text, name
        assert reference_title not in text and "{{" not in text, name
    assert (ws / "release" / MODULE / "assets" / "P001" / "cand_01.png").is_file()
    assert (ws / "release" / MODULE / "02_title.checks.json").is_file()


def test_blank_release_runs_without_errors(graded):
    """The released notebooks run top to bottom for a student who answered nothing."""
    ws, _ = graded
    for path in sorted((ws / "autograded" / "m1_blank" / MODULE).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        errors = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
            if o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")
        ]
        assert not errors, (path.name, [e.get("ename") or e.get("text", "")[:200] for e in errors])


def test_feedback_in_chinese(graded):
    ws, _ = graded
    path = ws / "autograded" / "m1_partial" / MODULE / "04_sku_price.ipynb"
    text = json.dumps(nbformat.read(path, as_version=4).dict(), ensure_ascii=False)
    assert "提升方向" in text and "无效选项" in text


# -- another featured product: the same module, graded for it ---------------------------------

SWITCH_NOTEBOOKS = ("02_title.ipynb", "04_sku_price.ipynb")


def other_product() -> str:
    from course import featured

    return next(c.id for c in reversed(featured.featurable()) if c.id != featured.featured_id())


@pytest.fixture(scope="module")
def switched(tmp_path_factory):
    """Module 1 (two notebooks, to stay fast) released and graded with another featured product."""
    from grading.workspace import ensure_workspace

    base = tmp_path_factory.mktemp("m1switch")
    pid = other_product()
    text = (harness.REPO / "course" / "settings.yaml").read_text(encoding="utf-8")
    settings = base / "settings.yaml"
    settings.write_text(text.replace("\n  product_id: ", f"\n  product_id: {pid}  # was ", 1), encoding="utf-8")
    old = os.environ.get("COURSE_SETTINGS")
    os.environ["COURSE_SETTINGS"] = str(settings)
    try:
        from course import featured

        assert featured.featured_id() == pid
        ws = ensure_workspace(base / "classroom", modules=())
        folder = ws / "source" / MODULE
        folder.mkdir(parents=True)
        for name in SWITCH_NOTEBOOKS:
            shutil.copy(SOURCE / name, folder / name)
        shutil.copytree(SOURCE / "assets", folder / "assets")
        released = release(ws)
        forms = {k: v for k, v in A.student_forms().items() if f"{k}.ipynb" in SWITCH_NOTEBOOKS}
        harness.submit(ws, MODULE, "full", filled(released), answers=A.answer_files(forms))
        harness.submit(ws, MODULE, "blank", released)
        grading(ws, "autograde", MODULE, "--jobs", "2", "--quiet")
        yield {"ws": ws, "released": released, "product": featured.product()}
    finally:
        if old is None:
            os.environ.pop("COURSE_SETTINGS", None)
        else:
            os.environ["COURSE_SETTINGS"] = old


def test_other_product_text_names_it(switched):
    p = switched["product"]
    title_md = "".join(c.source for c in switched["released"]["02_title.ipynb"].cells if c.cell_type == "markdown")
    assert p.name in title_md and p.id in title_md and p.brand in title_md
    sku_md = "".join(c.source for c in switched["released"]["04_sku_price.ipynb"].cells if c.cell_type == "markdown")
    assert p.name in sku_md


def test_other_product_reference_scores_full_points(switched):
    ws = switched["ws"]
    full, blank = cells(results(ws, "full")), cells(results(ws, "blank"))
    lost = {gid: (c["final"], c["max"]) for gid, c in full.items() if c["final"] != c["max"]}
    assert not lost and sum(c["max"] for c in full.values()) == 8 + 8 + 10 + 8 + 3 + 4 + 2, lost
    assert sum(c["final"] for c in blank.values()) == 0
    assert not any(c.get("disagree") for c in full.values())
