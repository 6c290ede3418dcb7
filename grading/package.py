"""What a student receives: the one list of student-side files and versions.

Everything that ships the student side asks this module:

* the learning-platform zip (grading/release.py, :func:`write_module_package`);
* the grading sandbox: a student kernel sees exactly this ``course`` package
  (grading/sandbox, :func:`copy_course`);
* the JupyterHub image (the hub deployment calls :func:`copy_course` and
  :func:`student_requirements` / :func:`student_environment_yml`);
* nbgrader's release (``CourseDirectory.ignore`` gets :data:`MODULE_TEACHER_ONLY`
  through grading/config.py), so the exchange holds no teacher file either.

Student side: the ``course`` package without its teacher-only parts, a module's
released notebooks with their ``.checks.json`` and assets, the shop data, a
pinned student environment (the same versions as ``environment.yml``) and the
instructions.  Never: ``course/teacher/``, ``TEACHER_NOTES*``, build scripts
(``build_*.py``, ``make_*.py``), ``grading/``, tests, answer files.

>>> is_student_file("course/forms/title_form.py")
True
>>> [is_student_file(p) for p in ("course/teacher/schedule.md", "course/resources/build_templates.py")]
[False, False]
"""

from __future__ import annotations

import fnmatch
import re
import shutil
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parent.parent

#: file names that never leave the teacher's side, wherever they are
TEACHER_ONLY_NAMES = ("TEACHER_NOTES*", "make_*.py", "build_*.py")
#: folders of the course package that are the teacher's
TEACHER_ONLY_DIRS = ("course/teacher",)
#: what nbgrader must not copy from a module's source folder into the release
MODULE_TEACHER_ONLY = ["TEACHER_NOTES*", "README.md", "make_*.py", "build_*.py"]
#: never in any package: caches, editor droppings, answer files
JUNK = (
    "__pycache__",
    "*.pyc",
    ".ipynb_checkpoints",
    ".DS_Store",
    ".git",
    "*.answers.json",
    "*.answers.json.*",
    ".answers-*",
)
#: packages of environment.yml a student does not need (grading, tests, the repository itself)
NOT_FOR_STUDENTS = ("nbgrader", "papermill", "nbval", "pytest", "pytest-xdist", "playwright", "-e .")


def _matches(name: str, patterns) -> bool:
    return any(fnmatch.fnmatch(name, pat) for pat in patterns)


def is_student_file(relpath: str | PurePosixPath) -> bool:
    """Whether a repository-relative path may be in a student package."""
    p = PurePosixPath(str(relpath).replace("\\", "/"))
    text = str(p)
    if any(text == d or text.startswith(d + "/") for d in TEACHER_ONLY_DIRS):
        return False
    if p.parts and p.parts[0] in ("grading", "tests", ".ci", "benchmarks", "classroom"):
        return False
    return not any(_matches(part, TEACHER_ONLY_NAMES + JUNK) for part in p.parts)


def course_files(repo: Path = REPO) -> list[str]:
    """Repository-relative paths of the student ``course`` package, sorted."""
    root = Path(repo)
    out = []
    for p in sorted((root / "course").rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and not p.is_symlink() and is_student_file(rel):
            out.append(rel)
    return sorted(out)  # as text: Path order puts "settings/…" before "settings.yaml"


def copy_course(dest: Path, repo: Path = REPO) -> Path:
    """Copy the student ``course`` package into ``dest/course``; return that folder."""
    dest = Path(dest)
    for rel in course_files(repo):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(repo) / rel, target)
    return dest / "course"


def teacher_files_in(root: Path) -> list[str]:
    """Paths under ``root`` that must not be in a student package (empty = clean)."""
    root = Path(root)
    bad = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        parts = PurePosixPath(rel).parts
        if (
            p.is_symlink()
            or any(_matches(part, TEACHER_ONLY_NAMES) for part in parts)
            or "teacher" in parts
            or "grading" in parts
        ):
            bad.append(rel)
    return bad


# -- the pinned student environment ---------------------------------------------

_PIN = re.compile(r"^\s*-\s+(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<op>==?)\s*(?P<version>[^\s#]+)")


def _environment_lines(repo: Path = REPO) -> list[str]:
    return (Path(repo) / "environment.yml").read_text(encoding="utf-8").splitlines()


def student_environment_yml(repo: Path = REPO) -> str:
    """``environment.yml`` for students: the course's file without grading/test packages.

    Same channel, same pins, same pip section; only the packages in
    :data:`NOT_FOR_STUDENTS` (and the editable install of the repository) are dropped.
    """
    out = [
        "# 电商运营实战 · 学生环境（与课程 environment.yml 版本一致；助教评分用的包已去掉）",
        "#   conda env create -f environment.yml && conda activate ecom-ops-student",
    ]
    for line in _environment_lines(repo):
        stripped = line.strip()
        if stripped.startswith("#") and not out[2:]:
            continue  # the course file's own header
        m = _PIN.match(line)
        name = m.group("name") if m else stripped[2:].strip() if stripped.startswith("- ") else ""
        if name in NOT_FOR_STUDENTS:
            continue
        if stripped.startswith("name:"):
            line = "name: ecom-ops-student"
        out.append(line)
    return "\n".join(out).rstrip() + "\n"


def student_requirements(repo: Path = REPO) -> list[str]:
    """pip pins of the student environment (``name==version``), from pyproject.toml."""
    import tomllib

    data = tomllib.loads((Path(repo) / "pyproject.toml").read_text(encoding="utf-8"))
    pins = []
    for req in data["project"]["dependencies"]:
        name = re.split(r"[=<>!~ ]", req, maxsplit=1)[0]
        if name not in NOT_FOR_STUDENTS:
            pins.append(req.replace(" ", ""))
    return pins


def pins(text: str) -> dict[str, str]:
    """{package: version} of an environment file's or requirements file's pinned lines.

    >>> pins("  - pandas=3.1.1\\n  - pip:\\n      - zhplot==1.0.0\\njieba==0.42.1")
    {'pandas': '3.1.1', 'zhplot': '1.0.0', 'jieba': '0.42.1'}
    """
    out = {}
    for line in text.splitlines():
        m = _PIN.match(line) or re.match(r"^\s*(?P<name>[A-Za-z0-9_.\-]+)\s*==\s*(?P<version>\S+)", line)
        if m:
            out[m.group("name")] = m.group("version")
    return out


# -- a module's package -----------------------------------------------------------


def write_module_package(
    release_dir: Path, dest: Path, data_dir: Path | None, instructions: str, repo: Path = REPO
) -> list[str]:
    """Lay out a module's student package in ``dest``; return notes for the TA.

    ``release_dir`` is nbgrader's student version (notebooks, ``.checks.json``,
    assets).  Adds the student ``course`` package, the shop data, the student
    environment (conda and pip) and 使用说明.txt.
    """
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(
        release_dir,
        dest,
        symlinks=False,
        ignore=lambda _d, names: [n for n in names if _matches(n, JUNK + TEACHER_ONLY_NAMES)],
    )
    copy_course(dest, repo)
    notes = []
    if data_dir is not None and (Path(data_dir) / "manifest.json").is_file():
        shutil.copytree(data_dir, dest / "data", ignore=lambda _d, names: [n for n in names if _matches(n, JUNK)])
    else:
        notes.append("店铺数据尚未生成（datasets/data 中没有 manifest.json），学生包里没有 data 文件夹。")
    (dest / "environment.yml").write_text(student_environment_yml(repo), encoding="utf-8")
    (dest / "requirements.txt").write_text(
        "# 电商运营实战 · 学生环境（pip）；与 environment.yml 版本一致\n"
        + "\n".join(student_requirements(repo))
        + "\n",
        encoding="utf-8",
    )
    (dest / "使用说明.txt").write_text(instructions, encoding="utf-8")
    leaked = teacher_files_in(dest)
    if leaked:  # a module folder that carries teacher files under another name
        raise ValueError("学生包里出现了教师专用文件，已停止打包：" + "、".join(leaked[:10]))
    return notes
