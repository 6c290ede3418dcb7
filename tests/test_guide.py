"""The 导学 (course/00_guide.ipynb): the pandas primer (six operations in examples and four
try-it skeletons with blanks, each with a self-check that teaches like the graded ones),
its time by the estimate rule, and the settings placeholders of its text.

The guide's form and its restart behaviour are tested in test_teacher_material.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

import course
from course import guide, text
from course.blanks import count_blanks

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "course" / "00_guide.ipynb"
TRY_ITS = ["filter", "column", "group", "merge"]  # read+filter and group+sort share a try-it

# (try-it, the right fills of its blanks in order, typical wrong fills)
FILLS = {
    "filter": (['"orders"', '"channel"'], [['"orders"', '"phase"'], ['"orders"', '"status"']]),
    "column": (['"cost_amount"'], [['"discount_amount"']]),
    "group": (['"phase"'], [['"channel"']]),
    "merge": (['"product_id"'], []),
}


def _fill(source: str, values: list[str]) -> str:
    for v in values:
        source = source.replace("___", v, 1)
    return source


def _nb():
    return nbformat.read(GUIDE, as_version=4)


def _try_cells(nb) -> dict[str, nbformat.NotebookNode]:
    out = {}
    for c in nb.cells:
        m = re.search(r'guide\.check\("(\w+)"', c.source) if c.cell_type == "code" else None
        if m:
            out[m.group(1)] = c
    return out


def test_primer_has_the_six_operations_each_with_example_try_it_and_check():
    nb = _nb()
    tries = _try_cells(nb)
    assert list(tries) == TRY_ITS == list(guide.EXERCISES)
    cells = nb.cells
    for name, cell in tries.items():
        assert count_blanks(cell.source) == len(FILLS[name][0]), f"{name}: blanks ___ of the try-it"
        i = cells.index(cell)
        example = next(
            c
            for c in reversed(cells[:i])
            if c.cell_type == "code" and "guide.check" not in c.source and "course.hints" not in c.source
        )
        assert "___" not in example.source and ("data.load" in example.source or "show(" in example.source), name
        assert "show(" in example.source, f"{name}: the example shows its result with Chinese headers"
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    for word in (
        "读一张表",
        "筛选行",
        "加一列",
        "分组求和",
        "排序",
        "合并两张表",
        "提示",
        "自检",
        "中文报错",
        "course.check",
    ):
        assert word in prose, word
    assert any("course.hints(" in c.source for c in cells if c.cell_type == "code"), "the hint ladder is shown once"


def test_primer_and_guide_time_by_the_estimate_rule(tmp_path):
    from grading.estimate import BLANK, CHECK_CYCLE, estimate_notebook

    sched = _schedule()
    guide_slot = next(item[1] for item in sched.DAY_PLAN[1] if item[0] == "guide")
    whole = estimate_notebook("course", GUIDE)
    assert whole.minutes <= guide_slot, f"guide {whole.minutes} min > slot {guide_slot}"
    nb = _nb()
    start = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "### 第 6 步" in c.source)
    end = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "### 第 7 步" in c.source)
    part = nbformat.v4.new_notebook()
    part.cells = [nbformat.from_dict(dict(c)) for c in nb.cells[start:end]]
    part.cells[0].source = part.cells[0].source[part.cells[0].source.index("### 第 6 步") :]
    nbformat.write(part, tmp_path / "primer.ipynb")
    primer = estimate_notebook("course", tmp_path / "primer.ipynb")
    assert primer.minutes <= 20, primer.parts
    # practice blanks and self-checks are counted by the rule like graded ones
    blanks = sum(count_blanks(c.source) for c in part.cells if c.cell_type == "code")
    assert primer.parts["填空"] == blanks * BLANK and primer.parts["自检与修改"] == len(TRY_ITS) * CHECK_CYCLE


def _schedule():
    from course.teacher import build_schedule  # python -m course.teacher.build_schedule

    return build_schedule


def test_guide_text_states_settings_through_placeholders():
    nb = _nb()
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    shown = text.notebook_values(GUIDE)  # every placeholder names a real setting
    assert {
        "course.name",
        "schedule.day_start",
        "schedule.group_size",
        "modules.module1_listing.title",
        "campaign.new_customer_conversion_target",
    } <= set(shown)
    for literal in ("电商运营实战", "9:00", "17:00", "6-8 人", "30 / 25 / 20", "预计用时"):
        assert literal not in prose, f"{literal!r} is a setting value: write a placeholder"


def test_course_start_validates_the_guide_placeholders(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "course"
    folder.mkdir()
    shutil.copy(GUIDE, folder / GUIDE.name)
    monkeypatch.chdir(folder)
    course.start("course", "00_guide")
    out = capsys.readouterr().out
    assert "说明文字中的设置值：course.name = 电商运营实战" in out and "导学 · 00_guide：环境已就绪" in out
    nb = _nb()
    nb.cells[0].source += "\n{{ campaign.no_such_target }}"
    nbformat.write(nb, folder / GUIDE.name)
    with pytest.raises(text.TemplateProblem, match="campaign.no_such_target"):
        course.start("course", "00_guide")


def test_render_notebook_gives_students_the_values(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "course"
    folder.mkdir()
    assert guide.render_notebook(GUIDE, folder / GUIDE.name) >= 4
    rendered = nbformat.read(folder / GUIDE.name, as_version=4)
    prose = "\n".join(c.source for c in rendered.cells if c.cell_type == "markdown")
    assert "{{" not in prose and "导学：电商运营实战" in prose and "就是 8%" in prose
    monkeypatch.chdir(folder)
    course.start("course", "00_guide")
    assert "说明文字中的设置值" not in capsys.readouterr().out  # a student's rendered copy: nothing to say


# -- the try-it cells in a real kernel: ✓ for the right fill, ✗ 提升方向 for typical wrong ones ----


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("guide") / "course"
    folder.mkdir()
    nb = _nb()
    tries = _try_cells(nb)
    for name, (right, wrongs) in FILLS.items():
        cell = tries[name]
        i = nb.cells.index(cell)
        for wrong in wrongs:
            w = nbformat.v4.new_code_cell(_fill(cell.source, wrong))
            w.metadata["wrong"] = name
            nb.cells.insert(i, w)
            i += 1
        cell.source = _fill(cell.source, right)
    nbformat.write(nb, folder / GUIDE.name)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return nb


def _out(cell) -> str:
    return "\n".join(o.get("text", "") + "\n".join(o.get("traceback", [])) for o in cell.outputs)


@pytest.mark.slow
def test_right_fills_pass_and_wrong_fills_get_a_direction_not_the_answer(filled):
    from course import data

    tries = _try_cells(filled)
    for name in TRY_ITS:
        assert "✓ 正确" in _out(tries[name]), (name, _out(tries[name]))
    wrong = [c for c in filled.cells if c.metadata.get("wrong")]
    assert len(wrong) == sum(len(w) for _, w in FILLS.values())
    orders = data.load("orders")
    paid = orders[orders["status"] == "已支付"]
    secrets = {
        str(int((orders["channel"] == "直播").sum())),
        *(f"{v:.2f}" for v in paid.groupby("phase", observed=True)["paid_amount"].sum()),
        *(f"{v:,.2f}" for v in paid.groupby("phase", observed=True)["paid_amount"].sum()),
    }
    for c in wrong:
        out = _out(c)
        assert "✗ 还有 1 处需要修改" in out and "提升方向" in out, out
        assert not any(s in out for s in secrets), out


@pytest.mark.slow
def test_typical_errors_in_the_primer_are_explained_in_chinese(tmp_path):
    from nbclient import NotebookClient

    folder = tmp_path / "course"
    folder.mkdir()
    nb = _nb()
    tries = _try_cells(nb)
    read_typo = nb.cells.index(tries["filter"])
    typo = nbformat.v4.new_code_cell(_fill(tries["filter"].source, ['"order"', '"channel"']))  # a table name typo
    nb.cells.insert(read_typo, typo)
    tries["filter"].source = _fill(tries["filter"].source, ['"orders"', "channel"])  # no quotes
    # a quoted choice
    tries["group"].source = _fill(tries["group"].source, ['"phase"']).replace("ascending=False", 'ascending="False"')
    tries["merge"].source = _fill(tries["merge"].source, ['"product_name"'])  # not in both tables
    nbformat.write(nb, folder / GUIDE.name)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
    ).execute()
    assert '你是不是想写 "orders"' in _out(typo)
    assert "channel 是列名（成交渠道），列名是文字，要加引号" in _out(tries["filter"])
    assert "不能加引号" in _out(tries["group"])
    assert '没有名为 "product_name" 的列' in _out(tries["merge"])
    assert "表 products 有这一列，但表 skus 没有" in _out(tries["merge"])
    for cell in (typo, tries["filter"], tries["group"], tries["merge"]):
        assert "Traceback" not in _out(cell)


def test_no_placeholder_text_reaches_students_from_course():
    """No "（原文此处缺字）" or similar gap marker in anything the course package shows."""
    gaps = re.compile(r"缺字|原文此处|TODO|FIXME|待补充")
    found = []
    for path in sorted((REPO / "course").rglob("*")):
        rel = path.relative_to(REPO).as_posix()
        if (
            rel.startswith("course/teacher/")
            or not path.is_file()
            or path.suffix not in (".py", ".md", ".ipynb", ".yaml")
        ):
            continue
        if gaps.search(path.read_text(encoding="utf-8", errors="ignore")):
            found.append(rel)
    assert not found, found


def test_doctests():
    import doctest

    assert doctest.testmod(guide).failed == 0
