"""Errors in Chinese: a typical student mistake gives a message that names the cell,
the line and the likely fix; the cell still fails (nbgrader scores it 0); the English
traceback stays available to the teacher.

The explanations are tested directly (fast), then every mistake in a real kernel
(nbclient), then under the real ``nbgrader autograde``.
"""

from __future__ import annotations

import json
import re

import harness
import nbformat
import pandas as pd
import pytest

from course import explain as X
from course.cells import NotebookInfo, defined_names
from course.messages import CourseError

KW = pd.DataFrame({"keyword": ["床头柜", "北欧风"], "search_heat": [1200, 800], "click_rate": [0.05, 0.02]})
ENGLISH_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"|\w+Error: |-{20,}|\bline \d+, in\b")


def _explain(code: str, **namespace) -> str:
    ns = {"kw": KW, "pd": pd, **namespace}
    try:
        exec(compile(code, "<cell>", "exec"), ns)  # noqa: S102 - the mistake under test
    except Exception as exc:  # noqa: BLE001
        import traceback

        lines = [n for f, n in traceback.walk_tb(exc.__traceback__) if f.f_code.co_filename == "<cell>"]
        return "\n".join(X.explain(exc, namespace=ns, code=code, lineno=lines[-1] if lines else None))
    raise AssertionError(f"{code!r} raised nothing")


@pytest.mark.parametrize(
    "code,expect",
    [
        ('kw["serch_heat"]', ['没有名为 "serch_heat" 的列', '"search_heat"（搜索人气）']),
        ('kw[["keyword", "search_hat"]]', ['"search_hat"', '"search_heat"（搜索人气）']),
        ('kw["搜索人气"]', ["英文列名", '"search_heat"']),
        ('kw.groupby("keywrd")["search_heat"].sum()', ['"keyword"']),
        ('kw.merge(other, on="search_heat")', ["表 kw 有这一列，但表 other 没有"]),
    ],
)
def test_wrong_column_lists_the_closest_with_chinese_labels(code, expect):
    text = _explain(code, other=pd.DataFrame({"keyword": ["床头柜"]}))
    for part in expect:
        assert part in text, text
    assert "提升方向" in text


@pytest.mark.parametrize(
    "code,expect",
    [
        ('kw[kw["search_heat"] > "100"]', '"100" 带引号'),
        ('limit = "100"\nkw[kw["search_heat"] > limit]', '变量 limit 的值是文字 "100"'),
        ('kw[kw["keyword"] > 5]', '"keyword"（关键词） 是文字列'),
        ('kw.sort_values("search_heat", ascending="False")', "True 和 False"),
        ('total = "100" + 5', '"100" 带引号'),
        ('float("8%")', "8% 写成 0.08"),
    ],
)
def test_text_where_a_number_belongs(code, expect):
    text = _explain(code)
    assert expect in text, text
    assert "引号" in text


@pytest.mark.parametrize(
    "code,expect",
    [
        ('kw[kw["keyword"] == "沙发"]["search_heat"].iloc[0]', "空的（0 行）"),
        ('empty = kw[kw["keyword"] == "沙发"]\nrate = 1 / len(empty)', "除数是 0"),
        ('max(kw[kw["keyword"] == "沙发"]["search_heat"])', "空的（0 行）"),
        ('int(float("nan"))', "空值（NaN"),
        ("pd.Series([1.0, None]).astype(int)", "空值（NaN"),
    ],
)
def test_empty_or_missing_where_a_number_is_needed(code, expect):
    assert expect in _explain(code)


def test_none_result_names_the_variable_and_the_blank():
    for code in ('kw_value.sort_values("x")', 'kw_value["x"]', "kw_value * 2", "len(kw_value)"):
        text = _explain(code, kw_value=None)
        assert "上一步的结果还是 None" in text and "kw_value" in text and "___" in text, text
    assert "inplace=True" in _explain('kw_value = kw.sort_values("search_heat", inplace=True)\nkw_value.head()')


def test_pandas_method_typo_suggests_the_method():
    assert ".sort_values" in _explain('kw.sort_value("search_heat")')
    assert ".sum" in _explain('kw.groupby("keyword")["search_heat"].summ()')
    assert '表名["search_heat"]' in _explain("kw.serch_heat")


def test_name_errors():
    assert "search_heat 是列名（搜索人气），列名是文字，要加引号" in _explain("kw[search_heat]")
    assert "你是不是想写 False" in _explain('kw.sort_values("search_heat", ascending=Flase)')
    assert "第一个代码单元格" in _explain("course.check('x', 1)")
    cells = [
        {"cell_type": "markdown", "source": "### 第 2 步 算关键词价值"},
        {"cell_type": "code", "source": "kw_value = kw.copy()\nkw_value['v'] = 1"},
        {"cell_type": "code", "source": "kw_value.head()"},
    ]
    nb = NotebookInfo(cells, current_source="kw_value.head()")
    try:
        exec("kw_value.head()", {})  # noqa: S102
    except NameError as exc:
        text = "\n".join(X.explain(exc, code="kw_value.head()", lineno=1, notebook=nb))
    assert "「第 2 步 算关键词价值」下面的第 1 个代码单元格" in text and "运行上方所有单元格" in text


def test_syntax_slips():
    def slip(code):
        try:
            compile(code, "<cell>", "exec")
        except SyntaxError as exc:
            return "\n".join(X.syntax(exc))
        raise AssertionError(code)

    assert '把 “ 改成 "' in slip("x = kw[“keyword”]")
    assert "中文标点 （" in slip("x = max（1, 2）")
    assert "引号没有成对" in slip('x = kw["keyword]')
    assert "括号没有成对" in slip('x = kw[(kw["a"] > 1]')
    assert "==" in slip('kw[kw["keyword"] = "床头柜"]')


def test_and_or_and_unknown_errors():
    assert "&（并且）" in _explain('kw[(kw["search_heat"] > 1) and (kw["click_rate"] > 0.01)]')
    text = _explain("import json\njson.loads('{')")
    assert "错误类型：JSONDecodeError" in text and "助教" in text


def test_course_error_is_its_own_message():
    assert X.explain(CourseError("请先填写并保存表单。")) == ["请先填写并保存表单。"]


def test_defined_names_reads_skeletons_and_imports():
    assert {"kw_value", "pd", "value"} <= defined_names(
        "import pandas as pd\nkw_value = kw[kw[___] > 1]\nfor value in []: pass"
    )


# -- in a real kernel ----------------------------------------------------------------------

MISTAKES = [  # (cell, words the Chinese message must contain)
    ('kw["serch_heat"]', ['没有名为 "serch_heat" 的列', '"search_heat"（搜索人气）', "提升方向"]),
    ('big = kw[kw["search_heat"] > "100"]', ['"100" 带引号', "去掉数字两边的引号"]),
    ('top = kw[kw["keyword"] == "不存在的词"]["search_heat"].iloc[0]', ["空的（0 行）"]),
    ("rate = int(kw['search_heat'].mean() * float('nan'))", ["空值（NaN"]),
    ("kw_total + 1", ["kw_total 是上面", "「第 2 步 小练习」下面的", "运行上方所有单元格"]),
    ('answer = None\nanswer.sort_values("search_heat")', ["上一步的结果还是 None", "answer"]),
    ('kw.sort_value("search_heat")', [".sort_values"]),
    ("x = kw[“keyword”]", ["中文标点", "英文输入法"]),
    ('raise course.CourseError("请先填写并保存上面的表单。")', ["⚠ 请先填写并保存上面的表单。"]),
]


def _visible_text(cell) -> str:
    """What a student sees: streams, error tracebacks, plain text (HTML details are collapsed)."""
    parts = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            parts.append(o.text)
        elif o.output_type == "error":
            parts.append("\n".join(o.traceback))
        elif "text/html" not in o.get("data", {}):
            parts.append(str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("errors")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('import course\ncourse.start("sample", "errors")\nkw = course.data.load("keywords")'),
        nbformat.v4.new_markdown_cell("### 第 2 步 小练习"),
        nbformat.v4.new_code_cell("kw_total = kw['search_heat'].sum()"),
        nbformat.v4.new_code_cell("del kw_total"),
        *[nbformat.v4.new_code_cell(code) for code, _ in MISTAKES],
        nbformat.v4.new_code_cell("%tb"),
        nbformat.v4.new_code_cell('print("后面的单元格照常运行")'),
    ]
    nbformat.write(nb, folder / "errors.ipynb")  # the handler reads the notebook file to find cells
    NotebookClient(
        nb, timeout=180, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return {c.source: c for c in nb.cells if c.cell_type == "code"}


@pytest.mark.slow
@pytest.mark.parametrize("code,words", MISTAKES, ids=[m[0][:30] for m in MISTAKES])
def test_mistake_in_a_kernel_is_chinese_and_still_an_error(ran, code, words):
    cell = ran[code]
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, cell.outputs  # the cell fails: nbgrader and Run All see it
    text = _visible_text(cell)
    for w in words:
        assert w in text, text
    assert not ENGLISH_TRACEBACK.search(text), text
    if "CourseError" not in code:
        assert re.search(r"单元格 \[\d+\] 第 \d+ 行出错了", text), text  # names the cell and line
        details = [o for o in cell.outputs if "text/html" in o.get("data", {})]
        assert len(details) == 1 and "<details" in details[0].data["text/html"]
        assert "<details open" not in details[0].data["text/html"]  # collapsed by default
        assert "Traceback (most recent call last)" in details[0].data["text/html"]


@pytest.mark.slow
def test_teacher_gets_the_real_traceback_with_tb_and_later_cells_run(ran):
    tb = "\n".join("\n".join(o.get("traceback", [])) + o.get("text", "") for o in ran["%tb"].outputs)
    assert "CourseError" in tb or "SyntaxError" in tb  # %tb shows the last error in English
    assert "后面的单元格照常运行" in _visible_text(ran['print("后面的单元格照常运行")'])


# -- under the real nbgrader ------------------------------------------------------------------


def _graded(grade_id: str, source: str, points: int = 2):
    c = nbformat.v4.new_code_cell(source)
    c.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": grade_id,
        "locked": True,
        "points": points,
        "schema_version": 3,
        "solution": False,
    }
    return c


@pytest.mark.slow
def test_a_failing_graded_cell_still_scores_zero_under_nbgrader(tmp_path):
    source = tmp_path / "src" / "errors"
    source.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(
        'import course\ncourse.start("errors", "errors")\nkw = course.data.load("keywords")'
    )
    nb.cells = [
        first,
        _graded("d1_ok", 'assert kw["search_heat"].sum() > 0'),
        _graded("d1_key", 'kw["serch_heat"].sum()'),
        _graded("d1_course", 'raise course.CourseError("请先填写并保存上面的表单。")'),
        _graded("d1_none", "answer = None\nanswer.head()"),
    ]
    nbformat.write(nb, source / "errors.ipynb")
    ws = harness.workspace(tmp_path, extra_sources={"errors": source})
    harness.nbgrader(ws, "generate_assignment", "errors", "--force")
    harness.submit(ws, "errors", "stu", harness.notebooks(ws / "release" / "errors"))
    scores = harness.autograde(ws, "errors", "stu")["stu"]
    assert scores["d1_ok"] == 2.0
    assert scores["d1_key"] == 0.0 and scores["d1_course"] == 0.0 and scores["d1_none"] == 0.0
    graded = nbformat.read(ws / "autograded" / "stu" / "errors" / "errors.ipynb", as_version=4)
    key_cell = harness.cell(graded, "d1_key")
    assert '"search_heat"（搜索人气）' in _visible_text(key_cell)
    assert not ENGLISH_TRACEBACK.search(_visible_text(key_cell))
    assert json.dumps(graded.cells[0].outputs, ensure_ascii=False).count("环境已就绪") == 1


def test_doctests():
    import doctest

    from course import cells, explain, messages

    for mod in (cells, explain, messages):
        assert doctest.testmod(mod).failed == 0
