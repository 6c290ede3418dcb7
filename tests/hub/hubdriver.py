"""Drive a class hub in headless Chromium: log in, the Assignments tab, feedback.

``HubUser`` logs a person in through the hub's login page and stands in for
``labdriver.LabServer`` (``url`` / ``api``), so ``labdriver.NotebookPage`` and
``FormDriver`` work unchanged on a notebook served by the user's hub server.
``AssignmentsTab`` clicks nbgrader's student extension (Fetch, Submit, Fetch
Feedback, view feedback) through its own element ids and button texts.
"""

from __future__ import annotations

import json
import time
import urllib.parse

import labdriver
import requests

LOGIN_TIMEOUT = 180  # a spawn on a busy machine


class HubUser:
    """One person logged in to the hub in one browser context."""

    def __init__(self, hub, login: str, page):
        self.hub = hub
        self.login = login
        self.page = page

    @property
    def base(self) -> str:
        """The user's server (follows the hub when it restarts on other ports)."""
        return f"{self.hub.base}/user/{self.login}"

    # the part of LabServer that NotebookPage uses --------------------------------------------
    def url(self, path: str) -> str:
        return self.base + path

    def api(self, method: str, path: str, body=None):
        r = requests.request(
            method,
            self.base + path,
            timeout=30,
            json=body,
            headers={"Authorization": f"token {self.hub.user_token(self.login)}"},
        )
        r.raise_for_status()
        return r.json() if r.text else None

    # the hub ----------------------------------------------------------------------------------
    def sign_in(self, password: str | None = None) -> None:
        """The login form, as a student fills it; then wait for their JupyterLab."""
        self.page.goto(f"{self.hub.base}/hub/login")
        self.page.fill("#username_input", self.login)
        self.page.fill("#password_input", password if password is not None else self.hub.password(self.login))
        self.page.click("#login_submit")
        self.wait_lab()

    def wait_lab(self) -> None:
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.restored", timeout=LOGIN_TIMEOUT * 1000
        )
        self.page.evaluate("() => window.jupyterapp.restored.then(() => true)")

    def commands(self) -> list[str]:
        return self.page.evaluate("() => window.jupyterapp.commands.listCommands()")

    def menu_bar(self) -> str:
        return self.page.locator(".lm-MenuBar").first.inner_text()

    def file_on_server(self, path: str) -> str:
        """A file of the user's home, read through their server's contents API."""
        return self.api("GET", f"/api/contents/{urllib.parse.quote(path)}?content=1&format=text&type=file")["content"]


class AssignmentsTab:
    """nbgrader's Assignments tab (the student extension ``@jupyter/nbgrader:assignment-list``)."""

    COMMAND = "nbgrader:open-assignment-list"

    def __init__(self, page):
        self.page = page

    def open(self) -> AssignmentsTab:
        self.page.wait_for_function(
            f"() => window.jupyterapp.commands.hasCommand('{self.COMMAND}')", timeout=labdriver.WIDGET * 1000
        )
        self.page.evaluate(f"() => window.jupyterapp.commands.execute('{self.COMMAND}')")
        self.page.locator("#nbgrader-assignment-list").wait_for()
        return self

    def refresh(self) -> None:
        self.page.locator("#refresh_assignments_list").click()
        self.page.wait_for_function(
            "() => document.querySelectorAll('#nbgrader-assignment-list .list_loading:not([hidden])').length === 0"
        )

    def row(self, section: str, assignment: str):
        """``section``: released | fetched | submitted."""
        return self.page.locator(f"#{section}_assignments_list > .list_item", has_text=assignment).first

    def fetch(self, assignment: str) -> None:
        self.row("released", assignment).locator("button", has_text="Fetch").click()
        self.row("fetched", assignment).wait_for(timeout=labdriver.WIDGET * 1000)

    def submit(self, assignment: str) -> None:
        before = self.page.locator("#submitted_assignments_list .list_item").count()
        self.row("fetched", assignment).locator("button", has_text="Submit").click()
        self.page.wait_for_function(
            "(n) => document.querySelectorAll('#submitted_assignments_list .list_item').length > n",
            arg=before,
            timeout=labdriver.WIDGET * 1000,
        )

    def fetch_feedback(self, assignment: str) -> None:
        self.row("submitted", assignment).locator("button", has_text="Fetch Feedback").click()
        self.page.locator("#submitted_assignments_list a", has_text="view feedback").first.wait_for(
            timeout=labdriver.WIDGET * 1000
        )

    def feedback_links(self) -> int:
        return self.page.locator("#submitted_assignments_list a", has_text="view feedback").count()

    def text(self) -> str:
        return self.page.locator("#nbgrader-assignment-list").inner_text()


def wait_until(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"{what} (after {timeout:.0f}s; last: {json.dumps(last, default=str)[:300]})")
