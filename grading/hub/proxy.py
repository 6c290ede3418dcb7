"""configurable-http-proxy, JupyterHub's proxy, installed from npm into this folder.

The version is pinned in ``package.json`` and the whole tree in
``package-lock.json`` (5.2.0: every dependency supports Node.js 20; 5.3.0 pulls
commander 15, which wants Node.js >= 22.12).  ``npm ci`` installs exactly that
tree into ``grading/hub/node_modules`` (git-ignored); ``.ci/run`` and
``grading hub start`` both call ``ensure_proxy`` (it does nothing when the
pinned version is there).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from . import HubError

HERE = Path(__file__).resolve().parent
BIN = HERE / "node_modules" / ".bin" / "configurable-http-proxy"


class ProxyError(HubError):
    """The proxy cannot be installed; the message says in Chinese what to do."""


def pinned_version() -> str:
    return json.loads((HERE / "package.json").read_text())["dependencies"]["configurable-http-proxy"]


def installed_version() -> str | None:
    pkg = HERE / "node_modules" / "configurable-http-proxy" / "package.json"
    try:
        return json.loads(pkg.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def ensure_proxy(echo=print) -> Path:
    """Path of the proxy's command; ``npm ci`` first when it is missing or another version."""
    if installed_version() == pinned_version() and BIN.exists():
        return BIN
    if not shutil.which("node") or not shutil.which("npm"):
        raise ProxyError(
            "JupyterHub 的代理 configurable-http-proxy 需要 Node.js 20 或更新版本和 npm："
            "Debian/Ubuntu 上运行 apt-get install nodejs npm，然后重试。"
        )
    echo(f"正在安装 configurable-http-proxy {pinned_version()}（npm ci）……")
    proc = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, capture_output=True, text=True
    )
    if proc.returncode != 0 or not BIN.exists():
        raise ProxyError(
            f"npm ci 失败：{(proc.stderr or proc.stdout).strip()[-800:]}\n请检查能否访问 npm 软件包源，然后重试。"
        )
    return BIN


if __name__ == "__main__":  # .ci/run: python -m grading.hub.proxy
    print(f"configurable-http-proxy {pinned_version()}: {ensure_proxy()}")
