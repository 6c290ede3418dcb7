"""The student's day, in a real JupyterLab (Simplified Chinese) in headless Chromium.

For the test-only sample assignment and for every released course notebook that
has a form: open it, wait until the kernel itself is idle, run all cells, fill
every form through the page (typing, dropdowns, check boxes, table rows, the
保存 button), see the messages for a wrong entry and the confirmation for a
right one, restart the kernel, save, reload the page, run the set-up and form
cells again and see the entries still there, then run ``nbgrader validate`` on
the saved notebook.  Notebooks are discovered from the module folders, so a new
notebook with a form is covered without editing this file; how each form is
filled comes from ``recipes.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import harness
import labdriver
import pytest
from labdriver import FormDriver, NotebookPage, raw_matches, read_answers
from recipes import CONFIRMATION, PROBE_TEXT, RECIPES, SAVED

pytestmark = pytest.mark.browser

REPO = labdriver.REPO
MODULES = labdriver.MODULES
WRITTEN_ANSWER = "我的分析：先看数据，再按控制点逐项检查。（浏览器测试写入）"
FALLBACK_TEXT = "（在 JupyterLab 中打开可填写）"  # a form's text fallback when no widget renders

# a notebook "has a form" when it calls a class it imports from course.forms
# (SwotForm(...), Form(...), ModuleSurvey(...), Dashboard(...)) or course.forms.<...>.Class(...)
_FORMS_IMPORT = re.compile(r"from[ \t]+course\.forms(?:\.\w+)*[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)")
_FORMS_ATTR = re.compile(r"course\.forms\.(?:\w+\.)*[A-Z]\w*\(")


def has_form(nb_path: Path) -> bool:
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    classes = {
        n.split(" as ")[-1].strip() for m in _FORMS_IMPORT.finditer(code) for n in m.group(1).strip("()").split(",")
    }
    classes = {n for n in classes if n[:1].isupper()}
    return bool(_FORMS_ATTR.search(code)) or any(re.search(rf"\b{re.escape(n)}\(", code) for n in classes)


def module_params():
    params = []
    for m in MODULES:
        nbs = sorted(p for p in (REPO / m).glob("*.ipynb") if has_form(p))
        if nbs:
            # a module's notebooks share one xdist worker (tests/conftest.py groups by the id's module)
            params += [pytest.param(m, p.name, id=f"{m}/{p.stem}") for p in nbs]
        else:
            params.append(pytest.param(m, None, id=f"{m}/no-form-notebook"))
    return params


# -- the day ------------------------------------------------------------------------


def _probe(fd: FormDriver, names: list[str]) -> tuple[str | None, str | None, object]:
    """(field, sub-field or None, value) to enter in a form without a recipe: the first
    text field (a table's first row counts), else the last option of the first
    dropdown, else a ticked check box."""
    kinds = {n: fd.kind(fd.field(n)) for n in names}
    for want in (("text", "textarea"), ("choice",), ("check",)):
        for n in names:
            if kinds[n] == "repeat":
                row = fd.field(n).locator(":scope > .course-row").first
                if not row.count():
                    continue
                for sub in fd.sub_names(row):
                    loc = fd.field(sub, within=row)
                    if fd.kind(loc) in want:
                        return n, sub, _probe_value(fd, loc)
            elif kinds[n] in want:
                return n, None, _probe_value(fd, fd.field(n))
    return None, None, None


def _probe_value(fd: FormDriver, loc):
    kind = fd.kind(loc)
    if kind == "choice":
        return [o for o in loc.locator("option").all_inner_texts() if o.strip()][-1]
    return True if kind == "check" else PROBE_TEXT


def student_day(
    page,
    server,
    folder: Path,
    notebook: str,
    where: labdriver.Where,
    tmp_path: Path,
    expect_forms: set[str] | None = None,
) -> dict:
    """Run the whole day on one notebook; returns what was covered (for reporting)."""
    stem = notebook[: -len(".ipynb")]
    where.notebook = f"{folder.name}/{notebook}"
    nb = NotebookPage(page, server, notebook, where)
    covered = {"notebook": where.notebook, "forms": {}}
    try:
        with where.step("open the notebook and wait for the kernel to be idle"):
            nb.open()
            nb.wait_kernel_idle()
        with where.step("the interface is in Simplified Chinese"):
            menu = page.locator(".lm-MenuBar").first.inner_text()
            assert "文件" in menu and "内核" in menu, f"menu bar reads {menu!r}"
        with where.step("run all cells"):
            nb.run_all()
            page.screenshot(path=str(labdriver.artifact(f"student-{folder.name}-{stem}-page.png")))
        forms = nb.form_cells()
        with where.step("find the forms"):
            if expect_forms is not None:
                assert set(forms) == expect_forms, f"forms shown {sorted(forms)}, expected {sorted(expect_forms)}"
            if not forms:
                text = nb.output_text()
                assert FALLBACK_TEXT not in text, "a form printed its text fallback: the widget did not render"
        if not forms:
            pytest.skip(f"{where.notebook}: no course form rendered (nothing to fill)")

        expected: dict[str, dict] = {}
        probes: dict[str, tuple] = {}
        for key in forms:
            where.form = key
            fd = FormDriver(page, key)
            recipe = RECIPES.get(key)
            names = fd.field_names()
            if recipe is not None:
                if recipe.wrong is not None:
                    with where.step("type a wrong entry and save: the messages must say what to fix"):
                        fd.fill(recipe.wrong)
                        fd.save()
                        cond = " && ".join(f"t.includes({s!r})" for s in recipe.wrong_messages) or "t.trim().length > 0"
                        fd.wait_messages(cond, f"messages containing {recipe.wrong_messages}")
                        assert CONFIRMATION not in fd.messages()
                        fd.screenshot(f"student-{folder.name}-{stem}-{key}-wrong.png")
                with where.step("fill the right entries and save: the page must confirm"):
                    fd.fill(recipe.right)
                    fd.save()
                    fd.wait_messages(f"t.includes({CONFIRMATION!r})", f"the confirmation「{CONFIRMATION}」")
                    fd.wait_status(SAVED)
                    fd.screenshot(f"student-{folder.name}-{stem}-{key}-saved.png")
                with where.step("the answer file holds exactly what was typed"):
                    entry = read_answers(folder, stem).get("forms", {}).get(key)
                    assert entry is not None, f"no entry for form {key} in {stem}.answers.json"
                    assert entry.get("problems") == [], f"saved with problems: {entry.get('problems')}"
                    assert raw_matches(recipe.right, entry.get("raw")), (
                        f"saved raw {entry.get('raw')} != typed {recipe.right}"
                    )
                expected[key] = {k: v for k, v in recipe.right.items() if k not in recipe.skip_readback}
                covered["forms"][key] = "recipe"
            else:
                with where.step("save the untouched form: messages must appear"):
                    fd.save()
                    fd.wait_messages("t.trim().length > 0", "a message after saving (problems or confirmation)")
                    fd.wait_status(SAVED)
                name, sub, value = _probe(fd, names)
                label = f"{name}[0].{sub}" if sub else name
                with where.step(f"enter one field ({label}) and save"):
                    assert name is not None, f"no text field, dropdown or check box among fields {names}"
                    fd.set_one(name, sub, value)
                    fd.save()
                    fd.wait_messages("t.trim().length > 0", "a message after saving")
                    fd.screenshot(f"student-{folder.name}-{stem}-{key}-saved.png")
                with where.step("the answer file holds the entry"):
                    raw = (read_answers(folder, stem).get("forms", {}).get(key) or {}).get("raw") or {}
                    got = raw.get(name)
                    if sub:
                        got = (got or [{}])[0].get(sub)
                    assert raw_matches(value, got), f"saved raw {raw} does not hold {label}={value!r}"
                probes[key] = (name, sub, value)
                covered["forms"][key] = f"no recipe: one field ({label})"
        where.form = ""

        written = nb.written_answer_cells()
        with where.step(f"write the text answers ({len(written)} manually graded cells)"):
            for i in written:
                nb.write_markdown(i, WRITTEN_ANSWER)
        covered["written"] = len(written)

        with where.step("save the notebook"):
            nb.save()
        # nbgrader validate runs on a copy of the saved folder (notebook + answer file),
        # alongside the restart and reload below
        vdir = tmp_path / f"validate-{stem}"
        shutil.copytree(folder, vdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        validate = subprocess.Popen(
            [str(harness.BIN / "nbgrader"), "validate", notebook],
            cwd=vdir,
            env=harness.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            with where.step("restart the kernel"):
                nb.restart_kernel()
            with where.step("reload the page and wait for the kernel"):
                nb.reload()
                nb.wait_kernel_idle()
            with where.step("run the set-up and form cells again"):
                nb.run_through(max(forms.values()))
            for key in forms:
                where.form = key
                fd = FormDriver(page, key)
                with where.step("the entries are still there after restart and reload"):
                    fd.root.wait_for()
                    fd.wait_status(SAVED)  # the form is rebuilt from the answer file: it shows as saved
                    for name, value in expected.get(key, {}).items():
                        got = fd.get(name)
                        assert raw_matches(value, got), f"field {name}: shows {got!r}, typed {value!r}"
                    if key in probes:
                        name, sub, value = probes[key]
                        got = fd.get_one(name, sub)
                        assert raw_matches(value, got), f"field {name} {sub or ''}: shows {got!r}, typed {value!r}"
                    fd.screenshot(f"student-{folder.name}-{stem}-{key}-after-reload.png")
            where.form = ""
            with where.step("nbgrader validate on the saved notebook"):
                out, _ = validate.communicate(timeout=labdriver.RUN_ALL)
                assert validate.returncode == 0 and "Success! Your notebook passes all the tests." in out, (
                    f"nbgrader validate (rc {validate.returncode}):\n{out[-4000:]}"
                )
        finally:
            if validate.poll() is None:
                validate.kill()
                validate.wait()
    finally:
        server.shutdown_sessions()
    # what this notebook's day covered, next to its screenshots
    labdriver.artifact(f"covered-{folder.name}-{stem}.json").write_text(
        json.dumps(covered, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return covered


# -- the tests -------------------------------------------------------------------------


def test_cjk_font_installed():
    """Screenshots need real Chinese glyphs, not boxes: a CJK font must be installed."""
    if not Path(labdriver.CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {labdriver.CHROMIUM}")
    assert shutil.which("fc-list"), "fontconfig's fc-list is missing (apt-get install fontconfig fonts-noto-cjk)"
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert out.strip(), "no font with Chinese glyphs (fc-list :lang=zh is empty): apt-get install fonts-noto-cjk"


def test_sample_student_day(page, released, lab, where, tmp_path):
    """The whole day on the test-only sample assignment (one form: Text + Number)."""
    folder = released("sample").student
    server = lab(folder)
    student_day(page, server, folder, "sample.ipynb", where, tmp_path, expect_forms={"shop"})


@pytest.mark.parametrize("module,notebook", module_params())
def test_module_student_day(module, notebook, page, released, lab, where, tmp_path):
    if notebook is None:
        pytest.skip(f"{module}: no notebook with a course form yet")
    folder = released(module).student
    with where.step(f"released {module}/{notebook} exists"):
        assert (folder / notebook).exists(), (
            f"nbgrader did not release {notebook}: {sorted(p.name for p in folder.iterdir())}"
        )
    server = lab(folder)
    student_day(page, server, folder, notebook, where, tmp_path)
