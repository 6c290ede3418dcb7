"""Layers of the package, read from the source with ``ast`` (nothing is imported).

* ``course/tools`` never imports ``course/forms`` (forms use tools, not the other way),
  neither at the top of a module nor inside a function;
* no import circle among the modules of ``course/`` (imports inside functions count:
  they only hide a circle, they do not remove it);
* no ``sys.path`` edits in library code of ``course/``, ``grading/`` and ``datasets/``
  (scripts run as ``python -m ...`` from the editable install); a path written into a
  generated file for another process is a string, not an edit, and is allowed.

Each rule is also run on a small planted package, so a checker that finds nothing
is known to be able to find something.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


# -- reading the imports --------------------------------------------------------------------


def package_modules(root: Path = REPO, package: str = "course") -> dict[str, Path]:
    """{dotted name: file} of every module of ``package`` under ``root``."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def module_imports(path: Path, module: str, known: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported module of ``known``, line) for every import of a file, wherever it stands.

    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module,
    else ``pkg``; a package's ``__init__`` run on the way to a submodule is not counted.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                out.append((target, node.lineno))
    return out


def import_graph(modules: dict[str, Path]) -> dict[str, dict[str, int]]:
    """{module: {imported module: first line}}."""
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        edges: dict[str, int] = {}
        for target, line in module_imports(path, name, modules):
            edges.setdefault(target, line)
        graph[name] = edges
    return graph


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The circles of the graph: every strongly connected group of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def describe_cycle(group: list[str], graph: dict[str, dict[str, int]]) -> str:
    members = set(group)
    edges = [f"{a} -> {b} (line {graph[a][b]})" for a in group for b in sorted(graph[a]) if b in members]
    return "; ".join(edges)


def layer_violations(graph: dict[str, dict[str, int]], lower: str, upper: str) -> list[str]:
    """Imports of a module under ``upper`` by a module under ``lower`` (dotted prefixes)."""

    def under(name: str, prefix: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    return [
        f"{m} imports {t} (line {line})"
        for m, edges in sorted(graph.items())
        if under(m, lower)
        for t, line in sorted(edges.items())
        if under(t, upper)
    ]


# -- sys.path edits ---------------------------------------------------------------------------

_PATH_METHODS = {"insert", "append", "extend", "remove", "pop", "clear", "__setitem__", "__iadd__"}


def _is_sys_path(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "path"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def sys_path_edits(path: Path) -> list[int]:
    """Lines of a file that change ``sys.path`` (a call of its methods, an assignment to it,
    ``site.addsitedir``).  Text that merely contains "sys.path" (a generated file) is not an edit."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            if (f.attr in _PATH_METHODS and _is_sys_path(f.value)) or (
                f.attr == "addsitedir" and isinstance(f.value, ast.Name) and f.value.id == "site"
            ):
                lines.append(node.lineno)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if _is_sys_path(t) or (isinstance(t, ast.Subscript) and _is_sys_path(t.value)):
                    lines.append(node.lineno)
    return sorted(lines)


def library_files(folder: str) -> list[Path]:
    """The library's Python files of a top-level folder.  Left out: vendored and generated
    files, and ``*_config.py`` (config files that JupyterHub or nbgrader execute, not imports)."""
    skip = {"node_modules", "__pycache__", "generated", ".venv"}
    return [
        p
        for p in sorted((REPO / folder).rglob("*.py"))
        if not skip & set(p.relative_to(REPO).parts) and not p.name.endswith("_config.py")
    ]


def sys_path_report(folder: str) -> list[str]:
    return [f"{p.relative_to(REPO)}:{line}" for p in library_files(folder) for line in sys_path_edits(p)]


# -- the course package -----------------------------------------------------------------------


def test_course_tools_never_import_forms():
    graph = import_graph(package_modules())
    assert "course.tools.pricing" in graph and "course.forms.fields" in graph  # the walk found the package
    assert layer_violations(graph, "course.tools", "course.forms") == []


def test_no_import_cycles_in_course():
    graph = import_graph(package_modules())
    cycles = import_cycles(graph)
    assert cycles == [], "\n".join(describe_cycle(c, graph) for c in cycles)


# Parts cleaned by other helpers of issue 17 that still edited sys.path when this test was written;
# strict: once they are clean the XPASS fails, so the mark is removed then.
_BUILD_SCRIPTS = ("course/teacher/", "course/resources/")


def test_no_sys_path_edits_in_course():
    report = [hit for hit in sys_path_report("course") if not hit.startswith(_BUILD_SCRIPTS)]
    assert report == []


def test_no_sys_path_edits_in_course_build_scripts():
    """The teacher's builders run as ``python -m course.teacher.rebuild`` and so on."""
    assert [hit for hit in sys_path_report("course") if hit.startswith(_BUILD_SCRIPTS)] == []


@pytest.mark.parametrize("folder", ["grading", "datasets"])
def test_no_sys_path_edits_in_grading_and_datasets(folder):
    assert library_files(folder), folder
    assert sys_path_report(folder) == []


# -- the grading package ---------------------------------------------------------------------


def test_no_import_cycles_in_grading():
    graph = import_graph(package_modules(package="grading"))
    assert "grading.autograde" in graph and "grading.worker" in graph
    cycles = import_cycles(graph)
    assert cycles == [], "\n".join(describe_cycle(c, graph) for c in cycles)


# -- the datasets package -------------------------------------------------------------------


def test_no_import_cycles_in_datasets():
    """The generator imports the schema check, never the other way round (the schema once read the
    generator's word lists through an import hidden in a function)."""
    graph = import_graph(package_modules(package="datasets"))
    assert "datasets.schema" in graph["datasets.generate"]  # the walk found the package
    cycles = import_cycles(graph)
    assert cycles == [], "\n".join(describe_cycle(c, graph) for c in cycles)


def guarded_imports(path: Path) -> list[int]:
    """Lines of imports inside a ``try`` whose handler catches ImportError or broader: a failing
    import there is swallowed and the module silently runs without it."""
    broad = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Try):
            continue
        caught = set()
        for h in node.handlers:
            types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
            caught |= {"BaseException" if t is None else getattr(t, "id", getattr(t, "attr", "")) for t in types}
        if caught & broad:
            lines += [
                n.lineno for stmt in node.body for n in ast.walk(stmt) if isinstance(n, (ast.Import, ast.ImportFrom))
            ]
    return lines


def test_no_swallowed_imports_in_datasets():
    found = [f"{p.relative_to(REPO)}:{line}" for p in library_files("datasets") for line in guarded_imports(p)]
    assert found == []


# -- the checkers find what they look for (a planted package) -------------------------------


def _plant(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_checkers_find_planted_problems(tmp_path):
    _plant(
        tmp_path,
        {
            "course/__init__.py": "",
            "course/messages.py": "class CourseError(Exception):\n    pass\n",
            "course/forms/__init__.py": "",
            "course/forms/detail.py": "from ..tools.audit import ORDER\nfrom ..messages import CourseError\n",
            "course/tools/__init__.py": "",
            # the circle is hidden in a function, as it was in course/tools/listing_audit.py
            "course/tools/audit.py": "ORDER = []\n\ndef collect():\n    from ..forms.detail import ORDER\n",
            "course/tools/fine.py": "from . import audit\nfrom course.messages import CourseError\n",
            "course/script.py": "import sys\nsys.path.insert(0, '..')\nsys.path[:0] = ['x']\n"
            "TEXT = 'import sys; sys.path.insert(0, \"/repo\")'\n",
        },
    )
    modules = package_modules(tmp_path)
    graph = import_graph(modules)
    assert graph["course.tools.fine"] == {"course.tools.audit": 1, "course.messages": 2}
    assert layer_violations(graph, "course.tools", "course.forms") == [
        "course.tools.audit imports course.forms.detail (line 4)"
    ]
    assert import_cycles(graph) == [["course.forms.detail", "course.tools.audit"]]
    assert sys_path_edits(tmp_path / "course" / "script.py") == [2, 3]
    assert sys_path_edits(tmp_path / "course" / "messages.py") == []


def test_guarded_import_checker_finds_the_old_datasets_pattern(tmp_path):
    # the shape datasets/schema.py had: a word list extended by an import that may fail silently
    planted = tmp_path / "words.py"
    planted.write_text(
        "def safe_words():\n    words = set()\n    try:\n        from .generate import REGIONS\n"
        "        words.update(REGIONS)\n    except Exception:  # pragma: no cover\n        pass\n"
        "    return words\n\ntry:\n    import yaml\nexcept (OSError, ValueError):\n    yaml = None\n",
        encoding="utf-8",
    )
    assert guarded_imports(planted) == [4]
