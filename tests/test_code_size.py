"""Function sizes of the library, measured with ``ast`` (issue 17's budget).

Outside notebooks and tests (``course/``, ``grading/``, ``datasets/``, ``benchmarks/``
and the module folders' helper scripts), at most 10 functions are longer than 60
lines and none is longer than 100.  A function's length is from its ``def`` line
to its last line, decorators excluded, nested functions counted in their parent
too (a long function does not get shorter by hiding helpers inside it).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SKIP = {".venv", "tests", "node_modules", "classroom", "build", "test-artifacts", ".git"}
LONG, TOO_LONG, MAX_LONG = 60, 100, 10


def library_files(root: Path = REPO) -> list[Path]:
    return [p for p in sorted(root.rglob("*.py")) if not SKIP & set(p.relative_to(root).parts)]


def function_lengths(path: Path) -> list[tuple[int, str]]:
    """(lines, "file:line name") of every function and method in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.end_lineno - node.lineno + 1, f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def long_functions(files: list[Path], limit: int) -> list[tuple[int, str]]:
    return sorted((row for f in files for row in function_lengths(f) if row[0] > limit), reverse=True)


def test_the_measure_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(120))
    f = tmp_path / "long.py"
    f.write_text(f"def short():\n    return 1\n\n\ndef long():\n{body}\n", encoding="utf-8")
    global REPO
    saved, REPO = REPO, tmp_path
    try:
        assert [n for n, _ in long_functions([f], LONG)] == [121]
    finally:
        REPO = saved


def test_library_functions_stay_small():
    files = library_files()
    assert any(p.parts[-2:] == ("grading", "autograde.py") for p in files)  # the walk found the library
    long = long_functions(files, LONG)
    too_long = [row for row in long if row[0] > TOO_LONG]
    report = "\n".join(f"{n:4d}  {where}" for n, where in long)
    assert not too_long, f"functions over {TOO_LONG} lines:\n{report}"
    assert len(long) <= MAX_LONG, f"{len(long)} functions over {LONG} lines (at most {MAX_LONG}):\n{report}"
