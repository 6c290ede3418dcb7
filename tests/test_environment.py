"""environment.yml (conda) and pyproject.toml (pip) pin the same packages at the
same versions; a classroom on Anaconda must get what CI tested."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_pins(pyproject: Path = REPO / "pyproject.toml") -> dict[str, str]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        reqs.extend(extra)
    out = {}
    for req in reqs:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;]+)\s*", req)
        assert m, f"pyproject.toml: {req!r} is not pinned with =="
        out[_norm(m.group(1))] = m.group(2)
    return out


def conda_pins(env_file: Path = REPO / "environment.yml") -> dict[str, str]:
    data = yaml.safe_load(env_file.read_text(encoding="utf-8"))
    out = {}
    for dep in data["dependencies"]:
        if isinstance(dep, dict):
            for pipdep in dep.get("pip", []):
                if pipdep.startswith("-e"):
                    continue
                name, _, ver = pipdep.partition("==")
                out[_norm(name)] = ver
            continue
        name, _, ver = dep.partition("=")
        if name in ("python", "pip"):
            continue
        out[_norm(CONDA_TO_PYPI.get(name, name))] = ver
    return out


def drift(pip: dict, conda: dict) -> list[str]:
    problems = []
    for name in sorted(set(pip) | set(conda)):
        if name not in conda:
            problems.append(f"{name} is in pyproject.toml but not in environment.yml")
        elif name not in pip:
            problems.append(f"{name} is in environment.yml but not in pyproject.toml")
        elif pip[name] != conda[name]:
            problems.append(f"{name}: pyproject {pip[name]} != environment.yml {conda[name]}")
    return problems


def test_pins_agree():
    assert drift(pip_pins(), conda_pins()) == []


def test_drift_is_detected(tmp_path):
    """Changing one pin in environment.yml makes the check fail."""
    text = (REPO / "environment.yml").read_text(encoding="utf-8").replace("pandas=3.1.1", "pandas=3.0.0")
    changed = tmp_path / "environment.yml"
    changed.write_text(text, encoding="utf-8")
    assert drift(pip_pins(), conda_pins(changed)) == ["pandas: pyproject 3.1.1 != environment.yml 3.0.0"]


@pytest.mark.parametrize("name", ["pandas", "nbgrader", "jupyterlab", "jsonschema"])
def test_installed_versions_match_pins(name):
    from importlib.metadata import version

    assert version(name) == pip_pins()[_norm(name)]


def test_every_library_package_is_installed():
    """A non-editable install ships every package folder (grading.reference.* once was missing)."""
    from setuptools import find_packages

    find = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    listed = set(find_packages(where=str(REPO), include=find["find"]["include"]))
    folders = {
        ".".join(p.parent.relative_to(REPO).parts)
        for top in ("course", "grading", "datasets")
        for p in (REPO / top).rglob("__init__.py")
        if "node_modules" not in p.parts
    }
    assert "grading.reference.module1_listing" in folders and "grading.sandbox" in folders
    assert folders <= listed, sorted(folders - listed)


def test_loading_nbformat_builds_no_iri_grammars():
    """Every nbgrader, papermill and Jupyter server process loads nbformat, hence
    jsonschema's format checkers.  jsonschema >= 4.25 imports rfc3987-syntax there,
    which builds ~35 Lark parsers (about 1.3 CPU-seconds a process, measured here);
    the pin keeps it out.  Checked in a fresh interpreter, by the modules it imports."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import nbformat, jupyter_events.validators"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in out.splitlines() if line.startswith("import time:")}
    assert "jsonschema._format" in loaded  # the format checkers are loaded ...
    assert not {"rfc3987_syntax", "lark"} & loaded  # ... without the grammar library
