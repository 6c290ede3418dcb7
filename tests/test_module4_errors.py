"""Module 4's typical mistakes, made in a real kernel, give a Chinese message naming the
cell and the fix, never a bare English traceback; the cells below still run.

The student versions of the notebooks are built from the source (skeletons in place of
solutions, hidden tests removed), the blanks filled with the mistakes students make:
a column name that does not exist, a number typed as text, a choice without quotes,
an export purpose the tool does not know, a step above not done."""

from __future__ import annotations

import shutil

import module4_answers as A
import nbformat
import pytest

from grading.scaffold import fill, released

pytestmark = pytest.mark.slow

#: notebook -> {answer cell grade_id: blanks typed (a mistake, or right to reach a later step)}
MISTAKES = {
    "01_segments": {"d1_segments_answer": ['"流失用户"', '"沉睡用户"', "成长用户"]},  # no quotes
    "03_outreach": {
        "d3_audit_by_campaign_answer": ['"2"'],  # a number as text
        "d3_schedule_report_answer": ["priority", "MAX_DELAY"],  # a column without quotes
        "d3_contact_export_answer": ['"触达名单"'],
    },  # an unknown purpose
    "04_membership": {
        "d2_tiers_answer": ['"paid"', '"either"'],  # no such column
        "d3_reminders_answer": ['"3"'],  # a number as text
        "d3_coupons_answer": ['"send"', "WEEK_END"],
    },  # right
}


def student_version(name: str, typed: dict[str, list[str]]):
    """The notebook as released, with the blanks of ``typed`` filled; forms left unsaved."""
    nb = nbformat.read(A.SOURCE / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if "### BEGIN SCAFFOLD" in cell.source:
            cell.source = released(cell.source)
            if gid in typed:
                cell.source = fill(cell.source, typed[gid])
        elif "### BEGIN SOLUTION" in cell.source:
            cell.source = cell.source.split("### BEGIN SOLUTION")[0] + "# 在此处填写你的代码\n"
        if "### BEGIN HIDDEN TESTS" in cell.source:
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
    return nb


def run(nb, folder):
    from nbclient import NotebookClient

    NotebookClient(
        nb, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return nb


def errors(nb) -> dict[str, list[str]]:
    """grade_id (or cell number) -> the Chinese lines of each error output."""
    out = {}
    for i, c in enumerate(nb.cells):
        for o in c.get("outputs", []):
            if o.get("output_type") == "error":
                out[c.metadata.get("nbgrader", {}).get("grade_id") or f"cell {i}"] = list(o.get("traceback", []))
    return out


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("m4errors") / A.MODULE
    shutil.copytree(A.SOURCE / "assets", folder / "assets")
    return {name: errors(run(student_version(name, typed), folder)) for name, typed in MISTAKES.items()}


def _chinese(lines: list[str]) -> str:
    """A Chinese message that says what to do (a 提升方向, an example, or the step to do first)."""
    text = "\n".join(lines)
    assert "Traceback" not in text and any(w in text for w in ("提升方向", "例如", "请先", "可选")), text
    return text


def test_a_choice_without_quotes(outcomes):
    text = _chinese(outcomes["01_segments"]["d1_segments_answer"])
    assert "成长用户" in text and "引号" in text


def test_a_number_typed_as_text(outcomes):
    for nb, gid in (("03_outreach", "d3_audit_by_campaign_answer"), ("04_membership", "d3_reminders_answer")):
        text = _chinese(outcomes[nb][gid])
        assert "引号" in text or "数字" in text, text


def test_a_column_name_without_quotes_and_an_unknown_purpose(outcomes):
    assert "priority" in _chinese(outcomes["03_outreach"]["d3_schedule_report_answer"])
    text = _chinese(outcomes["03_outreach"]["d3_contact_export_answer"])
    assert "触达名单" in text and "触达、履约、分析" in text or "send_list" in text, text


def test_a_column_that_does_not_exist(outcomes):
    text = _chinese(outcomes["04_membership"]["d2_tiers_answer"])
    assert "paid" in text and "列" in text


def test_only_the_mistaken_cells_fail(outcomes):
    """The cells below a mistake say what to do first instead of failing too (the variable stays None)."""
    expected = {nb: set(typed) - {"d3_coupons_answer"} for nb, typed in MISTAKES.items()}
    assert {nb: set(errs) for nb, errs in outcomes.items()} == expected
