"""Module 3's visible self-checks (``course.check``), judged on values through the
release's check spec (salted digests): ✓ 正确 for the reference answer of every
graded task, ✗ with a 提升方向 for a typical mistake, and never the expected value
in what the student reads.

The reference answers are what the source notebooks' solutions produce: the five
notebooks run once, in-process, in a temporary copy of the module folder, and
their answer files hold the exported values."""

import copy
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from course import checks as C
from course import selfcheck
from course.forms.decisions import DECISIONS, NONE_BELOW
from grading.reference import spec as S
from grading.reference import tasks as declared
from grading.reference.context import context

REPO = Path(__file__).resolve().parent.parent
MODULE = "module3_analytics"
NOTEBOOKS = ["01_core_metrics", "02_funnel", "03_channel_roi", "04_ab_test", "05_review_dashboard"]


def run_in_process(folder: Path, stem: str) -> None:
    """Run every cell of a notebook in an in-process IPython shell (cwd = folder)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns.clear()
    shell.init_user_ns()
    nb = nbformat.read(folder / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            res = shell.run_cell(cell.source, silent=True)
            assert res.error_in_exec is None and res.error_before_exec is None, (stem, cell.source[:80])


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """{(notebook, task): exported reference value}."""
    import matplotlib

    matplotlib.use("Agg")
    folder = tmp_path_factory.mktemp("m3checks") / MODULE
    shutil.copytree(REPO / MODULE, folder, ignore=shutil.ignore_patterns("*.answers.json*", "*.md"))
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for stem in NOTEBOOKS:
            run_in_process(folder, stem)
    finally:
        os.chdir(cwd)
    from course.answers import decode

    out = {}
    for stem in NOTEBOOKS:
        exports = json.loads((folder / f"{stem}.answers.json").read_text(encoding="utf-8"))["exports"]
        for name, entry in exports.items():
            out[(stem, name)] = decode(entry)
    return out


def report(stem: str, task: str, value, capsys) -> str:
    selfcheck.report(task, value, S.build(MODULE, stem))
    return capsys.readouterr().out


def _flip(choice: str, options) -> str:
    return next(o for o in options if o != choice)


def _table(df, column, f):
    df = df.copy()
    df[column] = [f(v) for v in df[column]]
    return df


# a typical mistake for every graded task (what a student really gets wrong)
MISTAKES = {
    # UV counted, not nunique
    ("01_core_metrics", "campaign_conversion"): lambda v: {**v, "UV": v["UV"] * 2, "转化率": v["转化率"] / 2},
    ("01_core_metrics", "campaign_money"): lambda v: {**v, "客单价": v["GMV"] / (v["支付买家数"] + 3)},  # ÷ orders
    ("01_core_metrics", "repurchase_rate"): lambda v: v / 3,  # >= 3
    ("01_core_metrics", "targets"): lambda v: {**v, "gmv": _flip(v["gmv"], ("达标", "未达标"))},
    ("02_funnel", "phase_funnel"): lambda v: {**v, "dimension": "按渠道"},
    ("02_funnel", "channel_funnel"): lambda v: {**v, "start": "2026-06-01"},
    ("02_funnel", "leak"): lambda v: {**v, "step": "访问→加购", "causes": ["流量不精准"]},
    ("03_channel_roi", "roi_table"): lambda v: v.assign(ROI=v["投产比"]),  # GMV ÷ spend
    ("03_channel_roi", "low_roi"): lambda v: {**v, "by_roi": [NONE_BELOW], "measure": "投产比（GMV÷广告花费）"},
    ("03_channel_roi", "budget"): lambda v: {**v, "明显减少的渠道": [], "理由": "平均分配"},
    ("04_ab_test", "ab_table"): lambda v: _table(v, "转化率", lambda x: x * 2.5),  # 加购 for 支付
    ("04_ab_test", "ab_result"): lambda v: {**v, "p值": v["p值"] / 50},
    ("04_ab_test", "n_needed"): lambda v: v // 2,
    ("04_ab_test", "ab_decision"): lambda v: {**v, "decision": _flip(v["decision"], DECISIONS)},
    ("05_review_dashboard", "daily_trend"): lambda v: {**v, "chart": "柱状图", "dimension": "按渠道"},
    ("05_review_dashboard", "action_plan"): lambda v: {
        **v,
        "行动": [{**r, "具体行动": "优化详情页"} for r in v["行动"]],
    },
    ("05_review_dashboard", "challenge_metrics"): lambda v: {**v, "UV": v["UV"] * 3},
}


def every_task():
    from grading.reference import tasks as found

    return [(nb, name) for nb in NOTEBOOKS for name in found(MODULE, nb)]


def test_every_task_has_a_typical_mistake():
    assert set(every_task()) == set(MISTAKES)


@pytest.mark.parametrize("stem,task", every_task())
def test_reference_answer_is_right(stem, task, reference, capsys):
    out = report(stem, task, reference[(stem, task)], capsys)
    assert "✓ 正确" in out and "✗" not in out, out


def _shown_numbers(stem: str, task: str) -> set[str]:
    """How the task's reference numbers could appear in a message (canonical, rounded, percent)."""
    t = declared(MODULE, stem)[task]
    texts = set()
    for forms in t.reference_forms(context()).values():
        for f in forms:
            texts.update(re.findall(r"-?\d+\.\d{2,}|\d{3,}", f))
    out = set()
    for x in texts:
        v = float(x)
        out.update({x, f"{v:.2f}", f"{v:,.2f}", f"{v * 100:.1f}%", f"{v * 100:.2f}%"})
        if v == int(v):
            out.update({f"{int(v)}", f"{int(v):,}"})
    return {s for s in out if len(s.strip("0.%,")) >= 3}


@pytest.mark.parametrize("stem,task", every_task())
def test_typical_mistake_gets_a_direction_not_the_answer(stem, task, reference, capsys):
    wrong = MISTAKES[(stem, task)](copy.deepcopy(reference[(stem, task)]))
    out = report(stem, task, wrong, capsys)
    assert "✗" in out and "提升方向" in out and "✓ 正确" not in out, out
    leaked = [s for s in _shown_numbers(stem, task) if s in out]
    assert not leaked, f"{task}: the check shows reference values {leaked}:\n{out}"


def test_the_spec_holds_digests_not_values():
    for stem in NOTEBOOKS:
        text = json.dumps(S.build(MODULE, stem), ensure_ascii=False)
        for name, t in declared(MODULE, stem).items():
            for forms in t.reference_forms(context()).values():
                for f in forms:
                    if re.search(r"\d{3,}", f):
                        assert f not in text, (stem, name, f)


def test_empty_answers_are_not_judged_right(capsys):
    for stem, task in every_task():
        out = report(stem, task, None, capsys)
        assert "还没有作答" in out, (task, out)


def test_checks_of_module3_are_public_parameters_only():
    """What the release writes: kinds and public parameters (predicates name public functions)."""
    for stem in NOTEBOOKS:
        for entry in S.build(MODULE, stem)["tasks"].values():
            for c in entry["checks"]:
                rebuilt = C.from_spec(c)
                assert rebuilt.kind == c["kind"] and getattr(rebuilt, "ref", None) is None
                if c["kind"] == "Predicate":
                    assert c["params"]["func"].startswith("course.tools.review_rules:")
