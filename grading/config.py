"""nbgrader configuration for the course, in one function.

Used by the repository's top-level ``nbgrader_config.py`` (so JupyterLab's
formgrader, started from the repository, sees the course) and by each class
workspace's ``nbgrader_config.py``.

What it decides, and why:

* source folders are the module folders, linked into the workspace's
  ``source/``; so nbgrader lists exactly the four modules, never ``course``,
  ``grading`` or ``datasets``;
* answer files (``<notebook>.answers.json``) are excluded from autograde's
  overwrite, so a student's saved form entries are what gets graded; an
  instructor who runs a source notebook in the repository has its answers kept
  outside the source folder (``course.session``), and ``grading release``
  refuses a source folder that still holds one, so none is ever released;
* solution stubs do not raise: a released notebook runs top to bottom for a
  student who has not answered yet (a clear message instead of a crash);
* a timeout per cell, interrupting runaway loops;
* warnings on stderr (pandas/seaborn FutureWarning) are dropped from test cells
  by nbgrader's IgnorePattern, because nbgrader gives 0 to any test cell with
  stderr output;
* deleted or edited grade cells are restored from the source on autograde.
"""

from __future__ import annotations

import os
from pathlib import Path

from course.modules import MODULES
from course.modules import folder as module_folder

from .package import MODULE_TEACHER_ONLY as TEACHER_ONLY  # one list of what students never get
from .workspace import REPO, Workspace, default_workspace, ensure_workspace

CELL_TIMEOUT = 120  # seconds per cell; the slowest reference cell takes a few seconds
ANSWER_PATTERNS = ["*.answers.json", "*.answers.json.*", ".answers-*"]


def answer_files(module: str) -> list[str]:
    """Names of the answer files a module's notebooks write (never overwritten)."""
    return sorted(p.stem + ".answers.json" for p in module_folder(module).glob("*.ipynb"))


def stray_answer_files(module_dir: Path) -> list[Path]:
    """Answer files inside a source folder: they must never be released."""
    return sorted(Path(module_dir).glob("*.answers.json*"))


def apply(c, workspace: str | os.PathLike | None = None) -> None:
    """Fill the traitlets config ``c`` for the class workspace."""
    from course import settings

    if workspace is not None and Path(workspace).name == "nbgrader_config.py":
        workspace = Path(workspace).parent
    root = ensure_workspace(workspace or default_workspace())
    _course_directory(c, root, settings.load()["course"]["course_id"])
    c.ClearSolutions.code_stub = {"python": "# 在此处填写你的代码\n"}
    c.ClearSolutions.text_stub = "在此处写下你的回答。"
    _release_preprocessors(c)
    _feedback_preprocessors(c, root)
    _autograde(c)
    # kernels started by nbgrader find the shop data and the course settings
    os.environ.setdefault("COURSE_DATA_DIR", str(REPO / "datasets" / "data"))
    os.environ.setdefault("PYTHONPATH", str(REPO))


def nbgrader_config(ws: Workspace, **overrides):
    """A traitlets Config for the workspace ``ws`` (:func:`apply` + ``"Section.name": value`` overrides)."""
    from traitlets.config import Config

    c = Config()
    apply(c, ws.root)
    for dotted, value in overrides.items():
        section, name = dotted.split(".", 1)
        c[section][name] = value
    return c


def _course_directory(c, root: Path, course_id: str) -> None:
    """Where nbgrader finds the class: the workspace, its exchange, which files never leave."""
    c.CourseDirectory.course_id = course_id
    c.CourseDirectory.root = str(root)
    # NB: answer files must not be in ``ignore``: nbgrader applies it when copying
    # submissions too, and the student's saved answers would never be graded.
    # teacher-only files in module folders (notes, asset generators) are never released
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".git", *TEACHER_ONLY]
    c.Autograde.exclude_overwriting = {m: answer_files(m) for m in MODULES}
    c.Exchange.root = str(root / "exchange")
    c.Exchange.path_includes_course = True
    # a class hub (grading/hub): the teacher and TAs are several Linux users in
    # one staff group sharing the workspace and the exchange's course folder, and
    # a submission made in another student's name is not collected
    if (root / "hub" / "accounts.json").exists():
        c.CourseDirectory.groupshared = True
        c.ExchangeFactory.collect = "grading.hub.exchange.OwnerCheckedCollect"


def _feedback_preprocessors(c, root: Path) -> None:
    """Every feedback path (grading feedback, nbgrader generate_feedback, the
    formgrader's button, hence release_feedback) hides tests and leaked secrets."""
    from .preprocessors.hide_tests import feedback_preprocessors

    c.GenerateFeedback.preprocessors = feedback_preprocessors()
    c.HideTests.workspace = str(root)


def _autograde(c) -> None:
    """nbgrader's autograde pipeline with the course's guarded execution and hooks."""
    c.Execute.timeout = CELL_TIMEOUT
    c.Execute.interrupt_on_timeout = True
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = r"Warning|warn\("
    c.OverwriteCells.add_missing_cells = True
    c.LimitOutput.max_lines = 1000
    c.LimitOutput.max_traceback = 100
    # nbgrader's Execute replaced by the course's guarded version (export
    # snapshots for the clean re-check, output cap, dead/stuck kernels, memory
    # limit); everything else is nbgrader's default autograde pipeline.
    # GRADING_PLAIN=1 keeps stock nbgrader (used only as the benchmark baseline).
    if os.environ.get("GRADING_PLAIN"):
        return
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    from .guard import GuardedExecute

    c.Autograde.autograde_preprocessors = [
        GuardedExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    if not os.environ.get("GRADING_WORKER"):
        # plain `nbgrader autograde` (e.g. the formgrader's button) also gets
        # the sandbox check before any student code runs and the clean
        # re-check, one student at a time, after nbgrader's run
        c.Autograde.pre_convert_hook = "grading.hook.pre_autograde"
        c.Autograde.post_convert_hook = "grading.hook.post_autograde"


def _release_preprocessors(c) -> None:
    """nbgrader's generate_assignment pipeline with the course's three additions.

    Same order as nbgrader's default; ClearSolutions becomes ScaffoldSolutions
    (a declared skeleton instead of the stub), RenderSettings runs first (the
    text states the settings in force) and BuildChecks last (the visible
    self-checks' spec beside each notebook).  Any path that generates the
    student version (``grading release``, ``nbgrader generate_assignment``,
    formgrader's Generate button) gets them.
    """
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ComputeChecksums,
        IncludeHeaderFooter,
        InstantiateTests,
        LockCells,
        SaveCells,
    )

    from .preprocessors import BuildChecks, RenderSettings, ScaffoldSolutions

    c.GenerateAssignment.preprocessors = [
        RenderSettings,
        IncludeHeaderFooter,
        InstantiateTests,
        LockCells,
        ScaffoldSolutions,
        ClearOutput,
        CheckCellMetadata,
        ComputeChecksums,
        SaveCells,
        ClearHiddenTests,
        ClearMarkScheme,
        ComputeChecksums,
        CheckCellMetadata,
        BuildChecks,
    ]
