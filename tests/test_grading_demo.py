"""``grading demo``: the TA's first command and the project's main end-to-end test
(reduced class of 8; the default demo is 30), plus the clean re-check against
nbgrader on a real course module: the reference keeps every point, a blank
submission gets none, and the two never disagree."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import harness
import pytest

from grading import demo, simulate
from grading.workspace import ensure_workspace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "grading",
            "demo",
            "--fixture",
            "--students",
            "8",
            "--jobs",
            "2",
            "--workspace",
            str(base),
            "--timeout",
            "60",
        ],
        env=harness.env(),
        capture_output=True,
        text=True,
        timeout=1500,
        cwd=str(harness.REPO),
    )
    return {"proc": proc, "ws": base / "classroom", "module": "module1_listing"}


def test_demo_runs_and_reports(run):
    proc = run["proc"]
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    out = proc.stdout
    for step in ("① init", "② release", "③ 模拟", "④ collect", "⑤ autograde", "⑥ feedback", "⑦ export", "文件位置"):
        assert step in out
    assert "作弊提交的自动评分均不超过空白提交" in out


def test_demo_files_and_scores(run):
    ws, m = run["ws"], run["module"]
    assert (ws / "zips" / f"{m}.zip").exists() and (ws / "reports" / "成绩表.xlsx").exists()
    assert "9999999" in (ws / "reports" / f"collect-{m}.txt").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO((ws / "reports" / "成绩表.csv").read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 8
    by = {r["学号"]: r for r in rows}
    # complete, partial, empty, late, broken, cheat_patch_score, cheat_transformer, absent
    full, partial, empty, late, broken, cheat1, cheat2, absent = (by[str(2023001 + i)] for i in range(8))

    def auto(r):
        return sum(float(r[k]) for k in list(r)[3:6])

    assert auto(full) == 75.0 and float(full["总分"]) == 90.0
    assert auto(late) == 75.0 and float(late["提交时效性"]) == 10.0 and "迟交 1 天" in late["评语"]
    assert 0 < auto(partial) < 75 and 0 <= auto(broken) < 75
    assert auto(empty) == auto(cheat1) == auto(cheat2) == 0.0
    assert float(absent["总分"]) == 0.0 and "未提交" in absent["评语"]
    page = ws / "feedback" / "2023002" / m / "00_成绩反馈.html"
    assert "提升方向" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("m", demo.available_modules() or ["(none)"])
def test_recheck_agrees_with_nbgrader_on_a_real_module(m, tmp_path):
    """The reference solution of every course module keeps every point after the
    clean re-check; the released (blank) version gets none."""
    if m == "(none)":
        pytest.skip("no course module yet")
    ws = ensure_workspace(tmp_path / "classroom", modules=(m,))
    subprocess.run(
        [sys.executable, "-m", "grading", "release", m, "--no-zip", "--no-exchange", "--workspace", str(ws)],
        env=harness.env(),
        check=True,
        capture_output=True,
        cwd=str(harness.REPO),
    )
    rel = harness.notebooks(ws / "release" / m)
    src = harness.notebooks(ws / "source" / m)
    sols = {}
    for nb in src.values():
        sols.update(simulate.solutions(nb))
    harness.submit(ws, m, "ref", {n: simulate.fill(nb, sols) for n, nb in rel.items()})
    harness.submit(ws, m, "blank", rel)
    proc = subprocess.run(
        [sys.executable, "-m", "grading", "autograde", m, "--jobs", "2", "--quiet", "--workspace", str(ws)],
        env=harness.env(),
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=str(harness.REPO),
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    got = {}
    for student in ("ref", "blank"):
        res = json.loads((ws / ".grading" / "results" / m / f"{student}.json").read_text(encoding="utf-8"))
        code = [c for nb in res["notebooks"].values() for c in nb["cells"].values() if c["type"] == "code"]
        got[student] = (sum(c["final"] for c in code), sum(c["max"] for c in code))
        dis = [gid for nb in res["notebooks"].values() for gid, c in nb["cells"].items() if c.get("disagree")]
        assert res["status"] == "ok" and not dis, (student, res["reasons"])
    assert got["ref"][0] == got["ref"][1] > 0, got
    assert got["blank"][0] == 0, got
