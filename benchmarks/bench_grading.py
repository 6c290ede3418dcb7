"""Benchmark of ``grading autograde`` (prints figures; not a timed test).

For a class of N submissions (default 30) of one module, in the same run:

1. ``grading autograde MODULE --jobs 2`` (workers + clean re-check + merge,
   every student kernel in the bubblewrap sandbox)
   -> wall time, seconds per submission, peak memory of the process tree;
1b. the same command with ``--unsafe-no-sandbox`` on the same submissions,
   alternating with 1. (``--sandbox-rounds`` pairs, default 1)
   -> the sandbox's overhead, on/off (target <= 1.10x);
2. plain serial ``nbgrader autograde MODULE`` on a copy of the same
   submissions, stock nbgrader (``GRADING_PLAIN=1``: no guard, no re-check,
   no sandbox) -> wall time, peak memory; the speed-up 2./1. (target >= 1.7x);
3. per-submission overhead on K submissions: ``grading autograde --jobs 1``
   versus executing the same notebooks bare with nbclient, one fresh kernel per
   notebook, serially (target <= 1.3x);
4. optionally (``--sqlite-check``): two plain ``nbgrader autograde --student``
   streams writing the same sqlite gradebook at once -> failures and time.

Usage::

    python benchmarks/bench_grading.py                     # first course module, 30 students
    python benchmarks/bench_grading.py --module module2_campaign --students 30 --overhead 6
    python benchmarks/bench_grading.py --fixture --students 12   # the small test assignment
    python benchmarks/bench_grading.py --students 30 --overhead 6 --sandbox-rounds 2

Other work on the machine changes every figure: the load average during each
step is printed with it (``uptime``'s 1-minute figure, mean of start and end).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

from course.modules import MODULES
from course.modules import folder as module_folder
from grading import fixture, simulate
from grading.workspace import ensure_workspace

REPO = Path(__file__).resolve().parent.parent


def env(**extra) -> dict:
    e = dict(os.environ)
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e.get('PATH', '')}"
    e.setdefault("COURSE_DATA_DIR", str(REPO / "datasets" / "data"))
    e["PYTHONPATH"] = str(REPO) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    for k in ("COURSE_RECHECK", "NBGRADER_EXECUTION", "GRADING_PLAIN", "GRADING_WORKER"):
        e.pop(k, None)
    e.update(extra)
    return e


class PeakMemory:
    """Peak summed RSS of a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                p = psutil.Process(self.pid)
                procs = [p] + p.children(recursive=True)
                total = 0
                for q in procs:
                    try:
                        total += q.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._stop.wait(0.2)

    def stop(self) -> float:
        self._stop.set()
        self.thread.join()
        return self.peak / 1e6


CPU: dict = {}


def timed(cmd: list[str], cwd: Path, e: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall time and peak memory of a command; its CPU time (whole process tree,
    from the children's rusage) and the load average are left in ``CPU``."""
    t, c0, load0 = time.time(), os.times(), os.getloadavg()[0]
    proc = subprocess.Popen(cmd, cwd=cwd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mem = PeakMemory(proc.pid)
    out, err = proc.communicate()
    wall = time.time() - t
    peak = mem.stop()
    c1 = os.times()
    CPU["last"] = (c1.children_user + c1.children_system) - (c0.children_user + c0.children_system)
    CPU["load"] = round((load0 + os.getloadavg()[0]) / 2, 1)
    return wall, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def notebooks(folder: Path) -> dict[str, nbformat.NotebookNode]:
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(Path(folder).glob("*.ipynb"))}


def submit(ws: Path, module: str, student: str, nbs: dict, timestamp: str) -> None:
    """A submission in ``submitted/<student>/<module>/``, as nbgrader collect leaves it."""
    dest = ws / "submitted" / student / module
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name, nb in nbs.items():
        nbformat.write(nb, dest / name)
    (dest / "timestamp.txt").write_text(timestamp)


def make_class(base: Path, module: str, n: int, use_fixture: bool) -> Path:
    ws = ensure_workspace(base / "classroom", modules=() if use_fixture else (module,))
    if use_fixture:
        fixture.build(ws / "source")
    subprocess.run(
        [sys.executable, "-m", "grading", "release", module, "--no-zip", "--no-exchange", "--workspace", str(ws)],
        env=env(),
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    rel = notebooks(ws / "release" / module)
    src = notebooks(ws / "source" / module)
    sols = {}
    for nb in src.values():
        sols.update(simulate.solutions(nb))
    profiles = ["complete", "partial", "complete", "empty", "complete"]
    for i in range(n):
        prof = profiles[i % len(profiles)]
        if prof == "complete":
            nbs = {k: simulate.fill(nb, sols) for k, nb in rel.items()}
        elif prof == "partial":
            nbs = {k: simulate.fill(nb, sols, lambda j, g: j % 2 == 0) for k, nb in rel.items()}
        else:
            nbs = rel
        submit(ws, module, f"s{i + 1:03d}", nbs, timestamp="2026-12-07 10:00:00+08:00")
    return ws


def bare_seconds(ws: Path, module: str, students: list[str]) -> list[float]:
    """Execute each submission's notebooks bare (nbclient, fresh kernel per notebook)."""
    from nbclient import NotebookClient

    out = []
    for s in students:
        folder = Path(tempfile.mkdtemp(prefix="bare-"))
        for p in (ws / "source" / module).iterdir():
            if p.suffix != ".ipynb":
                (shutil.copytree if p.is_dir() else shutil.copy2)(p, folder / p.name)
        t = time.time()
        for nbp in sorted((ws / "submitted" / s / module).glob("*.ipynb")):
            nb = nbformat.read(nbp, as_version=4)
            NotebookClient(
                nb, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
            ).execute()
        out.append(time.time() - t)
        shutil.rmtree(folder, ignore_errors=True)
    return out


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser()
    ap.add_argument("--module")
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--overhead", type=int, default=6, help="submissions used for the overhead ratio")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--fixture", action="store_true", help="use the small test assignment")
    ap.add_argument("--sqlite-check", action="store_true")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument(
        "--sandbox-rounds",
        type=int,
        default=1,
        help="pairs of runs with the sandbox on and off (alternating) for the overhead",
    )
    return ap


def copy_workspace(ws: Path, dest: Path) -> Path:
    """A copy of a class workspace whose nbgrader_config.py names the copy."""
    shutil.copytree(ws, dest, symlinks=True)
    (dest / "nbgrader_config.py").write_text(
        (ws / "nbgrader_config.py").read_text().replace(repr(str(ws)), repr(str(dest)))
    )
    return dest


def sandbox_rounds(ws: Path, module: str, args, figures: dict) -> bool:
    """1. and 1b.: grading autograde with and without the sandbox, alternating; False if a run failed."""
    autograde = [
        sys.executable,
        "-m",
        "grading",
        "autograde",
        module,
        "--jobs",
        str(args.jobs),
        "--quiet",
        "--workspace",
        str(ws),
    ]
    on, off = [], []
    for r in range(max(1, args.sandbox_rounds)):
        for flags, times in (([], on), (["--unsafe-no-sandbox"], off)):
            wall_r, peak_r, proc = timed(autograde + flags, REPO, env())
            if proc.returncode != 0:
                print(proc.stdout[-2000:], proc.stderr[-3000:])
                return False
            summary = json.loads((ws / "reports" / f"autograde-{module}.json").read_text(encoding="utf-8"))
            bad = [row["student"] for row in summary["rows"] if row["status"] != "ok"]
            times.append(
                {
                    "wall": round(wall_r, 1),
                    "peak_mb": round(peak_r),
                    "cpu": round(CPU["last"], 1),
                    "load": CPU["load"],
                    "not_ok": bad,
                    "sandbox": summary.get("sandbox"),
                }
            )
            print(
                f"grading autograde --jobs {args.jobs}{' ' + flags[0] if flags else ''} (round {r + 1}): "
                f"{wall_r:.1f} s ({wall_r / args.students:.2f} s/submission), peak memory {peak_r:.0f} MB, "
                f"CPU {CPU['last']:.0f} s, load {CPU['load']}, sandbox {summary.get('sandbox')}, "
                f"not ok: {bad or 'none'}"
            )
    wall = sum(t["wall"] for t in on) / len(on)
    wall_off = sum(t["wall"] for t in off) / len(off)
    figures.update(
        grading_wall=round(wall, 1),
        grading_per_submission=round(wall / args.students, 2),
        grading_peak_mb=max(t["peak_mb"] for t in on),
        grading_not_ok=on[0]["not_ok"],
        grading_cpu=on[0]["cpu"],
        grading_load=on[0]["load"],
        sandbox_runs=on,
        no_sandbox_runs=off,
        no_sandbox_wall=round(wall_off, 1),
        sandbox_overhead=round(wall / wall_off, 3),
        sandbox_cpu_overhead=round(sum(t["cpu"] for t in on) / max(1e-9, sum(t["cpu"] for t in off)), 3),
    )
    print(
        f"sandbox overhead: {wall:.1f} s with vs {wall_off:.1f} s without -> {wall / wall_off:.3f}x "
        f"(target <= 1.10x); CPU seconds {figures['sandbox_cpu_overhead']:.3f}x"
    )
    return True


def plain_nbgrader(plain_ws: Path, module: str, args, figures: dict) -> None:
    """2.: plain serial nbgrader autograde, stock nbgrader; the speed-up against 1."""
    wall = figures["grading_wall"]
    wall_p, peak_p, proc = timed(
        [str(Path(sys.executable).parent / "nbgrader"), "autograde", module, "--force"],
        plain_ws,
        env(GRADING_PLAIN="1"),
    )
    if proc.returncode != 0:
        print("plain nbgrader failed:", proc.stderr[-2000:])
    figures.update(
        plain_wall=round(wall_p, 1),
        plain_per_submission=round(wall_p / args.students, 2),
        plain_peak_mb=round(peak_p),
        speedup=round(wall_p / wall, 2),
        plain_cpu=round(CPU["last"], 1),
        plain_load=CPU["load"],
    )
    print(
        f"plain serial nbgrader autograde: {wall_p:.1f} s ({wall_p / args.students:.2f} s/submission), "
        f"peak memory {peak_p:.0f} MB"
    )
    print(
        f"speed-up: {wall_p / wall:.2f}x (target >= 1.7x); CPU seconds: grading {figures['grading_cpu']:.0f} "
        f"vs plain {figures['plain_cpu']:.0f}; mean load average {figures['grading_load']} / {figures['plain_load']}"
    )


def overhead(ws: Path, module: str, args, figures: dict) -> None:
    """3.: grading autograde --jobs 1 against bare nbclient on the same K submissions."""
    k = max(1, min(args.overhead, args.students))
    sample = [f"s{i + 1:03d}" for i in range(k)]
    wall_1, _, proc = timed(
        [sys.executable, "-m", "grading", "autograde", module, "--jobs", "1", "--quiet", "--workspace", str(ws)]
        + sum((["--student", s] for s in sample), []),
        REPO,
        env(),
    )
    jobs1_cpu = CPU["last"]
    c0 = os.times()
    bare = bare_seconds(ws, module, sample)
    c1 = os.times()
    bare_cpu = (c1.children_user + c1.children_system + c1.user + c1.system) - (
        c0.children_user + c0.children_system + c0.user + c0.system
    )
    figures.update(
        grading_jobs1_cpu_per_submission=round(jobs1_cpu / k, 2), bare_cpu_per_submission=round(bare_cpu / k, 2)
    )
    ratio = wall_1 / sum(bare)
    figures.update(
        overhead_students=k,
        grading_jobs1_per_submission=round(wall_1 / k, 2),
        bare_per_submission=round(sum(bare) / k, 2),
        overhead_ratio=round(ratio, 2),
    )
    print(
        f"per submission, serial: grading autograde {wall_1 / k:.2f} s vs bare nbclient {sum(bare) / k:.2f} s "
        f"-> {ratio:.2f}x (target <= 1.3x; includes worker start-up, re-check and gradebook merge)"
    )


def sqlite_check(chk: Path, module: str, args, figures: dict) -> None:
    """4.: two plain nbgrader streams writing one sqlite gradebook at once."""
    errors: list = []
    ids = [f"s{i + 1:03d}" for i in range(min(10, args.students))]

    def stream(part):
        for s in part:
            p = subprocess.run(
                [str(Path(sys.executable).parent / "nbgrader"), "autograde", module, "--force", "--student", s],
                cwd=chk,
                env=env(GRADING_PLAIN="1"),
                capture_output=True,
                text=True,
            )
            if p.returncode != 0:
                errors.append((s, "locked" in p.stderr, p.stderr[-300:]))

    t = time.time()
    threads = [threading.Thread(target=stream, args=(ids[j::2],)) for j in range(2)]
    for x in threads:
        x.start()
    for x in threads:
        x.join()
    figures.update(
        sqlite_concurrent_students=len(ids),
        sqlite_concurrent_failures=len(errors),
        sqlite_locked=sum(1 for e in errors if e[1]),
        sqlite_concurrent_wall=round(time.time() - t, 1),
    )
    print(
        f"two concurrent plain nbgrader streams on one sqlite gradebook: {len(ids)} students, "
        f"{len(errors)} failures ({figures['sqlite_locked']} 'database is locked'), {time.time() - t:.1f} s"
    )


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    os.environ.update({k: v for k, v in env().items() if k in ("PATH", "COURSE_DATA_DIR", "PYTHONPATH")})
    module = (
        fixture.MODULE
        if args.fixture
        else (args.module or next((m for m in MODULES if any(module_folder(m).glob("*.ipynb"))), None))
    )
    if module is None:
        print("no module with notebooks yet")
        return 1
    base = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    print(f"module {module}{' (fixture)' if args.fixture else ''}, {args.students} submissions, workspace {base}")
    ws = make_class(base / "a", module, args.students, args.fixture)
    plain_ws = copy_workspace(ws, base / "b" / "classroom")
    figures: dict = {
        "module": module,
        "students": args.students,
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg()[0],
    }
    if not sandbox_rounds(ws, module, args, figures):
        return 1
    plain_nbgrader(plain_ws, module, args, figures)
    overhead(ws, module, args, figures)
    if args.sqlite_check:
        sqlite_check(copy_workspace(plain_ws, base / "c" / "classroom"), module, args, figures)
    figures["loadavg_end"] = os.getloadavg()[0]
    print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
