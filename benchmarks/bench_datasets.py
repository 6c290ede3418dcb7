"""Benchmark: generation time and peak memory of the simulated shop at three scales.

Runs ``python -m datasets.generate`` in a child process per scale (validation
included, Excel pack excluded), reads the child's peak resident memory from
``os.wait4`` (ru_maxrss) and prints

- time, peak memory and row counts for the classroom scale and two large scales
  (the larger with at least 1,000,000 orders);
- the ratio of the two large runs' times against the ratio of their sizes (orders),
  which should be about linear.

Usage::

    python benchmarks/bench_datasets.py                 # scales 1, 100, 220
    python benchmarks/bench_datasets.py --scales 1 20 50 --keep

Output goes to datasets/generated/bench-scale-N (gitignored) and is deleted
afterwards unless --keep.  Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "datasets" / "generated"


def run(scale: float, seed: int, keep: bool) -> dict:
    out = OUT / f"bench-scale-{scale:g}"
    if out.exists():
        shutil.rmtree(out)
    cmd = [
        sys.executable,
        "-m",
        "datasets.generate",
        "--seed",
        str(seed),
        "--scale",
        f"{scale:g}",
        "--out",
        str(out),
        "--no-excel",
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        print(log)
        raise SystemExit(f"generation at scale {scale:g} failed (exit {proc.returncode})")
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    if not keep:
        shutil.rmtree(out)
    rows = {k: v["rows"] for k, v in man["tables"].items()}
    return {
        "scale": scale,
        "seconds": elapsed,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "rows": rows,
        "disk_mb": size / 2**20,
        "log": log,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1, 100, 220])
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--keep", action="store_true", help="keep the generated folders")
    args = ap.parse_args(argv)
    print(f"cpu count {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, python {sys.version.split()[0]}")
    results = []
    for s in args.scales:
        r = run(s, args.seed, args.keep)
        results.append(r)
        rows = r["rows"]
        print(
            f"scale {s:>6g}: {r['seconds']:8.1f} s wall  {r['cpu']:8.1f} s cpu  peak RSS {r['peak_mb']:7.0f} MB  "
            f"disk {r['disk_mb']:8.1f} MB  orders {rows['orders']:>10,}  traffic {rows['traffic']:>11,}  "
            f"customers {rows['customers']:>9,}  messages {rows['messages']:>10,}",
            flush=True,
        )
        for line in r["log"].splitlines():
            if "s）" in line and ("写出" in line or "校验" in line):
                print("    " + line.strip()[:160])
    big = [r for r in results if r["scale"] > 1]
    if len(big) >= 2:
        a, b = big[-2], big[-1]
        size_ratio = b["rows"]["orders"] / a["rows"]["orders"]
        time_ratio = b["seconds"] / a["seconds"]
        cpu_ratio = b["cpu"] / a["cpu"]
        print(
            f"\nlarge scales {a['scale']:g} -> {b['scale']:g}: orders x{size_ratio:.2f}, "
            f"wall time x{time_ratio:.2f}, cpu time x{cpu_ratio:.2f}; "
            f"time ratio / size ratio = {time_ratio / size_ratio:.2f} wall, {cpu_ratio / size_ratio:.2f} cpu "
            f"(1.00 = linear); "
            f"peak memory x{b['peak_mb'] / a['peak_mb']:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
