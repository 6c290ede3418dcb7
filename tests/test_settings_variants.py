"""Acceptance of issue 15: a teacher changes the settings alone, and grading follows.

Three changed settings files, each a copy of ``course/settings.yaml`` with a few
lines edited the way a teacher would:

* ``thresholds``: thresholds moved in every module (title width, white
  background share, GMV target, new-customer conversion, budget, risk reserve,
  conversion target, 投产比 and ROI floors, cart rate, high-value AOV,
  frequency cap, lost-customer days, wake-up coupon) and the late penalty;
* ``product``: another featured product (P004) for modules 1 and 2;
* ``rubric``: every module's weights changed and reordered, 备注 first.

For each one a class workspace releases every module (``grading release`` with
``COURSE_SETTINGS``) and the student text is checked for the new values (and
for the absence of the old ones where they are distinctive).  The reference
answers (the source notebooks) and a blank release are graded under the real
``grading autograde`` (nbgrader, sandbox, clean re-check): every automatic
point for the reference, 0 for the blank.  Graded per variant, to stay fast
(one ``autograde`` per module, both students in it): every module for the
moved thresholds (each module reads its own); modules 1 and 2 for the product
(the only modules that feature it; modules 3 and 4 do not read it); one module
for the reordered rubric (cell scores do not depend on weights or order: only
the sheet does, and it is checked for every module).  Finally ``grading
export`` writes a sheet whose columns follow each settings file's order.

Fast tests in the same file: the rubric order in rubric/export/feedback without
nbgrader, the literal search of every module's hidden tests, and the derived
teacher material a changed settings file makes stale.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import harness
import pytest

REPO = harness.REPO
DEFAULT = REPO / "course" / "settings.yaml"
MODULES = ("module1_listing", "module2_campaign", "module3_analytics", "module4_crm")
ON_TIME = "2026-12-06 09:00:00.000000"  # UTC, as nbgrader reads it: before every module's due time


# -- the three settings files --------------------------------------------------------------


def _edit(text: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, f"settings.yaml changed: {old!r} is no longer there once"
        text = text.replace(old, new)
    return text


#: (line in settings.yaml, the teacher's new line)
THRESHOLD_EDITS = [
    ("    title_width_min: 30\n", "    title_width_min: 26\n"),
    ("    title_width_max: 60\n", "    title_width_max: 58\n"),
    ("    white_background_share_min: 0.60\n", "    white_background_share_min: 0.50\n"),
    ("    gmv_target: 50000\n", "    gmv_target: 64000\n"),
    ("    new_customer_conversion_target: 0.08\n", "    new_customer_conversion_target: 0.09\n"),
    ("    budget_total: 6000\n", "    budget_total: 7200\n"),
    ("    risk_reserve_share: 0.10\n", "    risk_reserve_share: 0.15\n"),
    ("  analytics:\n    conversion_target: 0.08\n", "  analytics:\n    conversion_target: 0.07\n"),
    ("    gmv_ratio_floor: 2.0\n", "    gmv_ratio_floor: 2.2\n"),
    ("    roi_floor: 2.0\n", "    roi_floor: 2.5\n"),
    ("    normal_cart_rate: 0.25\n", "    normal_cart_rate: 0.22\n"),
    ("    high_value_min_aov: 500\n", "    high_value_min_aov: 450\n"),
    ("    frequency_cap_messages: 2\n", "    frequency_cap_messages: 3\n"),
    ("    lost_days_min: 60\n", "    lost_days_min: 75\n"),
    ("    wakeup_coupon: 50\n", "    wakeup_coupon: 40\n"),
    ("  penalty_per_day: 5\n", "  penalty_per_day: 4\n"),
]
#: what the released text of a module must now say, and what it must no longer say
THRESHOLD_TEXT = {
    "module1_listing": (["26-58", "50%"], ["30-60"]),
    "module2_campaign": (["64,000", "9%", "7,200", "15%"], ["50,000", "6,000"]),
    "module3_analytics": (["7%", "2.2", "2.5", "22%"], []),
    "module4_crm": (["450", "75"], []),
}
FEATURED = "P004"
#: every module: new weights, 备注 first (ids move with their rows)
RUBRIC_ORDER = ["d5", "d3", "d1", "d4", "d2"]
RUBRIC_WEIGHTS = {"d5": 5, "d3": 25, "d1": 35, "d4": 15, "d2": 20}


def thresholds_moved(text: str) -> str:
    return _edit(text, THRESHOLD_EDITS)


def other_product(text: str) -> str:
    return _edit(text, [("  product_id: P001\n", f"  product_id: {FEATURED}\n")])


def reordered_rubric(text: str) -> str:
    """Each module's five rubric lines in RUBRIC_ORDER with RUBRIC_WEIGHTS."""
    line = re.compile(r"^      - \{id: (d\d), name: ([^,]+), weight: (\d+), kind: (\w+)\}\n", re.M)
    out, pos = [], 0
    blocks = list(re.finditer(r"(?:^      - \{id: d\d.*\}\n){5}", text, re.M))
    assert len(blocks) == 4, "settings.yaml: four rubric blocks of five lines expected"
    for block in blocks:
        rows = {m.group(1): m for m in line.finditer(block.group(0))}
        new = "".join(
            f"      - {{id: {d}, name: {rows[d].group(2)}, weight: {RUBRIC_WEIGHTS[d]}, kind: {rows[d].group(4)}}}\n"
            for d in RUBRIC_ORDER
        )
        out += [text[pos : block.start()], new]
        pos = block.end()
    return "".join(out) + text[pos:]


VARIANTS = {"thresholds": thresholds_moved, "product": other_product, "rubric": reordered_rubric}
GRADED = {"thresholds": MODULES, "product": ("module1_listing", "module2_campaign"), "rubric": ("module4_crm",)}


def write_variant(name: str, folder: Path) -> Path:
    path = Path(folder) / f"settings-{name}.yaml"
    path.write_text(VARIANTS[name](DEFAULT.read_text(encoding="utf-8")), encoding="utf-8")
    return path


class use_settings:
    """``COURSE_SETTINGS`` for this process while the block runs (kernels and commands get it too)."""

    def __init__(self, path: Path):
        self.path, self.old = path, None

    def __enter__(self):
        self.old = os.environ.get("COURSE_SETTINGS")
        os.environ["COURSE_SETTINGS"] = str(self.path)
        return self.path

    def __exit__(self, *exc):
        if self.old is None:
            os.environ.pop("COURSE_SETTINGS", None)
        else:
            os.environ["COURSE_SETTINGS"] = self.old


@pytest.mark.parametrize("name", list(VARIANTS))
def test_each_settings_file_is_valid_and_changed(name, tmp_path):
    from course import settings

    path = write_variant(name, tmp_path)
    assert path.read_text(encoding="utf-8") != DEFAULT.read_text(encoding="utf-8")
    settings.load(path)  # raises a SettingsError naming the line if a variant is invalid


def test_rubric_variant_puts_remark_first(tmp_path):
    from course import settings

    with use_settings(write_variant("rubric", tmp_path)):
        for m in MODULES:
            dims = settings.rubric(m)
            assert [d.id for d in dims] == RUBRIC_ORDER and dims[0].kind == "remark"
            assert sum(d.weight for d in dims) == 100


# -- the rubric follows kind and id, never position (no nbgrader) -----------------------------


def test_table6_row_export_and_feedback_follow_ids(tmp_path):
    from grading import export, feedback, rubric
    from grading.gradebook import SubmissionGrades

    module = "module1_listing"
    due = dt.datetime(2026, 12, 7, 12, 30)
    sg = SubmissionGrades("s1", module, True, due - dt.timedelta(hours=1), due)
    sg.grades = {"d1_title": (15.0, 30.0), "d2_detail": (25.0, 25.0), "d3_sku": (10.0, 20.0), "d5_remark": (None, 10.0)}
    sg.cells = {
        g: {
            "notebook": "x",
            "auto": s,
            "manual": None,
            "max": m,
            "type": "markdown" if g == "d5_remark" else "code",
            "needs_manual": g == "d5_remark",
        }
        for g, (s, m) in sg.grades.items()
    }
    sg.comments = {"d1_title": "标题再短一点", "d5_remark": "整体不错"}
    with use_settings(write_variant("rubric", tmp_path)):
        names = {d.id: d.name for d in rubric.dimensions(module)}
        row = rubric.row(module, sg.grades, sg.timestamp, sg.due)
        # d1 35 * 15/30, d2 20 * 25/25, d3 25 * 10/20, timeliness 15 on time, remark 0 until graded
        assert list(row) == [names[d] for d in RUBRIC_ORDER] + ["总分"]
        assert [row[names[d]] for d in RUBRIC_ORDER] == [0.0, 12.5, 17.5, 15.0, 20.0] and row["总分"] == 65.0
        assert export.columns(module)[3:-2] == [names[d] for d in RUBRIC_ORDER]
        assert rubric.remark_first(module, sg.comments) == ["整体不错", "标题再短一点"]
        assert rubric.is_remark(module, "d5_remark") and not rubric.is_remark(module, "d1_title")
        assert "备注待助教评分" in export._system_notes(module, sg, None)
        assert feedback.remark_status(sg, "d5") == "助教尚未评分"
        page = feedback.summary_html(_FakeWorkspace(), module, "s1", "张三", sg, None)
        order = [page.index(f"<tr><td>{names[d]}</td>") for d in RUBRIC_ORDER]
        assert order == sorted(order), "feedback rows follow the settings' order"
        assert page.index("整体不错") < page.index("标题再短一点")


class _FakeWorkspace:
    def notebooks(self, module):
        return []


# -- hidden tests hold no literals ------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_hidden_tests_hold_no_literal_thresholds_or_shop_words(module):
    from grading.release_check import literal_problems

    assert literal_problems(module) == []


# -- derived teacher material: what a changed settings file makes stale ----------------------------


def _rebuild(*args: str, settings: Path | None = None) -> subprocess.CompletedProcess:
    env = harness.env(**({"COURSE_SETTINGS": str(settings)} if settings else {}))
    return subprocess.run(
        [sys.executable, "-m", "course.teacher.rebuild", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=str(REPO),
    )


def test_committed_material_matches_the_default_settings():
    out = _rebuild("--check", "--only", "templates,redlines,glossary")
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize(
    "name,stale,fresh",
    [
        (
            "thresholds",
            [
                "glossary.md",
                "redlines.md",
                "表1_商品上架信息核对表.xlsx",
                "表2_营销活动效果跟踪表.xlsx",
                "表3_用户分层运营策略表.xlsx",
            ],
            [],
        ),
        ("product", ["表1_商品上架信息核对表.xlsx"], ["glossary.md", "redlines.md", "表3_用户分层运营策略表.xlsx"]),
    ],
)
def test_check_names_the_stale_files_and_rebuild_writes_them(name, stale, fresh, tmp_path):
    settings = write_variant(name, tmp_path)
    only = ("--only", "templates,redlines,glossary")
    out = _rebuild("--check", *only, settings=settings)
    assert out.returncode == 1 and "检查通过" in out.stdout, out.stdout + out.stderr
    for f in stale:
        assert f in out.stdout, (f, out.stdout)
    for f in fresh:
        assert f not in out.stdout, (f, out.stdout)
    target = tmp_path / "class"
    assert _rebuild(*only, "--out", str(target), settings=settings).returncode == 0
    assert _rebuild("--check", *only, "--out", str(target), settings=settings).returncode == 0
    written = sorted(p.name for p in target.rglob("*") if p.is_file())
    assert written == sorted(
        [
            "glossary.md",
            "redlines.md",
            "表1_商品上架信息核对表.xlsx",
            "表2_营销活动效果跟踪表.xlsx",
            "表3_用户分层运营策略表.xlsx",
        ]
    )


def test_rebuilt_material_states_the_new_values(tmp_path):
    import openpyxl

    target = tmp_path / "class"
    for name in ("thresholds", "product"):
        assert (
            _rebuild(
                "--only",
                "templates,redlines,glossary",
                "--out",
                str(target / name),
                settings=write_variant(name, tmp_path),
            ).returncode
            == 0
        )
    res = target / "thresholds" / "course" / "resources"
    glossary = (res / "glossary.md").read_text(encoding="utf-8")
    assert "标题宽度须在 26～58 之间" in glossary and "30～60" not in glossary
    assert "活动目标 GMV 64,000 元" in glossary and "客单价 ≥ 450 元" in glossary
    assert "最多收到 3 条营销消息" in glossary and "每开始一天扣 4 分" in glossary
    assert "不超过 3 条" in (res / "redlines.md").read_text(encoding="utf-8")
    t1 = openpyxl.load_workbook(target / "product" / "course" / "resources" / "表1_商品上架信息核对表.xlsx")
    cells = " ".join(str(c.value) for ws in t1.worksheets for row in ws.iter_rows() for c in row if c.value)
    with use_settings(write_variant("product", tmp_path)):
        from course import featured

        p = featured.product()
    assert p.id == FEATURED and p.name in cells


def test_a_new_seed_makes_the_data_stale(tmp_path):
    settings = tmp_path / "seed.yaml"
    settings.write_text(
        _edit(DEFAULT.read_text(encoding="utf-8"), [("  seed: 2026\n", "  seed: 2027\n")]), encoding="utf-8"
    )
    out = _rebuild("--check", "--only", "data", settings=settings)
    assert out.returncode == 1 and "模拟店铺数据" in out.stdout and "manifest.json" in out.stdout, (
        out.stdout + out.stderr
    )


# -- the acceptance run: release every module, grade, export ----------------------------------------


def _grading(ws: Path, settings: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "grading", *args, "--workspace", str(ws)],
        env=harness.env(COURSE_SETTINGS=str(settings)),
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=str(REPO),
    )
    assert proc.returncode == 0, (
        f"grading {' '.join(args)} -> {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request, tmp_path_factory):
    """One class per settings file: every module released, the graded modules' reference and blank
    students graded (one ``autograde`` per module), the sheet exported as CSV."""
    from grading.workspace import ensure_workspace

    name = request.param
    base = tmp_path_factory.mktemp(f"variant-{name}")
    settings = write_variant(name, base)
    ws = ensure_workspace(base / "classroom")
    _grading(ws, settings, "release", *MODULES, "--no-zip", "--no-exchange")
    for m in GRADED[name]:
        harness.submit(ws, m, "ref", harness.notebooks(REPO / m), timestamp=ON_TIME)
        harness.submit(ws, m, "blank", harness.notebooks(ws / "release" / m), timestamp=ON_TIME)
        _grading(ws, settings, "autograde", m, "--jobs", "2", "--quiet")
    _grading(ws, settings, "export", "--out", str(base / "成绩表.csv"))
    return {"name": name, "ws": ws, "settings": settings, "sheet": base / "成绩表.csv"}


def _released_markdown(ws: Path, module: str) -> str:
    return "\n".join(
        c.source
        for nb in harness.notebooks(ws / "release" / module).values()
        for c in nb.cells
        if c.cell_type == "markdown"
    )


def _cells(ws: Path, module: str, student: str) -> dict[str, dict]:
    res = json.loads((ws / ".grading" / "results" / module / f"{student}.json").read_text(encoding="utf-8"))
    assert res["status"] == "ok", (module, student, res.get("reasons"))
    return {gid: c for nb in res["notebooks"].values() for gid, c in nb["cells"].items() if c["type"] == "code"}


@pytest.mark.slow
def test_release_states_the_settings_in_force(variant):
    ws, name = variant["ws"], variant["name"]
    texts = {m: _released_markdown(ws, m) for m in MODULES}
    for m, text in texts.items():
        assert "{{" not in text and "{%" not in text, m
    if name == "thresholds":
        for m, (new, old) in THRESHOLD_TEXT.items():
            missing = [v for v in new if v not in texts[m]]
            # the old value may stay only inside a quotation of the source documents (“控制在30-60字符内”)
            own_words = _own_words(texts[m])
            stale = [v for v in old if v in own_words]
            assert not missing and not stale, (m, "missing new values", missing, "old values still there", stale)
    elif name == "product":
        with use_settings(variant["settings"]):
            from course import featured

            new, old = featured.product(), featured.product("P001")
        for m in ("module1_listing", "module2_campaign"):
            assert new.name in texts[m], m
            assert old.name not in texts[m] and "P001" not in texts[m], m
        assert new.id in texts["module1_listing"] and new.category in texts["module1_listing"]
        assert old.category not in _own_words(texts["module1_listing"])


def _own_words(text: str) -> str:
    """The text without quotations and examples of the source documents (“控制在30-60字符内”,
    （例：北欧ins风简约床头柜…）): those keep the documents' own values."""
    return re.sub(r"“[^”]*”|（例：[^）]*）", "", text)


@pytest.mark.slow
def test_reference_scores_every_point_and_blank_zero(variant):
    ws = variant["ws"]
    for m in GRADED[variant["name"]]:
        ref, blank = _cells(ws, m, "ref"), _cells(ws, m, "blank")
        lost = {g: (c["final"], c["max"]) for g, c in ref.items() if c["final"] != c["max"]}
        assert ref and not lost, (variant["name"], m, lost)
        got = {g: c["final"] for g, c in blank.items() if c["final"]}
        assert not got, (variant["name"], m, got)
        assert not any(c.get("disagree") for c in ref.values()), m


@pytest.mark.slow
def test_exported_sheet_follows_the_settings_order(variant):
    from course import settings

    with use_settings(variant["settings"]):
        dims_of = {m: settings.rubric(m) for m in MODULES}
    if variant["name"] == "rubric":
        assert all([d.id for d in dims] == RUBRIC_ORDER for dims in dims_of.values())
    sheets = sorted(variant["sheet"].parent.glob("成绩表-*.csv"))
    assert len(sheets) == 4
    graded = set(GRADED[variant["name"]])
    for path in sheets:
        module = path.stem.split("-", 1)[1]
        with path.open(encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh))
        rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
        assert header[:3] == ["学号", "姓名", "模块"] and header[-2:] == ["总分", "评语"], header
        assert header[3:-2] == [d.name for d in dims_of[module]], (path.name, header)
        if module not in graded:
            continue
        ref = next(r for r in rows if r["学号"] == "ref")
        blank = next(r for r in rows if r["学号"] == "blank")
        dims = dims_of[module]
        auto_share = _automatic_share(module)
        for d in dims:
            # every automatic point, no TA grade yet (备注 and written answers 0), on time
            full = {"auto": round(d.weight * auto_share.get(d.id, 0.0) + 1e-9, 1), "timeliness": d.weight, "remark": 0}[
                d.kind
            ]
            assert float(ref[d.name]) == full, (module, d.name, ref)
            assert float(blank[d.name]) == (full if d.kind == "timeliness" else 0), (module, d.name, blank)
        assert float(ref["总分"]) == pytest.approx(sum(float(ref[d.name]) for d in dims))
        assert "迟交" not in ref["评语"] and "迟交" not in blank["评语"]


def _automatic_share(module: str) -> dict[str, float]:
    """{dimension id: automatically graded points / all points of its cells} from the source notebooks."""
    auto: dict[str, float] = {}
    total: dict[str, float] = {}
    for nb in harness.notebooks(REPO / module).values():
        for c in nb.cells:
            meta = c.metadata.get("nbgrader", {})
            if meta.get("grade"):
                dim = meta["grade_id"].split("_", 1)[0]
                total[dim] = total.get(dim, 0.0) + float(meta["points"])
                if c.cell_type == "code":
                    auto[dim] = auto.get(dim, 0.0) + float(meta["points"])
    return {d: auto.get(d, 0.0) / total[d] for d in total}
