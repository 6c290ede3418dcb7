"""Module 1's visible self-checks (``course.check``): for every graded task the
reference answer gets ✓ 正确, a typical mistake gets ✗ with a 提升方向, and the
output never shows a reference value (an item id, a keyword, a file name, a
number of the answer).  The spec is the one a release ships
(``grading.reference.spec.build``), judged by the student-side
``course.selfcheck.report``.  Also: the hidden grader agrees with the visible
check on the same values, and bad input gives a Chinese message, never a crash."""

from __future__ import annotations

import math

import module1_answers as A
import pandas as pd
import pytest

M = A.MODULE
NOTEBOOK = {
    "candidates": "01_selection",
    "swot": "01_selection",
    "kw_value": "02_title",
    "title_choice": "02_title",
    "title": "02_title",
    "detail": "03_detail_page",
    "images": "03_detail_page",
    "sku": "04_sku_price",
    "sku_table": "04_sku_price",
    "prices": "04_sku_price",
    "pyramid": "04_sku_price",
    "catalog_titles": "05_listing_audit",
    "catalog_sku_price": "05_listing_audit",
}


def _drop_first_core_attribute(v):
    first = A.title_words()["core_attributes"][0]
    return dict(v, attributes=[a for a in v["attributes"] if a != first])


#: a typical mistake per task, made from the right value
MISTAKES = {
    "candidates": lambda v: v.iloc[::-1].reset_index(drop=True),  # ascending=True
    "swot": lambda v: {
        "rows": [dict(r, item_id=i) for r, i in zip(v["rows"], A.scaffold_values()["candidates"]["item_id"][1:])]
    },  # skipped the best
    "kw_value": lambda v: v.sort_values("value").reset_index(drop=True),
    "title_choice": _drop_first_core_attribute,
    "title": lambda v: A.title_text(missing_attribute=True),  # 缺核心属性词
    "detail": lambda v: dict(v, modules=v["modules"][2:3] + v["modules"][:2] + v["modules"][3:]),  # 卖点排序混乱
    "images": lambda v: dict(v, main=["cand_02.png"] + v["main"][1:]),  # grey looks white
    "sku": lambda v: A.graded_values(A.student_forms(sku_invalid_option=True))["sku"],  # 颜色:默认 kept
    "sku_table": lambda v: v.assign(线上库存=v["stock"]),  # delisted SKU still in stock
    "prices": lambda v: v.assign(活动价=1.00),  # below cost
    "pyramid": lambda v: v.assign(低于类目均价=-v["低于类目均价"]),  # ratio the wrong way round
    "catalog_titles": lambda v: dict(v, title=v["title"][1:]),  # one bad title missed
    "catalog_sku_price": lambda v: dict(v, price=[]),
}


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    import os

    import course
    from grading.reference import spec

    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("m1checks"))
    course.start(M, "checks_test", quiet=True)
    values = A.graded_values()
    specs = {nb: spec.build(M, nb) for nb in set(NOTEBOOK.values())}
    yield {"values": values, "specs": specs}
    os.chdir(here)


def report(ctx, task, value, capsys) -> str:
    from course.selfcheck import report as show

    show(task, value, ctx["specs"][NOTEBOOK[task]])
    return capsys.readouterr().out


def secrets(task: str) -> set[str]:
    """Texts of the task's reference values that are answers (not rules the notebook states)."""
    from course.tools.listing_audit import DETAIL_ORDER
    from grading.reference import task as find

    t = find(M, NOTEBOOK[task], task)
    stated = set(DETAIL_ORDER) | {"颜色", "尺寸"}  # the detail-page order and table 1's SKU example are taught
    out: set[str] = set()
    for value in t.reference_values(A.context()):
        items = (
            value.items()
            if isinstance(value, dict)
            else ([] if value is None else list(value) if not isinstance(value, str) else [value])
        )
        for item in items:
            for x in item if isinstance(item, tuple) else (item,):
                if isinstance(x, float) and not math.isnan(x):
                    out.add(f"{x:.2f}")
                elif isinstance(x, str) and x not in stated:
                    out.add(x)
    return out


def test_every_task_is_covered():
    from grading.reference import registry

    declared = {name for (mod, _nb), tasks in registry().items() if mod == M for name in tasks}
    assert declared == set(NOTEBOOK) == set(MISTAKES)


@pytest.mark.parametrize("task", list(NOTEBOOK))
def test_reference_answer_is_right(ctx, task, capsys):
    out = report(ctx, task, ctx["values"][task], capsys)
    assert out.strip().endswith("✓ 正确"), out


@pytest.mark.parametrize("task", list(NOTEBOOK))
def test_typical_mistake_gets_a_direction_but_no_answer(ctx, task, capsys):
    wrong = MISTAKES[task](ctx["values"][task])
    out = report(ctx, task, wrong, capsys)
    assert "✗" in out and "提升方向" in out, out
    leaked = sorted(s for s in secrets(task) if s in out)
    assert not leaked, (task, leaked, out)


@pytest.mark.parametrize("task", list(NOTEBOOK))
def test_grader_agrees_with_the_visible_check(ctx, task, capsys):
    """Full points for the reference, fewer for the mistake: the same checks, judged on the plain reference."""
    from grading.reference import grade
    from grading.reference import task as find

    t = find(M, NOTEBOOK[task], task)
    assert grade(M, NOTEBOOK[task], task, ctx["values"][task]) == t.points
    assert grade(M, NOTEBOOK[task], task, MISTAKES[task](ctx["values"][task])) < t.points
    assert grade(M, NOTEBOOK[task], task, None) == 0
    capsys.readouterr()


def test_table6_defects_cost_what_table6_says(ctx):
    """缺核心属性词 −2 of 30, 卖点排序混乱 −5 of 25, 存在无效选项 −4 of 20: each in its own task."""
    from grading.reference import grade

    flawed = A.graded_values(
        A.student_forms(title_missing_attribute=True, detail_out_of_order=True, sku_invalid_option=True)
    )
    lost = {
        t: A_pts - grade(M, NOTEBOOK[t], t, flawed[t])
        for t, A_pts in ((t, grade(M, NOTEBOOK[t], t, ctx["values"][t])) for t in NOTEBOOK)
    }
    assert {t: v for t, v in lost.items() if v} == {"title": 2, "detail": 5, "sku": 4}


@pytest.mark.parametrize(
    "task, junk",
    [
        ("candidates", "T034"),
        ("candidates", pd.DataFrame({"item_id": ["T034"], "预估月毛利": [float("nan")]})),
        ("title", 12345),
        ("title_choice", {"core_keyword": None}),
        ("detail", {"modules": "场景导入"}),
        ("images", {"main": [None], "detail": "cand_99.png"}),
        ("sku", ["颜色"]),
        ("prices", {"prices": "199"}),
        ("sku_table", pd.DataFrame({"sku_id": [1], "线上库存": ["三百"]})),
        ("catalog_titles", {"title": "P006"}),
    ],
)
def test_bad_input_gets_a_chinese_message_not_a_crash(ctx, task, junk, capsys):
    out = report(ctx, task, junk, capsys)
    assert "✗" in out and "Traceback" not in out and "Error" not in out, out


def test_nothing_answered_says_what_to_do(ctx, capsys):
    out = report(ctx, "sku", None, capsys)
    assert "还没有作答" in out


def test_candidate_images_show_what_the_grader_assumes():
    """``SHOWS`` (what each candidate shows) agrees with the pixels of every featurable product's images."""
    from course import featured
    from course.tools.images import corner_mark_shares, image_info, load
    from grading.reference.module1_listing.detail_page import SHOWS

    for choice in featured.featurable():
        folder = featured.find_images(choice.id)
        assert sorted(p.name for p in folder.glob("cand_*.png")) == sorted(SHOWS), choice
        for name, what in SHOWS.items():
            info = image_info(folder / name)
            white = info["白底图"]
            if what in ("场景图", "浅灰底商品图"):
                assert not white and not info["拼接图"], (choice, name)
                arr = load(folder / name)
                edge = [tuple(px) for px in (*arr[0], *arr[-1], *arr[:, 0], *arr[:, -1])]
                plain = len(set(edge)) == 1  # one background colour all round
                assert plain == (what == "浅灰底商品图"), (choice, name)  # a scene has a wall and a floor
            elif what in ("白底图", "细节图"):
                assert white and not info["拼接图"] and not info["角标"], (choice, name)
            elif what == "拼接图":
                assert info["拼接图"], (choice, name)
            assert all(s in (0.0, 1.0) for s in corner_mark_shares(load(folder / name))) or what == "拼接图"
