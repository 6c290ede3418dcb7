"""Benchmark: CPU seconds a process of the course spends starting, now and as before
two start-up fixes: the ``jsonschema`` pin (4.24.1, without rfc3987-syntax) and
``course.plotting`` no longer importing seaborn.

From version 4.25 jsonschema imports rfc3987-syntax for its format checkers, and
that library builds ~35 Lark parsers when it is imported.  Every process that
loads nbformat or a Jupyter server loads those checkers: each single-user server
on the class hub, each ``nbgrader`` and ``papermill`` run of the grading, each
JupyterLab of the tests.  This script measures, in one run and on this machine:

* ``import nbformat`` in a fresh interpreter;
* ``nbgrader validate`` of a small notebook (what the Validate button and the
  grading run);
* a student's Jupyter server (the hub's student configuration) from start to
  its first ``/api/status`` answer;
* the first code cell of module 1's ``02_title`` (``course.start`` and the
  course imports), now and as before, when ``course.start`` imported seaborn
  (and scipy.stats with it) to wrap its style functions.

Each is run as the environment has it now ("now") and as before ("before"): with
``rfc3987_syntax`` imported when ``jsonschema._format`` is first imported (a
``sitecustomize`` import hook: "as with jsonschema ≥ 4.25"), which is exactly
the import jsonschema 4.25+ makes there, in the processes where it makes it, and
for the first cell also ``import seaborn``.  For
that baseline rfc3987-syntax 1.1.0 and lark 1.3.1 are installed into a temporary
folder (network to PyPI needed once); nothing is installed into the environment.

Usage::

    python benchmarks/bench_startup.py [--rounds 5]

Prints the median CPU seconds (user + system, of the process and its children)
of each, and the ratio before ÷ now.  Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASELINE_PINS = ("rfc3987-syntax==1.1.0", "lark==1.3.1")
SMALL_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "1 + 1"}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def baseline_site(folder: Path) -> Path:
    """A folder whose sitecustomize imports rfc3987_syntax when a process loads
    ``jsonschema._format``, as jsonschema >= 4.25 does."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(folder), *BASELINE_PINS],
        check=True,
    )
    (folder / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    return folder


#: only in processes that load jsonschema's format checkers, as jsonschema >= 4.25 does
HOOK = """import importlib.abc, sys


class _AsJsonschema425(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "jsonschema._format":
            sys.meta_path.remove(self)
            import rfc3987_syntax  # noqa: F401 - jsonschema>=4.25 imports it in _format
        return None


sys.meta_path.insert(0, _AsJsonschema425())
"""


def cpu_of(cmd: list[str], env: dict, cwd: Path) -> float:
    """User + system CPU seconds of a command and its children."""
    before = os.times()
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cpu(env: dict, home: Path) -> float:
    """CPU seconds of a student's Jupyter server until it answers ``/api/status``."""
    import psutil
    import requests

    port = free_port()
    config = home / "config"
    config.mkdir(exist_ok=True)
    extensions = {
        "nbgrader.server_extensions.assignment_list": True,
        "nbgrader.server_extensions.validate_assignment": True,
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
    }
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": extensions}}), encoding="utf-8"
    )
    cmd = [str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--port-retries=0"]
    cmd += ["--IdentityProvider.token=bench", f"--ServerApp.root_dir={home}", "--allow-root"]
    proc = subprocess.Popen(
        cmd, env={**env, "JUPYTER_CONFIG_DIR": str(config)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/status?token=bench", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.05)
        else:
            raise RuntimeError("the Jupyter server did not answer in 120 s")
        p = psutil.Process(proc.pid)
        times = p.cpu_times()
        return times.user + times.system + times.children_user + times.children_system
    finally:
        proc.terminate()
        proc.wait(timeout=30)


#: the first code cell of module 1's 02_title, as a student's kernel runs it
FIRST_CELL = (
    "import course\n"
    "course.start('module1_listing', '02_title')\n"
    "import course.labels\n"
    "from course import data, featured\n"
    "from course.tools import adwords, title as title_tools\n"
    "from course.forms.title_form import TitleForm\n"
    "product = featured.product()\n"
)


def measure(rounds: int, env: dict, home: Path, first_cell: str) -> dict[str, float]:
    nb = home / "small.ipynb"
    nb.write_text(json.dumps(SMALL_NOTEBOOK), encoding="utf-8")
    cell_env = {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)}
    runs: dict[str, list[float]] = {
        "import nbformat": [],
        "nbgrader validate": [],
        "student Jupyter server": [],
        "first cell of 02_title": [],
    }
    for _ in range(rounds):
        runs["import nbformat"].append(cpu_of([sys.executable, "-c", "import nbformat"], env, home))
        runs["nbgrader validate"].append(cpu_of([str(BIN / "nbgrader"), "validate", nb.name], env, home))
        runs["student Jupyter server"].append(server_cpu(env, home))
        runs["first cell of 02_title"].append(cpu_of([sys.executable, "-c", first_cell], cell_env, home))
    return {name: statistics.median(values) for name, values in runs.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        tmp = Path(tmp)
        site = baseline_site(tmp / "site")
        base_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JUPYTER_CONFIG_DIR")}
        homes = {"pinned": tmp / "pinned", "baseline": tmp / "baseline"}
        for h in homes.values():
            h.mkdir()
        envs = {
            "pinned": {**base_env, "HOME": str(homes["pinned"])},
            "baseline": {**base_env, "HOME": str(homes["baseline"]), "PYTHONPATH": str(site)},
        }
        print(f"load average at start: {os.getloadavg()[0]:.2f}; {args.rounds} rounds, median CPU seconds")
        pinned = measure(args.rounds, envs["pinned"], homes["pinned"], FIRST_CELL)
        # before: course.plotting imported seaborn (and with it scipy.stats) in course.start()
        baseline = measure(args.rounds, envs["baseline"], homes["baseline"], FIRST_CELL + "import seaborn\n")
    print(f"{'':26s} {'now':>8s} {'before':>24s} {'ratio':>7s}")
    for name in pinned:
        print(f"{name:26s} {pinned[name]:8.2f} {baseline[name]:24.2f} {baseline[name] / pinned[name]:6.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
