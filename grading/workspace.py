"""The class workspace: one nbgrader course directory per class, outside the sources.

Layout (created on demand, never inside a module folder)::

    classroom/                 # default; or --workspace DIR / $GRADING_WORKSPACE
      nbgrader_config.py       # loads grading.config for this workspace
      source/module1_listing -> ../../module1_listing   (links to the sources)
      release/ submitted/ autograded/ feedback/ gradebook.db  (nbgrader's own)
      reports/                 # what a TA reads: collect/autograde reports, exports
      .grading/                # internal state: staging, run logs, results, backups

Runtime state (submissions, grades, the gradebook) thus never mixes with the
instructor notebooks, and ``classroom/`` is git-ignored.  The modules linked
are those of ``course.modules`` (the one registry), each from its folder.

>>> default_workspace(env={}).name
'classroom'
>>> str(default_workspace(env={"GRADING_WORKSPACE": "/srv/class"}))
'/srv/class'
>>> ws = Workspace(Path("/srv/class"))
>>> str(ws.submitted("2023001", "module1_listing")), str(ws.result_path("module1_listing", "2023001"))
('/srv/class/submitted/2023001/module1_listing', '/srv/class/.grading/results/module1_listing/2023001.json')
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from course.modules import MODULES
from course.modules import folder as module_folder

REPO = Path(__file__).resolve().parent.parent
STATE = ".grading"  # internal state inside a workspace (staging, run logs)
REPORTS = "reports"  # what a TA reads: collect/autograde reports, exports

# The generated nbgrader_config.py is executed by nbgrader's own process (the
# formgrader, `nbgrader ...` typed in the workspace), which may run from a Python
# that lacks the editable install: so it names the repository itself.
NBGRADER_CONFIG = (
    "# nbgrader configuration of this class workspace (generated; the course's\n"
    "# settings live in course/settings.yaml and grading/config.py)\n"
    "import sys\n"
    "sys.path.insert(0, {repo!r})\n"
    "from grading.config import apply\n"
    "apply(get_config(), workspace=__file__)\n"
)


def default_workspace(env=None) -> Path:
    """``$GRADING_WORKSPACE``, else ``classroom/`` in the repository (``env`` defaults to the process's)."""
    env = os.environ if env is None else env
    return Path(env.get("GRADING_WORKSPACE") or REPO / "classroom")


def _link(src: Path, module: str, target: Path) -> None:
    """``source/<module>`` -> the module's folder ``target`` (relative where possible)."""
    link = src / module
    target = target.resolve()
    if link.is_symlink() and Path(os.readlink(link)).resolve() != target and not link.exists():
        link.unlink()
    if not link.exists() and not link.is_symlink():
        try:
            link.symlink_to(os.path.relpath(target, src), target_is_directory=True)
        except OSError:  # pragma: no cover - filesystems without symlinks
            link.symlink_to(target, target_is_directory=True)


def ensure_workspace(root: str | os.PathLike | None = None, modules=MODULES, source_root: Path | None = None) -> Path:
    """Create the workspace skeleton and link each module's source folder into it.

    The folders are the registry's (``course.modules.folder``), or ``source_root/<module>``.
    """
    root = Path(root or default_workspace()).resolve()
    src = root / "source"
    src.mkdir(parents=True, exist_ok=True)
    for mod in modules:
        _link(src, mod, Path(source_root) / mod if source_root else module_folder(mod))
    cfg = root / "nbgrader_config.py"
    if not cfg.exists():
        cfg.write_text(NBGRADER_CONFIG.format(repo=str(REPO)), encoding="utf-8")
    return root


@dataclass
class Workspace:
    """The paths of one class workspace (nbgrader's folders and the course layer's)."""

    root: Path

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, create: bool = True) -> Workspace:
        root = Path(path or default_workspace()).resolve()
        if create:
            ensure_workspace(root)
        return cls(root)

    # nbgrader folders
    @property
    def db_path(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def source(self, module: str) -> Path:
        return self.root / "source" / module

    def release(self, module: str) -> Path:
        return self.root / "release" / module

    def submitted(self, student: str | None = None, module: str | None = None) -> Path:
        p = self.root / "submitted"
        if student:
            p = p / student
            if module:
                p = p / module
        return p

    def autograded(self, student: str, module: str) -> Path:
        return self.root / "autograded" / student / module

    def feedback(self, student: str, module: str) -> Path:
        return self.root / "feedback" / student / module

    # course layer folders
    @property
    def state(self) -> Path:
        return self.root / STATE

    @property
    def reports(self) -> Path:
        return self.root / REPORTS

    def results_dir(self, module: str) -> Path:
        """Per-student autograde results (JSON) of a module."""
        return self.state / "results" / module

    def result_path(self, module: str, student: str) -> Path:
        return self.results_dir(module) / f"{student}.json"

    def load_result(self, module: str, student: str) -> dict | None:
        p = self.result_path(module, student)
        if not p.exists():
            return None
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except ValueError:
            return None

    def save_result(self, module: str, result: dict) -> Path:
        """Write one student's autograde result (``result["student"]``)."""
        p = self.result_path(module, result["student"])
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        return p

    @property
    def roster_path(self) -> Path:
        return self.root / "roster.csv"

    def modules(self) -> list[str]:
        """Modules of this workspace that have notebooks, course modules first."""
        src = self.root / "source"
        found = [p.name for p in sorted(src.iterdir()) if p.is_dir() and any(p.glob("*.ipynb"))] if src.exists() else []
        order = {m: i for i, m in enumerate(MODULES)}
        return sorted(found, key=lambda m: (order.get(m, 99), m))

    def notebooks(self, module: str) -> list[str]:
        """Notebook stems of a module's source, sorted."""
        return sorted(p.stem for p in self.source(module).glob("*.ipynb") if not p.name.startswith("."))
