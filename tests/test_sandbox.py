"""The grading sandbox piece by piece: the refusal, the command lines of both
backends, and one real sandboxed kernel probed from the inside (what it sees,
what it may write, its limits, its network, its processes).  The class-sized
attacks are in tests/test_sandbox_attacks.py."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import nbformat
import pytest

from grading import sandbox
from grading.sandbox import bwrap, container
from grading.sandbox.bwrap import Bubblewrap
from grading.sandbox.kernel import Run, allocate_uid, sanitise

REPO = Path(__file__).resolve().parent.parent
PROBLEM = Bubblewrap().problem()
needs_sandbox = pytest.mark.skipif(
    bool(PROBLEM), reason=f"沙箱测试跳过：{PROBLEM}（安装 bubblewrap 并允许命名空间后再运行）"
)


@pytest.fixture
def fresh_probe(monkeypatch):
    monkeypatch.setattr(bwrap, "_PROBED", {})
    monkeypatch.setattr(container, "_PROBED", {})


# -- refusal -------------------------------------------------------------------------------


def test_missing_bubblewrap_is_refused_with_what_to_do(monkeypatch, tmp_path, fresh_probe):
    monkeypatch.setenv("GRADING_BWRAP", str(tmp_path / "bwrap"))
    with pytest.raises(sandbox.SandboxUnavailable) as err:
        sandbox.check("auto")
    text = str(err.value)
    for needle in (
        "拒绝评分",
        "没有找到 bubblewrap",
        "sudo apt-get install bubblewrap",
        "班级服务器",
        "--unsafe-no-sandbox",
        "GRADING_SANDBOX=off",
        "--sandbox docker",
    ):
        assert needle in text, needle
    assert sandbox.check("off") == "off"  # the explicit choice is never refused


def test_forbidden_namespaces_are_refused(monkeypatch, tmp_path, fresh_probe):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GRADING_BWRAP", str(fake))
    with pytest.raises(sandbox.SandboxUnavailable, match="不允许 bubblewrap 创建命名空间.*No permissions"):
        sandbox.check("bwrap")


def test_unknown_mode_is_a_chinese_error():
    with pytest.raises(sandbox.SandboxUnavailable, match="不认识的沙箱方式"):
        sandbox.check("chroot")


def test_container_runtime_without_engine_is_refused(fresh_probe):
    problem = container.Container("docker", sandbox.DEFAULT_IMAGE).problem()
    if problem is None:
        pytest.skip("docker works on this machine: nothing to refuse")
    with pytest.raises(sandbox.SandboxUnavailable, match="docker"):
        sandbox.check("docker")


# -- command lines -------------------------------------------------------------------------


class FakeRun:
    """What a backend needs of a Run, without creating anything."""

    def __init__(self, tmp_path: Path, uid=None):
        self.limits = sandbox.Limits()
        self.lib, self.ipc_dir = tmp_path / "gk" / "lib", tmp_path / "gk" / "ipc"
        self.workdir, self.data_dir, self.settings_file = (
            tmp_path / "ws" / "autograded" / "s1" / "m",
            REPO / "datasets" / "data",
            None,
        )
        self.uid = uid

    env = Run.env

    def seeds(self, cache):
        return []


def _binds(argv: list[str]) -> dict[str, tuple[str, str]]:
    out = {}
    for i, a in enumerate(argv):
        if a in ("--bind", "--ro-bind", "--ro-bind-try"):
            out[argv[i + 2]] = (a, argv[i + 1])
    return out


@pytest.mark.parametrize("as_root", [True, False])
def test_bubblewrap_command_shows_only_what_the_contract_allows(tmp_path, as_root):
    run = FakeRun(tmp_path, uid=61234 if as_root else None)
    argv = Bubblewrap(exe="/usr/bin/bwrap", as_root=as_root).argv(
        [sys.executable, "-m", "ipykernel_launcher", "-f", str(run.ipc_dir / "kernel.json")], run
    )
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in argv, flag
    binds = _binds(argv)
    writable = {dest for dest, (kind, _) in binds.items() if kind == "--bind"}
    assert writable == {bwrap.WORK, str(run.ipc_dir)}  # the submission's folder and the kernel's sockets
    assert binds[bwrap.WORK][1] == str(run.workdir) and binds[bwrap.LIB] == ("--ro-bind", str(run.lib))
    assert binds[bwrap.DATA] == ("--ro-bind", str(run.data_dir))
    sources = {src for _, src in binds.values()}
    for hidden in (REPO, REPO / "grading", REPO / "course", REPO / "module1_listing", Path.home(), tmp_path / "ws"):
        assert str(hidden) not in sources, hidden
    env = {argv[i + 1]: argv[i + 2] for i, a in enumerate(argv) if a == "--setenv"}
    assert env["COURSE_SANDBOX"] == "1" and env["PYTHONPATH"] == bwrap.LIB and "GRADING_WORKSPACE" not in env
    assert "--nproc=512:512" in argv and f"--as={4096 * 1024 * 1024}:{4096 * 1024 * 1024}" in argv
    if as_root:
        assert "--reuid=61234" in argv and "--unshare-user" not in argv and "--bounding-set=-all" in argv
    else:
        assert argv[argv.index("--uid") + 1] == "65534" and not any(a.startswith("--reuid") for a in argv)


@pytest.mark.parametrize("runtime", ["docker", "podman"])
def test_container_command_line(tmp_path, runtime):
    run = FakeRun(tmp_path, uid=61234)
    argv = container.Container(runtime, "ecom-ops-student:2026", exe=runtime).argv(
        [sys.executable, "-m", "ipykernel_launcher", "-f", str(run.ipc_dir / "kernel.json")], run
    )
    text = " ".join(argv)
    for part in (
        "--network none",
        "--read-only",
        "--cap-drop ALL",
        "--security-opt no-new-privileges",
        "--user 61234:61234",
        "--pids-limit 512",
        "--memory 4096m",
        "--cpus 1",
        "--init",
        f"--volume {run.lib}:{bwrap.LIB}:ro",
        f"--volume {run.data_dir}:{bwrap.DATA}:ro",
        f"--volume {run.workdir}:{bwrap.WORK} ",
        f"--volume {run.ipc_dir}:{run.ipc_dir} ",
        f"--workdir {bwrap.WORK}",
        "--env COURSE_SANDBOX=1",
        "--rm",
    ):
        assert part in text, part
    assert argv[0] == runtime and argv[-5:] == [
        "ecom-ops-student:2026",
        "-m",
        "ipykernel_launcher",
        "-f",
        str(run.ipc_dir / "kernel.json"),
    ]
    assert str(REPO) not in {a.split(":")[0] for a in argv if a.startswith("/")}


# -- the grader's side of the folder ----------------------------------------------------


def test_sanitise_removes_what_the_grader_must_not_follow(tmp_path):
    d = tmp_path / "nb"
    (d / "sub").mkdir(parents=True)
    (d / "ok.json").write_text("{}")
    (d / "01_shop.ipynb").symlink_to("/etc/passwd")
    (d / "sub" / "x").symlink_to(tmp_path)
    os.mkfifo(d / "pipe")
    (d / "suid").write_text("")
    os.chmod(d / "suid", 0o4755)
    removed = sanitise(d)
    assert sorted(removed) == ["01_shop.ipynb", "pipe", "sub/x"]
    assert (d / "ok.json").exists() and not stat.S_IMODE((d / "suid").stat().st_mode) & stat.S_ISUID


@pytest.mark.skipif(os.geteuid() != 0, reason="uids of their own are only used when grading as root")
def test_each_sandbox_gets_a_uid_of_its_own():
    a, fa = allocate_uid()
    b, fb = allocate_uid()
    try:
        assert a != b and min(a, b) >= 61000
    finally:
        os.close(fa)
        os.close(fb)


# -- one real sandboxed kernel ---------------------------------------------------------------

PROBE = r"""
import json, os, resource, socket, subprocess, sys
out = {"uid": os.getuid(), "cwd": os.getcwd(), "root": sorted(os.listdir("/")), "pid": os.getpid(),
       "sandbox": os.environ.get("COURSE_SANDBOX"), "env_workspace": os.environ.get("GRADING_WORKSPACE"),
       "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0], "fsize": resource.getrlimit(resource.RLIMIT_FSIZE)[0]}
def can(f):
    try:
        f()
        return True
    except Exception:
        return False
out["see_repo"] = sorted(os.listdir(REPO)) if os.path.isdir(REPO) else []
out["home"] = sorted(os.listdir(HOME)) if os.path.isdir(HOME) else []
out["write_cwd"] = can(lambda: open("mine.txt", "w").write("x"))
out["write_tmp"] = can(lambda: open("/tmp/t", "w").write("x"))
out["write_course"] = can(lambda: open("/opt/ecom-course/lib/course/__init__.py", "a").write("#"))
out["write_usr"] = can(lambda: open(sys.executable, "ab"))
out["import_grading"] = can(lambda: __import__("grading.reference"))
out["net"] = can(lambda: socket.create_connection(("1.1.1.1", 53), timeout=2))
out["big_file"] = can(lambda: open("big.bin", "wb").write(b"0" * (3 * 1024 * 1024)))
out["big_memory"] = can(lambda: bytearray(3 * 1024 ** 3))
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "sandbox-probe-sleeper"], start_new_session=True)
json.dump(out, open("probe.json", "w"))
"""


def _marker_pids(marker: str) -> list[int]:
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(int(pid))
        except OSError:
            pass
    return out


@needs_sandbox
def test_a_sandboxed_kernel_from_the_inside(tmp_path):
    from grading.guard import EVENTS, GuardedExecute

    work = tmp_path / "autograded" / "s1" / "m"
    work.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    deferred = nbformat.v4.new_code_cell('print("[评分端复核] 答案已记录")')
    deferred.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "d1_x",
        "points": 1,
        "solution": False,
        "locked": True,
        "schema_version": 3,
    }
    nb.cells = [
        nbformat.v4.new_code_cell(f"REPO = {str(REPO)!r}\nHOME = {str(Path.home())!r}\n" + PROBE),
        nbformat.v4.new_code_cell("while True:\n    pass"),  # interrupted at the timeout
        nbformat.v4.new_code_cell("import os\nos.symlink('/etc/passwd', 'link')\nos.mkfifo('fifo')\nprint('after')"),
        deferred,
    ]
    ep = GuardedExecute(kernel_name="python3", timeout=10, sandbox="bwrap", memory_limit_mb=2048, file_size_mb=1)
    out, _ = ep.preprocess(
        nb, {"metadata": {"path": str(work)}, "nbgrader": {"student": "s1", "assignment": "m", "notebook": "n"}}
    )
    probe = json.loads((work / "probe.json").read_text())
    assert probe["uid"] not in (0, os.getuid()) or (os.getuid() != 0 and probe["uid"] == 65534), probe
    assert probe["cwd"] == bwrap.WORK and probe["sandbox"] == "1" and probe["env_workspace"] is None
    # the system folders, the sandbox's own, and the top folder on the way to the Python environment
    # (a checkout's .venv may live anywhere: /work/main/.venv here, /check/work/main/.venv on CI)
    env_tops = {Path(p).parts[1] for p in bwrap.python_paths()}
    assert (
        set(probe["root"])
        <= {
            "bin",
            "sbin",
            "lib",
            "lib32",
            "lib64",
            "libx32",
            "usr",
            "etc",
            "proc",
            "dev",
            "tmp",
            "opt",
            "submission",
            "root",
            "work",
            "home",
        }
        | env_tops
    ), probe["root"]
    assert probe["pid"] < 100  # its own PID namespace
    # of the checkout only the way to its .venv, when the Python environment lives there
    venv_in_repo = {Path(p).relative_to(REPO).parts[0] for p in bwrap.python_paths() if Path(p).is_relative_to(REPO)}
    assert set(probe["see_repo"]) <= venv_in_repo and not probe["import_grading"], probe["see_repo"]
    # of the grader's home only the way to the Python environment, if that lives there
    env_roots = {
        Path(p).relative_to(Path.home()).parts[0] for p in bwrap.python_paths() if Path(p).is_relative_to(Path.home())
    }
    assert set(probe["home"]) <= env_roots, probe["home"]
    assert probe["write_cwd"] and probe["write_tmp"] and (work / "mine.txt").exists()
    assert not probe["write_course"] and not probe["write_usr"] and not probe["net"]
    assert not probe["big_file"] and not probe["big_memory"]  # file size 1 MB, memory 2 GB here
    assert probe["nproc"] == 512
    assert _marker_pids("sandbox-probe-sleeper") == []  # died with the notebook
    assert out.cells[2].outputs[0]["text"] == "after\n"  # the loop was interrupted, the kernel lived on
    rec = EVENTS[("s1", "m", "n")]
    assert rec["sandbox"] == "bwrap" and rec["deferred"] == ["d1_x"]
    assert not (work / "link").is_symlink() and not (work / "fifo").exists()
    assert any("link" in e for e in rec["events"]), rec["events"]
    assert all(p.stat().st_uid == os.geteuid() for p in [work, *work.iterdir()])  # handed back to the grader


@needs_sandbox
def test_a_fork_storm_is_stopped_and_reported(tmp_path):
    from grading.guard import EVENTS, GuardedExecute

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import os, time\nfor _ in range(2000 if os.getpid() < 1000 else 0):\n"
            "    if os.fork() == 0:\n        while True:\n            pass\ntime.sleep(30)"
        ),
        nbformat.v4.new_code_cell("print('never')"),
    ]
    ep = GuardedExecute(kernel_name="python3", timeout=60, sandbox="bwrap")
    out, _ = ep.preprocess(
        nb, {"metadata": {"path": str(tmp_path)}, "nbgrader": {"student": "s2", "assignment": "m", "notebook": "n"}}
    )
    rec = EVENTS[("s2", "m", "n")]
    assert rec["dead"] and "评分沙箱已被终止" in rec["dead"], rec  # too many processes or CPU cores
    assert out.cells[1].outputs[0]["ename"] == "GradingStopped"
