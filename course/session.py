"""Per-notebook set-up: the first code cell of every notebook calls ``start``.

``start`` makes the notebook behave the same everywhere it runs (JupyterLab,
papermill, nbval, nbgrader autograde): Chinese font for charts, warnings shown
as plain text instead of red stderr (stderr in a test cell costs a student all
its points under nbgrader), CourseError shown as a message not a traceback,
deterministic random numbers, and the notebook's answer file.

>>> import course
>>> s = course.start("module1_listing", "01_selection", quiet=True)
>>> s.store.path.name
'01_selection.answers.json'
"""

from __future__ import annotations

import os
import random
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from .answers import AnswerStore, answer_path
from .friendly_errors import install_friendly_errors
from .messages import CourseError


@dataclass
class Session:
    module: str
    notebook: str
    store: AnswerStore
    seed: int

    def _ipython_display_(self):
        # ``course.start(...)`` is the last line of the first cell: show nothing more
        return None


_CURRENT: Session | None = None

#: the 导学 notebook lives in the ``course`` folder itself: ``course.start("course", "00_guide")``
GUIDE_MODULE = "course"
GUIDE_TITLE = "导学"


def _warnings_to_stdout() -> None:
    """Print warnings to stdout, one line, so they never land on stderr."""

    def show(message, category, filename, lineno, file=None, line=None):
        print(f"[提示] {category.__name__}: {message}", file=sys.stdout)

    warnings.showwarning = show
    # library deprecation chatter is not the student's business
    for cat in (FutureWarning, DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=cat)


def start(module: str, notebook: str, *, seed: int | None = None, quiet: bool = False) -> Session:
    """Set up this notebook; call once in its first code cell.

    ``module`` is the module folder name, ``notebook`` the notebook's file name
    without ``.ipynb``; the answer file lives next to the notebook.
    """
    global _CURRENT
    from . import settings
    from .plotting import use_chinese_font

    install_friendly_errors(notebook)  # first: a bad settings file shows its message, not a traceback
    cfg = settings.load()
    seed = int(cfg["dataset"]["seed"] if seed is None else seed)
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed % (2**32))
    except ImportError:  # pragma: no cover
        pass
    try:
        import pandas as pd

        pd.set_option("display.max_columns", 30)
        pd.set_option("display.width", 160)
        pd.set_option("display.unicode.east_asian_width", True)
    except ImportError:  # pragma: no cover
        pass
    _warnings_to_stdout()
    use_chinese_font()
    from . import blanks

    blanks.install()
    folder = answers_folder()
    _CURRENT = Session(module, notebook, AnswerStore(answer_path(notebook, folder)), seed)
    if is_instructor_folder(folder):
        _prepare_instructor_run(module, notebook, folder, quiet)
    elif module == GUIDE_MODULE:
        _show_text_values(notebook, quiet)  # the guide is not released by nbgrader: check its text here
    if not quiet:
        title = cfg["modules"].get(module, {}).get("title", GUIDE_TITLE if module == GUIDE_MODULE else module)
        print(f"✓ {cfg['course']['name']} · {title} · {notebook}：环境已就绪（答案保存在 {_CURRENT.store.path.name}）")
    return _CURRENT


def is_instructor_folder(folder: Path) -> bool:
    """True for ``classroom/instructor-answers/<module>``: a source notebook run in the repository."""
    return folder.parent.name == "instructor-answers" and folder.parent.parent.name == "classroom"


def _prepare_instructor_run(module: str, notebook: str, folder: Path, quiet: bool) -> None:
    """What a release does for students, done for the instructor's own run.

    The visible self-checks need ``<notebook>.checks.json`` (built from the
    reference on the grading side), and the notebook's text placeholders must
    name real settings: both are prepared here, so a source notebook run in the
    repository behaves like the released one.
    """
    try:
        from grading.reference import spec
    except ImportError:  # a copy of the course without the grading side
        return
    path = folder / f"{notebook}.checks.json"
    if not spec.is_current(path):
        spec.write(module, notebook, folder)
    _show_text_values(notebook, quiet)


def _show_text_values(notebook: str, quiet: bool) -> None:
    """Check the placeholders of the notebook's text (a Chinese error names an unknown one)
    and, where the text still shows them unrendered, say which values they stand for.

    A release (nbgrader's ``RenderSettings``; for the guide, ``course.guide.render_notebook``
    when the course package is copied for students) replaces them, so a student's copy
    has none left and nothing is printed.
    """
    source = Path(os.getcwd()) / f"{notebook}.ipynb"
    if source.is_file():
        from .text import notebook_values

        shown = notebook_values(source)
        if shown and not quiet:
            print("（教师版）说明文字中的设置值：" + "；".join(f"{k} = {v}" for k, v in shown.items()))


def answers_folder() -> Path:
    """Where this notebook's answer file goes: next to the notebook, except in the
    repository's own module folders (the instructor sources), where answers are
    kept in ``classroom/instructor-answers/<module>/`` so that no answer file
    ever sits in a source folder that nbgrader releases.
    """
    here = Path(os.getcwd()).resolve()
    repo = here.parent
    if (
        (repo / "course" / "settings.yaml").is_file()
        and (repo / "grading" / "config.py").is_file()
        and here.name.startswith("module")
    ):
        return repo / "classroom" / "instructor-answers" / here.name
    return here


def current() -> Session:
    """The session of this notebook; a clear message if ``start`` was not run."""
    if _CURRENT is None:
        raise CourseError("请先运行笔记本最上面的第一个代码单元格（course.start(...)），再运行这里。")
    return _CURRENT


def store() -> AnswerStore:
    return current().store


def export(name: str, value):
    """Record a graded value as plain data in the answer file; return the plain copy.

    Hidden tests check the returned copy, which is rebuilt from JSON, so an
    object that "equals everything" becomes ordinary data before it is compared.
    The grading side re-checks the same JSON in a clean process: there
    (``COURSE_RECHECK`` set) the recorded value is returned and ``value`` ignored.

    >>> import course
    >>> _ = course.start("module1_listing", "doc_export", quiet=True)
    >>> course.export("n", 3)
    3
    """
    import json

    from .answers import decode, encode

    st = store()
    if os.environ.get("COURSE_RECHECK"):
        # clean re-check outside the student's kernel: only the recorded data counts
        return st.exported(name)
    entry = json.loads(json.dumps(encode(value), ensure_ascii=False))
    st.export(name, value)
    return decode(entry)


def here() -> Path:
    return Path(os.getcwd())
