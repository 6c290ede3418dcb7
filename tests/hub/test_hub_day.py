"""The whole day on a real class hub, in headless Chromium on loopback.

Two students log in through the hub's (Chinese) login page, get JupyterLab in
Simplified Chinese with nbgrader's Assignments tab and none of the instructor
extensions, fetch module 1, fill the title form of 02_title, restart the
kernel (the entry is still there), save and submit.  The TA, in a terminal of
their own hub server, collects from the exchange with ``grading collect``,
autogrades (``grading autograde``: the sandbox by default), writes feedback
and releases it.  Each student fetches the feedback in the Assignments tab
and opens it: their own answer is there, the other student's is not, and no
hidden test is.  A student who opens another student's server or the
formgrader is turned away.
"""

from __future__ import annotations

import re

import hubharness
import labdriver
import nbformat
import pytest
import terminal
from hubdriver import AssignmentsTab, HubUser
from labdriver import FormDriver, NotebookPage, raw_matches
from recipes import CONFIRMATION, RECIPES, SAVED

pytestmark = pytest.mark.browser

MODULE, NOTEBOOK, FORM = "module1_listing", "02_title", "title"
COURSE = "ecom-ops"
STAFF_ONLY = ("nbgrader:open-formgrader", "nbgrader:open-create-assignment", "nbgrader:open-course-list")
# the second student types another title that passes the same checks: each sees their own in the feedback
OTHER_TITLE = "栖木北欧简约床头柜小户型卧室储物柜白色现代简约2026新款"


@pytest.fixture(scope="module")
def day_hub(hub_prereq):
    hub = hubharness.ClassHub()
    try:
        hub.setup().start()
        yield hub
    finally:
        hub.cleanup()


def new_page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(labdriver.WIDGET * 1000)
    page = ctx.new_page()
    page.on("dialog", lambda d: d.accept())
    return page


def hidden_test_lines() -> list[str]:
    """The code lines of the source notebook's hidden tests (they must never reach a student)."""
    nb = nbformat.read(hubharness.REPO / MODULE / f"{NOTEBOOK}.ipynb", as_version=4)
    lines = []
    for cell in nb.cells:
        m = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)
        if m:
            lines += [ln.strip() for ln in m.group(1).splitlines() if len(ln.strip()) > 8]
    return lines


def entries(index: int) -> dict:
    right = dict(RECIPES[FORM].right)
    if index == 1:
        right["title"] = OTHER_TITLE
    return right


def student_morning(hub, browser, login: str, index: int, where: labdriver.Where) -> HubUser:
    """Log in, fetch, fill the form, restart the kernel, submit."""
    page = new_page(browser)
    where.page, where.notebook, where.form = page, f"{login}/{NOTEBOOK}", ""
    user = HubUser(hub, login, page)
    with where.step("log in with the 学号 and wait for JupyterLab"):
        user.sign_in()
        menu = user.menu_bar()
        assert "文件" in menu and "内核" in menu, f"the menu bar is not in Simplified Chinese: {menu!r}"
    with where.step("the student has the Assignments tab and none of the instructor extensions"):
        commands = user.commands()
        assert AssignmentsTab.COMMAND in commands
        assert not [c for c in STAFF_ONLY if c in commands], [c for c in STAFF_ONLY if c in commands]
    tab = AssignmentsTab(page)
    with where.step("fetch module 1 in the Assignments tab"):
        tab.open()
        tab.fetch(MODULE)
    nb = NotebookPage(page, user, f"{COURSE}/{MODULE}/{NOTEBOOK}.ipynb", where)
    with where.step("open the notebook and run it"):
        nb.open()
        nb.wait_kernel_idle()
        nb.run_all()
    forms = nb.form_cells()
    assert FORM in forms, f"forms shown: {sorted(forms)}"
    where.form = FORM
    typed = entries(index)
    with where.step("fill the title form and save: the page confirms"):
        fd = FormDriver(page, FORM)
        fd.fill(typed)
        fd.save()
        fd.wait_messages(f"t.includes({CONFIRMATION!r})", f"the confirmation「{CONFIRMATION}」")
        fd.wait_status(SAVED)
    with where.step("restart the kernel and run the cells again: the entry is still there"):
        nb.restart_kernel()
        nb.run_through(forms[FORM])
        fd = FormDriver(page, FORM)
        fd.wait_status(SAVED)
        for name, value in typed.items():
            assert raw_matches(value, fd.get(name)), (
                f"{name}: shows {fd.get(name)!r} after the restart, typed {value!r}"
            )
        fd.screenshot(f"hub-{login}-{FORM}-after-restart.png")
    where.form = ""
    with where.step("save the notebook and submit in the Assignments tab"):
        nb.save()
        tab.open()
        tab.submit(MODULE)
    inbound = sorted((hub.workspace / "exchange" / COURSE / "inbound").glob(f"{login}+{MODULE}+*"))
    assert inbound and all(p.owner() == login for p in inbound), inbound
    saved = (inbound[-1] / f"{NOTEBOOK}.answers.json").read_text(encoding="utf-8")
    assert typed["title"] in saved, "the submission carries the saved form entry"
    return user


def turned_away(user: HubUser, other: str) -> None:
    page = user.page
    resp = page.goto(f"{user.hub.base}/user/{other}/lab")
    assert resp.status in (403, 404) or f"/user/{other}/" not in page.url, (resp.status, page.url)
    assert "jupyterapp" not in page.evaluate("() => Object.keys(window).filter(k => k === 'jupyterapp').join()")
    resp = page.goto(f"{user.hub.base}/user/{user.login}/formgrader")
    assert resp.status == 404, f"a student's server served the formgrader ({resp.status})"


def ta_grades(hub, where: labdriver.Where) -> dict[str, str]:
    """The TA's afternoon, typed into a terminal of the TA's own hub server."""
    hub.spawn("ta1")
    token = hub.user_token("ta1")
    out = {}
    for cmd in (
        f"grading collect {MODULE}",
        f"grading autograde {MODULE} --jobs 2 --quiet",
        f"grading feedback {MODULE}",
        f"nbgrader release_feedback {MODULE}",
    ):
        with where.step(f"TA terminal: {cmd}"):
            rc, text = terminal.run(hub.base, "ta1", token, cmd, timeout=900)
            assert rc == 0, f"`{cmd}` exited {rc}:\n{text[-4000:]}"
            out[cmd.split()[1]] = text
    return out


def student_feedback(user: HubUser, index: int, where: labdriver.Where, other_title: str) -> str:
    """Fetch Feedback, view feedback, open the notebook's page: return its text."""
    page = user.page
    where.page, where.notebook, where.form = page, f"{user.login}/{NOTEBOOK}", ""
    with where.step("fetch the feedback and open it from the Assignments tab"):
        page.goto(user.url("/lab"))
        user.wait_lab()
        tab = AssignmentsTab(page).open()
        tab.row("submitted", MODULE).wait_for()
        tab.fetch_feedback(MODULE)
        page.locator("#submitted_assignments_list a", has_text="view feedback").first.click()
        item = page.locator(".jp-DirListing-item", has_text=f"{NOTEBOOK}.html").first
        item.wait_for()  # "view feedback" opens the feedback folder in the file browser
        item.dblclick()
        frame = page.frame_locator(".jp-HTMLViewer iframe").first
        frame.locator("body").wait_for()
        text = frame.locator("body").inner_text()
        page.screenshot(path=str(labdriver.artifact(f"hub-{user.login}-feedback.png")))
    with where.step("the feedback is the student's own, with no hidden test"):
        assert "评分测试（测试代码不公开" in text, text[:2000]
        assert entries(index)["title"] in text, "the student's own saved title is in the feedback"
        assert other_title not in text, "the other student's answer must not be in this feedback"
        leaked = [ln for ln in hidden_test_lines() if ln in text]
        assert not leaked and "BEGIN HIDDEN TESTS" not in text, f"hidden tests in the feedback: {leaked}"
    return text


def test_the_whole_day_on_the_class_hub(day_hub, browser):
    hub = day_hub
    where = labdriver.Where("hub-day")
    logins = [sid for sid, _ in hub.students]
    users = [student_morning(hub, browser, login, i, where) for i, login in enumerate(logins)]

    with where.step("a student cannot open another student's server or the formgrader"):
        turned_away(users[0], logins[1])

    ta_page = new_page(browser)
    ta = HubUser(hub, "ta1", ta_page)
    with where.step("the TA has the formgrader"):
        ta.sign_in()
        assert "nbgrader:open-formgrader" in ta.commands()
        r = hub.user_api("ta1", "GET", "/formgrader/api/assignments")
        assert r.status_code == 200 and MODULE in r.text
    reports = ta_grades(hub, where)
    assert all(sid in reports["collect"] for sid in logins), reports["collect"]
    graded = reports["autograde"]
    assert "沙箱中运行" in graded and "未使用沙箱" not in graded, "grading autograde runs the sandbox by default"
    assert all(re.search(rf"{sid}\s+正常", graded) for sid in logins), graded[-3000:]

    titles = [entries(i)["title"] for i in range(len(logins))]
    for i, user in enumerate(users):
        student_feedback(user, i, where, titles[1 - i])
