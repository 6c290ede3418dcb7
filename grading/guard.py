"""``GuardedExecute``: nbgrader's Execute preprocessor with the course's guards.

It replaces ``Execute`` in ``Autograde.autograde_preprocessors`` (see
grading/config.py) and adds, around the student's kernel:

* **export snapshots**: before a test cell runs, its ``_v = course.export(...)``
  line is executed alone (silently) and the recorded plain-data value is read
  from the answer file *by the grader process*, before the rest of the hidden
  test computes any expected value in the student's kernel.  The clean re-check
  (grading/recheck.py) grades these snapshots, so code that rewrites the answer
  file after seeing a hidden test gains nothing;
* **output cap**: a cell's output beyond ``max_output_bytes`` is dropped (the
  grader never holds gigabytes of prints) and the cell is interrupted;
* **dead or stuck kernels**: a kernel that dies (``os._exit``, out of memory) or
  ignores the interrupt after a timeout no longer aborts the whole submission:
  the cells already run keep their result, the remaining cells get an error
  (so score 0), and the reason is recorded for the TA;
* **the sandbox** (grading/sandbox): the kernel runs in bubblewrap (or a
  container) and sees only its own notebook folder; the preprocessor refuses
  to run when no sandbox is possible here, unless ``sandbox`` is ``off``
  (``GRADING_SANDBOX=off``, the TA's explicit choice, marked in the results).
  After the notebook, nothing the kernel started is alive, and the folder is
  cleaned of links and special files before nbgrader writes into it;
* **memory limit** on the kernel process (``RLIMIT_AS``, Linux).

What happened is kept in ``EVENTS`` (per student/notebook) for the caller in the
same process (the grading worker or the post-convert hook): the events, the
export snapshots, the sandbox used and the test cells whose in-kernel run only
deferred to the clean re-check (``course.grade`` in the sandbox).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

from jupyter_core.utils import run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Unicode, default

from . import sandbox as _sandbox
from .sandbox.kernel import Run, sandboxed, sanitise

try:  # nbclient >= 0.6
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
except ImportError:  # pragma: no cover
    from nbclient.util import CellTimeoutError, DeadKernelError  # type: ignore

DEFERRED_MARK = "[评分端复核]"  # printed by course.grade when the sandbox defers to the re-check
EXPORT_LINE = re.compile(
    r"""^(?P<var>[A-Za-z_]\w*)\s*=\s*course\.export\(\s*(?P<q>['"])(?P<name>[^'"]+)(?P=q)\s*,.*\)\s*(#.*)?$"""
)
MAX_ANSWER_BYTES = 5_000_000

#: (student, assignment, notebook) -> {"events": [...], "snapshots": {name: entry|None}, "dead": reason|None}
EVENTS: dict[tuple[str, str, str], dict] = {}


def export_lines(source: str) -> list[tuple[str, str]]:
    """(statement, export name) of each top-level ``x = course.export("name", ...)``.

    Statements may span several lines; a cell Python cannot parse (magics)
    falls back to single-line matching.
    """
    import ast

    out = []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        for line in source.splitlines():
            m = EXPORT_LINE.match(line.rstrip())
            if m:
                out.append((line.rstrip(), m.group("name")))
        return out
    lines = source.splitlines()
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            continue
        fn = node.value.func
        if not (
            isinstance(fn, ast.Attribute)
            and fn.attr == "export"
            and isinstance(fn.value, ast.Name)
            and fn.value.id == "course"
        ):
            continue
        args = node.value.args
        if not args or not isinstance(args[0], ast.Constant) or not isinstance(args[0].value, str):
            continue
        stmt = "\n".join(lines[node.lineno - 1 : node.end_lineno])
        out.append((stmt, args[0].value))
    return out


def read_answers(path: Path) -> dict | None:
    """An answer file as a dict, or None (missing, too large, not JSON)."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_ANSWER_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else None
    except (OSError, ValueError, RecursionError):
        return None


def _deferred(outputs) -> bool:
    """A test cell whose in-kernel run left the score to the clean re-check: ``course.grade``
    in the sandbox, or a hidden test importing ``grading`` (absent from the sandbox)."""
    for o in outputs:
        if DEFERRED_MARK in str(o.get("text", "")):
            return True
        if (
            o.get("output_type") == "error"
            and o.get("ename") in ("ModuleNotFoundError", "ImportError")
            and "grading" in str(o.get("evalue", ""))
        ):
            return True
    return False


def _error_output(ename: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=text, traceback=[f"{ename}: {text}"])


class GuardedExecute(Execute):
    """nbgrader ``Execute`` with export snapshots, an output cap and kernel-death handling."""

    max_output_bytes = Integer(5_000_000, help="Output kept per cell; beyond it the cell is interrupted.").tag(
        config=True
    )
    memory_limit_mb = Integer(4096, help="Address-space limit of the student's kernel (0 = none).").tag(config=True)
    start_attempts = Integer(3, help="Kernel start-ups tried before a submission is reported as failed.").tag(
        config=True
    )
    snapshot_exports = Bool(True, help="Snapshot each test cell's exported answer before the test runs.").tag(
        config=True
    )
    sandbox = Unicode(
        help="Where student kernels run: auto (bubblewrap), bwrap, podman, docker, or off "
        "(unsafe, marked). Default: $GRADING_SANDBOX, else auto."
    ).tag(config=True)
    sandbox_image = Unicode(help="Container image with the student environment (podman/docker).").tag(config=True)
    max_processes = Integer(16, help="Processes a sandbox may have at once before it is stopped.").tag(config=True)
    max_tasks = Integer(512, help="RLIMIT_NPROC (threads included) inside the sandbox.").tag(config=True)
    cpu_seconds = Integer(3600, help="CPU seconds per process inside the sandbox.").tag(config=True)
    file_size_mb = Integer(200, help="Largest file a sandboxed kernel may write.").tag(config=True)
    tmpfs_mb = Integer(512, help="Size of the sandbox's private /tmp.").tag(config=True)

    @default("sandbox")
    def _sandbox_default(self):
        return os.environ.get(_sandbox.MODE_ENV) or "auto"

    @default("sandbox_image")
    def _sandbox_image_default(self):
        return os.environ.get(_sandbox.IMAGE_ENV) or _sandbox.DEFAULT_IMAGE

    # -- whole notebook ---------------------------------------------------
    def preprocess(self, nb, resources, km=None):
        info = resources.get("nbgrader", {})
        self._key = (info.get("student", ""), info.get("assignment", ""), info.get("notebook", ""))
        # refuses (SandboxUnavailable, a Chinese message) before any student code runs
        self._backend = _sandbox.backend(self.sandbox, self.sandbox_image)
        self._record = {
            "events": [],
            "snapshots": {},
            "dead": None,
            "deferred": [],
            "sandbox": self._backend.name if self._backend else "off",
        }
        EVENTS[self._key] = self._record
        path = resources.get("metadata", {}).get("path") or "."
        self._workdir = Path(os.path.abspath(path))
        self._answers_path = self._workdir / f"{info.get('notebook', 'notebook')}.answers.json"
        self._dead = None
        self._runs: list[Run] = []
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._end_sandbox()

    def _end_sandbox(self) -> None:
        """Nothing the kernel started survives; the folder is safe for nbgrader to write into."""
        for run in self._runs:
            run.stop()
        if self._backend is not None:
            owner = (os.geteuid(), os.getegid()) if self._backend.privileged else None
            removed = sanitise(self._workdir, owner)
            if removed:
                self._event("评分后删除了学生代码在笔记本文件夹中留下的链接或特殊文件：" + "、".join(removed[:5]))

    def create_kernel_manager(self):
        if getattr(self, "_backend", None) is None:
            return super().create_kernel_manager()
        plain = self.kernel_manager_class
        self.kernel_manager_class = sandboxed(plain)
        try:
            km = super().create_kernel_manager()
        finally:
            self.kernel_manager_class = plain
        limits = _sandbox.Limits(
            memory_mb=self.memory_limit_mb or 1 << 20,
            cpu_seconds=self.cpu_seconds,
            tasks=self.max_tasks,
            processes=self.max_processes,
            file_mb=self.file_size_mb,
            tmpfs_mb=self.tmpfs_mb,
        )
        run = Run(self._backend, self._workdir, limits)
        self._runs.append(run)
        km.attach_sandbox(run)
        return km

    def _event(self, text: str) -> None:
        if text not in self._record["events"]:
            self._record["events"].append(text)

    # -- kernel ---------------------------------------------------------------
    async def async_start_new_kernel(self, **kwargs):
        self._start_kwargs = dict(kwargs)
        await super().async_start_new_kernel(**kwargs)
        if self.memory_limit_mb > 0 and getattr(self, "_backend", None) is None:  # the sandbox sets its own
            try:
                import psutil

                proc = getattr(getattr(self.km, "provisioner", None), "process", None)
                pid = getattr(proc, "pid", None)
                if pid:
                    lim = int(self.memory_limit_mb) * 1024 * 1024
                    psutil.Process(pid).rlimit(psutil.RLIMIT_AS, (lim, lim))
            except Exception as exc:  # noqa: BLE001 - limits are best effort (non-Linux)
                self.log.debug("memory limit not applied: %s", exc)

    async def async_start_new_kernel_client(self):
        """Connect to the new kernel; if it died before answering, start another.

        Kernels pick free TCP ports by probing, and when many kernels start at once
        (a busy grading machine, parallel test runs) two can pick the same port and
        one dies at start-up.  No student code has run yet, so starting it again is
        safe; without this the whole submission would fail for a reason of ours.
        """
        for attempt in range(1, self.start_attempts + 1):
            try:
                return await super().async_start_new_kernel_client()
            except Exception as exc:  # noqa: BLE001 - nbclient raises RuntimeError or DeadKernelError
                if attempt == self.start_attempts:
                    raise
                self.log.warning(
                    "kernel did not start (%s); starting a new one (attempt %d of %d)",
                    exc,
                    attempt + 1,
                    self.start_attempts,
                )
                if self.km is not None and self.km.has_kernel:
                    try:
                        await self._async_cleanup_kernel()
                    except Exception:  # noqa: BLE001
                        pass
                self.kc = None
                self.km = self.create_kernel_manager()
                await asyncio.sleep(0.5 * attempt)
                await self.async_start_new_kernel(**getattr(self, "_start_kwargs", {}))
        raise AssertionError("unreachable")

    # nbclient binds its sync wrappers to its own coroutines: rebind to ours
    start_new_kernel = run_sync(async_start_new_kernel)
    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    # -- cells ----------------------------------------------------------------
    def preprocess_cell(self, cell, resources, index):
        if self._dead is not None:
            if cell.cell_type == "code":
                cell.outputs = [_error_output("GradingStopped", self._dead)]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            run = getattr(self.km, "sandbox_run", None)
            if run is not None and run.violation:
                self._dead = f"{run.violation}，之后的单元格未运行，计 0 分。"
            else:
                self._dead = (
                    "学生内核在运行中意外退出（代码调用了 os._exit、内存耗尽或崩溃），之后的单元格未运行，计 0 分。"
                )
        except CellTimeoutError:
            self._dead = (
                "某个单元格超时且无法中断（例如捕获了 KeyboardInterrupt 的死循环），之后的单元格未运行，计 0 分。"
            )
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001
                pass
        self._record["dead"] = self._dead
        self._event(self._dead)
        if cell.cell_type == "code":
            cell.outputs = [_error_output("GradingStopped", self._dead)]
        return cell, resources

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self._out_bytes = 0
        self._truncated = False
        if self.snapshot_exports and cell.cell_type == "code" and utils.is_grade(cell):
            await self._snapshot(cell)
        out = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if cell.cell_type == "code" and utils.is_grade(cell) and _deferred(out.outputs or []):
            self._record["deferred"].append(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if self._truncated:
            note = f"[评分系统] 本单元格输出超过 {self.max_output_bytes // 1_000_000} MB，已截断并中断运行。\n"
            out.outputs.append(NotebookNode(output_type="stream", name="stdout", text=note))
            self._event(
                f"单元格 {cell_index + 1} 输出过多（超过 {self.max_output_bytes // 1_000_000} MB），已截断并中断。"
            )
        return out

    execute_cell = run_sync(async_execute_cell)

    async def _snapshot(self, cell) -> None:
        lines = export_lines(cell.source)
        if not lines:
            return
        code = "\n".join(line for line, _ in lines)
        ok = False
        try:
            msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False, stop_on_error=False)
            reply = await self.async_wait_for_reply(msg_id, cell)
            ok = bool(reply) and reply.get("content", {}).get("status") == "ok"
        except DeadKernelError:
            raise
        except Exception as exc:  # noqa: BLE001 - the test cell itself will show the problem
            self.log.debug("export snapshot failed: %s", exc)
        # an export that failed leaves whatever was in the file before: not the student's answer
        data = (read_answers(self._answers_path) or {}) if ok else {}
        exports = data.get("exports") if isinstance(data.get("exports"), dict) else {}
        for _, name in lines:
            entry = exports.get(name)
            self._record["snapshots"][name] = entry if isinstance(entry, dict) else None

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = (
            len(content.get("text", "") or "")
            + sum(len(str(v)) for v in (content.get("data") or {}).values())
            + sum(len(str(t)) for t in (content.get("traceback") or []))
        )
        self._out_bytes = getattr(self, "_out_bytes", 0) + size
        if self._out_bytes > self.max_output_bytes:
            if not getattr(self, "_truncated", False):
                self._truncated = True
                try:
                    asyncio.ensure_future(self._interrupt())
                except RuntimeError:  # no running loop
                    pass
            return None
        return super().output(outs, msg, display_id, cell_index)

    async def _interrupt(self):
        from jupyter_core.utils import ensure_async

        try:
            await ensure_async(self.km.interrupt_kernel())
        except Exception:  # noqa: BLE001
            pass
