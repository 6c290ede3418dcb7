"""The one settings file a teacher edits (course/settings.yaml):

* the shipped file is valid and its SPEC matches it;
* every kind of mistake gives a Chinese SettingsError naming the right line,
  before anything runs (course.start refuses to start);
* a modified file (COURSE_SETTINGS) changes what the checks, the forms'
  defaults, the templates and the grading do.  Parts that need a module's
  tool are skipped until that tool exists.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course import settings
from course.settings import SettingsError

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "course" / "settings.yaml"
TEXT = SHIPPED.read_text(encoding="utf-8")
CJK = re.compile(r"[\u4e00-\u9fff]")


def line_of(text: str, pattern: str, start: int = 0) -> int:
    """1-based number of the first line matching ``pattern`` (regex) at or after line ``start``."""
    for i, line in enumerate(text.splitlines()[start:], start + 1):
        if re.search(pattern, line):
            return i
    raise AssertionError(f"no line matches {pattern!r}")


def replace_line(text: str, pattern: str, new: str) -> tuple[str, int]:
    """Replace the one line matching ``pattern`` by ``new``; return text and the line number."""
    lines = text.splitlines()
    hits = [i for i, ln in enumerate(lines) if re.search(pattern, ln)]
    assert len(hits) == 1, f"{pattern!r} matches {len(hits)} lines of settings.yaml"
    lines[hits[0]] = new
    return "\n".join(lines) + "\n", hits[0] + 1


def indent_of(pattern: str) -> str:
    line = TEXT.splitlines()[line_of(TEXT, pattern) - 1]
    return line[: len(line) - len(line.lstrip())]


def error_for(tmp_path: Path, text: str) -> str:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        settings.load(path)
    msg = str(info.value)
    assert CJK.search(msg), msg
    assert str(path) in msg, "the message names the file"
    return msg


@pytest.fixture
def use_settings(tmp_path, monkeypatch):
    """Write a settings file and make it the one in force (COURSE_SETTINGS)."""

    def write(text: str) -> Path:
        path = tmp_path / "course_settings.yaml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("COURSE_SETTINGS", str(path))
        settings.load()  # valid, or the test fails here with the Chinese message
        return path

    yield write
    monkeypatch.delenv("COURSE_SETTINGS", raising=False)
    settings._CACHE.clear()


# -- the shipped file -----------------------------------------------------------


def test_shipped_file_is_valid():
    data = settings.load(SHIPPED)
    assert data["course"]["course_id"] == "ecom-ops"
    for mod in settings.MODULES:
        dims = settings.rubric(mod)
        assert [d.weight for d in dims] == [30, 25, 20, 15, 10]
        assert [d.kind for d in dims][3:] == ["timeliness", "remark"]
        assert dims[3].name == "提交时效性" and dims[4].name == "备注"
        assert isinstance(settings.due(mod), dt.datetime)


def test_spec_and_file_agree():
    data = settings.load(SHIPPED)
    for key in settings.SPEC:
        found, _ = settings.values.lookup(data, key)
        assert found, f"SPEC names {key} but settings.yaml does not have it"
    assert settings.rules.unknown_keys(data, lambda p: "") == []


def test_every_threshold_is_commented_or_self_explaining():
    # a teacher reads the file: every threshold section has a comment block above it
    assert TEXT.count("#") > 40
    assert "python -m course.settings" in TEXT


def test_public_api():
    assert settings.threshold("listing", "title_width_max") == 60
    assert settings.thresholds("crm")["frequency_cap_messages"] == 2
    with pytest.raises(SettingsError, match="没有阈值"):
        settings.threshold("listing", "no_such_threshold")
    with pytest.raises(SettingsError, match="没有阈值分组"):
        settings.thresholds("nosuchsection")
    with pytest.raises(SettingsError, match="没有模块"):
        settings.rubric("module9_x")


def test_cli_ok_and_error(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "course.settings"], cwd=REPO, capture_output=True, text=True)
    assert ok.returncode == 0 and "检查通过" in ok.stdout
    key = r"^\s+title_width_max:"
    bad_text, n = replace_line(TEXT, key, indent_of(key) + "title_width_max: 六十")
    bad = tmp_path / "bad.yaml"
    bad.write_text(bad_text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "course.settings", str(bad)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1
    assert f"第 {n} 行" in proc.stdout and "整数" in proc.stdout


# -- each kind of invalid file: a Chinese message naming the right line ---------------


def test_wrong_type_names_the_line(tmp_path):
    text, n = replace_line(TEXT, r"^\s+title_width_max:", indent_of(r"^\s+title_width_max:") + "title_width_max: 60字")
    msg = error_for(tmp_path, text)
    assert f"第 {n} 行" in msg and "title_width_max" in msg and "整数" in msg and "不要带单位" in msg


def test_percent_written_as_percent(tmp_path):
    pat = r"^\s+white_background_share_min:"
    text, n = replace_line(TEXT, pat, indent_of(pat) + "white_background_share_min: 60%")
    msg = error_for(tmp_path, text)
    assert f"第 {n} 行" in msg and "0.60" in msg


def test_share_above_one(tmp_path):
    pat = r"^\s+new_customer_conversion_target:"
    text, n = replace_line(TEXT, pat, indent_of(pat) + "new_customer_conversion_target: 8")
    msg = error_for(tmp_path, text)
    assert f"第 {n} 行" in msg and "0.08" in msg


def test_bool_is_not_a_number(tmp_path):
    pat = r"^\s+stock_alert_level:"
    text, n = replace_line(TEXT, pat, indent_of(pat) + "stock_alert_level: yes")
    msg = error_for(tmp_path, text)
    assert f"第 {n} 行" in msg and "stock_alert_level" in msg


def test_negative_threshold(tmp_path):
    pat = r"^\s+stock_alert_level:"
    text, n = replace_line(TEXT, pat, indent_of(pat) + "stock_alert_level: -1")
    msg = error_for(tmp_path, text)
    assert f"第 {n} 行" in msg and "负数" in msg


def test_weights_not_summing_to_100(tmp_path):
    start = line_of(TEXT, r"^  module2_campaign:")
    rubric_line = line_of(TEXT, r"^\s+rubric:", start)
    first_dim = line_of(TEXT, r"weight: 30", start)
    lines = TEXT.splitlines()
    lines[first_dim - 1] = lines[first_dim - 1].replace("weight: 30", "weight: 35")
    msg = error_for(tmp_path, "\n".join(lines) + "\n")
    assert f"第 {rubric_line} 行" in msg and "module2_campaign" in msg and "105" in msg and "100" in msg


def test_weight_not_an_integer(tmp_path):
    start = line_of(TEXT, r"^  module3_analytics:")
    n = line_of(TEXT, r"weight: 25", start)
    lines = TEXT.splitlines()
    lines[n - 1] = lines[n - 1].replace("weight: 25", "weight: 二十五")
    msg = error_for(tmp_path, "\n".join(lines) + "\n")
    assert f"第 {n} 行" in msg and "权重" in msg


def test_rubric_needs_one_timeliness_and_one_remark(tmp_path):
    start = line_of(TEXT, r"^  module4_crm:")
    n = line_of(TEXT, r"kind: remark", start)
    lines = TEXT.splitlines()
    lines[n - 1] = lines[n - 1].replace("kind: remark", "kind: auto")
    msg = error_for(tmp_path, "\n".join(lines) + "\n")
    rubric_line = line_of(TEXT, r"^\s+rubric:", start)
    assert f"第 {rubric_line} 行" in msg and "remark" in msg


def test_missing_module(tmp_path):
    lines = TEXT.splitlines()
    start = line_of(TEXT, r"^  module4_crm:")
    end = start
    while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
        end += 1
    text = "\n".join(lines[: start - 1] + lines[end:]) + "\n"
    msg = error_for(tmp_path, text)
    modules_line = line_of(TEXT, r"^modules:")
    assert f"第 {modules_line} 行" in msg and "module4_crm" in msg and "缺少模块" in msg


def test_misspelt_module_is_named_with_a_suggestion(tmp_path):
    text, n = replace_line(TEXT, r"^  module3_analytics:", "  module3_analytic:")
    msg = error_for(tmp_path, text)
    assert f"第 {n} 行" in msg and "module3_analytics" in msg and "你是不是想写" in msg


def test_missing_threshold_names_its_section(tmp_path):
    lines = TEXT.splitlines()
    n = line_of(TEXT, r"^\s+roi_floor:")
    section = line_of(TEXT, r"^  analytics:")
    text = "\n".join(lines[: n - 1] + lines[n:]) + "\n"
    msg = error_for(tmp_path, text)
    assert f"第 {section} 行" in msg and "thresholds.analytics.roi_floor" in msg and "缺少" in msg


def test_misspelt_threshold(tmp_path):
    pat = r"^\s+roi_floor:"
    text, n = replace_line(TEXT, pat, indent_of(pat) + "roi_flor: 2.0")
    msg = error_for(tmp_path, text)
    assert f"第 {n} 行" in msg and "roi_floor" in msg and "你是不是想写" in msg


def test_duplicate_key_names_both_lines(tmp_path):
    pat = r"^\s+roi_floor:"
    n = line_of(TEXT, pat)
    lines = TEXT.splitlines()
    lines.insert(n, indent_of(pat) + "roi_floor: 3.0")
    msg = error_for(tmp_path, "\n".join(lines) + "\n")
    assert f"第 {n + 1} 行" in msg and f"第 {n} 行" in msg and "重复" in msg


def test_min_above_max(tmp_path):
    pat = r"^\s+title_width_min:"
    text, n = replace_line(TEXT, pat, indent_of(pat) + "title_width_min: 70")
    msg = error_for(tmp_path, text)
    assert f"第 {n} 行" in msg and "不能大于" in msg


def test_bad_due_date(tmp_path):
    start = line_of(TEXT, r"^  module1_listing:")
    n = line_of(TEXT, r"^\s+due:", start)
    lines = TEXT.splitlines()
    lines[n - 1] = re.sub(r'due: ".*"', 'due: "12月7日中午"', lines[n - 1])
    msg = error_for(tmp_path, "\n".join(lines) + "\n")
    assert f"第 {n} 行" in msg and "截止时间" in msg


def test_bad_yaml_tab(tmp_path):
    pat = r"^\s+roi_floor:"
    text, n = replace_line(TEXT, pat, "\troi_floor: 2.0")
    msg = error_for(tmp_path, text)
    assert f"第 {n} 行" in msg and "Tab" in msg


def test_bad_yaml_fullwidth_colon(tmp_path):
    pat = r"^\s+roi_floor:"
    text, n = replace_line(TEXT, pat, indent_of(pat) + "roi_floor：2.0")
    msg = error_for(tmp_path, text)
    assert re.search(rf"第 ({n}|{n + 1}) 行", msg) and "全角冒号" in msg


def test_bad_yaml_unclosed_bracket(tmp_path):
    start = line_of(TEXT, r"^  module1_listing:")
    n = line_of(TEXT, r"weight: 30", start)
    lines = TEXT.splitlines()
    lines[n - 1] = lines[n - 1].rstrip().rstrip("}")
    msg = error_for(tmp_path, "\n".join(lines) + "\n")
    found = int(re.search(r"第 (\d+) 行", msg).group(1))
    assert n <= found <= n + 1, msg
    assert "格式有误" in msg


def test_empty_and_missing_file(tmp_path):
    assert "是空的" in error_for(tmp_path, "# only a comment\n")
    with pytest.raises(SettingsError, match="找不到设置文件"):
        settings.load(tmp_path / "nope.yaml")


def test_several_problems_are_listed_top_down(tmp_path):
    text, a = replace_line(TEXT, r"^\s+title_width_max:", indent_of(r"^\s+title_width_max:") + "title_width_max: x")
    key = r"^\s+stock_alert_level:"
    text, b = replace_line(text, key, indent_of(key) + "stock_alert_level: y")
    msg = error_for(tmp_path, text)
    assert "2 处" in msg
    assert msg.index(f"第 {a} 行") < msg.index(f"第 {b} 行")


def test_invalid_settings_stop_a_notebook_before_it_runs(tmp_path, monkeypatch, in_tmp):
    import course

    text, n = replace_line(TEXT, r"^\s+title_width_max:", indent_of(r"^\s+title_width_max:") + "title_width_max: 六十")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    monkeypatch.setenv("COURSE_SETTINGS", str(bad))
    try:
        with pytest.raises(SettingsError, match=f"第 {n} 行"):
            course.start("module1_listing", "x", quiet=True)
    finally:
        monkeypatch.delenv("COURSE_SETTINGS")
        settings._CACHE.clear()


# -- a changed threshold is followed everywhere ------------------------------------

CHANGES = [
    (r"^\s+title_width_min:", "title_width_min: 20"),
    (r"^\s+title_width_max:", "title_width_max: 40"),
    (r"^\s+frequency_cap_messages:", "frequency_cap_messages: 1"),
    (r"^\s+high_value_min_aov:", "high_value_min_aov: 800"),
    (r"^\s+stock_alert_level:", "stock_alert_level: 3"),
    (r"^\s+conversion_target:", "conversion_target: 0.10"),
    (r"^\s+penalty_per_day:", "penalty_per_day: 3"),
    (r"^\s+seed:", "seed: 7"),
]


def modified_text() -> str:
    text = TEXT
    for pat, new in CHANGES:
        text, _ = replace_line(text, pat, indent_of(pat) + new)
    # module 1's three auto dimensions: 30/25/20 -> 40/20/15 (timeliness 15, remark 10 unchanged)
    start = line_of(text, r"^  module1_listing:")
    lines = text.splitlines()
    autos = [i for i in range(start, len(lines)) if "kind: auto" in lines[i]][:3]
    for i, w in zip(autos, (40, 20, 15)):
        lines[i] = re.sub(r"weight: \d+", f"weight: {w}", lines[i])
    return "\n".join(lines) + "\n"


def test_settings_api_follows(use_settings):
    use_settings(modified_text())
    assert settings.threshold("listing", "title_width_max") == 40
    assert settings.thresholds("crm")["frequency_cap_messages"] == 1
    assert [d.weight for d in settings.rubric("module1_listing")] == [40, 20, 15, 15, 10]
    assert settings.load()["late"]["penalty_per_day"] == 3


def test_grading_follows_weights_and_late_schedule(use_settings):
    rubric = importlib.import_module("grading.rubric")
    use_settings(modified_text())
    M = "module1_listing"
    weights = [d.weight for d in settings.rubric(M)]
    assert sum(weights) == 100 and weights[0] == 40
    due = dt.datetime(2026, 12, 7, 12, 30)
    full = {"d1_a": (5, 5), "d2_a": (5, 5), "d3_a": (5, 5)}
    row = rubric.row(M, full, due, due)
    assert list(row.values())[:3] == [float(w) for w in weights[:3]]
    # two started days late: 15 - 2 x 3 (the new penalty) = 9
    assert rubric.timeliness_score(M, due + dt.timedelta(days=1, hours=2), due) == 9.0


def test_title_check_follows(use_settings):
    title = pytest.importorskip("course.tools.title")
    example = "北欧ins风简约床头柜卧室小户型储物柜现代简约白色"  # 47 width units, the plan's example
    assert title.title_width(example) == 47
    default = title.check_title(example, core_keyword="床头柜")
    assert (default.width_min, default.width_max) == (30, 60)
    assert not any("宽度" in p or "长度" in p for p in default.problems), default.problems
    use_settings(modified_text())
    changed = title.check_title(example, core_keyword="床头柜")
    assert (changed.width_min, changed.width_max) == (20, 40)
    assert any("40" in p for p in changed.problems), changed.problems


def test_frequency_cap_follows(use_settings):
    freq = pytest.importorskip("course.tools.frequency")
    import pandas as pd

    log = pd.DataFrame(
        {"user_id": ["u1", "u1"], "sent_at": ["2026-06-18 09:00", "2026-06-18 15:00"], "msg_type": ["营销", "营销"]}
    )
    assert len(freq.check_cap(log).violations) == 0
    use_settings(modified_text())
    assert len(freq.check_cap(log).violations) == 1


def test_segmentation_form_follows(use_settings):
    seg = pytest.importorskip("course.forms.segment_form")
    high = {c["key"]: c for c in seg.example_customers()}["case_c"]  # on the 高价值 threshold
    assert high["aov_30d"] == 500 and "≥ 500 元" in seg.rules_text()[0]
    use_settings(modified_text())
    high = {c["key"]: c for c in seg.example_customers()}["case_c"]
    assert high["aov_30d"] == 800 and "≥ 800 元" in seg.rules_text()[0]
    fields = {f.name: f for f in seg.segment_fields()}
    assert "800" in fields["case_c"].label


def test_stock_alert_follows(use_settings):
    monitor = pytest.importorskip("course.tools.monitor")
    import pandas as pd

    sales = pd.DataFrame({"time": ["2026-06-18 10:00"], "sku_id": ["S1"], "qty": [4]})
    delisted = lambda: not pd.isna(monitor.replay_stock({"S1": 12}, sales)["下架时间"].iloc[0])  # noqa: E731
    assert delisted()  # 12 - 4 = 8 < 10
    use_settings(modified_text())
    assert not delisted()  # 8 >= 3


def test_templates_follow(use_settings, tmp_path):
    import openpyxl

    from course.resources import build_templates as bt

    use_settings(modified_text())
    out = tmp_path / "tpl"
    bt.build(out)
    ck = openpyxl.load_workbook(out / bt.TABLE1)["自动检查"]
    params = {ck.cell(row=r, column=6).value: ck.cell(row=r, column=7).value for r in range(4, 12)}
    assert params["标题宽度上限"] == 40 and params["标题宽度下限"] == 20
    t3 = openpyxl.load_workbook(out / bt.TABLE3)["策略表"]
    assert "客单价≥800" in t3["B4"].value
    t2 = openpyxl.load_workbook(out / bt.TABLE2)["跟踪表"]
    assert "10%" in t2["A2"].value


def test_session_seed_follows(use_settings, in_tmp):
    import course

    assert course.start("module1_listing", "seed_a", quiet=True).seed == 2026
    use_settings(modified_text())
    assert course.start("module1_listing", "seed_b", quiet=True).seed == 7


def test_check_module_follows_the_rubric(use_settings, tmp_path):
    """The metadata check uses the rubric in force: a module whose rubric has
    one dimension more weight still needs cells for every auto dimension."""
    from grading.authoring import Notebook, check_module

    nb = Notebook("module1_listing", "01_demo")
    nb.code('import course\ncourse.start("module1_listing", "01_demo")')
    nb.answer("d1_x", "x = None\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    nb.test(
        "d1_t",
        2,
        '### BEGIN HIDDEN TESTS\n_v = course.export("x", globals().get("x"))\n'
        '_c = course.autocheck.Checks(2, "x", answer=_v)\n_c.check(_v == 1, "提升方向：x")\n_c.score()\n'
        "### END HIDDEN TESTS",
    )
    nb.manual("d5_remark", 10, "备注")
    folder = tmp_path / "module1_listing"
    nb.save(folder / "01_demo.ipynb")
    use_settings(TEXT.replace("name: 详情页逻辑性,", "name: 详情页与卖点,"))
    problems = check_module("module1_listing", folder)
    names = [d.name for d in settings.rubric("module1_listing")]
    assert names[1] == "详情页与卖点"
    assert any("详情页与卖点" in p for p in problems) and any(names[2] in p for p in problems)
    assert not any(names[0] in p for p in problems)
