"""Run a shell command in a user's JupyterLab terminal on the hub, as that user would.

The terminal is Jupyter's own (``/api/terminals`` + its websocket): the command
runs in the user's single-user server, as their Linux account, with the
server's environment (the staff ``grading`` command, the workspace, umask).

    rc, out = run(base_url, "ta1", token, "grading collect module1_listing")
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


async def _run(base: str, user: str, token: str, command: str, timeout: float) -> tuple[int, str]:
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {token}"}
    client = AsyncHTTPClient()
    # cwd "" as JupyterLab sends from the file browser's top folder
    resp = await client.fetch(
        HTTPRequest(f"{base}/user/{user}/api/terminals", method="POST", body=json.dumps({"cwd": ""}), headers=headers)
    )
    name = json.loads(resp.body)["name"]
    ws_url = base.replace("http", "ws", 1) + f"/user/{user}/terminals/websocket/{name}"
    conn = await websocket_connect(HTTPRequest(ws_url, headers=headers))
    marker = f"__END_{uuid.uuid4().hex[:8]}__"
    done = re.compile(marker + r"(\d+)__")
    out = ""
    try:
        await conn.write_message(json.dumps(["stdin", f"{command}; echo {marker}$?__\r"]))
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise TimeoutError(
                    f"terminal command did not finish in {timeout:.0f}s: {command}\n{_ANSI.sub('', out)[-3000:]}"
                )
            msg = await asyncio.wait_for(conn.read_message(), timeout=left)
            if msg is None:
                raise ConnectionError(f"terminal closed: {_ANSI.sub('', out)[-3000:]}")
            kind, *rest = json.loads(msg)
            if kind == "stdout":
                out += rest[0]
                m = done.search(_ANSI.sub("", out))
                if m:
                    text = _ANSI.sub("", out)
                    return int(m.group(1)), text[: m.start()]
    finally:
        conn.close()
        await client.fetch(
            HTTPRequest(f"{base}/user/{user}/api/terminals/{name}", method="DELETE", headers=headers), raise_error=False
        )


def run(base: str, user: str, token: str, command: str, timeout: float = 300) -> tuple[int, str]:
    """(exit code, terminal output before the end marker).  Runs its own event loop in a
    thread, so it also works where one is running already (Playwright's sync API)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _run(base, user, token, command, timeout)).result()
