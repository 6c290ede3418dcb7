"""The grading command end to end on the small fixture assignment (two notebooks,
all five table-6 dimensions): release, autograde in parallel with the clean
re-check, feedback, export -- and a class of cheaters who must not beat a
blank submission.  Runs the real ``python -m grading`` and ``nbgrader``."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import subprocess
import sys

import harness
import nbformat
import pytest

from grading import fixture, gradebook, simulate
from grading.sandbox.bwrap import Bubblewrap
from grading.workspace import ensure_workspace

pytestmark = pytest.mark.slow
M = fixture.MODULE
# where the machine forbids namespaces the pipeline still runs, without the sandbox
# (tests/test_sandbox*.py skip there and say why)
NO_SANDBOX = Bubblewrap().problem()
UNSAFE = ["--unsafe-no-sandbox"] if NO_SANDBOX else []
DUE = dt.datetime(2026, 12, 7, 12, 30)
ON_TIME = (DUE - dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S") + "+08:00"
LATE = (DUE + dt.timedelta(hours=26)).strftime("%Y-%m-%d %H:%M:%S") + "+08:00"
CHEATS = {  # student: (trick in 01_shop, trick in 02_price)
    "c_patch_eq": ("cheat_patch_score", "cheat_eq_true"),
    "c_transform_builtins": ("cheat_transformer", "cheat_builtins"),
    "c_delete_edit": ("cheat_delete_tests", "cheat_edit_tests"),
    "c_exit_steal": ("cheat_os_exit", "cheat_steal_expected"),
    "c_catch_output": ("cheat_loop_catch", "cheat_huge_output"),
    "c_gradebook_loop": ("cheat_gradebook", "cheat_loop"),
}


def grading(ws, *args, check=True, timeout=900):
    proc = subprocess.run(
        [sys.executable, "-m", "grading", *args, "--workspace", str(ws)],
        env=harness.env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(harness.REPO),
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"grading {' '.join(args)} -> {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


def row79(released, sols):
    nbs = {n: simulate.fill(nb, sols) for n, nb in released.items()}
    harness.set_source(nbs["01_shop.ipynb"], "d1_shop_answer", 'shop = {"name": "北欧家居旗舰店", "price": 459.0}')
    harness.set_source(
        nbs["02_price.ipynb"],
        "d2_margin_answer",
        'margin = {"毛利": price - cost, "毛利率": round((price - cost) / price, 4), "保本价": cost,\n'
        '          "折后价": 400.0, "折后毛利率": round((price * 0.9 - cost) / (price * 0.9), 4)}',
    )
    harness.set_source(
        nbs["02_price.ipynb"],
        "d3_plan_answer",
        'plan = {"预热天数": 3, "爆发天数": 1, "返场天数": 2, "风险准备金比例": 0.1, "库存预警线": 5}',
    )
    return nbs


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("pipeline")
    ws = ensure_workspace(base / "classroom", modules=())
    fixture.build(ws / "source")
    names = ["s_full", "s_79", "s_blank", "s_late", "s_absent", *CHEATS, "c_files"]
    (base / "名单.csv").write_text(
        "学号,姓名,助教\n" + "".join(f"{s},学生{i},助教{'AB'[i % 2]}\n" for i, s in enumerate(names)),
        encoding="utf-8-sig",
    )
    grading(ws, "init", "--roster", str(base / "名单.csv"))
    grading(ws, "release", M)
    rel = harness.notebooks(ws / "release" / M)
    src = harness.notebooks(ws / "source" / M)
    sols = {}
    for nb in src.values():
        sols.update(simulate.solutions(nb))
    full = {n: simulate.fill(nb, sols) for n, nb in rel.items()}
    harness.submit(ws, M, "s_full", full, timestamp=ON_TIME)
    harness.submit(ws, M, "s_79", row79(rel, sols), timestamp=ON_TIME)
    harness.submit(ws, M, "s_blank", rel, timestamp=ON_TIME)
    harness.submit(ws, M, "s_late", full, timestamp=LATE)
    paths = {n: ws / "source" / M / n for n in rel}
    for student, (a, b) in CHEATS.items():
        nbs_a, _ = simulate.cheat(a, rel, paths)
        nbs_b, _ = simulate.cheat(b, rel, paths)
        harness.submit(
            ws,
            M,
            student,
            {"01_shop.ipynb": nbs_a["01_shop.ipynb"], "02_price.ipynb": nbs_b["02_price.ipynb"]},
            timestamp=ON_TIME,
        )
    # files that are no notebooks: broken JSON, a symlink to the instructor's
    # version, a fake course package, pre-filled answers, a pandas.py shadow
    forged = {
        "format": 1,
        "notebook": "02_price",
        "forms": {},
        "exports": {"margin": {"kind": "plain", "value": {"毛利": 199.0}}, "plan": {"kind": "plain", "value": {}}},
    }
    trick = copy.deepcopy(rel["02_price.ipynb"])
    simulate._prepend(trick, simulate.TRANSFORMER)
    dest = harness.submit(
        ws,
        M,
        "c_files",
        {"02_price.ipynb": trick},
        answers={"02_price": forged},
        files={"01_shop.ipynb": b'{"cells": [ not json', "pandas.py": b"raise SystemExit\n"},
        timestamp=ON_TIME,
    )
    (dest / "course").mkdir()
    (dest / "course" / "__init__.py").write_text("def export(n, v): return v\n")
    (dest / "01_shop.answers.json").symlink_to(ws / "source" / M / "01_shop.ipynb")
    before = {s: gradebook.tree_hashes(ws / "submitted" / s / M) for s in names if s != "s_absent"}
    proc = grading(ws, "autograde", M, "--jobs", "2", "--timeout", "30", "--quiet", *UNSAFE)
    after = {s: gradebook.tree_hashes(ws / "submitted" / s / M) for s in before}
    summary = json.loads((ws / "reports" / f"autograde-{M}.json").read_text(encoding="utf-8"))
    return {"ws": ws, "base": base, "before": before, "after": after, "stdout": proc.stdout, "summary": summary}


def scores(ws):
    return harness.scores(ws, M)


def auto_total(row):
    return sum(v for k, v in row.items() if k.startswith(("d1_", "d2_", "d3_")))


def export_rows(ws, tmp_path):
    out = tmp_path / "表6.csv"
    grading(ws, "export", "--out", str(out))
    text = out.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    return {r["学号"]: r for r in csv.DictReader(io.StringIO(text.decode("utf-8-sig")))}


def test_worked_rows_of_table6(graded, tmp_path):
    rows = export_rows(graded["ws"], tmp_path)
    assert list(next(iter(rows.values())))[:10] == [
        "学号",
        "姓名",
        "模块",
        "标题关键词准确性",
        "详情页逻辑性",
        "SKU合理性",
        "提交时效性",
        "备注",
        "总分",
        "评语",
    ]

    def pick(r):
        return [float(r[k]) for k in ("标题关键词准确性", "详情页逻辑性", "SKU合理性", "提交时效性", "备注", "总分")]

    assert pick(rows["s_79"]) == [28, 20, 16, 15, 0, 79]
    assert pick(rows["s_full"]) == [30, 25, 20, 15, 0, 90]
    assert pick(rows["s_late"]) == [30, 25, 20, 5, 0, 80] and "迟交 2 天" in rows["s_late"]["评语"]
    assert pick(rows["s_absent"]) == [0, 0, 0, 0, 0, 0] and "未提交" in rows["s_absent"]["评语"]
    for r in rows.values():
        assert abs(sum(pick(r)[:5]) - pick(r)[5]) < 1e-9


def test_cheaters_never_beat_a_blank_submission(graded):
    sc = scores(graded["ws"])
    blank = auto_total(sc["s_blank"])
    assert blank == 0
    assert auto_total(sc["s_full"]) == 75
    for student in [*CHEATS, "c_files"]:
        assert auto_total(sc[student]) <= blank, (student, sc[student])


def test_bad_submissions_get_a_clear_reason(graded):
    ws = graded["ws"]
    res = {
        s: json.loads((ws / ".grading" / "results" / M / f"{s}.json").read_text(encoding="utf-8"))
        for s in [*CHEATS, "c_files", "s_full"]
    }
    text = {s: "\n".join(r["reasons"] + r["notes"]) for s, r in res.items()}
    assert res["s_full"]["reasons"] == [] and res["s_full"]["status"] == "ok"
    assert "不一致" in text["c_patch_eq"] and "不一致" in text["c_transform_builtins"]
    assert "意外退出" in text["c_exit_steal"]
    assert "无法中断" in text["c_catch_output"] and "输出过多" in text["c_catch_output"]
    for needle in ("不是有效的 .ipynb", "符号链接", "course", "pandas.py", "预先写入"):
        assert needle in text["c_files"], needle
    assert "c_patch_eq" in graded["stdout"]


def test_gradebook_tampering_is_out_of_reach_or_undone(graded):
    """c_gradebook_loop's code looks for gradebook.db above its folder and writes manual
    grades into it.  In the sandbox it finds nothing; without one (a machine that
    forbids namespaces) whatever it wrote is discarded and reported."""
    summary = graded["summary"]
    if NO_SANDBOX:
        assert summary["sandbox"] == "off" and summary["manual_grades_changed"], summary
        assert "已撤销" in graded["stdout"]
    else:
        assert summary["sandbox"] == "bwrap", summary
        assert summary["manual_grades_changed"] == [] and "已撤销" not in graded["stdout"], summary
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded['ws'] / 'gradebook.db'}", "ecom-ops") as gb:
        for sub in gb.assignment_submissions(M):
            for nb in sub.notebooks:
                for g in nb.grades:
                    assert g.manual_score is None and g.extra_credit is None, (sub.student.id, g.name)


def test_submitted_files_are_never_modified(graded):
    assert graded["before"] == graded["after"]
    assert graded["summary"]["modified_submissions"] == []
    assert "哈希一致" in graded["stdout"]


def test_gradebook_backed_up_before_each_run(graded):
    backups = list((graded["ws"] / ".grading" / "backups").glob("gradebook-*-before-autograde-*.db"))
    assert backups


def test_feedback_shows_directions_never_tests_or_solutions(graded):
    ws = graded["ws"]
    grading(ws, "feedback", M)
    page = (ws / "feedback" / "s_79" / M / "00_成绩反馈.html").read_text(encoding="utf-8")
    assert "日常价应为活动前的日常售价" in page and "库存低于多少自动下架" in page and "九折后的价格" in page
    assert "提升方向：提升方向" not in page
    assert ">79<" in page
    # the pages nbgrader release_feedback hands to hub students carry the same summary, once
    notebook_pages = [f for f in (ws / "feedback" / "s_79" / M).glob("*.html") if f.name != "00_成绩反馈.html"]
    assert notebook_pages
    for f in notebook_pages:
        html = f.read_text(encoding="utf-8")
        assert html.count("course-summary -->") == 2 and ">79<" in html and "日常价应为活动前的日常售价" in html, f
    grading(ws, "feedback", M)  # again: the summary is replaced, not added twice
    assert notebook_pages[0].read_text(encoding="utf-8").count("<!-- course-summary -->") == 1
    for student in ("s_79", "s_blank", "c_patch_eq"):
        for f in (ws / "feedback" / student / M).glob("*.html"):
            html = f.read_text(encoding="utf-8")
            assert "BEGIN HIDDEN TESTS" not in html and "_c.check" not in html and "_expected" not in html, f
    for f in (ws / "feedback" / "s_blank" / M).glob("*.html"):
        html = f.read_text(encoding="utf-8")
        assert "北欧家居旗舰店" not in html and '库存预警线": 10' not in html  # no reference answer


def test_manual_grades_and_remarks_survive_reautograde(graded, tmp_path):
    ws = graded["ws"]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{ws / 'gradebook.db'}", "ecom-ops") as gb:
        g = gb.find_grade("d5_remark", "02_price", M, "s_full")
        g.manual_score = 8.0
        c = gb.find_comment("d5_remark", "02_price", M, "s_full")
        c.manual_comment = "结构清晰，建议补充风险预案"
        g2 = gb.find_grade("d1_top", "01_shop", M, "s_79")
        g2.manual_score = 19.0  # a TA overrides one autograded cell
        gb.db.commit()
    grading(ws, "autograde", M, "--student", "s_full", "--student", "s_79", "--timeout", "30", "--quiet", *UNSAFE)
    with Gradebook(f"sqlite:///{ws / 'gradebook.db'}", "ecom-ops") as gb:
        assert gb.find_grade("d5_remark", "02_price", M, "s_full").manual_score == 8.0
        assert gb.find_comment("d5_remark", "02_price", M, "s_full").manual_comment == "结构清晰，建议补充风险预案"
        assert gb.find_grade("d1_top", "01_shop", M, "s_79").manual_score == 19.0
        assert gb.find_grade("d1_top", "01_shop", M, "s_79").auto_score == 20.0
    rows = export_rows(ws, tmp_path)
    assert float(rows["s_full"]["备注"]) == 8 and float(rows["s_full"]["总分"]) == 98
    assert rows["s_full"]["评语"].startswith("结构清晰，建议补充风险预案")
    assert len(list((ws / ".grading" / "backups").glob("*.db"))) >= 2


def test_plain_nbgrader_autograde_is_rechecked_by_the_hook(graded, monkeypatch):
    ws = graded["ws"]
    if NO_SANDBOX:
        monkeypatch.setenv("GRADING_SANDBOX", "off")
    harness.nbgrader(ws, "autograde", M, "--force", "--student", "c_patch_eq")
    sc = scores(ws)["c_patch_eq"]
    assert auto_total(sc) == 0, sc
    res = json.loads((ws / ".grading" / "results" / M / "c_patch_eq.json").read_text(encoding="utf-8"))
    assert "post_convert_hook" in res.get("via", "")


def test_teacher_sample_and_agreement_commands(graded, tmp_path):
    ws = graded["ws"]
    out = tmp_path / "抽样.csv"
    proc = grading(ws, "recheck", M, "--fraction", "0.2", "--seed", "3", "--out", str(out))
    assert "助教A" in proc.stdout and "助教B" in proc.stdout
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["教师-标题关键词准确性"] = r["标题关键词准确性"]
    rows[0]["教师-标题关键词准确性"] = str(float(rows[0]["标题关键词准确性"]) + 9)
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    proc = grading(ws, "agreement", M, "--from", str(out))
    assert "平均绝对差" in proc.stdout and rows[0]["学号"] in proc.stdout.split("差异超过")[1]


def test_release_zip_for_learning_platforms(graded):
    import zipfile

    z = graded["ws"] / "zips" / f"{M}.zip"
    names = zipfile.ZipFile(z).namelist()
    assert f"{M}/01_shop.ipynb" in names and f"{M}/使用说明.txt" in names
    assert any(n.startswith(f"{M}/course/") for n in names) and any(n.startswith(f"{M}/data/") for n in names)
    assert not any(n.endswith(".answers.json") for n in names)
    nb = nbformat.reads(zipfile.ZipFile(z).read(f"{M}/02_price.ipynb").decode(), as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN HIDDEN" not in text and '库存预警线": 10' not in text


def test_release_refuses_a_source_with_answer_files(graded, tmp_path):
    ws = ensure_workspace(tmp_path / "classroom", modules=())
    fixture.build(ws / "source")
    (ws / "source" / M / "01_shop.answers.json").write_text("{}")
    proc = grading(ws, "release", M, check=False)
    assert proc.returncode == 1 and "拒绝发布" in proc.stderr and "01_shop.answers.json" in proc.stderr
