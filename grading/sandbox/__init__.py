"""The grading sandbox: every student kernel runs inside one.

What a student's code sees and may do while its notebook is graded:

* the system (``/usr``, a few files of ``/etc``) and the Python environment,
  read-only; no home directory, no repository, no class workspace;
* the course package (the student files of grading/package.py), the shop data
  and the settings file, read-only;
* nbgrader's working copy of this one submission (the notebook's folder) is
  the only writable place, plus a private, size-limited tmpfs at ``/tmp``;
* no network (its own, empty network namespace); the kernel talks to the
  grader over unix sockets in a private folder (jupyter ``transport="ipc"``);
* its own PID namespace: every process it starts dies with the notebook;
* limits: address space, CPU seconds, processes, file size (rlimits), and a
  watchdog that stops a sandbox whose processes together exceed the process
  count, the memory budget or more than one CPU core for over a second and a
  half (a fork storm cannot slow the other students' grading);
* an unprivileged user id: a fresh uid without capabilities when the grader
  runs as root, the user's own uid in a user namespace otherwise;
* ``COURSE_SANDBOX=1`` in its environment (``course.grade`` then defers to the
  clean re-check, which runs outside, never runs student code, and decides
  the score).

Backends behind one interface: ``bwrap`` (bubblewrap, the default; Debian
package ``bubblewrap``) and ``podman`` / ``docker`` (a container image holding the
student environment).  ``off`` grades without a sandbox: only when the TA asks
for it explicitly, and the run is marked in the report and the score sheet.

>>> check("off"), describe("bwrap")
('off', 'bubblewrap 沙箱')
"""

from __future__ import annotations

import os

from .base import (
    BACKEND_ZH,
    DEFAULT_IMAGE,
    IMAGE_ENV,
    MODE_ENV,
    MODES,
    UNSAFE_MARK,
    Limits,
    SandboxUnavailable,
    describe,
    how_to_fix,
    mode_from_env,
    normalise_mode,
    platform_note,
)
from .bwrap import Bubblewrap
from .container import Container

__all__ = [
    "BACKEND_ZH",
    "DEFAULT_IMAGE",
    "IMAGE_ENV",
    "MODE_ENV",
    "MODES",
    "UNSAFE_MARK",
    "Limits",
    "SandboxUnavailable",
    "backend",
    "check",
    "describe",
    "how_to_fix",
    "mode_from_env",
    "normalise_mode",
    "platform_note",
    "Bubblewrap",
    "Container",
]


def backend(mode: str | None = None, image: str | None = None):
    """The backend for ``mode`` (``None`` for ``off``); raises :class:`SandboxUnavailable`.

    ``auto`` means bubblewrap: containers need an image, so they are only used
    when asked for by name.
    """
    mode = normalise_mode(mode if mode is not None else os.environ.get(MODE_ENV))
    if mode == "off":
        return None
    if mode in ("auto", "bwrap"):
        b = Bubblewrap()
    else:
        b = Container(mode, image or os.environ.get(IMAGE_ENV) or DEFAULT_IMAGE)
    problem = b.problem()
    if problem:
        raise SandboxUnavailable(how_to_fix(problem))
    return b


def check(mode: str | None = None, image: str | None = None) -> str:
    """The name of the backend that will be used (``off`` included); raises when unusable."""
    b = backend(mode, image)
    return "off" if b is None else b.name
