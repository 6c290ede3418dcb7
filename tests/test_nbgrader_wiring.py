"""nbgrader wiring, end to end on the real command line with the tiny fixture
assignment: release hides solutions and hidden tests, saved form entries reach
autograde in a fresh kernel, blank scores zero, partial scores in between."""

import json
from pathlib import Path

import harness
import nbformat
import pytest

from grading.preprocessors.scaffold import FORM_STUB

FIXTURE = Path(__file__).parent / "fixtures" / "sample"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    ws = harness.workspace(tmp_path_factory.mktemp("wiring"), extra_sources={"sample": FIXTURE})
    harness.nbgrader(ws, "generate_assignment", "sample", "--force")
    released = harness.notebooks(ws / "release" / "sample")
    ok = harness.form_answers({"shop": {"name": "北欧家居旗舰店", "price": "499"}}, "sample")
    half = harness.form_answers({"shop": {"name": "北欧家居旗舰店", "price": "599元"}}, "sample")
    harness.submit(ws, "sample", "blank", released)
    harness.submit(ws, "sample", "form_ok", released, answers={"sample": ok})
    harness.submit(ws, "sample", "form_half", released, answers={"sample": half})
    # a student who deleted the test cell: nbgrader restores it from the source
    nb = nbformat.from_dict(json.loads(json.dumps(released["sample.ipynb"])))
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "d1_shop"]
    harness.submit(ws, "sample", "deleted_test", {"sample.ipynb": nb}, answers={"sample": ok})
    scores = harness.autograde(ws, "sample")
    return ws, scores


def test_release_has_no_solution_or_hidden_test(ws):
    text = (ws[0] / "release" / "sample" / "sample.ipynb").read_text(encoding="utf-8")
    assert "北欧家居旗舰店" not in text and "HIDDEN" not in text and "BEGIN SOLUTION" not in text
    # the form's answer cell becomes the form stub, not an empty code cell
    assert FORM_STUB in text and "NotImplementedError" not in text
    assert not list((ws[0] / "release").rglob("*.answers.json"))


def test_saved_form_entry_is_scored_in_a_fresh_kernel(ws):
    assert ws[1]["form_ok"]["d1_shop"] == 4.0


def test_blank_scores_zero(ws):
    assert ws[1]["blank"]["d1_shop"] == 0.0


def test_partial_answer_scores_in_between(ws):
    assert 0.0 < ws[1]["form_half"]["d1_shop"] < 4.0


def test_deleted_test_cell_is_restored_and_scored(ws):
    assert ws[1]["deleted_test"]["d1_shop"] == 4.0


def test_submitted_answer_file_not_overwritten(ws):
    autograded = ws[0] / "autograded" / "form_ok" / "sample" / "sample.answers.json"
    data = json.loads(autograded.read_text(encoding="utf-8"))
    assert data["forms"]["shop"]["raw"]["name"] == "北欧家居旗舰店"


def test_feedback_shows_chinese_improvement_direction(ws):
    harness.nbgrader(ws[0], "generate_feedback", "sample", "--force", "--student", "form_half")
    html = next((ws[0] / "feedback" / "form_half" / "sample").glob("*.html")).read_text(encoding="utf-8")
    assert "提升方向" in html and "日常价" in html


def test_formgrader_lists_exactly_the_modules(tmp_path):
    """Only the four module folders are assignments; never course, grading or datasets."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from grading.config import apply

    c = Config()
    apply(c, workspace=tmp_path / "classroom")
    api = NbGraderAPI(coursedir=CourseDirectory(config=c), config=c)
    assert sorted(api.get_source_assignments()) == [
        "module1_listing",
        "module2_campaign",
        "module3_analytics",
        "module4_crm",
    ]
