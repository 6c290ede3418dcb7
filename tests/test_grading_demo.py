"""``grading demo``: the TA's first command and the project's main end-to-end test
(reduced class of 8; the default demo is 30).  The clean re-check against nbgrader
on each real course module (the reference keeps every point, a blank submission
gets none, the two never disagree) is tested in ``tests/test_module<N>_grading.py``."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import harness
import pytest

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
