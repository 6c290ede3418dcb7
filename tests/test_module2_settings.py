"""Module 2 follows the settings alone (issue 15): another featured product and moved
thresholds change the student text, the visible checks and the grading, and the
source notebooks' reference answers still score full points.

One changed settings file (``COURSE_SETTINGS``): the featured product P004 (a
收纳盒 instead of the 床头柜), a larger budget and reserve, another margin band,
stock alert, pause rule, gift stock, baseline window, cart shares and one
流量系数.  The four source notebooks run under it (papermill, in a temporary copy)
and every graded cell prints full points; a blank answer gets none.
"""

from __future__ import annotations

import re
import shutil

import harness
import nbformat
import pytest

from course import featured, settings
from course import text as T
from grading.reference import grade, tasks
from grading.reference import spec as S

M = "module2_campaign"
NOTEBOOKS = ("01_plan", "02_pricing", "03_target_budget", "04_monitor")
CHANGES = {
    "product_id": "P004",
    "budget_total": 8000,
    "risk_reserve_share": 0.15,
    "margin_target_min": 0.35,
    "margin_target_max": 0.45,
    "stock_alert_level": 8,
    "gift_stock": 150,
    "baseline_days": 21,
    "pause_conversion_floor": 0.04,
    "pause_gmv_ratio_floor": 2.5,
    "pause_consecutive_days": 3,
    "cart_shares": "{A: 0.25, B: 0.20, C: 0.15, D: 0.15, E: 0.10, F: 0.15}",
}


def changed_text() -> str:
    text = (harness.REPO / "course" / "settings.yaml").read_text(encoding="utf-8")
    for key, value in CHANGES.items():
        text, n = re.subn(rf"(?m)^(\s+{key}:) .*$", rf"\g<1> {value}", text)
        assert n == 1, key
    return text.replace("爆发期: {自然搜索: 3.0, 付费广告: 5.0", "爆发期: {自然搜索: 3.0, 付费广告: 4.0")


@pytest.fixture
def changed(tmp_path, monkeypatch):
    path = tmp_path / "settings.yaml"
    path.write_text(changed_text(), encoding="utf-8")
    monkeypatch.setenv("COURSE_SETTINGS", str(path))
    settings._CACHE.clear()
    settings.load()
    yield path
    monkeypatch.delenv("COURSE_SETTINGS")
    settings._CACHE.clear()


def test_the_settings_are_in_force(changed):
    assert featured.product().id == "P004"
    assert settings.threshold("campaign", "uv_factor")["爆发期"]["付费广告"] == 4.0


def test_student_text_states_the_new_values(changed):
    shown = {
        nb: "\n".join(
            T.render(c.source)
            for c in nbformat.read(harness.REPO / M / f"{nb}.ipynb", as_version=4).cells
            if c.cell_type == "markdown" and not c.metadata.get("nbgrader", {}).get("solution")
        )
        for nb in NOTEBOOKS
    }
    text = "\n".join(shown.values())
    assert featured.product().name in shown["01_plan"] and featured.product().name in shown["02_pricing"]
    for new in ("8,000", "15%", "35%-45%", "低于 8 件", "150 个", "前 21 天", "4%", "低于 2.5", "连续 3 天"):
        assert new in text, new
    for old in ("6,000", "30%-40% 为目标", "低于 10 件", "120 个", "前 28 天"):
        assert old not in text, old
    assert "床头柜" not in shown["02_pricing"]


def test_checks_and_grades_follow_and_blank_scores_zero(changed):
    for nb in NOTEBOOKS:
        spec = S.build(M, nb)
        assert set(spec["tasks"]) == set(tasks(M, nb))
        for name in tasks(M, nb):
            assert grade(M, nb, name, None) == 0


@pytest.mark.slow
def test_reference_notebooks_score_full_points_under_the_changed_settings(changed, tmp_path):
    import papermill

    folder = tmp_path / M
    shutil.copytree(harness.REPO / M, folder, ignore=shutil.ignore_patterns("*.answers.json*", ".ipynb_checkpoints"))
    full = re.compile(r"得分 ([\d.]+) / ([\d.]+)")
    for nb in NOTEBOOKS:
        out = tmp_path / f"out-{nb}.ipynb"
        papermill.execute_notebook(
            str(folder / f"{nb}.ipynb"),
            str(out),
            cwd=str(folder),
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
        )
        ran = nbformat.read(out, as_version=4)
        graded = [c for c in ran.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
        scores = {
            c.metadata["nbgrader"]["grade_id"]: full.search("".join(o.get("text", "") for o in c.outputs))
            for c in graded
        }
        assert scores and all(m and m.group(1) == m.group(2) for m in scores.values()), (
            nb,
            {g: m and m.group(0) for g, m in scores.items()},
        )
        if nb == "02_pricing":
            typical = next(
                c for c in ran.cells if c.source.startswith("from course import data\nfrom course.tools import carts")
            )
            shown = "".join(str(o.get("data", {}).get("text/plain", "")) for o in typical.outputs)
            assert featured.product().category in shown and "单买收纳盒" in shown


def test_another_featured_product_grades_the_pricing_tasks(tmp_path, monkeypatch):
    """P006 (a 置物架): the typical carts, their prices and margins follow, and the answers
    built with the tools as the notebook builds them keep every point."""
    import test_module2_checks as answers

    path = tmp_path / "settings.yaml"
    path.write_text(changed_text().replace("product_id: P004", "product_id: P006"), encoding="utf-8")
    monkeypatch.setenv("COURSE_SETTINGS", str(path))
    settings._CACHE.clear()
    try:
        assert featured.product().id == "P006"
        values = {"cart_prices": answers.cart_prices(), "margin_table": answers.margins()}
        assert values["cart_prices"]["购物车"].str.contains("置物架").sum() == 5  # C is the companion alone
        for name, value in values.items():
            task = tasks(M, "02_pricing")[name]
            assert grade(M, "02_pricing", name, value) == task.points, name
        # the default product's answers are now wrong
        monkeypatch.setenv("COURSE_SETTINGS", str(harness.REPO / "course" / "settings.yaml"))
        settings._CACHE.clear()
        p001 = answers.cart_prices()
        monkeypatch.setenv("COURSE_SETTINGS", str(path))
        settings._CACHE.clear()
        assert grade(M, "02_pricing", "cart_prices", p001) < tasks(M, "02_pricing")["cart_prices"].points
    finally:
        monkeypatch.delenv("COURSE_SETTINGS")
        settings._CACHE.clear()
