"""Errors in a notebook: Chinese lines for the student, the real traceback kept.

A ``CourseError`` is shown as its Chinese message only, never as a traceback.
Any other error of a cell (a wrong column name, text where a number belongs,
a step above not run...) is explained in Chinese by ``course.explain``: the
cell, the line and the likely fix.  Either way the cell still *fails* (its
output is an error, so nbgrader scores a failing test cell 0 and Run All
stops), and the English traceback stays available to the teacher (``%tb``,
a collapsed 详细信息, or ``COURSE_SHOW_TRACEBACK=1``).

>>> _where(7, 3, None)
'✗ 单元格 [7] 第 3 行出错了：'
"""

from __future__ import annotations

from .messages import CourseError

# IPython lets one handler take every exception of a cell (``set_custom_exc``).  Ours
# explains the error in Chinese (``course.explain``) and sends it as the cell's *error*
# output, so a failing cell still fails: Run All stops there, and nbgrader scores a
# failing test cell 0 (it reads ``output_type == "error"``).  The English traceback is
# kept for the teacher: ``%tb`` prints it, a collapsed 详细信息 under the message holds
# it, and ``COURSE_SHOW_TRACEBACK=1`` shows it in full.

SHOW_TRACEBACK_ENV = "COURSE_SHOW_TRACEBACK"
DETAILS_SUMMARY = "详细信息（英文原始报错，给助教排查用）"
_LAST_RUN: dict = {}
_NOTEBOOK: dict = {}  # the notebook ``course.start`` set up: {"name": "01_selection"}


def _remember_cell(info) -> None:
    """pre_run_cell: which cell is running (its text, id and number In [n])."""
    shell = _shell()
    count = getattr(shell, "execution_count", None)
    _LAST_RUN.clear()
    _LAST_RUN.update(
        source=getattr(info, "raw_cell", "") or "",
        cell_id=getattr(info, "cell_id", None),
        count=(count - 1) if count and getattr(info, "store_history", True) else count,
    )


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    return get_ipython()


def _cell_files(shell) -> dict:
    return dict(getattr(getattr(shell, "compile", None), "_filename_map", {}) or {})


def _failing_frame(tb, cell_files: dict):
    """The innermost traceback entry in a notebook cell (the student's line), or None."""
    import traceback

    found = None
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename in cell_files:
            found = (frame, lineno)
    return found


def _library_tables(tb) -> list:
    """DataFrames a pandas call was working on (the other side of a merge, a groupby's table)."""
    import traceback

    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return []
    out: list = []
    for frame, _ in traceback.walk_tb(tb):
        values = list(frame.f_locals.values())
        me = frame.f_locals.get("self")
        values += list(getattr(me, "__dict__", {}).values()) if me is not None else []
        out += [v for v in values if isinstance(v, pd.DataFrame) and not any(v is o for o in out)]
    return out


def _notebook_file():
    import os
    from pathlib import Path

    name = _NOTEBOOK.get("name")
    return Path(os.getcwd()) / f"{name}.ipynb" if name else None


def student_lines(shell, value: BaseException, tb) -> list[str]:
    """What the student reads for an error: where, the line, why, 提升方向."""
    import linecache

    from . import explain as X
    from .cells import NotebookInfo

    if isinstance(value, CourseError):
        return [f"⚠ {value}"]
    files = _cell_files(shell)
    if isinstance(value, SyntaxError):
        filename, lineno, frame = value.filename, value.lineno, None
    else:
        hit = _failing_frame(tb, files)
        frame, lineno = hit if hit else (None, None)
        filename = frame.f_code.co_filename if frame else None
    count = files.get(filename, _LAST_RUN.get("count"))
    code = "".join(linecache.getlines(filename)) if filename else ""
    code = code or _LAST_RUN.get("source", "")
    namespace = {**frame.f_globals, **frame.f_locals} if frame is not None else dict(getattr(shell, "user_ns", {}))
    path = _notebook_file()
    notebook = NotebookInfo.read(path, _LAST_RUN.get("source", ""), _LAST_RUN.get("cell_id")) if path else None
    lines = [_where(count, lineno, notebook)]
    text = code.splitlines()[lineno - 1].strip() if code and lineno and lineno <= len(code.splitlines()) else ""
    if text:
        lines.append(f"    {text}")
    lines += X.explain(
        value, namespace=namespace, code=code, lineno=lineno, tb_objects=_library_tables(tb), notebook=notebook
    )
    return lines


def _where(count, lineno, notebook) -> str:
    """ "✗ 「第 2 步 …」下面的单元格 [7] 第 3 行出错了：" ([7] is the number JupyterLab shows left of the cell)."""
    cell = f"单元格 [{count}]" if count else "这个单元格"
    place = notebook.current_place() if notebook is not None else None
    if place is not None and place.heading:
        cell = f"「{place.heading}」下面的{cell}"
    line = f" 第 {lineno} 行" if lineno else ""
    return f"✗ {cell}{line}出错了："


def _real_traceback(etype, value, tb, cell_files: dict) -> str:
    """The English traceback from the student's cell on (IPython's own frames left out)."""
    import traceback

    start = tb
    while start is not None and start.tb_frame.f_code.co_filename not in cell_files:
        start = start.tb_next
    text = "".join(traceback.format_exception(etype, value, start or tb))
    return text if len(text) <= 20000 else text[:10000] + "\n…\n" + text[-10000:]


def _show_details(text: str) -> None:
    import html

    from IPython.display import display

    display(
        {
            "text/html": f"<details style='color:#777;font-size:90%'><summary>{DETAILS_SUMMARY}</summary>"
            f"<pre>{html.escape(text)}</pre></details>",
            "text/plain": f"（{DETAILS_SUMMARY}已折叠，运行 %tb 可以查看）",
        },
        raw=True,
    )


def _show_error(shell, etype, value, tb, tb_offset=None):  # needs IPython; tested in a real kernel
    """The custom exception handler: Chinese lines as the cell's error output."""
    import os
    import sys

    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # %tb and %debug work
    if hasattr(sys, "last_exc"):  # pragma: no cover - Python 3.12+
        sys.last_exc = value
    try:
        stb = student_lines(shell, value, tb)
    except Exception:  # noqa: BLE001 - explaining must never hide the error itself
        stb = [
            f"✗ 这个单元格出错了（错误类型：{etype.__name__}）。",
            "提升方向：对照题目里的例子检查这一行；仍然不明白时请助教看一看。",
        ]
    details = _real_traceback(etype, value, tb, _cell_files(shell))
    if os.environ.get(SHOW_TRACEBACK_ENV):
        stb = stb + ["", details]
    shell._showtraceback(etype, value, stb)
    if not isinstance(value, CourseError):
        try:
            _show_details(details)
        except Exception:  # noqa: BLE001 - no display here (a terminal): %tb still works
            pass
    return None


def install_friendly_errors(notebook: str | None = None) -> None:
    """Explain every error of a notebook cell in Chinese (IPython only; once per kernel).

    ``notebook``: the notebook's file name without ``.ipynb`` (its headings name the place of an error).
    """
    _NOTEBOOK["name"] = notebook
    ip = _shell()
    if ip is None:
        return
    ip.set_custom_exc((Exception,), _show_error)
    callbacks = ip.events.callbacks.get("pre_run_cell", [])
    if not any(
        getattr(cb, "__name__", "") == _remember_cell.__name__ and getattr(cb, "__module__", "") == __name__
        for cb in callbacks
    ):
        ip.events.register("pre_run_cell", _remember_cell)
