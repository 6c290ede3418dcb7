"""Unit tests of grading.rubric: the table-6 columns, timeliness and totals."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from course import settings
from grading import rubric

M = "module1_listing"
DUE = dt.datetime(2026, 12, 7, 12, 30)


def test_doctests():
    res = doctest.testmod(rubric)
    assert res.failed == 0


def test_worked_row_79():
    # table 6, first worked row: 28 + 20 + 16 + 15 (+ 备注 0) -> 79
    grades = {
        "d1_title": (14, 15),
        "d1_kw": (14, 15),
        "d2_detail": (8, 10),
        "d2_logic": (12, 15),
        "d3_sku": (16, 20),
        "d5_remark": (None, 10),
    }
    r = rubric.row(M, grades, DUE - dt.timedelta(hours=1), DUE)
    assert list(r) == [d.name for d in settings.rubric(M)] + ["总分"]
    assert list(r.values()) == [28.0, 20.0, 16.0, 15.0, 0.0, 79.0]
    assert rubric.total(M, grades, DUE, DUE) == 79


def test_worked_row_90():
    # second worked row: 30 + 25 + 20 + 15 -> 90
    grades = {"d1_a": (6, 6), "d2_a": (3, 3), "d2_b": (2, 2), "d3_a": (4, 4)}
    assert rubric.row(M, grades, DUE, DUE) == {
        "标题关键词准确性": 30.0,
        "详情页逻辑性": 25.0,
        "SKU合理性": 20.0,
        "提交时效性": 15.0,
        "备注": 0.0,
        "总分": 90.0,
    }


def test_remark_counts_once_entered():
    grades = {"d1_a": (6, 6), "d5_remark": (7, 10)}
    assert rubric.dimension_scores(M, grades)["备注"] == 7.0
    grades = {"d5_remark": (2, 4)}
    assert rubric.dimension_scores(M, grades)["备注"] == 5.0


def test_scaling_and_rounding():
    d = rubric.dimension_scores(M, {"d1_a": (1, 3), "d2_a": (2, 3), "d3_a": (1, 7)})
    assert d["标题关键词准确性"] == 10.0  # 1/3 * 30
    assert d["详情页逻辑性"] == 16.7  # 2/3 * 25 = 16.666..
    assert d["SKU合理性"] == 2.9  # 1/7 * 20 = 2.857..
    assert rubric.round1(0.25) == 0.3 and rubric.round1(2.45) == 2.5  # half-up, not half-even


def test_zero_max_and_missing_dimension_give_zero():
    d = rubric.dimension_scores(M, {"d1_a": (0, 0), "ro_x": (5, 5), "d9_x": (1, 1), "d4_x": (3, 3)})
    assert d == {"标题关键词准确性": 0.0, "详情页逻辑性": 0.0, "SKU合理性": 0.0, "备注": 0.0}


def test_scores_are_clamped():
    d = rubric.dimension_scores(M, {"d1_a": (12, 6), "d2_a": (-3, 6)})
    assert d["标题关键词准确性"] == 30.0 and d["详情页逻辑性"] == 0.0


@pytest.mark.parametrize(
    "delta,expected",
    [
        (dt.timedelta(days=-3), 15.0),
        (dt.timedelta(0), 15.0),
        (dt.timedelta(minutes=10), 15.0),  # within grace
        (dt.timedelta(minutes=11), 10.0),  # first started day
        (dt.timedelta(hours=23, minutes=59), 10.0),
        (dt.timedelta(days=1, seconds=1), 5.0),
        (dt.timedelta(days=2, hours=1), 0.0),
        (dt.timedelta(days=30), 0.0),  # floor 0
    ],
)
def test_timeliness(delta, expected):
    assert rubric.timeliness_score(M, DUE + delta, DUE) == expected


def test_timeliness_defaults_to_settings_due_and_none():
    due = settings.due(M)
    assert rubric.timeliness_score(M, due) == 15.0
    assert rubric.timeliness_score(M, due + dt.timedelta(hours=2)) == 10.0
    assert rubric.timeliness_score(M, None) == 0.0
    aware = (due + dt.timedelta(hours=2)).replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert rubric.timeliness_score(M, aware) == 10.0


def test_settings_drive_late_schedule(tmp_path, monkeypatch):
    text = settings.settings_path().read_text(encoding="utf-8")
    text = text.replace("grace_minutes: 10", "grace_minutes: 60").replace("penalty_per_day: 5", "penalty_per_day: 3")
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    monkeypatch.setenv("COURSE_SETTINGS", str(p))
    assert rubric.timeliness_score(M, DUE + dt.timedelta(minutes=59), DUE) == 15.0
    assert rubric.timeliness_score(M, DUE + dt.timedelta(hours=30), DUE) == 9.0


def test_all_modules_have_five_columns_in_weight_order():
    for mod in settings.MODULES:
        r = rubric.row(mod, {}, None)
        assert len(r) == 6 and r["总分"] == 0.0
        assert [d.weight for d in settings.rubric(mod)] == [30, 25, 20, 15, 10]
