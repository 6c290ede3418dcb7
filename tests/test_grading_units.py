"""Fast tests of the grading layer's parts (no kernels, no nbgrader runs):
roster, collect from zips and folders, submission staging, export files,
the re-check's helpers and the teacher's sample."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import zipfile
from pathlib import Path

import nbformat
import pytest

from grading import collect, fixture, gradebook, guard, recheck, roster, sampling
from grading.authoring import Notebook
from grading.gradebook import Workspace
from grading.workspace import ensure_workspace

M = fixture.MODULE


# -- a tiny workspace: the fixture as module one, a stub module two ----------------


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    root = ensure_workspace(tmp_path_factory.mktemp("units") / "classroom", modules=())
    fixture.build(root / "source")
    nb = Notebook("module2_campaign", "01_plan")
    nb.code('import course\ncourse.start("module2_campaign", "01_plan")')
    nb.answer("d1_plan_answer", "plan = None\n### BEGIN SOLUTION\nplan = 1\n### END SOLUTION")
    nb.save(root / "source" / "module2_campaign" / "01_plan.ipynb")
    w = Workspace(root)
    studs = roster.assign_tas(
        [
            roster.Student("2023001", "张三"),
            roster.Student("2023002", "李四"),
            roster.Student("2023003", "王五"),
            roster.Student("2023004", "张三丰"),
        ],
        ["助教A", "助教B"],
    )
    roster.write(studs, w.roster_path)
    return w


def released(ws: Workspace, stem: str) -> bytes:
    nb = nbformat.read(ws.source(M) / f"{stem}.ipynb", as_version=4)
    return nbformat.writes(nb).encode()


# -- roster -----------------------------------------------------------------------


def test_roster_csv_chinese_headers_and_gbk(tmp_path):
    p = tmp_path / "名单.csv"
    p.write_bytes("学号,姓名,助教\n2023001,张三,助教A\n2023002,李四,\n".encode("gb18030"))
    studs = roster.read(p, ["助教A", "助教B"])
    assert [(s.id, s.name) for s in studs] == [("2023001", "张三"), ("2023002", "李四")]
    assert studs[0].ta == "助教A" and studs[1].ta in ("助教A", "助教B")


def test_roster_excel_numeric_ids_and_english_headers(tmp_path):
    import pandas as pd

    p = tmp_path / "roster.xlsx"
    pd.DataFrame({"Student_ID": [2023001, 2023002], "Name": ["张三", "李四"], "Email": ["a@x.cn", ""]}).to_excel(
        p, index=False
    )
    studs = roster.read(p)
    assert [s.id for s in studs] == ["2023001", "2023002"]
    assert studs[0].email == "a@x.cn"


@pytest.mark.parametrize(
    "text,needle",
    [
        ("姓名\n张三\n", "学号"),
        ("学号,姓名\n2023001,张三\n2023001,李四\n", "重复"),
        ("学号,姓名\n20 23/001,张三\n", "只能包含"),
        ("", "空的"),
    ],
)
def test_roster_errors_are_chinese(tmp_path, text, needle):
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(roster.RosterError, match=needle):
        roster.read(p)


def test_roster_normalised_file_round_trips(tmp_path):
    studs = [roster.Student("2023001", "张三", "助教A", "")]
    roster.write(studs, tmp_path / "roster.csv")
    assert (tmp_path / "roster.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert roster.read(tmp_path / "roster.csv") == studs


# -- time -----------------------------------------------------------------------------


def test_timestamps_round_trip_through_nbgrader():
    from nbgrader.utils import parse_utc

    when = dt.datetime(2026, 12, 7, 12, 35)
    utc = parse_utc(gradebook.timestamp_text(when))
    assert utc == dt.datetime(2026, 12, 7, 4, 35)
    assert gradebook.to_beijing_naive(utc) == when
    assert gradebook.to_utc_naive(when) == utc


# -- collect --------------------------------------------------------------------------


def _zip_bytes(entries: dict[str, tuple[bytes, tuple]], utf8: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, (data, when) in entries.items():
            info = zipfile.ZipInfo(name, date_time=when)
            zf.writestr(info, data)
    return buf.getvalue()


def test_collect_from_nested_zip(ws, tmp_path):
    on_time, late = (2026, 12, 7, 10, 0, 0), (2026, 12, 8, 9, 0, 0)
    shop, price = released(ws, "01_shop"), released(ws, "02_price")
    answers = json.dumps({"format": 1, "notebook": "01_shop", "forms": {}, "exports": {}}).encode()
    inner = _zip_bytes({"module1_listing/01_shop.ipynb": (shop, late), "module1_listing/02_price.ipynb": (price, late)})
    plan = nbformat.writes(nbformat.read(ws.source("module2_campaign") / "01_plan.ipynb", as_version=4)).encode()
    outer = tmp_path / "下载.zip"
    with zipfile.ZipFile(outer, "w") as zf:

        def add(name, data, when=on_time, attr=None):
            info = zipfile.ZipInfo(name, date_time=when)
            if attr is not None:
                info.external_attr = attr
            zf.writestr(info, data)

        add("2023001_张三_01_shop.ipynb", shop)
        add("2023001_张三_02_price.ipynb", price)
        add("2023001_张三_任意改名.answers.json", answers)  # recognised by its content
        add("2023001_张三_02_price (1).ipynb", price, (2026, 12, 7, 9, 0, 0))  # older duplicate
        add("2023002_李四_module1_listing.zip", inner, late)  # a zip inside the zip
        add("王五/作业/02_price.ipynb", price)  # matched by name, in a folder
        add("9999999_旁听_01_shop.ipynb", shop)  # not on the roster
        add("2023001_张三_01_plan.ipynb", plan)  # another module
        add("2023004_张三丰_01_shop.ipynb", b"{ not json")  # broken, still collected
        add("../../2023001_张三_01_shop.ipynb", shop)  # path trick
        add("/etc/2023001_张三_02_price.ipynb", price)  # absolute path
        add("2023002_李四_link.ipynb", "/work/main/module1_listing/x.ipynb", attr=0o120777 << 16)  # symlink
        add("readme.txt", b"hi")
    rep = collect.collect_from(ws, M, outer, roster.load(ws))
    text = collect.render(rep, ws)
    assert set(rep.collected) == {"2023001", "2023002", "2023003", "2023004"}
    s1 = ws.submitted("2023001", M)
    assert sorted(p.name for p in s1.iterdir()) == [
        "01_shop.answers.json",
        "01_shop.ipynb",
        "02_price.ipynb",
        "timestamp.txt",
    ]
    assert (s1 / "02_price.ipynb").read_bytes() == price
    assert "2026-12-07 10:00" in (s1 / "timestamp.txt").read_text()
    assert (
        rep.collected["2023002"]["late"]
        and "2026-12-08 09:00" in (ws.submitted("2023002", M) / "timestamp.txt").read_text()
    )
    assert rep.collected["2023003"]["notebooks"] == ["02_price"]
    assert any("9999999" in u for u in rep.unmatched)
    assert any("01_plan" in w and "module2_campaign" in w for w in rep.wrong_module)
    assert any("02_price" in d and "保留" in d for d in rep.duplicates)
    assert any("2023004" in b and "JSON" in b for b in rep.broken)
    assert len(rep.unsafe) == 3 and any("符号链接" in u for u in rep.unsafe)
    assert any("readme.txt" in i for i in rep.ignored)
    assert "未提交" not in text or "2023" not in text.split("未提交")[1].split("\n")[1]
    assert (
        not (ws.root.parent / "2023001_张三_01_shop.ipynb").exists()
        and not Path("/etc/2023001_张三_02_price.ipynb").exists()
    )
    # collecting an older download again never overwrites a newer submission
    older = tmp_path / "older.zip"
    older.write_bytes(_zip_bytes({"2023002_李四_01_shop.ipynb": (shop, on_time)}))
    rep2 = collect.collect_from(ws, M, older, roster.load(ws))
    assert rep2.kept_existing and "2026-12-08 09:00" in (ws.submitted("2023002", M) / "timestamp.txt").read_text()


def test_collect_gbk_zip_names_and_folders(ws, tmp_path):
    shop = released(ws, "01_shop")
    # a GBK-named entry without the UTF-8 flag, as Chinese Windows zip tools write
    gbk = "2023003_王五_01_shop.ipynb".encode("gb18030")
    placeholder = b"q" * len(gbk)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo(placeholder.decode(), date_time=(2026, 12, 7, 11, 0, 0)), shop)
    z = tmp_path / "gbk.zip"
    z.write_bytes(buf.getvalue().replace(placeholder, gbk))
    items = collect.gather(z, collect.Report(M))
    assert items[0].name == "2023003_王五_01_shop.ipynb"
    # a folder download with per-student folders; file times become the submission time
    d = tmp_path / "folder"
    (d / "2023004_张三丰").mkdir(parents=True)
    f = d / "2023004_张三丰" / "01_shop.ipynb"
    f.write_bytes(shop)
    when = dt.datetime(2026, 12, 7, 11, 30, tzinfo=gradebook.BEIJING).timestamp()
    os.utime(f, (when, when))
    os.symlink(ws.source(M) / "02_price.ipynb", d / "2023004_张三丰" / "02_price.ipynb")
    rep = collect.collect_from(ws, M, d, roster.load(ws))
    assert "2023004" in rep.collected and rep.collected["2023004"]["time"] == "2026-12-07 11:30"
    assert any("符号链接" in u for u in rep.unsafe)
    assert not (ws.submitted("2023004", M) / "02_price.ipynb").exists()


def test_collect_needs_roster_and_existing_path(ws, tmp_path):
    with pytest.raises(collect.CollectError, match="名单"):
        collect.collect_from(ws, M, tmp_path, [])
    with pytest.raises(collect.CollectError, match="找不到"):
        collect.gather(tmp_path / "nope.zip", collect.Report(M))


# -- staging ------------------------------------------------------------------------------


def test_staging_sanitises_and_never_touches_submission(ws):
    from grading.worker import stage

    sub = ws.submitted("2023099", M)
    sub.mkdir(parents=True)
    (sub / "01_shop.ipynb").write_bytes(released(ws, "01_shop"))
    (sub / "02_price.ipynb").write_text("{ broken", encoding="utf-8")
    (sub / "01_shop.answers.json").write_text(
        json.dumps(
            {
                "format": 1,
                "notebook": "01_shop",
                "forms": {"shop": {"raw": {"name": "店"}}},
                "exports": {"shop": {"kind": "plain", "value": {"name": "北欧家居旗舰店", "price": 499.0}}},
            }
        ),
        encoding="utf-8",
    )
    (sub / "02_price.answers.json").symlink_to(ws.source(M) / "02_price.ipynb")
    (sub / "course").mkdir()
    (sub / "course" / "__init__.py").write_text("def start(*a): pass\n")
    (sub / "pandas.py").write_text("raise SystemExit\n")
    (sub / "a\nb.ipynb").write_text("{}")
    before = gradebook.tree_hashes(sub)
    folder, notes, answers = stage(ws, M, "2023099")
    assert sorted(p.name for p in folder.iterdir()) == ["01_shop.answers.json", "01_shop.ipynb", "timestamp.txt"]
    assert answers["01_shop"]["exports"] == {} and answers["01_shop"]["forms"]
    assert json.loads((folder / "01_shop.answers.json").read_text())["exports"] == {}
    joined = "\n".join(notes)
    for needle in ("02_price.ipynb", "符号链接", "course", "pandas.py", "预先写入", "修改时间"):
        assert needle in joined, (needle, notes)
    assert gradebook.tree_hashes(sub) == before


# -- the re-check's helpers -----------------------------------------------------------------


def test_export_statements_single_and_multi_line():
    src = (
        'x = 1\n### BEGIN HIDDEN TESTS\n_v = course.export("a", globals().get("a"))\n'
        '_w = course.export("b", {"t": None if globals().get("t") is None\n'
        "                          else list(t)})\n_c = 1\n"
    )
    found = guard.export_lines(src)
    assert [n for _, n in found] == ["a", "b"]
    assert found[1][0].count("\n") == 1
    assert [n for _, n in guard.export_lines('%time _v = course.export("c", c)\n_v = course.export("d", d)')] == ["d"]


def test_exported_variables_and_hidden_split():
    src = 'selfcheck(top)\n### BEGIN HIDDEN TESTS\n_v = course.export("top_x", globals().get("top"))\n_c.score()'
    assert recheck.exported_variables(src) == {"top": "top_x"}
    vis, hid = recheck.split_hidden(src)
    assert vis == "selfcheck(top)\n" and hid.startswith("### BEGIN HIDDEN TESTS")
    assert recheck.split_hidden("1 + 1") == ("", "1 + 1")


def test_build_answers_prefers_snapshots():
    staged = {"forms": {"f": {"raw": {}}}, "exports": {}}
    final = {"exports": {"a": {"kind": "plain", "value": "tampered"}, "b": {"kind": "plain", "value": 2}}}
    ans, notes = recheck.build_answers(staged, {"a": {"kind": "plain", "value": "snap"}, "c": None}, final, "nb")
    assert ans["exports"]["a"]["value"] == "snap"
    assert ans["exports"]["b"]["value"] == 2 and "c" not in ans["exports"]
    assert ans["forms"] == staged["forms"] and len(notes) == 1


@pytest.fixture(scope="module")
def client():
    c = recheck.Client()
    yield c
    c.close()


def test_clean_recheck_engine_scores_plain_data(ws, client):
    src = ws.source(M) / "02_price.ipynb"
    good = {
        "margin": {
            "kind": "plain",
            "value": {"毛利": 199.0, "毛利率": 0.3988, "保本价": 300.0, "折后价": 449.1, "折后毛利率": 0.332},
        },
        "plan": {
            "kind": "plain",
            "value": {"预热天数": 3, "爆发天数": 1, "返场天数": 2, "风险准备金比例": 0.1, "库存预警线": 9},
        },
    }
    reply = client.run(src, {"format": 1, "notebook": "02_price", "forms": {}, "exports": good}, ws.source(M))
    cells = reply["cells"]
    assert cells["d2_margin"]["score"] == 25.0
    assert cells["d3_plan"]["score"] == 16.0
    assert any("库存" in m for m in cells["d3_plan"]["messages"])
    # no answers at all, or hostile JSON: 0, never a crash
    deep = {"kind": "plain", "value": json.loads("[" * 5000 + "]" * 5000) if False else [[[[[]]]]]}
    reply = client.run(
        src,
        {"format": 1, "notebook": "02_price", "forms": {}, "exports": {"margin": deep, "plan": {"kind": "dataframe"}}},
        ws.source(M),
    )
    assert reply["cells"]["d2_margin"]["score"] == 0.0 and reply["cells"]["d3_plan"]["score"] == 0.0
    reply = client.run(src, None, ws.source(M))
    assert all(c["score"] == 0.0 for c in reply["cells"].values())


def test_clean_recheck_reports_a_test_cell_that_runs_too_long(tmp_path, client):
    """The alarm's exception is caught inside IPython's run_cell; it is still reported as a timeout."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nwhile True:\n    pass\n### END HIDDEN TESTS")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "d1_loop", "points": 2, "solution": False, "locked": True}
    nb.cells = [cell]
    src = tmp_path / "loop.ipynb"
    nbformat.write(nb, src)
    reply = client.run(src, None, tmp_path, cell_seconds=1)
    assert reply["cells"]["d1_loop"]["error"] == "复核超时（1 秒）" and reply["cells"]["d1_loop"]["score"] == 0.0


# -- exports and the teacher's sample ---------------------------------------------------------


def _table():
    from grading import export

    cols = export.columns(M)
    rows = []
    for sid, name, vals, note in [
        ("2023001", "张三", [28, 20, 16, 15, 0], ""),
        ("2023002", "李四", [30, 25, 20, 15, 0], ""),
        ("2023003", "王五", [0, 0, 0, 0, 0], "【未提交】"),
    ]:
        r = {"学号": sid, "姓名": name, "模块": "模块一", "总分": float(sum(vals)), "评语": note}
        r.update(dict(zip(cols[3:-2], map(float, vals))))
        rows.append(r)
    return {M: rows}


def test_csv_has_bom_columns_in_weight_order_and_sums(tmp_path):
    from grading import export

    p = export.write_csv(_table(), tmp_path / "s.csv")[0]
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
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
    assert [r[8] for r in rows[1:]] == ["79", "90", "0"]
    for r in rows[1:]:
        assert sum(float(x) for x in r[3:8]) == float(r[8])


def test_excel_sheets(tmp_path):
    from openpyxl import load_workbook

    from grading import export

    p = export.write_excel(_table(), tmp_path / "s.xlsx")
    wb = load_workbook(p)
    assert wb.sheetnames == ["汇总", "模块一", "说明"]
    assert [c.value for c in wb["模块一"][1]][:3] == ["学号", "姓名", "模块"]
    assert [c.value for c in wb["汇总"][2]] == ["2023001", "张三", 79.0, 79.0]


def test_sample_is_stratified_by_ta_and_agreement(ws, monkeypatch, tmp_path):
    rows = []
    for i in range(20):
        r = {
            "学号": f"30{i:02d}",
            "姓名": f"学生{i}",
            "模块": "模块一",
            "标题关键词准确性": 20.0,
            "详情页逻辑性": 20.0,
            "SKU合理性": 10.0,
            "提交时效性": 15.0,
            "备注": 5.0,
            "总分": 70.0,
            "评语": "",
        }
        rows.append(r)
    rows.append({**rows[0], "学号": "3099", "评语": "【未提交】"})
    monkeypatch.setattr(sampling, "module_rows", lambda ws, gb, m: [dict(r) for r in rows])
    monkeypatch.setattr(sampling, "gradebook", lambda ws: contextlib.nullcontext())
    monkeypatch.setattr(
        sampling,
        "load_roster",
        lambda ws: [roster.Student(r["学号"], r["姓名"], "助教A" if i < 15 else "助教B") for i, r in enumerate(rows)],
    )
    sample, seed = sampling.draw(ws, M, 0.2, seed=7)
    by_ta = {}
    for r in sample:
        by_ta.setdefault(r["助教"], []).append(r["学号"])
    assert len(by_ta["助教A"]) == 3 and len(by_ta["助教B"]) == 1 and "3099" not in sum(by_ta.values(), [])
    assert sampling.draw(ws, M, 0.2, seed=7)[0] == sample
    out = sampling.write_sample(ws, M, sample, tmp_path / "s.csv")
    with open(out, encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    for k, r in enumerate(table):
        r["教师-标题关键词准确性"] = "20" if k else "10"
        r["教师-详情页逻辑性"] = "20"
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(table[0]))
        w.writeheader()
        w.writerows(table)
    rep = sampling.agreement(ws, M, out, margin=5)
    assert rep["compared"] == 4
    assert rep["mad"]["标题关键词准确性"] == 2.5 and rep["mad"]["详情页逻辑性"] == 0.0
    assert [f["学号"] for f in rep["flagged"]] == [table[0]["学号"]]
    assert "差异超过 5 分的提交：1 份" in sampling.render_agreement(rep, ws)


# -- guarded execution: a kernel that dies at start-up is replaced --------------------


def test_kernel_that_dies_at_startup_is_started_again(tmp_path):
    """Two kernels starting at once can pick the same TCP port; the loser dies before
    it answers.  GuardedExecute then starts another one (no student code has run
    yet) instead of failing the whole submission.  Here the first kernel process
    exits at once, as such a kernel does."""
    import sys

    import nbformat
    from jupyter_client.manager import AsyncKernelManager

    from grading.guard import GuardedExecute

    started = []

    class FirstKernelDies(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            started.append(self)
            if len(started) == 1:
                return [sys.executable, "-c", "import sys; sys.exit('Address already in use')"]
            return super().format_kernel_cmd(extra_arguments)

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    ep = GuardedExecute(kernel_manager_class=FirstKernelDies, kernel_name="python3", startup_timeout=30)
    out, _ = ep.preprocess(
        nb, {"metadata": {"path": str(tmp_path)}, "nbgrader": {"student": "s", "assignment": "a", "notebook": "n"}}
    )
    assert len(started) == 2, "the first kernel should have died and a second one been started"
    assert out.cells[0].outputs[0]["text"] == "42\n"


def test_kernel_that_never_starts_fails_after_the_set_attempts(tmp_path):
    import sys

    import nbformat
    import pytest as _pytest
    from jupyter_client.manager import AsyncKernelManager

    from grading.guard import GuardedExecute

    started = []

    class NeverStarts(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            started.append(self)
            return [sys.executable, "-c", "import sys; sys.exit(1)"]

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(1)")]
    ep = GuardedExecute(kernel_manager_class=NeverStarts, kernel_name="python3", startup_timeout=10, start_attempts=2)
    with _pytest.raises(Exception):  # noqa: B017 -- whatever jupyter_client raises; the point is the retry count
        ep.preprocess(
            nb, {"metadata": {"path": str(tmp_path)}, "nbgrader": {"student": "s", "assignment": "a", "notebook": "n"}}
        )
    assert len(started) == 2
