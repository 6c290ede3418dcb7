"""Table 6 (学员操作任务评分表, 商品上架模块): the two worked rows are test cases.

Row 1: 28/30 (缺核心属性词) + 20/25 (卖点排序混乱) + 16/20 (存在无效选项) + 15/15 (按时提交) -> 79
Row 2: 30/30 + 25/25 + 20/20 + 15/15 -> 90
备注 (10) carries the remark only in both rows (no TA grade entered -> 0).

Each row is a real submission: the reference notebooks plus answer files with the
forms filled in as a student types them (``module1_answers``: computed for the
featured product in force), with the row's defects (the title without a core
attribute word, detail-page modules out of order, the SKU draft's invalid option
such as 颜色:默认 kept).
nbgrader autogrades them on the command line; the columns are computed by the
grading side's ``grading.rubric`` from the cell grades and the submission time.
"""

from __future__ import annotations

import datetime as dt

import harness
import pytest
from module1_answers import MODULE, answer_files, student_forms

SOURCE = harness.REPO / MODULE


def max_points():
    return harness.max_points(SOURCE)


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    from test_module1_grading import cells, grading, results

    from grading import rubric
    from grading.workspace import ensure_workspace

    ws = ensure_workspace(tmp_path_factory.mktemp("table6") / "classroom", modules=(MODULE,))
    grading(ws, "release", MODULE, "--no-zip", "--no-exchange")
    source = harness.notebooks(SOURCE)
    due = rubric._settings().due(MODULE)
    on_time = due - dt.timedelta(minutes=20)
    stamp = on_time.strftime("%Y-%m-%d %H:%M:%S.%f")
    flawed = student_forms(title_missing_attribute=True, detail_out_of_order=True, sku_invalid_option=True)
    harness.submit(ws, MODULE, "row_79", source, answers=answer_files(flawed), timestamp=stamp)
    harness.submit(ws, MODULE, "row_90", source, answers=answer_files(student_forms()), timestamp=stamp)
    grading(ws, "autograde", MODULE, "--jobs", "2", "--quiet")  # nbgrader + the clean re-check
    pts = max_points()
    out = {}
    for student in ("row_79", "row_90"):
        final = {gid: c["final"] for gid, c in cells(results(ws, student)).items()}
        grades = {gid: (final.get(gid), mx) for gid, mx in pts.items()}
        columns = rubric.dimension_scores(MODULE, grades)
        columns["提交时效性"] = rubric.timeliness_score(MODULE, on_time, due)
        out[student] = {"grades": grades, "columns": columns, "total": rubric.total(MODULE, grades, on_time, due)}
    return out


def test_row_79(rows):
    r = rows["row_79"]
    cols = r["columns"]
    assert cols["标题关键词准确性"] == 28.0, r["grades"]
    assert cols["详情页逻辑性"] == 20.0, r["grades"]
    assert cols["SKU合理性"] == 16.0, r["grades"]
    assert cols["提交时效性"] == 15.0
    assert cols["备注"] == 0.0
    assert r["total"] == 79.0


def test_row_90(rows):
    r = rows["row_90"]
    cols = r["columns"]
    assert (cols["标题关键词准确性"], cols["详情页逻辑性"], cols["SKU合理性"], cols["提交时效性"]) == (
        30.0,
        25.0,
        20.0,
        15.0,
    ), r["grades"]
    assert cols["备注"] == 0.0
    assert r["total"] == 90.0


def test_each_defect_costs_points_once_in_its_own_cell(rows):
    """The three defects are penalised in the cell that checks them and nowhere else."""
    flawed, right = rows["row_79"]["grades"], rows["row_90"]["grades"]
    lost = {gid: right[gid][0] - flawed[gid][0] for gid in right if right[gid][0] != flawed[gid][0]}
    assert lost == {"d1_title": 2.0, "d2_detail": 5.0, "d3_sku": 4.0}


def test_dimension_points_equal_table6_weights():
    """Cell points per dimension add up to the table-6 weights, so scaling is 1:1."""
    pts = max_points()
    per_dim = {}
    for gid, p in pts.items():
        per_dim[gid[:2]] = per_dim.get(gid[:2], 0) + p
    assert per_dim == {"d1": 30, "d2": 25, "d3": 20, "d5": 10}
