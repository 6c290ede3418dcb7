"""nbgrader hooks: the sandbox and the clean re-check for plain ``nbgrader autograde``.

``grading autograde`` checks the sandbox once and re-checks inside its workers.
When a TA instead runs ``nbgrader autograde`` directly (or presses "autograde"
in the formgrader), two hooks installed by grading/config.py do the same:

* ``pre_autograde`` (``pre_convert_hook``) refuses, with the same Chinese
  message as ``grading autograde``, when no sandbox can run here -- before any
  student code runs -- unless ``GRADING_SANDBOX=off`` was set (unsafe, marked);
  the kernels themselves are started in the sandbox by ``GuardedExecute``;
* ``post_autograde`` (``post_convert_hook``) runs after each student's
  submission: it re-checks the test cells in a clean process, sets the
  gradebook's auto scores (the re-check's with the sandbox, the lower of the
  two without) and saves the result that ``grading feedback`` and
  ``grading export`` read.

The plain path does not sanitise submissions the way ``grading autograde``
does (nbgrader copies the submitted folder as it is), so the TA guide tells TAs
to use ``grading autograde``.
"""

from __future__ import annotations

import atexit
from pathlib import Path

_CLIENT = None


def _client():
    global _CLIENT
    if _CLIENT is None:
        from .recheck import Client

        _CLIENT = Client()
        atexit.register(_CLIENT.close)
    return _CLIENT


def pre_autograde(assignment=None, student=None, notebooks=None, **_ignored) -> None:
    """Stop the whole ``nbgrader autograde`` run when the sandbox cannot run here.

    nbgrader logs and ignores a hook's ordinary exceptions, so this raises
    ``SystemExit``: the command ends with the message (the formgrader shows it).
    """
    from . import sandbox

    try:
        sandbox.check()
    except sandbox.SandboxUnavailable as exc:
        raise SystemExit(str(exc)) from None


def post_autograde(assignment=None, student=None, notebooks=None, **_ignored) -> None:
    """Re-check one student's notebooks just graded in this process, merge the scores, save the result."""
    from .autograde import merge
    from .config import CELL_TIMEOUT
    from .gradebook import gradebook
    from .recorded import RecordedRun, finish
    from .sandbox import mode_from_env
    from .workspace import Workspace

    paths = [Path(p) for p in (notebooks or [])]
    if not paths:
        return
    folder = paths[0].parent  # <root>/submitted/<student>/<module>
    module, student_id = folder.name, folder.parent.name
    ws = Workspace(folder.parent.parent.parent)
    if not ws.source(module).is_dir():
        return
    mode = mode_from_env()  # what GuardedExecute used when no notebook ran at all
    run = RecordedRun.read(
        ws,
        module,
        student_id,
        ws.db_url,
        staged=_submitted_answers(ws, module, folder),
        present=[p.stem for p in paths if p.exists()],
        nbgrader_ok=True,
        sandbox="bwrap" if mode == "auto" else mode,
    )  # nbgrader graded (sandboxed) in this process
    result = {
        "student": student_id,
        "module": module,
        "status": "ok",
        "reasons": [],
        "notes": [],
        "notebooks": {},
        "timestamp": None,
        "via": "nbgrader autograde (post_convert_hook)",
    }
    finish(ws, module, result, run, _client(), CELL_TIMEOUT)
    with gradebook(ws) as gb:
        merge(gb, module, result)
    ws.save_result(module, result)


def _submitted_answers(ws, module: str, folder: Path) -> dict:
    """The submitted answer files by notebook stem, their grading records cleared."""
    from .guard import read_answers

    staged = {}
    for stem in ws.notebooks(module):
        data = read_answers(folder / f"{stem}.answers.json")
        if data is not None:
            data["exports"] = {}
            staged[stem] = data
    return staged
