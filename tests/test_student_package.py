"""What students receive: the learning-platform zip and the nbgrader exchange hold
student files only (grading/package.py is the one list), and the zip pins the
course's versions in its own environment files, which its 使用说明 installs from."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import PurePosixPath

import harness
import pytest

from grading import fixture, package
from grading.workspace import ensure_workspace

pytestmark = pytest.mark.slow
M = fixture.MODULE
REPO = harness.REPO
TEACHER_FILES = {
    "TEACHER_NOTES.md": "教师备课笔记：参考答案见……",
    "README.md": "教师说明",
    "make_assets.py": "print('build')",
    "build_cards.py": "print('build')",
}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    base = tmp_path_factory.mktemp("package")
    ws = ensure_workspace(base / "classroom", modules=())
    folder = fixture.build(ws / "source")
    for name, text in TEACHER_FILES.items():  # what a module folder of the repository carries
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "assets").mkdir()
    (folder / "assets" / "主图1.png").write_bytes(b"\x89PNG fake")
    proc = subprocess.run(
        [sys.executable, "-m", "grading", "release", M, "--workspace", str(ws)],
        env=harness.env(),
        capture_output=True,
        text=True,
        timeout=600,
        cwd=str(REPO),
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = base / "unzipped"
    with zipfile.ZipFile(ws / "zips" / f"{M}.zip") as zf:
        names = zf.namelist()
        zf.extractall(out)
    return {"ws": ws, "names": names, "root": out / M}


def test_zip_holds_student_files_only(released):
    names = released["names"]
    assert names and all(n.startswith(f"{M}/") for n in names)
    rel = [PurePosixPath(n).relative_to(M) for n in names]
    assert not package.teacher_files_in(released["root"])
    for p in rel:
        assert p.parts[0] not in ("grading", "tests", "benchmarks", ".ci"), p
        assert "teacher" not in p.parts and not p.name.startswith(("TEACHER_NOTES", "make_", "build_")), p
        assert not p.name.endswith((".answers.json", ".pyc")), p
    assert "README.md" not in {str(p) for p in rel}  # the module folder's README is the teacher's
    top = {p.parts[0] for p in rel}
    assert top <= {
        "01_shop.ipynb",
        "02_price.ipynb",
        "01_shop.checks.json",
        "02_price.checks.json",
        "assets",
        "course",
        "data",
        "environment.yml",
        "requirements.txt",
        "使用说明.txt",
    }, top
    assert {
        "01_shop.ipynb",
        "02_price.ipynb",
        "assets",
        "course",
        "environment.yml",
        "requirements.txt",
        "使用说明.txt",
    } <= top


def test_course_package_in_the_zip_is_exactly_the_student_list(released):
    in_zip = sorted(
        str(PurePosixPath(n).relative_to(M))
        for n in released["names"]
        if PurePosixPath(n).relative_to(M).parts[0] == "course"
    )
    assert in_zip == package.course_files()
    assert (REPO / "course" / "teacher").is_dir()  # it exists in the repository, and stays there
    assert not any("/teacher/" in f or f.endswith(("build_templates.py", "build_redlines.py")) for f in in_zip)


def test_checks_files_of_the_release_are_shipped(released):
    checks = sorted(p.name for p in (released["ws"] / "release" / M).glob("*.checks.json"))
    assert checks == sorted(p.name for p in released["root"].glob("*.checks.json"))


def test_zip_pins_the_course_versions(released):
    root = released["root"]
    course_env = package.pins((REPO / "environment.yml").read_text(encoding="utf-8"))
    student_env = package.pins((root / "environment.yml").read_text(encoding="utf-8"))
    wanted = {k: v for k, v in course_env.items() if k not in package.NOT_FOR_STUDENTS}
    assert student_env == wanted and len(student_env) >= 20
    import tomllib

    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pip_pins = package.pins((root / "requirements.txt").read_text(encoding="utf-8"))
    assert pip_pins == {
        d.split("==")[0]: d.split("==")[1] for d in deps if d.split("==")[0] not in package.NOT_FOR_STUDENTS
    }
    assert all(
        ("==" in line)
        for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    guide = (root / "使用说明.txt").read_text(encoding="utf-8")
    assert "conda env create -f environment.yml" in guide and "pip install -r requirements.txt" in guide
    assert "pip install pandas" not in guide  # the old unpinned line


def test_exchange_holds_no_teacher_file(released):
    outbound = list((released["ws"] / "exchange").rglob(f"outbound/{M}"))
    assert outbound, "nothing released to the exchange"
    for folder in outbound + [released["ws"] / "release" / M]:
        files = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
        assert files and not package.teacher_files_in(folder), folder
        assert not set(TEACHER_FILES) & {PurePosixPath(f).name for f in files}, files
