"""Drive a real JupyterLab in headless Chromium for the browser tests.

* ``LabServer``: a JupyterLab server on 127.0.0.1 (free port, token auth, the
  course's settings override ``jupyter/overrides.json`` via ``--LabApp.app_settings_dir``,
  isolated config/runtime/user-settings dirs), always stopped together with its kernels;
* ``NotebookPage``: one notebook open in the page — waits on the kernel's own
  status (front-end kernel object *and* the server's ``/api/kernels/<id>``),
  runs cells through JupyterLab command ids (not menu texts), restarts the
  kernel, saves, reloads;
* ``FormDriver``: fills a course form through its stable CSS classes
  (``course-form-<key>``, ``course-field-<name>``, ``course-save`` ...);
* ``step``: wraps each step so a failure says which notebook, form and step,
  and leaves a screenshot in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ARTIFACTS = REPO / "test-artifacts" / "browser"
OVERRIDES = REPO / "jupyter" / "overrides.json"
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# how long the slow things may take (seconds); module notebooks run < ~30 s each
SERVER_START = 90
PORT_ATTEMPTS = 3  # new ports tried when another process takes ours before JupyterLab binds it
KERNEL_IDLE = 120
RUN_ALL = 300
WIDGET = 30


MODULES = ("module1_listing", "module2_campaign", "module3_analytics", "module4_crm")
REMARK_ID = "d5_remark"


def remark_target() -> tuple[str, str] | None:
    """(module, notebook stem) of the first course module with a 备注 cell, or None."""
    import nbformat

    for m in MODULES:
        for p in sorted((REPO / m).glob("*.ipynb")):
            nb = nbformat.read(p, as_version=4)
            if any(c.metadata.get("nbgrader", {}).get("grade_id") == REMARK_ID for c in nb.cells):
                return m, p.stem
    return None


def css_name(name: str) -> str:
    """The CSS-safe name course.forms.widgets puts into its classes."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(name))


def safe_name(text: str) -> str:
    """An ASCII file name (the extension, if any, kept when it is shortened)."""
    stem, dot, ext = text.rpartition(".") if re.fullmatch(r".*\.[A-Za-z0-9]{1,5}", text) else (text, "", "")
    stem = re.sub(r"[^0-9A-Za-z_.-]+", "-", stem).strip("-")[:150] or "x"
    return f"{stem}{dot}{ext}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- failure reporting --------------------------------------------------------


class StepFailed(AssertionError):
    pass


class Where:
    """Where a test is (notebook, form), for failure messages and artifact names."""

    def __init__(self, test: str, page=None):
        self.test = test
        self.notebook = ""
        self.form = ""
        self.page = page

    def label(self) -> str:
        parts = [self.test]
        if self.notebook:
            parts.append(f"notebook {self.notebook}")
        if self.form:
            parts.append(f"form {self.form}")
        return " · ".join(parts)

    @contextlib.contextmanager
    def step(self, name: str):
        """Run one step; on failure raise a message naming notebook, form and step."""
        t0 = time.time()
        try:
            yield
            print(f"[{time.time() - t0:5.1f}s] {self.label()} · {name}")
        except StepFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is reported with its place
            shot = ""
            if self.page is not None:
                try:
                    path = artifact(f"FAILED-{self.test}-{self.notebook}-{self.form}-{name}.png")
                    self.page.screenshot(path=str(path), full_page=False)
                    shot = f"\n  screenshot: {path}"
                except Exception as shot_exc:  # noqa: BLE001 - the page may be gone
                    shot = f"\n  (no screenshot: {shot_exc})"
            msg = str(exc).strip()
            raise StepFailed(
                f"[{self.label()}] step「{name}」failed: {type(exc).__name__}: {msg[:4000]}{shot}"
            ) from exc


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / safe_name(name)


# -- the server ----------------------------------------------------------------


class LabServer:
    """JupyterLab serving ``root`` on 127.0.0.1 with a token; ``stop()`` ends it and its kernels."""

    def __init__(self, root: Path, env: dict | None = None, cwd: Path | None = None):
        self.root = Path(root)
        self.cwd = Path(cwd or root)
        self.port = free_port()
        self.token = os.urandom(16).hex()
        self.home = Path(tempfile.mkdtemp(prefix="course-lab-"))
        self.log_path = self.home / "server.log"
        self.proc: subprocess.Popen | None = None
        self._env = dict(env or os.environ)

    @property
    def base(self) -> str:
        """The server's address (follows ``port`` when a start moves to another port)."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def start(self) -> LabServer:
        settings = self.home / "app-settings"
        settings.mkdir()
        # the same override `make lab` installs: Chinese UI, no news/update pop-ups
        shutil.copy(OVERRIDES, settings / "overrides.json")
        # no "build is needed?" check (it shells out to node/yarn on every page load)
        (settings / "page_config.json").write_text('{"buildCheck": false, "buildAvailable": false}')
        for d in ("config", "runtime", "user-settings", "workspaces", "ipython"):
            (self.home / d).mkdir()
        env = dict(self._env)
        env.update(
            {
                "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
                "JUPYTER_CONFIG_DIR": str(self.home / "config"),
                "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"),
                "IPYTHONDIR": str(self.home / "ipython"),
                "JUPYTER_PLATFORM_DIRS": "1",
            }
        )
        env.pop("NBGRADER_EXECUTION", None)
        self._launch_env = env
        # free_port() only probes: between the probe and JupyterLab's bind another
        # process (typically a kernel's ZMQ socket) can take the port.  Then the
        # server exits ("already in use") or the probe meets a foreign protocol:
        # start again on a new port.
        for attempt in range(1, PORT_ATTEMPTS + 1):
            if self._launch() == "ready":
                return self
            print(f"port {self.port} was taken before JupyterLab bound it (attempt {attempt}); trying another")
            self._kill()
            self.port = free_port()
        raise RuntimeError(f"JupyterLab could not bind a free port in {PORT_ATTEMPTS} attempts:\n{self.log_tail()}")

    def _launch(self) -> str:
        """Start the server on ``self.port``; "ready", or "port" when the port was taken."""
        cmd = [
            str(BIN / "jupyter"),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.app_settings_dir={self.home / 'app-settings'}",
            f"--LabApp.user_settings_dir={self.home / 'user-settings'}",
            f"--LabApp.workspaces_dir={self.home / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.extension_manager=readonly",
            "--ServerApp.shutdown_no_activity_timeout=0",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        if getattr(self, "_log", None):
            self._log.close()
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            cmd, cwd=self.cwd, env=self._launch_env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.time() + SERVER_START
        while time.time() < deadline:
            if self.proc.poll() is not None:
                if "already in use" in self.log_tail():
                    return "port"
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return "ready"
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):  # another server, which does not know our token
                    return "port"
                time.sleep(0.3)
            except http.client.HTTPException:  # not HTTP at all (e.g. ZMQ): someone else's port
                return "port"
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"JupyterLab did not answer within {SERVER_START}s:\n{self.log_tail()}")

    def api(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=20) as resp:
            text = resp.read().decode() or "null"
        return json.loads(text)

    def shutdown_sessions(self) -> None:
        """Shut down every kernel session (each test leaves none behind)."""
        try:
            for s in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{s['id']}")
        except Exception:  # noqa: BLE001 - best effort; stop() kills the group anyway
            pass

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def _kill(self) -> None:
        """Stop the server process and its descendants (kernels run in their own
        sessions, so they are tracked as the server's descendants, not by group)."""
        if self.proc is not None and self.proc.poll() is None:
            import psutil

            try:
                family = psutil.Process(self.proc.pid).children(recursive=True)
            except psutil.Error:
                family = []
            self.proc.terminate()  # the server shuts its kernels down itself
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # start_new_session: group id == server pid
            for child in family:
                with contextlib.suppress(psutil.Error):
                    child.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            psutil.wait_procs(family, timeout=5)

    def stop(self) -> None:
        """Stop the server and everything it started."""
        t0 = time.time()
        self._kill()
        if getattr(self, "_log", None):
            self._log.close()
        print(f"[{time.time() - t0:5.1f}s] stopped JupyterLab on port {self.port} ({self.root.name})")
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


# -- a notebook in the page -------------------------------------------------------

_JS_KERNEL = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const s = w && w.sessionContext && w.sessionContext.session;
  const k = s && s.kernel;
  if (!k) return {id: null, status: 'no kernel', connection: null};
  return {id: k.id, status: k.status, connection: k.connectionStatus};
}"""

_JS_CELLS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  return w.content.widgets.map((c, i) => {
    const m = c.model;
    const outs = [];
    if (m.type === 'code') {
      for (let j = 0; j < m.outputs.length; j++) {
        const o = m.outputs.get(j).toJSON();
        outs.push({type: o.output_type, name: o.name || null, ename: o.ename || null, evalue: o.evalue || null});
      }
    }
    return {index: i, type: m.type, count: m.type === 'code' ? m.executionCount : null,
            state: m.type === 'code' ? (m.executionState || null) : null,
            source: m.sharedModel.getSource().slice(0, 160), outputs: outs,
            forms: Array.from(c.node.querySelectorAll('.course-form')).map(f => Array.from(f.classList)
                     .filter(x => x.startsWith('course-form-')).map(x => x.slice(12))[0])};
  });
}"""


class NotebookPage:
    """One notebook open in JupyterLab in a Playwright page."""

    def __init__(self, page, server: LabServer, path: str, where: Where):
        self.page = page
        self.server = server
        self.path = path
        self.where = where

    def open(self):
        # a workspace of its own: no tabs restored from an earlier test (and no kernels for them)
        self.page.goto(self.server.url(f"/lab/workspaces/t{os.urandom(6).hex()}/tree/{self.path}"))
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext"
            " && window.jupyterapp.shell.currentWidget.content",
            timeout=SERVER_START * 1000,
        )
        self.page.wait_for_function(
            "() => window.jupyterapp.shell.currentWidget.context.isReady", timeout=SERVER_START * 1000
        )

    def command(self, cmd: str, args: dict | None = None):
        """Run a JupyterLab command by its id (independent of the UI language)."""
        return self.page.evaluate("([c, a]) => window.jupyterapp.commands.execute(c, a || {})", [cmd, args])

    def kernel(self) -> dict:
        return self.page.evaluate(_JS_KERNEL)

    def wait_kernel_idle(self, timeout: float = KERNEL_IDLE) -> str:
        """Wait until the kernel itself reports idle: the front end's kernel object is
        connected and idle, and the server's own record of the kernel says idle too."""
        deadline = time.time() + timeout
        last = {}
        while time.time() < deadline:
            last = self.kernel()
            if last.get("id") and last.get("status") == "idle" and last.get("connection") == "connected":
                try:
                    info = self.server.api("GET", f"/api/kernels/{last['id']}")
                    last["server"] = info.get("execution_state")
                    if info.get("execution_state") == "idle":
                        return last["id"]
                except urllib.error.HTTPError as exc:
                    last["server"] = f"HTTP {exc.code}"
            time.sleep(0.25)
        raise TimeoutError(f"kernel not idle after {timeout:.0f}s (last seen: {last})")

    def cells(self) -> list[dict]:
        return self.page.evaluate(_JS_CELLS)

    def run_all(self, timeout: float = RUN_ALL):
        """Run all cells and wait until every one has run; fail naming the first
        cell that raised."""
        self._run("notebook:run-all-cells", timeout)

    def run_through(self, index: int, timeout: float = RUN_ALL):
        """Run cells 0..index (the set-up and the form cells), as a student would after a restart."""
        self.page.evaluate(
            "(i) => { const w = window.jupyterapp.shell.currentWidget; w.content.activeCellIndex = i; }", index
        )
        self._run("notebook:run-all-above", timeout)
        self._run("notebook:run-cell", timeout)

    def _run(self, cmd: str, timeout: float):
        ok = self.page.evaluate(
            "([c, t]) => Promise.race([window.jupyterapp.commands.execute(c),"
            " new Promise(r => setTimeout(() => r('timeout'), t))])",
            [cmd, int(timeout * 1000)],
        )
        if ok == "timeout":
            raise TimeoutError(f"{cmd} did not finish within {timeout:.0f}s; {self.describe_running()}")
        errors = self.error_cells()
        if errors:
            raise AssertionError("a cell raised an error: " + "; ".join(errors))
        if ok is False:
            raise AssertionError(f"{cmd} reported failure; {self.describe_running()}")
        self.wait_kernel_idle()

    def error_cells(self) -> list[str]:
        out = []
        for c in self.cells():
            for o in c["outputs"]:
                if o["type"] == "error":
                    src = c["source"].splitlines()[0] if c["source"] else ""
                    out.append(f"cell {c['index'] + 1} ({src!r}): {o['ename']}: {o['evalue']}")
        return out

    def describe_running(self) -> str:
        running = [f"cell {c['index'] + 1}" for c in self.cells() if c["state"] == "running"]
        return f"running: {', '.join(running) or 'none'}; kernel: {self.kernel()}"

    def form_cells(self) -> dict[str, int]:
        """Form key (CSS form) -> index of the first cell showing it."""
        found: dict[str, int] = {}
        for c in self.cells():
            for key in c["forms"]:
                if key:
                    found.setdefault(key, c["index"])
        return found

    def written_answer_cells(self) -> list[int]:
        """Indexes of the manually graded text answers (markdown solution cells: analysis, 备注)."""
        return self.page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets
          .map((c, i) => [c, i]).filter(([c, i]) => {
            const m = c.model.getMetadata ? c.model.getMetadata('nbgrader') : null;
            return c.model.type === 'markdown' && m && m.solution && m.grade;
          }).map(([c, i]) => i)""")

    def write_markdown(self, index: int, text: str):
        """Replace a markdown cell's text by typing, as a student does, and render it."""
        self.page.evaluate(
            "(i) => { const w = window.jupyterapp.shell.currentWidget;"
            " w.content.activeCellIndex = i; w.content.activeCell.node.scrollIntoView(); }",
            index,
        )
        self.command("notebook:enter-edit-mode")
        editor = self.page.locator(".jp-Notebook .jp-mod-active .cm-content").first
        editor.wait_for()
        editor.click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)
        self._run("notebook:run-cell", WIDGET)  # renders the markdown
        got = self.page.evaluate(
            "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource()", index
        )
        if got.strip() != text.strip():
            raise AssertionError(f"cell {index + 1} holds {got!r} after typing {text!r}")

    def restart_kernel(self):
        """Restart through the command and its confirmation dialog; wait for the new kernel."""
        self.page.evaluate("""() => {
          window.__courseRestarted = false;
          const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
          k.statusChanged.connect((_, s) => { if (s === 'restarting' || s === 'autorestarting') window.__courseRestarted = true; });
        }""")
        self.page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-kernel'); }")
        accept = self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
        accept.wait_for(timeout=WIDGET * 1000)
        accept.click()
        self.page.wait_for_function("() => window.__courseRestarted === true", timeout=KERNEL_IDLE * 1000)
        self.wait_kernel_idle()

    def save(self):
        self.command("docmanager:save")
        self.page.wait_for_function(
            "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=WIDGET * 1000
        )

    def reload(self):
        self.page.reload()
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.context"
            " && window.jupyterapp.shell.currentWidget.context.isReady",
            timeout=SERVER_START * 1000,
        )

    def output_text(self) -> str:
        return self.page.locator(".jp-Notebook").inner_text()


# -- a course form in the page ---------------------------------------------------------

_JS_KIND = """(el) => {
  if (el.querySelector('.course-row') || el.classList.contains('widget-vbox') && !el.querySelector('input,select,textarea'))
    return 'repeat';
  if (el.querySelector('select')) return 'choice';
  if (el.querySelector('textarea')) return 'textarea';
  const boxes = el.querySelectorAll('input[type=checkbox]');
  if (boxes.length && Array.from(el.classList).some(x => x === 'widget-hbox' || x === 'widget-box')
      && el.querySelector('[class*="course-option-"]')) return 'multi';
  if (boxes.length === 1) return 'check';
  if (el.querySelector('input')) return 'text';
  return 'unknown';
}"""

# (ipywidgets puts a zero-width space before a check box's description)
_JS_MULTI = """(el) => Array.from(el.querySelectorAll('[class*="course-option-"]')).map(o =>
  [o.textContent.replace(/\u200b/g, '').trim(), o.querySelector('input[type=checkbox]').checked])"""


class FormDriver:
    """A course form on the page, addressed by its stable CSS classes."""

    def __init__(self, page, key: str):
        self.page = page
        self.key = key
        self.root = page.locator(f".course-form-{css_name(key)}").first
        self.typed = False

    # fields ------------------------------------------------------------------
    def field(self, name: str, within=None):
        cls = f"course-field-{css_name(name)}"
        if within is not None:
            return within.locator(f".{cls}").first
        # a top-level field, not a sub-field of a table row with the same name
        return self.root.locator(f".{cls}:not(.course-row .{cls})").first

    def kind(self, loc) -> str:
        return loc.evaluate(_JS_KIND)

    def field_names(self) -> list[str]:
        """Top-level field names in page order (from the course-field-* classes)."""
        return self.root.evaluate("""(el) => {
          const out = [];
          el.querySelectorAll('[class*="course-field-"]').forEach(f => {
            if (f.closest('.course-row')) return;
            const c = Array.from(f.classList).find(x => x.startsWith('course-field-'));
            if (c && !out.includes(c.slice(13))) out.push(c.slice(13));
          });
          return out;
        }""")

    def set(self, name: str, value, within=None):
        loc = self.field(name, within)
        loc.wait_for(timeout=WIDGET * 1000)
        kind = self.kind(loc)
        if kind == "repeat":
            self._set_rows(name, loc, value)
        elif kind == "choice":
            loc.locator("select").select_option(label=str(value))
        elif kind == "check":
            loc.locator("input[type=checkbox]").set_checked(bool(value))
        elif kind == "multi":
            wanted = {str(v) for v in value}
            options = loc.evaluate(_JS_MULTI)
            missing = wanted - {o for o, _ in options}
            if missing:
                raise AssertionError(
                    f"field {name}: no check box for {sorted(missing)} (options: {[o for o, _ in options]})"
                )
            for opt, _checked in options:
                box = loc.locator(f".course-option-{css_name(opt)} input[type=checkbox]").first
                box.set_checked(opt in wanted)
        elif kind in ("text", "textarea"):
            box = loc.locator("textarea" if kind == "textarea" else "input").first
            text = "" if value is None else str(value)
            box.fill("")
            if not self.typed and text and len(text) <= 24 and "\n" not in text:
                # the form's first text entry is typed key by key, like a student (every key
                # press reaches the kernel: autosave and live preview); later entries are
                # pasted in one go, which keeps the suite's kernel work small
                box.press_sequentially(text)
                self.typed = True
            else:
                box.fill(text)
            box.press("Tab")
        else:
            raise AssertionError(f"field {name}: cannot tell what kind of widget this is ({kind})")

    def _set_rows(self, name: str, loc, rows: list[dict]):
        container = loc.locator("xpath=..")
        row_loc = loc.locator(":scope > .course-row")
        for _ in range(50):
            n = row_loc.count()
            if n == len(rows):
                break
            if n < len(rows):
                container.locator(":scope > .course-add-row").first.click()
                self.page.wait_for_function(
                    "([el, n]) => el.querySelectorAll(':scope > .course-row').length > n",
                    arg=[loc.element_handle(), n],
                    timeout=WIDGET * 1000,
                )
            else:
                row_loc.nth(n - 1).locator(".course-delete-row").click()
                self.page.wait_for_function(
                    "([el, n]) => el.querySelectorAll(':scope > .course-row').length < n",
                    arg=[loc.element_handle(), n],
                    timeout=WIDGET * 1000,
                )
        for i, row in enumerate(rows):
            for sub, value in row.items():
                self.set(sub, value, within=row_loc.nth(i))

    def get(self, name: str, within=None):
        loc = self.field(name, within)
        loc.wait_for(timeout=WIDGET * 1000)
        kind = self.kind(loc)
        if kind == "repeat":
            rows = loc.locator(":scope > .course-row")
            out = []
            for i in range(rows.count()):
                row = rows.nth(i)
                out.append({n: self.get(n, within=row) for n in self.sub_names(row)})
            return out
        if kind == "choice":
            # ipywidgets renders the spaces of an option's label as no-break spaces (U+00A0)
            return loc.locator("select").evaluate(
                "(s) => s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].textContent.replace(/\\u00a0/g, ' ')"
            )
        if kind == "check":
            return loc.locator("input[type=checkbox]").is_checked()
        if kind == "multi":
            return [o for o, checked in loc.evaluate(_JS_MULTI) if checked]
        if kind == "textarea":
            return loc.locator("textarea").first.input_value()
        if kind == "text":
            return loc.locator("input").first.input_value()
        raise AssertionError(f"field {name}: cannot read a widget of kind {kind}")

    def sub_names(self, row) -> list[str]:
        """Sub-field names of one table row, in order."""
        return row.evaluate("""(el) => Array.from(el.querySelectorAll('[class*="course-field-"]')).map(f =>
            Array.from(f.classList).find(x => x.startsWith('course-field-')).slice(13))""")

    def _first_row(self, name: str):
        return self.field(name).locator(":scope > .course-row").first

    def set_one(self, name: str, sub: str | None, value):
        """Set a field, or one sub-field of a table's first row."""
        if sub is None:
            self.set(name, value)
        else:
            self.set(sub, value, within=self._first_row(name))

    def get_one(self, name: str, sub: str | None):
        return self.get(name) if sub is None else self.get(sub, within=self._first_row(name))

    def fill(self, values: dict):
        for name, value in values.items():
            self.set(name, value)

    # buttons and feedback ---------------------------------------------------------
    def settle(self, timeout: float = WIDGET):
        """Wait until the kernel has handled every change (idle) and the form stopped
        moving: the live preview above the 保存 button re-renders after each keystroke,
        and a click while it grows would land beside the button."""
        self.page.wait_for_function(
            """(el) => {
              const w = window.jupyterapp.shell.currentWidget;
              const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
              const h = el.getBoundingClientRect().height;
              const idle = !!k && k.status === 'idle';
              const ok = idle && el.__courseH === h && el.__courseIdle === true;
              el.__courseH = h; el.__courseIdle = idle;
              return ok;
            }""",
            arg=self.root.element_handle(),
            polling=250,
            timeout=timeout * 1000,
        )

    def save(self):
        """Click 保存 once the form is still, then wait until the kernel has handled it."""
        self.settle()
        self.root.locator(".course-save").first.click()
        self.settle()

    def messages(self) -> str:
        return self.root.locator(".course-messages").first.inner_text()

    def status(self) -> str:
        return self.root.locator(".course-status").first.inner_text()

    def wait_messages(self, predicate_js: str, what: str, timeout: float = WIDGET):
        """Wait until the messages box text satisfies ``predicate_js`` (a JS expression on ``t``)."""
        try:
            self.page.wait_for_function(
                f"(el) => {{ const t = el.textContent; return {predicate_js}; }}",
                arg=self.root.locator(".course-messages").first.element_handle(),
                timeout=timeout * 1000,
            )
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(
                f"expected {what}; messages shown: {self.messages()!r}; status: {self.status()!r}"
            ) from exc

    def wait_status(self, text: str, timeout: float = WIDGET):
        """Wait until the status next to 保存 shows ``text`` (widgets render asynchronously)."""
        try:
            self.page.wait_for_function(
                "([el, t]) => el.textContent.includes(t)",
                arg=[self.root.locator(".course-status").first.element_handle(), text],
                timeout=timeout * 1000,
            )
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"status should show「{text}」, shows {self.status()!r}") from exc

    def screenshot(self, name: str) -> Path:
        """A picture of the whole form (the window is made tall enough for long forms)."""
        path = artifact(name)
        size = self.page.viewport_size
        box = self.root.bounding_box() or {"height": 0}
        tall = box["height"] + 320 > size["height"]
        try:
            if tall:
                self.page.set_viewport_size({"width": size["width"], "height": int(box["height"]) + 360})
                self.page.wait_for_timeout(200)  # JupyterLab re-lays out the panel
            self.root.scroll_into_view_if_needed()
            self.root.screenshot(path=str(path))
        finally:
            if tall:
                self.page.set_viewport_size(size)
        return path


def read_answers(folder: Path, stem: str) -> dict:
    p = Path(folder) / f"{stem}.answers.json"
    if not p.exists():
        return {}
    return json.loads(p.read_text(encoding="utf-8"))


def raw_matches(expected, raw) -> bool:
    """Does the saved raw entry equal what the test typed (text compared stripped)?"""
    if isinstance(expected, dict):
        return isinstance(raw, dict) and all(raw_matches(v, raw.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        if expected and isinstance(expected[0], dict):
            return (
                isinstance(raw, list)
                and len(raw) == len(expected)
                and all(raw_matches(e, r) for e, r in zip(expected, raw))
            )
        return sorted(map(str, expected)) == sorted(map(str, raw or []))
    if isinstance(expected, bool):
        return bool(raw) == expected
    return str(expected).strip() == str("" if raw is None else raw).strip()


def why_no_browser() -> str | None:
    if not Path(CHROMIUM).exists():
        return (
            f"Chromium not found at {CHROMIUM} (install Debian's chromium, as .ci/run does: "
            "apt-get install chromium chromium-driver fonts-noto-cjk)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (pip install -e '.[test]')"
    return None
