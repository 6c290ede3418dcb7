"""The class's JupyterHub on one Linux server (``grading hub ...``, ``make hub``).

* ``accounts``: hub logins and Linux accounts from the roster (students log in
  with their 学号; ``teacher``, ``ta1``...), initial passwords;
* ``auth`` / ``spawner``: PAM login under the roster's names; each user's
  JupyterLab runs as their own Linux account, in the pinned single-user
  environment (``environment``), with a per-user memory cgroup (``memory``);
* ``layout``: where the hub keeps things in the class workspace, and the
  permissions that keep students out of each other's files, the grading
  workspace and the repository;
* ``hubconfig`` / ``jupyterhub_config.py``: JupyterHub's configuration;
  ``proxy``: configurable-http-proxy from npm; ``server``: checks and start;
  ``cli``: the subcommands.

See ``grading/hub/README.md``.
"""


class HubError(Exception):
    """Something about the class hub that the user must fix; the message is Chinese."""
