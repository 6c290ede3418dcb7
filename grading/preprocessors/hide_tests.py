"""``HideTests``: feedback without hidden tests, solutions or the reference implementation.

nbgrader's ``GenerateFeedback.preprocessors`` for every path (grading/config.py):
``grading feedback``, ``nbgrader generate_feedback``, the formgrader's button, and
so ``nbgrader release_feedback``.  Test cells show "评分测试（不公开）" and the
clean re-check's score lines only, never their code; any other cell whose output
(or text) reproduces hidden-test code, instructor solution code, the reference
implementation (grading/reference) or a literal of those -- a student who printed
``_ih``/``In`` history, a variable a hidden test defined, or a file it found --
shows a note instead (:class:`Secrets`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Unicode

from ..reference import reference_files
from ..workspace import Workspace

HIDDEN = "# 评分测试（测试代码不公开；下面是评分结果与提升方向）"
REMOVED = "（此处的输出包含评分测试或参考答案的内容，已在反馈中隐去。）"
REMOVED_LINE = "# （此行包含评分测试或参考答案的内容，已在反馈中隐去）"
#: names through which a kernel shows code it ran before (IPython's history)
HISTORY_NAMES = {"_ih", "_oh", "In", "Out", "_dh", "get_ipython", "_i", "_ii", "_iii"}
HISTORY_MAGIC = re.compile(r"^\s*%+\s*(history|hist|recall|rerun|save|pastebin|load)\b", re.M)
MIN_NEEDLE = 12  # normalised characters; shorter lines ("return x") are too common to mean anything


def normalise(text: str) -> str:
    """Letters, digits and CJK only: survives JSON escaping, repr quoting, line wrapping.

    >>> normalise('_c.check(_p.get(\\"预热天数\\") == 3, ...)') == normalise("_c.check(_p.get('预热天数') == 3")
    True
    """
    try:  # \\uXXXX escapes of a JSON dump (ensure_ascii) back to characters
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    except (ValueError, OverflowError):
        pass
    return "".join(re.findall(r"\w+", text)).lower()


def _regions(source: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """(lines inside begin/end markers, lines outside)."""
    inside, outside, on = [], [], False
    for line in source.splitlines():
        mark = line.strip()
        if mark.startswith(begin):
            on = True
        elif mark.startswith(end):
            on = False
        elif on:
            inside.append(line)
        else:
            outside.append(line)
    return inside, outside


def _literals(lines: list[str]) -> list[str]:
    """String constants of code lines (reference values such as a shop name)."""
    out = []
    for node in ast.walk(_parse("\n".join(lines))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            n = normalise(node.value)
            if not n.isdigit() and (len(n) >= 4 or (len(n) >= 3 and any(ord(ch) > 0x2E80 for ch in n))):
                out.append(n)
    return out


def _parse(code: str):
    for attempt in (code, "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))):
        try:
            return ast.parse(attempt)
        except SyntaxError:
            continue
    return ast.parse("")


class Secrets:
    """What must never appear in a student's feedback for one source notebook."""

    def __init__(self, source_nb, secret_files: list[Path] = ()):
        secret, visible, names = [], [], set()
        for cell in source_nb.cells:
            meta = cell.metadata.get("nbgrader", {}) or {}
            if cell.cell_type != "code":
                visible.append(cell.source)
                continue
            if meta.get("grade") and not meta.get("solution"):
                hidden, shown = _regions(cell.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
                names |= _assigned(hidden)
            elif meta.get("solution"):
                hidden, shown = _regions(cell.source, "### BEGIN SOLUTION", "### END SOLUTION")
            else:
                hidden, shown = [], cell.source.splitlines()
            secret += hidden
            visible += shown
        for f in secret_files:
            try:
                secret += f.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
        self.visible = normalise("\n".join(visible))
        literals = set(_literals(secret))
        lines = {n for n in map(normalise, secret) if len(n) >= MIN_NEEDLE}
        self.needles = sorted(n for n in lines | literals if n not in self.visible)
        self.names = {n for n in names if n.startswith("_")} | HISTORY_NAMES

    def leaks(self, text: str) -> bool:
        t = normalise(text)
        return any(n in t for n in self.needles)

    def peeks(self, code: str) -> bool:
        """Student code that reads the kernel's history or a hidden test's variables."""
        if HISTORY_MAGIC.search(code):
            return True
        for n in ast.walk(_parse(code)):
            if (
                (isinstance(n, ast.Name) and n.id in self.names)
                or (isinstance(n, ast.Attribute) and n.attr in self.names)
                or (isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in self.names)
            ):
                return True
        return False


def _assigned(lines: list[str]) -> set[str]:
    out = set()
    for node in ast.walk(_parse("\n".join(lines))):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.add(node.name)
    return out


def _output_text(out) -> str:
    parts = [str(out.get("text", "")), str(out.get("evalue", "")), "\n".join(map(str, out.get("traceback", []) or []))]
    parts += [str(v) for v in (out.get("data") or {}).values()]
    return "\n".join(parts)


class HideTests(Preprocessor):
    """Feedback without hidden tests: test cells show the clean re-check's report;
    other cells lose any output or line that reproduces a secret (see :class:`Secrets`)."""

    workspace = Unicode("").tag(config=True)
    enabled = Bool(True).tag(config=True)  # nbconvert registers preprocessors disabled by default

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        self._cells = {}
        root = self.workspace or _root_from_db(info.get("db_url", ""))
        ws = Workspace(Path(root)) if root else None
        module, stem = info.get("assignment", ""), info.get("notebook", "")
        try:
            res = ws.load_result(module, info.get("student", "")) or {}
            self._cells = res.get("notebooks", {}).get(stem, {}).get("cells", {})
        except Exception:  # noqa: BLE001 - no result: hide everything anyway
            self._cells = {}
        self._secrets = self._load_secrets(ws, module, stem, nb)
        return super().preprocess(nb, resources)

    @staticmethod
    def _load_secrets(ws, module: str, stem: str, nb) -> Secrets:
        import nbformat

        src = ws.source(module) / f"{stem}.ipynb" if ws else None
        try:
            source_nb = nbformat.read(src, as_version=4)
        except Exception:  # noqa: BLE001 - no source: the graded notebook's own test cells are the best we have
            source_nb = nb
        return Secrets(source_nb, reference_files(module))  # grading/reference and GRADING_EXTRA_TASKS

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            c = self._cells.get(meta.get("grade_id"), {})
            cell.source = HIDDEN
            text = (c.get("output") or "").strip()
            if not text:
                text = "（本项没有可显示的评分说明）"
            cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=text + "\n")]
            cell.execution_count = None
            return cell, resources
        sec = self._secrets
        cell.source = "\n".join(REMOVED_LINE if sec.leaks(line) else line for line in cell.source.splitlines())
        if cell.cell_type == "code":
            peeking = sec.peeks(cell.source)
            if any(peeking or sec.leaks(_output_text(o)) for o in cell.get("outputs", [])):
                cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=REMOVED + "\n")]
        return cell, resources


def _root_from_db(db_url: str) -> str:
    """The workspace of a ``sqlite:///<root>/gradebook.db`` URL ("" if not one)."""
    if db_url.startswith("sqlite:///") and db_url.endswith("gradebook.db"):
        return str(Path(db_url[len("sqlite:///") :]).parent)
    return ""


def feedback_preprocessors():
    """nbgrader's ``GenerateFeedback.preprocessors`` for the course."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    return [GetGrades, HideTests, CSSHTMLHeaderPreprocessor]
