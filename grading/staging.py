"""The sanitised *staging* copy of a submission, which nbgrader grades instead of the submission.

The submitted folder itself is never touched.  The copy holds only the
module's notebooks (valid JSON, outputs cleared), their answer files (valid
JSON, size-capped, with any pre-filled ``exports`` removed), ``timestamp.txt``
and nbgrader's ``submission_secret.txt``; symbolic links, other files (a
``course/`` or ``pandas.py`` that would shadow the course package) and odd
names are ignored and reported to the TA.

>>> staging_name("module1_listing")
'.grading/staging-module1_listing'
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path

from .gradebook import rmtree, timestamp_text
from .guard import MAX_ANSWER_BYTES, read_answers
from .workspace import STATE, Workspace

MAX_NOTEBOOK_BYTES = 50_000_000
ANSWER_SUFFIX = ".answers.json"


def staging_name(module: str) -> str:
    """nbgrader's ``submitted`` directory while grading ``module`` (relative to the workspace)."""
    return f"{STATE}/staging-{module}"


def stage(ws: Workspace, module: str, student: str) -> tuple[Path, list[str], dict]:
    """Sanitised copy of ``submitted/<student>/<module>`` in the staging folder.

    Returns (folder, notes for the TA, staged answer files by notebook stem).
    """
    src = ws.submitted(student, module)
    dest = ws.root / staging_name(module) / student / module
    rmtree(dest)
    dest.mkdir(parents=True)
    stager = _Stager(dest, set(ws.notebooks(module)))
    if not src.is_dir() or src.is_symlink():
        stager.notes.append("提交文件夹不存在或是符号链接，按未提交处理。")
        return dest, stager.notes, stager.answers
    for entry in sorted(os.scandir(src), key=lambda e: e.name):
        stager.entry(entry)
    stager.timestamp_from_files()
    return dest, stager.notes, stager.answers


class _Stager:
    """Copies what may be graded from one submitted folder into ``dest``, noting the rest."""

    def __init__(self, dest: Path, stems: set[str]):
        self.dest = dest
        self.stems = stems
        self.notes: list[str] = []
        self.answers: dict[str, dict] = {}
        self.newest: float | None = None

    def entry(self, entry: os.DirEntry) -> None:
        name = entry.name
        shown = name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name
        if entry.is_symlink():
            self.notes.append(f"忽略符号链接「{shown}」（评分从不跟随链接）。")
            return
        if not entry.is_file(follow_symlinks=False):
            if name not in (".ipynb_checkpoints", "__pycache__"):
                self.notes.append(f"忽略文件夹「{shown}」（只评笔记本和答案文件）。")
            return
        st = entry.stat(follow_symlinks=False)
        self.newest = max(self.newest or 0, st.st_mtime)
        path = Path(entry.path)
        if name == "submission_secret.txt":
            self.secret(path)
        elif name == "timestamp.txt":
            self.timestamp(path)
        elif name.endswith(".ipynb") and name[:-6] in self.stems:
            self.notebook(path, st.st_size)
        elif name.endswith(ANSWER_SUFFIX) and name[: -len(ANSWER_SUFFIX)] in self.stems:
            self.answer_file(path, st.st_size)
        elif name.endswith(".ipynb"):
            self.notes.append(f"笔记本「{shown}」不属于本模块，未评分。")
        elif not (name.startswith(".") or name.endswith(".answers.json.bak")):
            self.notes.append(f"忽略文件「{shown}」（只评笔记本和答案文件）。")

    def secret(self, path: Path) -> None:
        """nbgrader's exchange key: release_feedback needs it."""
        text = path.read_text(encoding="utf-8", errors="replace").strip()[:200]
        if text.isprintable():
            (self.dest / path.name).write_text(text, encoding="utf-8")

    def timestamp(self, path: Path) -> None:
        from nbgrader.utils import parse_utc

        text = path.read_text(encoding="utf-8", errors="replace").strip()[:100]
        try:
            parse_utc(text)
            (self.dest / path.name).write_text(text, encoding="utf-8")
        except Exception:  # noqa: BLE001
            self.notes.append(f"timestamp.txt 内容无法识别（{text[:40]!r}），按文件修改时间计。")

    def notebook(self, path: Path, size: int) -> None:
        """A valid notebook, outputs and widget state cleared."""
        import nbformat

        name = path.name
        if size > MAX_NOTEBOOK_BYTES:
            self.notes.append(f"笔记本「{name}」过大（{size // 1_000_000} MB），未评分，计 0 分。")
            return
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook
            self.notes.append(f"笔记本「{name}」不是有效的 .ipynb 文件（{type(exc).__name__}），无法评分，计 0 分。")
            return
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        nb.metadata.pop("widgets", None)
        try:
            nbformat.write(nb, str(self.dest / name))
        except Exception as exc:  # noqa: BLE001
            self.notes.append(f"笔记本「{name}」结构有误（{type(exc).__name__}），无法评分，计 0 分。")

    def answer_file(self, path: Path, size: int) -> None:
        """A valid answer file, its pre-filled grading records removed."""
        name = path.name
        if size > MAX_ANSWER_BYTES:
            self.notes.append(f"答案文件「{name}」过大，已忽略。")
            return
        data = read_answers(path)
        if data is None:
            self.notes.append(f"答案文件「{name}」已损坏（不是有效的 JSON），表单答案无法读取。")
            return
        if data.get("exports"):
            self.notes.append(f"答案文件「{name}」中预先写入的评分记录已清除（只认评分时重新生成的记录）。")
        data["exports"] = {}
        if not isinstance(data.get("forms"), dict):
            data["forms"] = {}
        self.answers[name[: -len(ANSWER_SUFFIX)]] = data
        (self.dest / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def timestamp_from_files(self) -> None:
        """Without a readable ``timestamp.txt`` the newest file's time is the submission time."""
        if (self.dest / "timestamp.txt").exists() or not self.newest:
            return
        when = _dt.datetime.fromtimestamp(self.newest).astimezone()
        (self.dest / "timestamp.txt").write_text(timestamp_text(when), encoding="utf-8")
        if not any("timestamp.txt" in n for n in self.notes):
            self.notes.append("没有 timestamp.txt，提交时间按文件修改时间计。")
