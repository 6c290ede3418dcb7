"""The form mechanism every module uses: fields, persistence, restart, echo."""

import json
import os
import textwrap

import nbformat
import pytest

import course
from course.forms import Check, Choice, Date, Form, Lines, MultiChoice, Number, Repeat, Text
from course.parse import parse_number


@pytest.fixture
def session(in_tmp):
    return course.start("module1_listing", "nb_test", quiet=True)


def make_form():
    return Form(
        "shop",
        "店铺信息",
        [
            Text("name", "店铺名称"),
            Number("price", "日常价", decimals=2, minimum=0.01),
            Choice("role", "商品角色", options=["引流款", "利润款", "形象款"]),
            MultiChoice("channels", "渠道", options=["自然搜索", "付费广告", "社群引流"]),
            Check("free_shipping", "包邮"),
            Date("day", "上架日期"),
            Lines("points", "卖点", min_items=1, max_items=5),
            Repeat("skus", "SKU", fields=[Text("color", "颜色"), Number("stock", "库存", integer=True, minimum=0)]),
        ],
    )


RAW_OK = {
    "name": "北欧家居",
    "price": "499.00",
    "role": "利润款",
    "channels": ["付费广告", "自然搜索"],
    "free_shipping": True,
    "day": "2026-06-15",
    "points": "实木\n小户型\n",
    "skus": [{"color": "白色", "stock": "20"}, {"color": "", "stock": ""}],
}


def test_valid_entry_parses_and_persists(session):
    f = make_form()
    assert f.submit(RAW_OK) == []
    again = make_form()  # a new kernel builds the form from the file
    assert again.values == {
        "name": "北欧家居",
        "price": 499.0,
        "role": "利润款",
        "channels": ["自然搜索", "付费广告"],
        "free_shipping": True,
        "day": "2026-06-15",
        "points": ["实木", "小户型"],
        "skus": [{"color": "白色", "stock": 20}],
    }
    assert again._raw["price"] == "499.00"


@pytest.mark.parametrize(
    "field,typed,expect",
    [
        ("price", "499元", "不要带“元”"),
        ("price", "四百九十九", "阿拉伯数字"),
        ("price", "499.001", "最多保留 2 位小数"),
        ("price", "0", "不能小于 0.01"),
        ("day", "6月18日", "2026-06-18"),
        ("name", "   ", "必填"),
        ("points", "", "必填"),
        ("role", "爆款", "请从下拉框中选择"),
    ],
)
def test_invalid_entries_are_kept_with_a_chinese_message(session, field, typed, expect):
    f = make_form()
    problems = f.submit({**RAW_OK, field: typed})
    assert any(expect in p for p in problems), problems
    # what the student typed is saved exactly, and comes back after a restart
    assert make_form()._raw[field] == typed
    assert any(expect in p for p in make_form().problems)


def test_repeat_row_problems_name_the_row(session):
    f = make_form()
    problems = f.submit({**RAW_OK, "skus": [{"color": "白", "stock": "3"}, {"color": "黑", "stock": "-1"}]})
    assert problems == ["SKU 第 2 行 · 库存：不能小于 0，现在是 -1。"]


def test_unsaved_form_answers_none_with_message(session, capsys):
    assert make_form().answers() is None
    assert "请先填写并保存" in capsys.readouterr().out


def test_echo_text_shows_saved_answer(session):
    f = make_form()
    f.submit({**RAW_OK, "price": "499元"})
    text = make_form().text()
    assert "北欧家居" in text and "499元" in text and "需要修改" in text


def test_widget_builds_with_css_classes_and_chinese_repr(session):
    f = make_form()
    f.submit(RAW_OK)
    box = f.widget()
    assert "course-form" in box._dom_classes and "course-form-shop" in box._dom_classes
    assert repr(box).startswith("[表单：店铺信息]")


def test_widget_autosaves_on_change(session):
    f = make_form()
    box = f.widget()
    text_widgets = [w for w in _walk(box) if "course-field-name" in getattr(w, "_dom_classes", ())]
    text_widgets[0].value = "新店名"
    assert make_form()._raw["name"] == "新店名"


def _find(box, cls):
    return [w for w in _walk(box) if cls in getattr(w, "_dom_classes", ())]


def test_messages_follow_save_and_stay_honest_after_autosave(session):
    """The box under 保存 never shows 检查通过 for entries that have problems, and an
    autosave arriving after a clean 保存 click does not wipe the confirmation."""
    f = make_form()
    f.submit(RAW_OK)
    box = f.widget()
    msgs = _find(box, "course-messages")[0]
    price = _find(box, "course-field-price")[0]
    assert "检查通过" in msgs.value  # a saved, clean form reopens confirmed
    price.value = "abc"  # autosave with a problem: confirmation removed
    assert "检查通过" not in msgs.value and msgs.value == ""
    _find(box, "course-save")[0].click()  # 保存 shows the problem list
    assert "日常价" in msgs.value
    price.value = "-3"  # autosave keeps a shown list up to date
    assert "日常价" in msgs.value and "检查通过" not in msgs.value
    price.value = "499"  # fixed: a late autosave confirms, never blanks
    assert "检查通过" in msgs.value
    _find(box, "course-save")[0].click()
    price.value = "499.0"
    assert "检查通过" in msgs.value


def _walk(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from _walk(child)


def test_damaged_answer_file_is_moved_aside_not_lost(session):
    path = session.store.path
    path.write_text("{not json", encoding="utf-8")
    f = make_form()
    assert f.values is None
    f.submit(RAW_OK)
    aside = list(path.parent.glob(path.name + ".damaged-*"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "{not json"


def test_export_returns_plain_data_not_the_object(session):
    class EqualsAll:
        def __eq__(self, other):
            return True

    with pytest.raises(course.CourseError):
        course.export("x", EqualsAll())

    class SneakyStr(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    out = course.export("s", SneakyStr("abc"))
    assert type(out) is str and out != "xyz"


def test_recheck_mode_uses_recorded_value(session, monkeypatch):
    course.export("n", 3)
    monkeypatch.setenv("COURSE_RECHECK", "1")
    assert course.export("n", 999) == 3


def test_parse_number_full_width_digits():
    assert parse_number("４９９", "价格") == (499.0, None)


def test_instructor_source_folder_keeps_answers_outside(monkeypatch):
    from course.session import answers_folder

    repo = os.path.dirname(os.path.dirname(os.path.abspath(course.__file__)))
    module = os.path.join(repo, "module1_listing")
    monkeypatch.chdir(module if os.path.isdir(module) else repo)
    folder = answers_folder()
    if os.path.basename(os.getcwd()).startswith("module"):
        assert "instructor-answers" in str(folder)


@pytest.mark.slow
def test_entry_survives_kernel_restart(tmp_path):
    """Fill and save in one kernel; a fresh kernel (restart) shows the value."""
    from nbclient import NotebookClient

    def run(cells):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c)) for c in cells]
        NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
        ).execute()
        return nb

    setup = """
    import course
    from course.forms import Form, Text, Number
    course.start("module1_listing", "restart", quiet=True)
    form = Form("shop", "店铺信息", [Text("name", "店铺名称"), Number("price", "日常价", decimals=2)])
    """
    run([setup, 'form.widget()\nform.submit({"name": "北欧家居", "price": "499元"})'])
    nb = run([setup, "form", "print(form.values)"])
    outputs = "".join(o.get("text", "") for c in nb.cells for o in c.outputs if o.get("output_type") == "stream")
    assert "{'name': '北欧家居', 'price': None}" in outputs
    assert "日常价：499元" in outputs  # the echo shows exactly what was typed
    data = json.loads((tmp_path / "restart.answers.json").read_text(encoding="utf-8"))
    assert data["forms"]["shop"]["raw"]["price"] == "499元"


# -- percentages: one convention (glossary): typed as 8 or 8%, stored as 0.08, echoed ----------


@pytest.mark.parametrize(
    "typed,value,reading",
    [
        ("8", 0.08, "已按 8% 读取"),
        ("8%", 0.08, "已按 8% 读取"),
        ("８％", 0.08, "已按 8% 读取"),  # full-width, as a Chinese input method types it
        (" 12.5 % ", 0.125, "已按 12.5% 读取"),
        ("0.08", 0.0008, "已按 0.08% 读取（想写 8% 就填 8）"),  # a slip is shown, never guessed
        ("0", 0.0, "已按 0% 读取"),
        ("100", 1.0, "已按 100% 读取"),
    ],
)
def test_percent_field_reads_percent_and_stores_the_decimal(typed, value, reading):
    from course.forms import Percent

    f = Percent("rate", "新客转化率目标")
    assert f.parse(typed) == (value, None)
    assert f.reading(typed) == reading


@pytest.mark.parametrize(
    "typed,expect",
    [
        ("120", "不能大于 100%"),
        ("-1", "不能小于 0%"),
        ("八", "不是百分数"),
        ("8元", "不是百分数"),
        ("1,5", "不是百分数"),
        ("", "必填"),
    ],
)
def test_percent_field_rejects_with_a_chinese_message(typed, expect):
    from course.forms import Percent

    value, msg = Percent("rate", "新客转化率目标").parse(typed)
    assert value is None and expect in msg and msg.startswith("新客转化率目标：")


def test_percent_field_default_is_the_settings_decimal_and_range_is_in_percent():
    from course.forms import Percent

    assert Percent("r", "比例", default=0.08).default_raw() == "8"
    assert Percent("r", "比例", default=0.125).default_raw() == "12.5"
    assert Percent("r", "折扣", minimum=10, maximum=90).parse("95")[1] == "折扣：不能大于 90%，现在是 95%。"
    assert Percent("r", "比例", decimals=1).parse("8.25")[1].startswith("比例：“8.25”不是百分数")


def test_percent_field_in_a_form_saves_the_decimal_and_echoes_the_reading(session):
    from course.forms import Percent

    form = Form(
        "goal",
        "活动目标",
        [
            Percent("conv", "新客转化率目标"),
            Number("gmv", "GMV 目标", minimum=0),
            Repeat("rows", "渠道", fields=[Text("name", "渠道"), Percent("share", "预算占比")]),
        ],
    )
    assert form.submit({"conv": "8%", "gmv": "50000", "rows": [{"name": "直播", "share": "30"}]}) == []
    assert form.values == {"conv": 0.08, "gmv": 50000.0, "rows": [{"name": "直播", "share": 0.3}]}
    saved = json.loads(open("nb_test.answers.json", encoding="utf-8").read())["forms"]["goal"]
    assert saved["raw"]["conv"] == "8%" and saved["values"]["conv"] == 0.08  # typed text kept, decimal stored
    text = form.text()
    assert "新客转化率目标：8%（已按 8% 读取）" in text and "预算占比=30（已按 30% 读取）" in text
    assert "GMV 目标：50000" in text and "读取" not in text.split("GMV 目标")[1].splitlines()[0]


def test_percent_field_reading_updates_live_in_the_widget(session):
    from course.forms import Percent

    form = Form("goal2", "活动目标", [Percent("conv", "新客转化率目标"), Text("note", "备注", required=False)])
    box = form.widget()
    field = _find(box, "course-field-conv")[0]
    note = _find(box, "course-reading-conv")[0]
    assert note.value == ""
    field.value = "0.08"
    assert "已按 0.08% 读取" in note.value and "想写 8% 就填 8" in note.value
    field.value = "8"
    assert "已按 8% 读取" in note.value
    assert Form("goal2", "活动目标", [Percent("conv", "新客转化率目标")]).values == {"conv": 0.08}
