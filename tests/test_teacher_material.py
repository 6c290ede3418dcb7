"""Course-level material: Excel templates, glossary, red-line list, the survey
forms and their class report, the 导学 notebook, the teacher guide and schedule,
and the metadata check a teacher runs after editing a notebook."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from course.resources import build_glossary as bg
from course.resources import build_redlines as br
from course.resources import build_templates as bt
from course.teacher import build_schedule

REPO = Path(__file__).resolve().parent.parent
RES = REPO / "course" / "resources"
TEACHER = REPO / "course" / "teacher"


# -- a small evaluator for the template formulas (no spreadsheet program needed) ----

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?(?:[Ee][+-]?\d+)?)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<func>[A-Za-z_][A-Za-z_.0-9]*)\(
  | (?P<ref>(?:[^\s!(),&=<>+\-*/"]+!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
  | (?P<op><>|<=|>=|[-+*/&=<>(),]))""",
    re.X,
)


def _tokens(src: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    src = src.strip()
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        assert m and m.end() > pos, f"cannot read formula at: {src[pos:]!r}"
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, src: str):
        self.t = _tokens(src)
        self.i = 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        assert value is None or tok[1] == value, f"expected {value}, got {tok}"
        self.i += 1
        return tok

    def parse(self):
        node = self.compare()
        assert self.i == len(self.t), f"unparsed: {self.t[self.i :]}"
        return node

    def compare(self):
        node = self.concat()
        while self.peek()[1] in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            node = ("cmp", op, node, self.concat())
        return node

    def concat(self):
        node = self.add()
        while self.peek()[1] == "&":
            self.take()
            node = ("cat", node, self.add())
        return node

    def add(self):
        node = self.mul()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = ("bin", op, node, self.mul())
        return node

    def mul(self):
        node = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            node = ("bin", op, node, self.unary())
        return node

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self):
        kind, val = self.take()
        if kind == "num":
            return ("lit", float(val))
        if kind == "str":
            return ("lit", val[1:-1].replace('""', '"'))
        if kind == "ref":
            return ("ref", val)
        if kind == "func":
            args = []
            if self.peek()[1] != ")":
                args.append(self.compare())
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.compare())
            self.take(")")
            return ("call", val.upper(), args)
        if val == "(":
            node = self.compare()
            self.take(")")
            return node
        raise AssertionError(f"unexpected token {val!r}")


def _split_ref(ref: str, sheet):
    if "!" in ref:
        name, ref = ref.rsplit("!", 1)
        sheet = sheet.parent[name]
    return sheet, ref.replace("$", "")


class Evaluator:
    """Evaluate the formulas the templates use, on the values saved in the workbook."""

    def __init__(self, workbook):
        self.wb = workbook

    def cell(self, sheet, addr: str):
        value = sheet[addr].value
        if isinstance(value, str) and value.startswith("="):
            return self.formula(value, sheet)
        return value

    def formula(self, text: str, sheet):
        return self.ev(_Parser(text[1:]).parse(), sheet)

    def values(self, node, sheet) -> list:
        if node[0] == "ref" and ":" in node[1]:
            sh, rng = _split_ref(node[1], sheet)
            return [self.cell(sh, c.coordinate) for row in sh[rng] for c in row]
        return [self.ev(node, sheet)]

    @staticmethod
    def num(v) -> float:
        if v is None or v == "":
            return 0.0
        if isinstance(v, bool):
            return float(v)
        return float(v)

    def ev(self, node, sheet):
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "ref":
            sh, addr = _split_ref(node[1], sheet)
            return self.cell(sh, addr)
        if kind == "neg":
            return -self.num(self.ev(node[1], sheet))
        if kind == "cat":
            return "".join(
                "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
                for v in (self.ev(node[1], sheet), self.ev(node[2], sheet))
            )
        if kind == "bin":
            a, b = self.num(self.ev(node[2], sheet)), self.num(self.ev(node[3], sheet))
            return {"+": a + b, "-": a - b, "*": a * b}.get(node[1]) if node[1] != "/" else a / b
        if kind == "cmp":
            a, b = self.ev(node[2], sheet), self.ev(node[3], sheet)
            if isinstance(a, str) or isinstance(b, str):
                a, b = ("" if a is None else str(a)), ("" if b is None else str(b))
            else:
                a, b = self.num(a), self.num(b)
            return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[node[1]]
        name, args = node[1], node[2]
        if name == "IF":
            cond = self.ev(args[0], sheet)
            branch = args[1] if cond else (args[2] if len(args) > 2 else ("lit", False))
            return self.ev(branch, sheet)
        if name in ("AND", "OR"):
            vals = [bool(self.ev(a, sheet)) for a in args]
            return all(vals) if name == "AND" else any(vals)
        if name == "N":
            v = self.ev(args[0], sheet)
            return float(v) if isinstance(v, (int, float)) else 0.0
        if name == "SUM":
            return sum(self.num(v) for a in args for v in self.values(a, sheet) if isinstance(v, (int, float)))
        if name == "SUMIF":
            keys, crit, vals = self.values(args[0], sheet), self.ev(args[1], sheet), self.values(args[2], sheet)
            return sum(self.num(v) for k, v in zip(keys, vals) if k == crit and isinstance(v, (int, float)))
        if name == "ABS":
            return abs(self.num(self.ev(args[0], sheet)))
        if name == "ROUND":
            return round(self.num(self.ev(args[0], sheet)), int(self.num(self.ev(args[1], sheet))))
        if name == "ISNUMBER":
            return isinstance(self.ev(args[0], sheet), (int, float))
        if name == "SEARCH":
            needle, hay = str(self.ev(args[0], sheet)), str(self.ev(args[1], sheet) or "")
            pos = hay.lower().find(needle.lower())
            return pos + 1 if pos >= 0 else "#VALUE!"
        if name == "LEFT":
            return str(self.ev(args[0], sheet) or "")[: int(self.num(self.ev(args[1], sheet)))]
        if name == "TEXT":
            v, fmt = self.ev(args[0], sheet), self.ev(args[1], sheet)
            return f"{self.num(v):.0%}" if fmt == "0%" else str(v)
        raise AssertionError(f"function {name} not supported by the test evaluator")


def _header_row(ws, first: str) -> int:
    for r in range(1, 10):
        if ws.cell(row=r, column=1).value == first:
            return r
    raise AssertionError(f"no header row starting with {first} in sheet {ws.title}")


# -- Excel templates -------------------------------------------------------------


def test_templates_are_current_and_reproducible(tmp_path):
    out = tmp_path / "tpl"
    bt.build(out)
    for name in (bt.TABLE1, bt.TABLE2, bt.TABLE3):
        committed = RES / name
        assert committed.is_file(), f"{name} is missing: run python -m course.resources.build_templates"
        assert (out / name).read_bytes() == committed.read_bytes(), (
            f"{name} is out of date: run python -m course.resources.build_templates"
        )


def test_table1_template():
    import openpyxl

    wb = openpyxl.load_workbook(RES / bt.TABLE1)
    ws = wb["核对表"]
    h = _header_row(ws, "字段")
    assert [c.value for c in ws[h]][:4] == ["字段", "填写规范", "示例", "审核要点"]
    fields = [ws.cell(row=r, column=1).value for r in range(h + 1, h + 6)]
    assert fields == ["商品名称", "价格", "主图", "详情页首屏卖点", "SKU属性组合"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    for sample in ("日常价：599.00，活动价：499.00", "颜色:默认", "白底图1张", "30-60"):
        assert sample in text
    ck = wb["自动检查"]
    ev = Evaluator(wb)
    # C5 (title width) needs Excel's array evaluation and C6 depends on it: checked by their text
    results = {
        ck.cell(row=r, column=1).value: ev.cell(ck, f"C{r}")
        for r in range(4, ck.max_row + 1)
        if ck.cell(row=r, column=3).value and r not in (5, 6)
    }
    width_formula = ck["C5"].value
    assert "C5>=" in ck["C6"].value and "C5<=" in ck["C6"].value
    assert "_xlfn.UNICODE" in width_formula and ">255" in width_formula and "LEN(B4)" in width_formula
    assert bt.title_width(ck["B4"].value) == 47  # the plan's example title
    yes_no = ("价格精度", "活动价不低于成本价", "活动价低于日常价", "SKU有无无效选项")
    checks = {k: v for k, v in results.items() if "是否" in k or k in yes_no}
    assert checks and all(v == "通过" for v in checks.values()), checks
    assert results["白底图占比（自动）"] == pytest.approx(0.6)
    # a wrong entry is flagged
    ck["B8"].value = 299.0  # activity price below cost 320
    ck["B24"].value = "颜色：默认"
    ck["B13"].value = 799.0  # "原价" above the 30-day lowest price
    assert ev.cell(ck, "C11").startswith("需修改")
    assert ev.cell(ck, "C25").startswith("需修改")
    assert "虚构原价" in ev.cell(ck, "C15")


def test_table2_template_arithmetic():
    import openpyxl

    wb = openpyxl.load_workbook(RES / bt.TABLE2)
    ws = wb["跟踪表"]
    h = _header_row(ws, "日期")
    header = [c.value for c in ws[h]]
    seed_cols = ["日期", "渠道", "UV", "加购数", "下单数", "GMV（元）", "转化率（%）", "问题记录"]
    assert [c for c in header if c in seed_cols] == seed_cols
    col = {name: i + 1 for i, name in enumerate(header)}
    ev = Evaluator(wb)
    rows = list(range(h + 1, h + 4))
    got = [
        (
            ws.cell(row=r, column=col["渠道"]).value,
            ws.cell(row=r, column=col["UV"]).value,
            ws.cell(row=r, column=col["加购数"]).value,
            ws.cell(row=r, column=col["下单数"]).value,
            ws.cell(row=r, column=col["GMV（元）"]).value,
        )
        for r in rows
    ]
    assert got == [
        ("平台首页推荐", 1200, 300, 72, 28800),
        ("付费广告", 800, 240, 64, 25600),
        ("社群引流", 500, 150, 30, 12000),
    ]
    conv = [ev.cell(ws, ws.cell(row=r, column=col["转化率（%）"]).coordinate) for r in rows]
    assert conv == pytest.approx([0.060, 0.080, 0.060])  # 6.0 / 8.0 / 6.0 % printed in the plan
    assert conv == pytest.approx([o / uv for _, uv, _, o, _ in got])
    assert all(ws.cell(row=r, column=col["转化率（%）"]).number_format == "0.0%" for r in rows)
    aov = [ev.cell(ws, ws.cell(row=r, column=col["客单价（元）"]).coordinate) for r in rows]
    assert aov == pytest.approx([400.0, 400.0, 400.0])
    # empty rows show nothing, not #DIV/0!
    assert ev.cell(ws, ws.cell(row=h + 10, column=col["转化率（%）"]).coordinate) == ""
    # the totals row: overall conversion = total orders / total UV
    total = next(r for r in range(h + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "合计")
    assert ev.cell(ws, ws.cell(row=total, column=col["转化率（%）"]).coordinate) == pytest.approx(166 / 2500)
    by = wb["按渠道汇总"]
    ch = {by.cell(row=r, column=1).value: r for r in range(4, 9)}
    assert ev.cell(by, f"B{ch['付费广告']}") == 800 and ev.cell(by, f"F{ch['付费广告']}") == pytest.approx(0.08)


def test_table3_template():
    import openpyxl

    from course import settings

    wb = openpyxl.load_workbook(RES / bt.TABLE3)
    ws = wb["策略表"]
    h = _header_row(ws, "用户类型")
    assert [c.value for c in ws[h]][:5] == ["用户类型", "判断标准", "运营目标", "触达方式", "权益/内容"]
    rows = {ws.cell(row=r, column=1).value: [c.value for c in ws[r]] for r in range(h + 1, h + 5)}
    assert list(rows) == ["高价值用户", "潜力用户", "沉睡用户", "流失用户"]
    crm = settings.thresholds("crm")
    assert f"≥{crm['high_value_min_orders_30d']}次" in rows["高价值用户"][1]
    assert "95折会员日" in rows["高价值用户"][4] and "满299减30" in rows["潜力用户"][4]
    assert "50元无门槛券" in rows["沉睡用户"][4] and "100元券" in rows["流失用户"][4]
    calc = wb["分层计算"]
    ev = Evaluator(wb)
    seg = {calc.cell(row=r, column=1).value: ev.cell(calc, f"F{r}") for r in range(4, 10)}
    assert seg == {
        "U0001": "高价值用户",
        "U0002": "潜力用户",
        "U0003": "沉睡用户",
        "U0004": "流失用户",
        "U0005": "潜力用户",
        "U0006": "未购买客户",
    }
    # the gap rule switch (module 4's two documented options)
    gap = next(r for r in range(4, 14) if calc.cell(row=r, column=8).value == "表3未覆盖的客户")
    calc.cell(row=gap, column=9).value = "单设成长用户"
    assert ev.cell(calc, "F8") == "成长用户"
    # boundaries as in module 4: 沉睡 = 30 <= days < 60, 流失 = days >= 60
    for days, expected in ((30, "沉睡用户"), (59, "沉睡用户"), (60, "流失用户")):
        calc["D6"].value = days
        assert ev.cell(calc, "F6") == expected


# -- glossary --------------------------------------------------------------------

GLOSSARY = (RES / "glossary.md").read_text(encoding="utf-8")

# every metric of domain.md (modules 2-4) with its formula
DOMAIN_METRICS = [
    "UV",
    "PV",
    "跳出率",
    "加购率",
    "转化率",
    "客单价",
    "GMV",
    "新客占比",
    "复购率",
    "留存率",
    "UV价值",
    "加购转化率",
    "支付转化率",
    "会员渗透率",
    "搜索流量占比",
    "ROI",
    "投产比",
    "NPS",
    "毛利率",
    "佣金",
    "白底图占比",
    "标题宽度",
    "30天复购率",
    "频控",
    "RFM",
    "A/B 测试",
    "置信区间",
]
# words ending in 率 that are not shop metrics
NOT_METRICS = {"效率", "概率", "频率", "比率", "税率", "利率", "汇率", "功率", "速率", "准确率", "正确率", "覆盖率"}
# metric and operations abbreviations: the ones a notebook uses must be in the glossary
METRIC_ACRONYMS = {
    "UV",
    "PV",
    "GMV",
    "ROI",
    "ROAS",
    "AOV",
    "NPS",
    "RFM",
    "CTR",
    "CVR",
    "CPC",
    "CPM",
    "CPA",
    "CAC",
    "ARPU",
    "LTV",
    "CLV",
    "KPI",
    "DAU",
    "MAU",
    "SKU",
    "SPU",
    "UGC",
    "KOL",
    "KOC",
    "CRM",
    "SWOT",
    "PII",
    "B2B",
    "B2C",
    "C2C",
}


def test_glossary_has_every_domain_metric_with_a_formula():
    for term in DOMAIN_METRICS:
        assert term in GLOSSARY, f"glossary lacks {term}"
    rows = [ln for ln in GLOSSARY.splitlines() if ln.startswith("| ") and not ln.startswith("| 术语")]
    formula_rows = [ln for ln in rows if "=" in ln or "÷" in ln]
    assert len(rows) >= 100 and len(formula_rows) >= 30
    # a few formulas exactly as the source documents give them
    for formula in (
        "UV价值 = 销售额 ÷ UV",
        "转化率 = 下单数 ÷ UV",
        "支付转化率 = 支付人数 ÷ UV",
        "复购率 = 复购人数 ÷ 购买人数",
        "会员渗透率 = 会员购买金额 ÷ 总销售额",
        "白底图占比 = 白底图张数 ÷ 图片总张数",
    ):
        assert formula in GLOSSARY, formula


def _notebook_text(folder: Path) -> tuple[str, str]:
    """(all cell text, markdown prose without code) of a module's notebooks."""
    everything, prose = [], []
    for p in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(p, as_version=4)
        for c in nb.cells:
            everything.append(c.source)
            if c.cell_type == "markdown":
                prose.append(re.sub(r"```.*?```|`[^`]*`", " ", c.source, flags=re.S))
    return "\n".join(everything), "\n".join(prose)


def _metric_terms(text: str, prose: str) -> tuple[set[str], set[str]]:
    """Candidate metric words: CJK runs ending in 率/占比 (anywhere: code strings and
    comments are Chinese too) and upper-case abbreviations in the prose."""
    cjk_rates = set()
    for m in re.finditer(r"[\u4e00-\u9fff]{1,8}(?:率|占比)", text):
        cjk_rates.add(m.group(0))
    acronyms = set(re.findall(r"(?<![A-Za-z0-9_])([A-Z][A-Z0-9]{1,4})(?![A-Za-z0-9_])", text + prose))
    return cjk_rates, acronyms


def _covered(run: str) -> bool:
    """Some suffix of a CJK run (at least 2 characters) is a glossary term or a non-metric word."""
    for i in range(len(run) - 1):
        suffix = run[i:]
        if suffix in GLOSSARY or suffix in NOT_METRICS:
            return True
    return False


@pytest.mark.parametrize("module", ["module3_analytics", "module2_campaign", "module4_crm", "module1_listing"])
def test_glossary_covers_the_metric_terms_of_the_notebooks(module):
    folder = REPO / module
    if not list(folder.glob("*.ipynb")):
        pytest.skip(f"{module} has no notebooks yet")
    rates, acronyms = _metric_terms(*_notebook_text(folder))
    missing = sorted(r for r in rates if not _covered(r))
    missing += sorted(a for a in acronyms if a in METRIC_ACRONYMS and a not in GLOSSARY)
    assert not missing, f"{module} uses metric terms the glossary (course/resources/glossary.md) lacks: {missing}"


# -- red-line list -------------------------------------------------------------


def test_redlines_contain_every_absolute_word_and_are_current():
    data = yaml.safe_load((RES / "absolute_words.yaml").read_text(encoding="utf-8"))
    text = (RES / "redlines.md").read_text(encoding="utf-8")
    words = [w["word"] if isinstance(w, dict) else w for c in data["categories"] for w in c["words"]]
    assert len(words) > 30
    missing = [w for w in words if f"| {w}" not in text]
    assert not missing, f"redlines.md lacks {missing}: run python -m course.resources.build_redlines"
    for c in data["categories"]:
        assert c["name"] in text
    assert text == br.render(), "redlines.md is out of date: run python -m course.resources.build_redlines"


def test_redlines_cover_the_five_red_lines():
    from course import settings

    text = (RES / "redlines.md").read_text(encoding="utf-8")
    for heading in ("绝对化用语", "刷单炒信", "虚假原价", "最终解释权归平台所有", "隐私"):
        assert heading in text
    days = settings.threshold("listing", "price_lookback_days")
    assert f"近 {days} 天最低成交价" in text
    assert f"不超过 {settings.threshold('crm', 'frequency_cap_messages')} 条" in text


# -- survey forms and the class report --------------------------------------------------


def _survey_answer_file(
    folder: Path, notebook: str, module: str | None, raw_module: dict | None, raw_final: dict | None, monkeypatch
) -> Path:
    """Save surveys exactly as a student's notebook would (through the forms)."""
    import course
    from course.forms.survey_form import FinalSurvey, ModuleSurvey

    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(folder)
    course.start(module or "module4_crm", notebook, quiet=True)
    if raw_module is not None:
        ModuleSurvey(module).submit(raw_module)
    if raw_final is not None:
        FinalSurvey().submit(raw_final)
    return folder / f"{notebook}.answers.json"


def test_survey_forms_are_anonymous_and_persist(in_tmp):
    import course
    from course.forms.survey_form import FINAL_DIMENSIONS, FinalSurvey, ModuleSurvey

    course.start("module1_listing", "05_audit", quiet=True)
    s = ModuleSurvey("module1_listing")
    labels = " ".join(f.label for f in s.fields)
    assert not re.search("学号|姓名|名字", labels)
    assert "匿名" in s.description
    assert s.answers() is None  # optional: no "fill the form first" nag
    assert s.submit({"difficulty": "选品分析", "pace": "合适"}) == []  # the open question is optional
    again = ModuleSurvey("module1_listing")  # a restarted kernel
    assert again.values["difficulty"] == "选品分析"
    f = FinalSurvey()
    assert [x.label for x in f.fields][:3] == list(FINAL_DIMENSIONS.values()) == ["实用性", "讲师专业度", "工具易用性"]
    assert f.submit({"usefulness": "6"})  # not 1-5 -> a message
    assert f.submit({"usefulness": "5", "lecturer": "4", "tools": "3"}) == []
    saved = json.loads((in_tmp / "05_audit.answers.json").read_text(encoding="utf-8"))
    assert {"survey_module1_listing", "survey_final"} <= set(saved["forms"])
    # the notebook output (seen by the TA in formgrader and in feedback) does not show the answers
    echo = ModuleSurvey("module1_listing").text() + FinalSurvey().text()
    assert "已保存" in echo and "选品分析" not in echo and "合适" not in echo


@pytest.fixture
def class_workspace(tmp_path, monkeypatch):
    ws = tmp_path / "classroom"
    sub = ws / "submitted"
    answers = [  # (student, difficulty, pace, suggestion, usefulness, lecturer, tools, comment)
        ("2023001", "选品分析", "合适", "希望多一些工具演示", "5", "5", "4", "很实用"),
        ("2023002", "选品分析", "太快", "", "4", "5", "3", ""),
        ("2023003", "关键词与标题", "合适", "希望多一些工具演示", "4", "4", "", "表单很好用"),
        ("2023004", "数据解读", "合适", "<script>alert(1)</script>", "3", "4", "4", ""),
    ]
    for sid, diff, pace, sug, useful, lecturer, tools, com in answers:
        _survey_answer_file(
            sub / sid / "module1_listing",
            "05_audit",
            "module1_listing",
            {"difficulty": diff, "pace": pace, "suggestion": sug},
            None,
            monkeypatch,
        )
        _survey_answer_file(
            sub / sid / "module4_crm",
            "05_member",
            "module4_crm",
            {"difficulty": "用户分层", "pace": "合适"},
            {"usefulness": useful, "lecturer": lecturer, "tools": tools, "comment": com},
            monkeypatch,
        )
    # noise that must not break or skew the report
    (sub / "2023005" / "module1_listing").mkdir(parents=True)
    (sub / "2023005" / "module1_listing" / "05_audit.answers.json").write_text("{not json", encoding="utf-8")
    other = sub / "2023006" / "module1_listing"
    other.mkdir(parents=True)
    (other / "02_title.answers.json").write_text(
        json.dumps(
            {"format": 1, "forms": {"title": {"raw": {"title": "北欧床头柜"}}}, "exports": {}}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    return ws


def test_survey_report_markdown(class_workspace, tmp_path, capsys):
    from grading import survey

    out = tmp_path / "report" / "survey.md"
    assert survey.main(["--workspace", str(class_workspace), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    printed = capsys.readouterr().out
    assert "问卷回答 12 份" in printed and "1 个文件无法读取" in printed
    m1 = text.split("## 模块一")[1].split("## ")[0]
    assert "回答人数：4" in m1
    assert "| 选品分析 | 2 | 50% |" in m1 and "| 关键词与标题 | 1 | 25% |" in m1
    assert "太快 1 人（25%）" in m1
    assert "希望多一些工具演示（×2）" in m1
    assert "<script>" not in text and "&lt;script&gt;" in text
    final = text.split("## 课程满意度")[1]
    # 实用性 5,4,4,3 -> 4.0; 工具易用性 answered by 3 people: 4,3,4 -> 3.67
    assert "| 实用性 | 4 | 4.0 | 4.0 | 75% |" in final
    assert "| 工具易用性 | 3 | 3.67 |" in final
    for sid in ("2023001", "2023002", "2023003", "2023004", "05_audit", "answers.json"):
        assert sid not in text, "the report must be anonymous"
    charts = out.parent / "survey_charts"
    names = sorted(p.name for p in charts.glob("*.png"))
    assert names == ["difficulty_module1_listing.png", "difficulty_module4_crm.png", "pace.png", "satisfaction.png"]
    assert all((charts / n).stat().st_size > 5000 for n in names)
    for n in names:
        assert f"survey_charts/{n}" in text


def test_survey_report_html_and_filters(class_workspace, tmp_path):
    from grading import survey

    out = tmp_path / "r.html"
    assert survey.main(["--workspace", str(class_workspace), "--module", "module1_listing", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64," in html
    assert "模块一" in html and "模块四" not in html
    assert "<script>" not in html


def test_survey_from_zip_and_small_groups(class_workspace, tmp_path):
    from grading import survey

    z = tmp_path / "downloads.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in (class_workspace / "submitted").rglob("*.answers.json"):
            if "2023001" in str(p) or "2023002" in str(p):
                zf.write(p, p.relative_to(class_workspace / "submitted").as_posix())
    out = tmp_path / "zip.md"
    assert survey.main(["--from", str(z), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "回答人数：2" in text
    assert "为保护匿名不列出" in text and "很实用" not in text


def test_survey_command_errors(tmp_path, capsys):
    from grading import survey

    assert survey.main(["--workspace", str(tmp_path / "empty")]) == 1
    assert "grading collect" in capsys.readouterr().out
    assert survey.main(["--from", str(tmp_path / "nope")]) == 1
    assert survey.main(["--module", "module9"]) == 2
    assert survey.main(["--help"]) == 0


def test_grading_survey_command(class_workspace, tmp_path):
    """Through the ``grading`` command, as a TA types it."""
    grading_main = pytest.importorskip("grading.__main__")
    out = tmp_path / "cli.md"
    rc = grading_main.main(["survey", "--", "--workspace", str(class_workspace), "--out", str(out)])
    assert rc == 0 and "回答人数：4" in out.read_text(encoding="utf-8")


def test_grading_survey_command_without_separator(class_workspace, tmp_path):
    grading_main = pytest.importorskip("grading.__main__")
    out = tmp_path / "cli2.md"
    assert grading_main.main(["survey", "--workspace", str(class_workspace), "--out", str(out)]) == 0


def test_survey_doctests():
    import doctest

    from course.forms import survey_form

    assert doctest.testmod(survey_form).failed == 0


# -- the 导学 notebook: runs with no answer file, and the demo form survives a restart ----

GUIDE = REPO / "course" / "00_guide.ipynb"


def _run(nb_path: Path, cwd: Path):
    from nbclient import NotebookClient

    nb = nbformat.read(nb_path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _outputs(nb) -> str:
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            parts.append(o.get("text", "") or str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.mark.slow
def test_guide_form_survives_a_restart(tmp_path):
    work = tmp_path / "course"
    work.mkdir()
    shutil.copy(GUIDE, work / GUIDE.name)
    first = _run(work / GUIDE.name, work)
    assert "请先填写并保存" in _outputs(first)
    # the student fills the form: what the 保存 button does, in the notebook's own kernel
    nb = nbformat.read(work / GUIDE.name, as_version=4)
    idx = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and 'Form("guide_demo"' in c.source)
    nb.cells.insert(
        idx + 1,
        nbformat.v4.new_code_cell(
            'print(demo.submit({"model": "B2C", "promo_a": "满减", "promo_b": "阶梯价", "pay": "370元"}))\n'
            'print(demo.submit({"pay": "370.00", "goal": "学会看数据"}))'
        ),
    )
    filled = work / "filled.ipynb"
    nbformat.write(nb, filled)
    out = _outputs(_run(filled, work))
    assert "不要带“元”" in out  # a wrong entry gets a Chinese message ...
    saved = json.loads((work / "00_guide.answers.json").read_text(encoding="utf-8"))
    assert saved["forms"]["guide_demo"]["raw"]["pay"] == "370.00"  # ... and the corrected entry is kept
    # a new kernel (restart): the original notebook shows the saved answers and the feedback
    again = _outputs(_run(work / GUIDE.name, work))
    assert "B2C" in again and "370.00" in again and "学会看数据" in again
    assert "答对 4 / 4 题" in again


def test_guide_structure():
    nb = nbformat.read(GUIDE, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    for part in ("场景设定", "学习目标", "操作步骤", "关键控制点", "小结"):
        assert part in text
    for word in (
        "B2B",
        "B2C",
        "C2C",
        "满减",
        "赠品",
        "阶梯价",
        "限时折扣",
        "积分",
        "会员日",
        "生日",
        "拼团",
        "砍价",
        "UGC",
        "直播",
        "老带新",
        "表单",
        "表6",
    ):
        assert word in text, word
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert 'course.start("course", "00_guide"' in first_code.source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs must be stripped"


# -- teacher guide and schedule ------------------------------------------------------


def test_teacher_guide_covers_what_a_teacher_changes():
    text = (TEACHER / "README.md").read_text(encoding="utf-8")
    for cmd in (
        "init",
        "release",
        "collect",
        "autograde",
        "feedback",
        "export",
        "recheck",
        "agreement",
        "demo",
        "survey",
    ):
        assert re.search(rf"grading {cmd}\b", text), f"grading {cmd} is not documented"
    for topic in (
        "settings.yaml",
        "course/messages.py",
        "COURSE_SETTINGS",
        "seed",
        "scale",
        "BEGIN HIDDEN TESTS",
        "BEGIN SOLUTION",
        "离线",
        "English summary",
        "python -m grading check",
        "ModuleSurvey",
    ):
        assert topic in text, topic
    for mod in ("module1_listing", "module2_campaign", "module3_analytics", "module4_crm"):
        assert mod in text
    editing = (TEACHER / "notebook_editing.md").read_text(encoding="utf-8")
    assert "python -m grading strip" in editing and "python -m grading check" in editing


def test_schedule_lists_every_notebook():
    text = (TEACHER / "schedule.md").read_text(encoding="utf-8")
    for t in ("9:00", "17:00", "午餐", "茶歇", "6-8", "助教"):
        assert t in text
    notebooks = sorted(REPO.glob("module*_*/*.ipynb"))
    missing = [f"{p.parent.name}/{p.name}" for p in notebooks if p.name not in text]
    assert not missing, f"schedule.md lacks {missing}: run python -m course.teacher.build_schedule"
    assert build_schedule.render() == text, "schedule.md is out of date: run python -m course.teacher.build_schedule"


# -- the metadata check a teacher runs after editing a notebook ------------------------------


def _module_with(tmp_path: Path, build) -> list[str]:
    from grading.authoring import Notebook, check_module

    folder = tmp_path / "module1_listing"
    nb = Notebook("module1_listing", "01_x")
    build(nb)
    nb.save(folder / "01_x.ipynb")
    return check_module("module1_listing", folder)


def _good(nb, start=True):
    if start:
        nb.code('import course\ncourse.start("module1_listing", "01_x")')
    nb.md("# 标题")
    for d in (1, 2, 3):
        nb.answer(f"d{d}_a", f"a{d} = None\n### BEGIN SOLUTION\na{d} = 1\n### END SOLUTION")
        nb.test(
            f"d{d}_t",
            2,
            f'### BEGIN HIDDEN TESTS\n_v = course.export("a{d}", globals().get("a{d}"))\n'
            f'_c = course.autocheck.Checks(2, "a", answer=_v)\n_c.check(_v == 1, "提升方向")\n'
            "_c.score()  # 部分得分\n### END HIDDEN TESTS",
        )
    nb.manual("d5_remark", 10, "备注")


def test_check_module_accepts_a_good_module(tmp_path):
    assert _module_with(tmp_path, _good) == []


@pytest.mark.parametrize(
    "mutate,expect",
    [
        (
            lambda nb: nb.nb.cells.__setitem__(
                0, nbformat.v4.new_code_cell('import course\ncourse.start("module1_listing", "01_y")')
            ),
            'course.start("module1_listing", "01_x")',
        ),
        (lambda nb: nb.test("d1_t", 1, "_c.score()"), "重复"),
        (lambda nb: nb.test("d4_late", 1, "_c.score()"), "按提交时间计算"),
        (lambda nb: nb.test("x_t", 1, "_c.score()"), "应以维度编号"),
        (lambda nb: nb.test("d1_z", 1, "print('ok')"), "course.grade"),
        (lambda nb: nb.test("d1_h", 1, "### BEGIN HIDDEN TESTS\n_c.score()\n### END HIDDEN TESTS"), "course.export"),
        (lambda nb: nb.answer("d1_s", "### BEGIN SOLUTION\ns = 1\n### END SOLUTION"), "赋初值"),
        (lambda nb: nb.manual("d5_more", 5, "再一个备注"), "只有一个"),
        (lambda nb: nb.test("d2_zero", 0, "_c.score()"), "大于 0"),
    ],
)
def test_check_module_reports_each_problem(tmp_path, mutate, expect):
    def build(nb):
        _good(nb)
        mutate(nb)

    problems = _module_with(tmp_path, build)
    assert any(expect in p for p in problems), problems


def test_check_module_missing_dimension_and_stray_answers(tmp_path):
    def build(nb):
        nb.code('import course\ncourse.start("module1_listing", "01_x")')
        nb.manual("d5_remark", 10, "备注")

    problems = _module_with(tmp_path, build)
    from course import settings

    for dim in settings.rubric("module1_listing")[:3]:
        assert any(dim.name in p for p in problems)
    (tmp_path / "module1_listing" / "01_x.answers.json").write_text("{}", encoding="utf-8")
    from grading.authoring import check_module

    assert any("答案文件" in p for p in check_module("module1_listing", tmp_path / "module1_listing"))


def test_read_only_ids_may_repeat_across_notebooks(tmp_path):
    """nbgrader needs grade_ids unique per notebook; the builder numbers read-only
    cells per notebook, so two notebooks both have ro_md_02: that is fine."""
    from grading.authoring import Notebook, check_module

    folder = tmp_path / "module1_listing"
    for name in ("01_a", "02_b"):
        nb = Notebook("module1_listing", name)
        nb.code(f'import course\ncourse.start("module1_listing", "{name}")')
        nb.md("# 标题")
        nb.save(folder / f"{name}.ipynb")
    problems = check_module("module1_listing", folder)
    assert not any("ro_" in p for p in problems), problems


def test_real_notebooks_follow_the_cell_conventions():
    """The per-cell rules hold in every module notebook written so far (a module
    still being written may lack a dimension's cells; that is not checked here)."""
    from grading.authoring import check_module

    for module in ("module1_listing", "module2_campaign", "module3_analytics", "module4_crm"):
        if not list((REPO / module).glob("*.ipynb")):
            continue
        problems = [p for p in check_module(module) if "没有任何评分单元格" not in p and "答案文件" not in p]
        assert not problems, f"{module}: " + "\n".join(problems)


# -- every command the documentation names exists ---------------------------------------------

DOCS = [
    "README.md",
    "course/teacher/README.md",
    "course/teacher/notebook_editing.md",
    "grading/AUTHORING.md",
    "grading/README.md",
    "datasets/README.md",
    "datasets/TEACHER_NOTES.md",
    "module1_listing/README.md",
    "module2_campaign/README.md",
    "module3_analytics/TEACHER_NOTES.md",
    "module4_crm/TEACHER_NOTES.md",
]


def _code_spans(text: str) -> list[str]:
    """Fenced blocks and inline code: where a command is written to be typed."""
    fenced = re.findall(r"```.*?```", text, flags=re.S)
    rest = re.sub(r"```.*?```", " ", text, flags=re.S)
    return fenced + re.findall(r"`([^`\n]+)`", rest)


def _doc_commands(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"script": set(), "module": set(), "make": set(), "grading": set()}
    for span in _code_spans(text):
        found["script"] |= set(re.findall(r"python3? ([\w./-]+\.py)\b", span))
        found["module"] |= {m.rstrip(".") for m in re.findall(r"python3? -m ([\w.]+)", span)}
        found["make"] |= set(re.findall(r"(?<![\w-])make ([a-z][\w-]*)", span))
        found["grading"] |= set(re.findall(r"(?:^|[\s(;])grading ([a-z][\w-]*)", span))
    return found


def test_every_command_the_documentation_names_exists():
    """Scripts, ``python -m`` modules, make targets and ``grading`` subcommands written in the docs are real."""
    import importlib.util

    from grading.__main__ import build_parser

    targets = set(re.findall(r"^([A-Za-z][\w-]*):", (REPO / "Makefile").read_text(encoding="utf-8"), re.M))
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    missing = []
    for doc in DOCS:
        path = REPO / doc
        if not path.is_file():
            continue
        cmds = _doc_commands(path.read_text(encoding="utf-8"))
        missing += [f"{doc}: python {s}" for s in cmds["script"] if not (REPO / s).is_file()]
        missing += [f"{doc}: python -m {m}" for m in cmds["module"] if importlib.util.find_spec(m) is None]
        missing += [f"{doc}: make {t}" for t in cmds["make"] if t not in targets]
        missing += [f"{doc}: grading {c}" for c in cmds["grading"] if c not in sub.choices]
    assert not missing, missing


def test_rebuild_names_every_builder_and_the_docs_name_the_command():
    import importlib

    rebuild = importlib.import_module("course.teacher.rebuild")  # python -m course.teacher.rebuild
    assert [i.name for i in rebuild.ITEMS] == ["data", "templates", "redlines", "glossary", "schedule"]
    for doc in ("README.md", "course/teacher/README.md"):
        text = (REPO / doc).read_text(encoding="utf-8")
        assert "make teacher-material" in text and "make check-settings" in text, doc
    assert "course.teacher.rebuild --check" in (REPO / "Makefile").read_text(encoding="utf-8")


def test_glossary_is_rendered_from_its_template():
    assert (RES / "glossary.md").read_text(encoding="utf-8") == bg.render(), (
        "glossary.md is out of date: edit course/teacher/glossary.md.j2 and run python -m course.teacher.rebuild"
    )
    template = (TEACHER / "glossary.md.j2").read_text(encoding="utf-8")
    for placeholder in (
        "{{ listing.title_width_min }}",
        "{{ campaign.gmv_target }}",
        "{{ crm.frequency_cap_messages }}",
    ):
        assert placeholder in template
