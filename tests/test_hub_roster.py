"""The class hub's checks that need no running hub: the roster and the accounts made
from it, the messages for bad input, each role's Jupyter configuration, the
single-user environment's pins.  (The hub itself: tests/hub/.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from grading import roster
from grading.hub import accounts as acc
from grading.hub.auth import normalize_login
from grading.hub.environment import requirements
from grading.hub.layout import STAFF_ONLY_LAB, HubPaths, write_role_configs
from grading.hub.memory import parse_size
from grading.hub.server import port_message

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path, text: str, name: str = "名单.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8-sig")
    return p


def problems_of(path) -> str:
    with pytest.raises(roster.RosterError) as err:
        roster.read(path)
    return str(err.value)


def test_duplicate_and_missing_xuehao_are_named_by_row(tmp_path):
    msg = problems_of(write(tmp_path, "学号,姓名\n2023001,张三\n,王五\n2023002,李四\n2023001,赵六\n"))
    assert "2 处需要修改" in msg
    assert "第 3 行（王五）：缺少学号" in msg
    assert "第 5 行（赵六）：学号 2023001 与第 2 行（张三）重复" in msg


def test_xuehao_differing_only_in_case_are_duplicates(tmp_path):
    """A hub login does not tell S001 from s001: two such rows would be one account."""
    msg = problems_of(write(tmp_path, "学号,姓名\nS001,张三\ns001,李四\n"))
    assert "第 3 行（李四）：学号 s001 与第 2 行（张三）重复" in msg


def test_full_width_digits_count_as_digits(tmp_path):
    studs = roster.read(write(tmp_path, "学号,姓名\n２０２３００１,张三\n2023002,李四\n"))
    assert [s.id for s in studs] == ["2023001", "2023002"]
    assert normalize_login("２０２３００１") == "2023001"


def test_excel_roster_with_duplicate_and_missing_rows(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["学号", "姓名"], [2023001, "张三"], [None, "王五"], [2023001, "赵六"]):
        ws.append(row)
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    msg = problems_of(path)
    assert "第 3 行（王五）：缺少学号" in msg and "第 4 行（赵六）：学号 2023001 与第 2 行（张三）重复" in msg


def test_grading_init_with_a_bad_roster_says_what_to_fix_and_keeps_the_old_roster(tmp_path):
    ws = tmp_path / "ws"
    good = write(tmp_path, "学号,姓名\n2023001,张三\n", "good.csv")
    bad = write(tmp_path, "学号,姓名\n2023001,张三\n2023001,李四\n", "bad.csv")

    def run(f):
        return subprocess.run(
            [sys.executable, "-m", "grading", "init", "--roster", str(f), "--workspace", str(ws)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )

    assert run(good).returncode == 0
    before = (ws / "roster.csv").read_bytes()
    proc = run(bad)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "第 3 行（李四）：学号 2023001 与第 2 行（张三）重复" in proc.stderr
    assert (ws / "roster.csv").read_bytes() == before


def test_accounts_students_are_their_xuehao_staff_have_a_prefix():
    studs = [roster.Student("2023001", "张三", "助教C")]
    people = acc.build(studs, ["助教A", "助教B"], "王老师", "c1-")
    assert [(a.login, a.system, a.role) for a in people] == [
        ("teacher", "c1-teacher", "teacher"),
        ("ta1", "c1-ta1", "ta"),
        ("ta2", "c1-ta2", "ta"),
        ("ta3", "c1-ta3", "ta"),
        ("2023001", "2023001", "student"),
    ]
    assert people[3].name == "助教C"  # a TA named only in the roster gets an account too


def test_accounts_refuse_xuehao_a_hub_cannot_use():
    studs = [roster.Student("S001", "张三"), roster.Student("x" * 40, "李四"), roster.Student("ta1", "王五")]
    msgs = acc.problems(studs, "ecom-", ("teacher", "ta1"))
    assert any("S001 含大写字母" in m and "s001" in m for m in msgs)
    assert any("超过 32 个字符" in m for m in msgs)
    assert any("ta1 与教师/助教的登录名相同" in m for m in msgs)
    assert acc.problems([], "Bad Prefix")[0].startswith("账号前缀")


def test_a_busy_port_message_names_it_and_how_to_choose_another():
    msg = port_message(8001, 8000, "127.0.0.1")
    assert msg.startswith("端口 8001 已被其他程序占用") and "make hub HUB_PORT=" in msg and "--port" in msg
    assert "8000、8001、8002" in msg


def test_memory_limit_sizes():
    assert parse_size("2G") == 2 * 1024**3 and parse_size("1.5g") == 1536 * 1024**2
    with pytest.raises(ValueError, match="内存上限「两个G」看不懂"):
        parse_size("两个G")


def test_students_servers_lack_the_instructor_extensions(tmp_path):
    paths = HubPaths(tmp_path)
    write_role_configs(paths, "ecom-ops")
    student = json.loads((paths.role_config(False) / "jupyter_server_config.json").read_text())
    staff = json.loads((paths.role_config(True) / "jupyter_server_config.json").read_text())
    ext = student["ServerApp"]["jpserver_extensions"]
    assert (
        ext["nbgrader.server_extensions.formgrader"] is False and ext["nbgrader.server_extensions.course_list"] is False
    )
    assert ext["nbgrader.server_extensions.assignment_list"] is True
    assert staff["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is True
    page = json.loads((paths.role_config(False) / "labconfig" / "page_config.json").read_text())
    assert set(page["disabledExtensions"]) == set(STAFF_ONLY_LAB)
    nbg = json.loads((paths.role_config(False) / "nbgrader_config.json").read_text())
    assert nbg["Exchange"]["root"] == str(tmp_path / "exchange") and nbg["CourseDirectory"]["course_id"] == "ecom-ops"


def test_single_user_environment_has_the_pinned_versions():
    from test_environment import _norm, pip_pins

    pins = pip_pins()
    reqs = dict(r.split("==") for r in requirements())
    assert all(pins[_norm(name)] == version for name, version in reqs.items()), reqs
    assert {"jupyterhub", "nbgrader", "jupyterlab", "pandas"} <= set(reqs)
    assert not {"pytest", "playwright", "papermill", "jupyterhub-idle-culler"} & set(reqs)
