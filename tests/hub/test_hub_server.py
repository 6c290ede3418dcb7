"""The class hub without a browser: accounts, isolation by attack, memory, restarts, culling, ports.

One hub for two students (module 1 released) serves most tests; a second,
small hub (not started by the fixture) is used for the busy-port messages and
for culling, which need a hub of their own.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

import hubharness
import pytest
import requests
import terminal

COURSE = "ecom-ops"


@pytest.fixture(scope="module")
def A(class_hub):
    return class_hub.students[0][0]


@pytest.fixture(scope="module")
def B(class_hub):
    return class_hub.students[1][0]


def term(hub, login: str, command: str, timeout: float = 120) -> tuple[int, str]:
    """Run a command in the user's JupyterLab terminal (as that user, in their server's environment)."""
    hub.spawn(login)
    return terminal.run(hub.base, login, hub.user_token(login), command, timeout)


# -- accounts and login ----------------------------------------------------------------------


def test_students_log_in_with_their_xuehao_and_get_their_own_account(class_hub, A, B):
    s = class_hub.login(A)
    assert s.login_status == 302, "the right password must log in"
    info = class_hub.spawn(A)
    assert info["ready"]
    import psutil

    proc = psutil.Process(class_hub.server_pid(A))
    assert proc.username() == class_hub.account(A).system == A  # the Linux account is the 学号
    exe = " ".join(proc.cmdline())
    assert "/hub-env-" in exe and str(hubharness.REPO) not in exe, exe
    env = proc.environ()
    assert env["JUPYTERHUB_USER"] == A  # nbgrader's student id = the 学号 of the roster
    assert str(hubharness.REPO) not in env.get("PYTHONPATH", "") and str(hubharness.REPO) not in env["PATH"]


def test_wrong_password_and_people_off_the_roster_are_refused(class_hub, A, B):
    assert class_hub.login(A, "not-the-password").login_status != 302
    # a real Linux account that is not on the roster (the hub's own ta account exists; "root" too)
    assert class_hub.login("root", "anything").login_status != 302
    ta = class_hub.account("ta1")
    assert class_hub.login(ta.system, class_hub.password("ta1")).login_status != 302, (
        "a staff member's Linux account name is not a login: they log in as ta1"
    )


def test_full_width_digits_from_a_chinese_input_method_log_in(class_hub, A, B):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in B)  # ２０２３００２
    s = class_hub.login(full_width, class_hub.password(B))
    assert s.login_status == 302
    assert s.get(f"{class_hub.base}/hub/api/user", timeout=30).json()["name"] == B


def test_a_student_logged_in_twice_sees_the_same_server(class_hub, A, B):
    first, second = class_hub.login(A), class_hub.login(A)
    class_hub.spawn(A)
    pid = class_hub.server_pid(A)
    started = class_hub.server(A)["started"]
    r1 = first.get(f"{class_hub.base}/user/{A}/lab", timeout=60)
    r2 = second.get(f"{class_hub.base}/hub/spawn", timeout=60)  # "start my server" again, from the second login
    assert r1.status_code == 200 and r2.status_code == 200
    assert r2.url.startswith(f"{class_hub.base}/user/{A}/"), r2.url
    assert class_hub.server_pid(A) == pid and class_hub.server(A)["started"] == started
    # a file saved through one login is there through the other
    class_hub.user_api(
        A, "PUT", "/api/contents/二次登录.txt", json={"type": "file", "format": "text", "content": "同一台"}
    )
    xsrf = second.cookies.get("_xsrf", path=f"/user/{A}/") or ""
    got = second.get(f"{class_hub.base}/user/{A}/api/contents/二次登录.txt", headers={"X-XSRFToken": xsrf}, timeout=30)
    assert got.status_code == 200 and got.json()["content"] == "同一台"


# -- isolation, tested by attacking ----------------------------------------------------------


def test_a_student_cannot_read_other_students_the_workspace_or_the_answers(class_hub, A, B):
    hub = class_hub
    term(hub, B, "echo 李四的答案 > ~/secret.answers.json")
    b_home = f"/home/{hub.account(B).system}"
    ws = hub.workspace
    repo = hubharness.REPO
    attacks = {
        "another student's home": f"cat {b_home}/secret.answers.json",
        "another student's home, listed": f"ls {b_home}",
        "the gradebook": f"cat {ws}/gradebook.db",
        "the submissions": f"ls {ws}/submitted",
        "the roster": f"cat {ws}/roster.csv",
        "the hub's database": f"cat {ws}/hub/state/jupyterhub.sqlite",
        "the initial passwords": f"cat {ws}/hub/初始密码.csv",
        "the reference answers": f"ls {repo}/grading/reference",
        "a source notebook": f"cat {repo}/module1_listing/02_title.ipynb",
        "the teacher notes": f"cat {repo}/course/teacher/README.md",
        "git history": f"ls {repo}/.git",
        "the exchange's inbound (other submissions)": f"ls {ws}/exchange/{COURSE}/inbound",
    }
    for what, cmd in attacks.items():
        rc, out = term(hub, A, f"{cmd} >/dev/null 2>&1")
        assert rc != 0, f"student {A} could read {what}: `{cmd}` succeeded"
    rc, out = term(hub, A, "python -c 'import grading' 2>&1 | tail -1")
    assert "ModuleNotFoundError" in out, f"grading must not be importable by a student: {out}"
    # what a student needs is there
    rc, out = term(
        hub,
        A,
        f"python -c 'import course, pandas, nbgrader; print(course.__file__)' && ls {ws}/exchange/{COURSE}/outbound",
    )
    assert rc == 0 and "module1_listing" in out and "/hub/student/course/" in out, out
    rc, _ = term(hub, A, "test -e $(python -c 'import course, os; print(os.path.dirname(course.__file__))')/teacher")
    assert rc != 0, "the student copy of course/ must not hold the teacher folder"


def test_a_student_cannot_reach_another_students_server_or_the_formgrader(class_hub, A, B):
    s = class_hub.login(A)
    class_hub.spawn(A)
    class_hub.spawn(B)
    r = s.get(f"{class_hub.base}/user/{B}/api/contents", timeout=60)
    assert r.status_code in (403, 404) or f"/user/{B}/" not in r.url, (r.status_code, r.url)
    assert "secret.answers.json" not in r.text
    r = s.get(f"{class_hub.base}/user/{A}/formgrader", timeout=60)
    assert r.status_code == 404, f"a student's server must not serve the formgrader ({r.status_code})"
    page = json.loads(
        (class_hub.workspace / "hub" / "jupyter" / "student" / "labconfig" / "page_config.json").read_text()
    )
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True


def test_the_teaching_assistant_grades_on_the_hub(class_hub):
    rc, out = term(class_hub, "ta1", "id -nG && umask && pwd && grading --help | head -1 && ls gradebook.db")
    assert rc == 0 and "ecom-staff" in out and "0002" in out and str(class_hub.workspace) in out, out
    r = class_hub.user_api("ta1", "GET", "/formgrader/api/assignments")
    assert r.status_code == 200 and "module1_listing" in r.text, r.text[:500]


# -- memory ---------------------------------------------------------------------------------------


def test_each_user_has_an_enforced_memory_limit(class_hub, A, B):
    from grading.hub.memory import UserCgroup, available, parse_size

    if available() is not None:
        pytest.skip(f"no cgroup here ({available()}): the hub falls back to per-process RLIMIT_AS")
    class_hub.spawn(A)
    group = UserCgroup(class_hub.account(A).system, 0)
    pid = class_hub.server_pid(A)
    assert pid in group.pids(), "the server must run inside its user's memory cgroup"
    assert group.effective_limit() == parse_size(class_hub.mem_limit)
    # a student's program that grabs 1.5 GB (over the 1 GB limit) is ended by the kernel;
    # the student's server goes on
    rc, out = term(class_hub, A, "python -c \"b = b'x' * (1536 * 1024 * 1024); print('sur' + 'vived')\"", timeout=120)
    assert rc == 137 and "survived" not in out, f"rc {rc}: {out[-500:]}"
    assert class_hub.server_pid(A) == pid
    assert class_hub.user_api(A, "GET", "/api/status").status_code == 200


# -- restarts keep everything ------------------------------------------------------------------------


def _save_and_submit(hub, login: str) -> tuple[str, str]:
    """The student fetches module 1, saves a form entry (the answer file) and submits."""
    r = hub.user_api(
        login, "POST", "/assignments/fetch", json={"course_id": COURSE, "assignment_id": "module1_listing"}
    )
    assert r.status_code == 200, r.text
    path = f"{COURSE}/module1_listing/02_title.answers.json"
    entry = json.dumps({"forms": {"title": {"raw": {"title": f"重启前保存的标题 {login}"}}}}, ensure_ascii=False)
    r = hub.user_api(login, "PUT", f"/api/contents/{path}", json={"type": "file", "format": "text", "content": entry})
    assert r.status_code in (200, 201), r.text
    r = hub.user_api(
        login, "POST", "/assignments/submit", json={"course_id": COURSE, "assignment_id": "module1_listing"}
    )
    assert r.status_code == 200 and 'success": false' not in r.text, r.text
    return path, entry


def _submissions(hub, login: str) -> list[Path]:
    return sorted((hub.workspace / "exchange" / COURSE / "inbound").glob(f"{login}+module1_listing+*"))


def test_a_hub_restart_loses_no_saved_entry_or_submission(class_hub, A, B):
    hub = class_hub
    browser = hub.login(A)
    hub.spawn(A)
    browser.get(f"{hub.base}/user/{A}/lab", timeout=60)
    path, entry = _save_and_submit(hub, A)
    pid, submitted = hub.server_pid(A), _submissions(hub, A)
    assert submitted
    hub.restart()
    assert hub.server_pid(A) == pid, "the student's server (and its kernels) must survive a hub restart"
    xsrf = browser.cookies.get("_xsrf", path=f"/user/{A}/") or ""
    got = browser.get(f"{hub.base}/user/{A}/api/contents/{path}", headers={"X-XSRFToken": xsrf}, timeout=60)
    assert got.status_code == 200, "the student stays logged in (cookie secret kept in the workspace)"
    assert got.json()["content"] == entry
    assert _submissions(hub, A) == submitted
    assert all((p / "02_title.answers.json").read_text(encoding="utf-8") == entry for p in submitted)


def test_a_proxy_restart_loses_nothing(class_hub, A, B):
    hub = class_hub
    hub.spawn(B)
    path, entry = _save_and_submit(hub, B)
    pid_file = hub.workspace / "hub" / "state" / "proxy.pid"
    old = int(pid_file.read_text())
    os.kill(old, signal.SIGKILL)  # the proxy dies mid-session
    deadline = time.time() + 60
    while time.time() < deadline:  # the hub notices and starts a new proxy with the same routes
        try:
            r = hub.user_api(B, "GET", f"/api/contents/{path}")
            if r.status_code == 200:
                break
        except Exception:  # noqa: BLE001 - connection refused while no proxy runs
            pass
        time.sleep(1)
    else:
        raise AssertionError(f"the proxy did not come back within 60 s:\n{hub.log()[-3000:]}")
    assert int(pid_file.read_text()) != old
    assert r.json()["content"] == entry and _submissions(hub, B)


# -- a second hub: busy ports and culling ----------------------------------------------------------


@pytest.fixture(scope="module")
def small_hub(hub_prereq):
    hub = hubharness.ClassHub(students=("王五",), idle_timeout=20, cull_every=5, modules=())
    try:
        yield hub.setup()
    finally:
        hub.cleanup()


@pytest.mark.parametrize("offset", [0, 1])
def test_a_busy_port_is_named_with_how_to_choose_another(small_hub, offset):
    busy = small_hub.port + offset
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", busy))
        s.listen()
        proc = hubharness.run_grading(
            "hub",
            "start",
            "--workspace",
            str(small_hub.workspace),
            "--port",
            str(small_hub.port),
            "--ip",
            "127.0.0.1",
            check=False,
        )
    assert proc.returncode == 1
    err = proc.stderr
    assert f"端口 {busy} 已被其他程序占用" in err and "make hub HUB_PORT=" in err and "--port" in err, err
    assert "Traceback" not in err + proc.stdout


def test_idle_servers_are_culled(small_hub):
    small_hub.start()
    login = small_hub.students[0][0]
    small_hub.spawn(login)
    pid = small_hub.server_pid(login)
    deadline = time.time() + 90  # idle timeout 20 s, checked every 5 s
    while time.time() < deadline and small_hub.server(login):
        time.sleep(2)
    assert not small_hub.server(login), "an idle server must be stopped by jupyterhub-idle-culler"
    import psutil

    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert "Culling server" in small_hub.log() or "culling" in small_hub.log().lower()


def test_the_harness_starts_on_other_ports_when_one_is_taken_first(small_hub):
    """CI once lost a run because a kernel took the hub's second port between the
    harness's probe and the start: the harness must then start on other ports."""
    small_hub.stop()
    taken = small_hub.port
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", taken + 1))
        s.listen()
        small_hub.start()
    assert small_hub.port != taken
    assert small_hub.port not in hubharness.ephemeral_ports()
    assert requests.get(f"{small_hub.base}/hub/api", timeout=10).status_code == 200


def test_a_submission_in_another_students_name_is_not_collected(class_hub, A, B):
    """A student sets nbgrader's student_id to a classmate's 学号 and submits: the TA's
    collect leaves that submission out and takes the classmate's own."""
    hub = class_hub
    _save_and_submit(hub, B)
    term(
        hub,
        A,
        f"mkdir -p ~/.jupyter && printf 'c = get_config()\\nc.CourseDirectory.student_id = \"{B}\"\\n'"
        " > ~/.jupyter/nbgrader_config.py",
    )
    try:
        hub.user_api(A, "POST", "/assignments/fetch", json={"course_id": COURSE, "assignment_id": "module1_listing"})
        forged_entry = json.dumps({"forms": {"title": {"raw": {"title": "冒名顶替的提交"}}}}, ensure_ascii=False)
        hub.user_api(
            A,
            "PUT",
            f"/api/contents/{COURSE}/module1_listing/02_title.answers.json",
            json={"type": "file", "format": "text", "content": forged_entry},
        )
        r = hub.user_api(
            A, "POST", "/assignments/submit", json={"course_id": COURSE, "assignment_id": "module1_listing"}
        )
        assert r.status_code == 200, r.text
    finally:
        term(hub, A, "rm -f ~/.jupyter/nbgrader_config.py")
    import pwd

    in_bs_name = _submissions(hub, B)
    owners = {pwd.getpwuid(p.stat().st_uid).pw_name for p in in_bs_name}
    assert owners == {A, B}, f"the attack should have left a submission in {B}'s name made by {A}: {owners}"
    rc, out = term(hub, "ta1", "grading collect module1_listing", timeout=180)
    assert rc == 0, out
    collected = (hub.workspace / "submitted" / B / "module1_listing" / "02_title.answers.json").read_text(
        encoding="utf-8"
    )
    assert "冒名顶替" not in collected and f"重启前保存的标题 {B}" in collected
