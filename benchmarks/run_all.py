"""Run every benchmark script in this folder and print their figures.

Benchmarks print measured figures and ratios against a baseline measured in the
same run; they are not part of the test suite (timings belong here, not in
unit tests).  Usage: ``make bench`` or ``python benchmarks/run_all.py [name ...]``.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(p for p in HERE.glob("bench_*.py") if not argv or p.stem in argv or p.stem[6:] in argv)
    failed = 0
    for script in scripts:
        print(f"\n===== {script.name} =====", flush=True)
        failed += subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
