"""nbgrader ``post_convert_hook``: the clean re-check for plain ``nbgrader autograde``.

``grading autograde`` re-checks inside its workers.  When a TA instead runs
``nbgrader autograde`` directly (or presses "autograde" in the formgrader), this
hook -- installed by grading/config.py -- runs after each student's submission:
it re-checks the test cells in a clean process, lowers the gradebook's
auto scores to ``min(in-kernel, re-check)`` and saves the result that
``grading feedback`` and ``grading export`` read.

The plain path does not sanitise submissions the way ``grading autograde``
does (nbgrader copies the submitted folder as it is), so the TA guide tells TAs
to use ``grading autograde``.
"""
from __future__ import annotations

import atexit
import json
from pathlib import Path

_CLIENT = None


def _client():
    global _CLIENT
    if _CLIENT is None:
        from .recheck import Client

        _CLIENT = Client()
        atexit.register(_CLIENT.close)
    return _CLIENT


def post_autograde(assignment=None, student=None, notebooks=None, **_ignored) -> None:
    from .autograde import merge
    from .config import CELL_TIMEOUT
    from .gradebook import Workspace, gradebook
    from .guard import read_answers
    from .worker import _read_worker_grades, finish, recorded

    paths = [Path(p) for p in (notebooks or [])]
    if not paths:
        return
    folder = paths[0].parent                  # <root>/submitted/<student>/<module>
    module, student_id = folder.name, folder.parent.name
    ws = Workspace(folder.parent.parent.parent)
    if not ws.source(module).is_dir():
        return
    staged = {}
    for stem in ws.notebooks(module):
        data = read_answers(folder / f"{stem}.answers.json")
        if data is not None:
            data["exports"] = {}
            staged[stem] = data
    present = [p.stem for p in paths if p.exists()]
    result = {"student": student_id, "module": module, "status": "ok", "reasons": [], "notes": [],
              "notebooks": {}, "timestamp": None, "via": "nbgrader autograde (post_convert_hook)"}
    kernel = _read_worker_grades(ws, ws.db_url, module, student_id)
    finish(ws, module, student_id, result, kernel, staged, present, True, _client(), CELL_TIMEOUT,
           **recorded(ws, module, student_id, present))  # nbgrader graded in this process
    with gradebook(ws) as gb:
        merge(gb, module, result)
    ws.results_dir(module).mkdir(parents=True, exist_ok=True)
    ws.result_path(module, student_id).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
