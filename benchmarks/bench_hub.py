"""Load benchmark of the class hub (prints figures; not a timed test).

A real hub on loopback (``grading hub start``, as ``make hub`` runs it) with
N simulated students (default 30), module 1 released.  Each student, as a
browser would, through the proxy:

1. logs in on the hub's login page (PAM) and asks for their server
   (``/hub/spawn``); **spawn time** = from the login POST until their
   JupyterLab page (``/user/<学号>/lab``) answers 200;
2. fetches module 1 (the Assignments tab's request), opens ``02_title``
   (a kernel session) and runs its code cells up to the title form;
3. "types" the title (one ``execute_request`` running the form's live
   preview, as each keystroke does; the first one loads the word segmenter),
   then saves the title form three times, 1-2 s apart: an ``execute_request``
   that calls the form's ``submit`` (what its 保存 button runs) over the
   kernel's websocket; **save round trip** = request sent -> reply received;
   the answer file is then read back through the contents API.

Two patterns, one after the other on the same hub (servers stopped between):
arrivals spread evenly over 60 s (a class walking in), and all at once.

Reported: spawn p50/p95, save p50/p95, memory per user (each user's memory
cgroup after the saves: server + kernel), peak memory of the machine above the
idle baseline, CPU seconds per user (their processes; and the hub + proxy's
share), failures.  The CPU bound of all-at-once: with ``c`` CPU seconds per
student to become ready (their server's CPU at ready + the hub and proxy's
CPU per login, measured in the same run) and 2 cores, the last of N servers
cannot be ready before ``N * c / cores``; the measured p95 is compared with
it (target: within 1.5x).  Targets for spread arrivals: no failure, spawn p95
<= 10 s, save p95 <= 1 s.

Loopback only, bounded: every request has a timeout, the whole run a
deadline (``--deadline``, default 900 s); it stops by itself and removes the
accounts it made.  Needs root (like the hub).

Usage::

    sudo .venv/bin/python benchmarks/bench_hub.py                # 30 students, both patterns
    sudo .venv/bin/python benchmarks/bench_hub.py --students 10 --pattern spread --json out.json

Other work on the machine changes every figure: ``uptime``'s load averages
are printed at the start and the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# the class-hub test helpers (a script, not library code: the tests' own folder of helpers)
sys.path.insert(0, str(REPO / "tests" / "hub"))

COURSE, MODULE, NOTEBOOK = "ecom-ops", "module1_listing", "02_title"
TITLE = {
    "core_keyword": "床头柜",
    "attributes": "北欧、简约、小户型、卧室",
    "marketing": "2026新款",
    "title": "栖木北欧ins风简约床头柜卧室小户型储物柜现代简约白色2026新款",
}
SAVES = 3
REQUEST_TIMEOUT = 300


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile.

    >>> pct([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), pct([4.0], 0.5)
    (10, 4.0)
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(-(-q * len(ordered) // 1)) - 1))]


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


# -- one simulated student ---------------------------------------------------------------------


class Student:
    def __init__(self, hub, login: str):
        self.hub, self.login = hub, login
        self.result: dict = {"login": login}

    async def day(self, start_at: float) -> dict:
        import aiohttp

        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        try:
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=timeout) as http:
                await self.log_in_and_spawn(http)
                # as JupyterLab does: the login cookie, and the server's _xsrf cookie echoed in a header
                import yarl

                cookies = http.cookie_jar.filter_cookies(yarl.URL(f"{self.hub.base}/user/{self.login}/"))
                headers = {"X-XSRFToken": cookies["_xsrf"].value if "_xsrf" in cookies else ""}
                await self.open_notebook(http, headers)
                await self.save_forms(http, headers)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
            self.result["failure"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        return self.result

    async def log_in_and_spawn(self, http) -> None:
        base = self.hub.base
        async with http.get(f"{base}/hub/login") as r:
            await r.read()
        xsrf = next((c.value for c in http.cookie_jar if c.key == "_xsrf"), "")
        t0 = time.monotonic()
        async with http.post(
            f"{base}/hub/login?next=",
            allow_redirects=False,
            data={"username": self.login, "password": self.hub.password(self.login), "_xsrf": xsrf},
        ) as r:
            if r.status != 302:
                raise RuntimeError(f"login answered {r.status}")
        self.result["login_s"] = time.monotonic() - t0
        async with http.get(f"{base}/hub/spawn", allow_redirects=False) as r:
            await r.read()
        deadline = time.monotonic() + REQUEST_TIMEOUT
        while time.monotonic() < deadline:  # what the spawn-pending page does, then the lab page
            async with http.get(f"{base}/user/{self.login}/lab") as r:
                await r.read()
                if r.status == 200 and r.url.path == f"/user/{self.login}/lab":  # not the hub's /hub/user/... page
                    self.result["spawn_s"] = time.monotonic() - t0
                    self.result["ready_cpu_s"] = await asyncio.to_thread(self.hub_cpu_of_server)
                    return
            await asyncio.sleep(0.5)
        raise TimeoutError("server not ready")

    def hub_cpu_of_server(self) -> float:
        import psutil

        try:
            p = psutil.Process(self.hub.server_pid(self.login))
            t = p.cpu_times()
            return t.user + t.system
        except Exception:  # noqa: BLE001
            return float("nan")

    async def open_notebook(self, http, headers) -> None:
        user = f"{self.hub.base}/user/{self.login}"
        t0 = time.monotonic()
        async with http.post(
            f"{user}/assignments/fetch", headers=headers, json={"course_id": COURSE, "assignment_id": MODULE}
        ) as r:
            if r.status != 200:
                raise RuntimeError(f"fetch answered {r.status}")
        path = f"{COURSE}/{MODULE}/{NOTEBOOK}.ipynb"
        async with http.get(f"{user}/api/contents/{path}", headers=headers) as r:
            nb = await r.json()
        cells = [c["source"] for c in nb["content"]["cells"] if c["cell_type"] == "code"]
        upto = next(i for i, src in enumerate(cells) if "TitleForm(" in src)
        async with http.post(
            f"{user}/api/sessions",
            headers=headers,
            json={"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
        ) as r:
            session = await r.json()
        self.kernel = session["kernel"]["id"]
        ws_url = user.replace("http", "ws", 1) + f"/api/kernels/{self.kernel}/channels?session_id={uuid.uuid4().hex}"
        self.ws = await http.ws_connect(ws_url, headers=headers, max_msg_size=0)
        for src in cells[: upto + 1]:
            reply = await self.execute(src)
            if reply["status"] != "ok":
                raise RuntimeError(f"a cell raised {reply.get('ename')}: {reply.get('evalue')}")
        self.result["cells_s"] = time.monotonic() - t0
        self.result["path"] = path

    async def execute(self, code: str) -> dict:
        msg_id = uuid.uuid4().hex
        await self.ws.send_str(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": self.login,
                        "session": msg_id,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        import aiohttp

        deadline = time.monotonic() + REQUEST_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no execute_reply in {REQUEST_TIMEOUT} s")
            msg = await asyncio.wait_for(self.ws.receive(), timeout=left)
            if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                # a closed socket answers every receive() at once: without this the loop spins
                raise RuntimeError(f"kernel websocket closed ({msg.type.name}: {msg.data!r})")
            data = json.loads(msg.data) if isinstance(msg.data, str) else None
            if (
                data
                and data.get("parent_header", {}).get("msg_id") == msg_id
                and data["header"]["msg_type"] == "execute_reply"
            ):
                return data["content"]

    async def save_forms(self, http, headers) -> None:
        # typing first: each change runs the form's live preview (the first one loads jieba)
        raw = json.dumps(TITLE, ensure_ascii=False)
        t0 = time.monotonic()
        reply = await self.execute(f"_raw = {raw}\n_ = title_form.preview(title_form.parse(_raw)[0], _raw)")
        self.result["first_preview_s"] = time.monotonic() - t0
        if reply["status"] != "ok":
            raise RuntimeError(f"preview raised {reply.get('ename')}: {reply.get('evalue')}")
        saves = []
        for k in range(SAVES):
            entry = dict(TITLE, marketing=f"2026新款{k}" if k else TITLE["marketing"])
            t0 = time.monotonic()
            reply = await self.execute(f"_problems = title_form.submit({json.dumps(entry, ensure_ascii=False)})")
            saves.append(time.monotonic() - t0)
            if reply["status"] != "ok":
                raise RuntimeError(f"save raised {reply.get('ename')}: {reply.get('evalue')}")
            await asyncio.sleep(1 + (k % 2))
        user = f"{self.hub.base}/user/{self.login}"
        answers = self.result["path"].replace(".ipynb", ".answers.json")
        async with http.get(f"{user}/api/contents/{answers}?content=1&format=text&type=file", headers=headers) as r:
            saved = json.loads((await r.json())["content"])
        if saved["forms"]["title"]["raw"]["marketing"] != f"2026新款{SAVES - 1}":
            raise RuntimeError("the last save is not in the answer file")
        self.result["saves_s"] = saves
        await self.ws.close()


# -- measuring the machine ---------------------------------------------------------------------------


class MemorySampler:
    """Used memory of the machine (MemTotal - MemAvailable) every 0.5 s."""

    def __init__(self):
        import psutil

        self.psutil = psutil
        self.baseline = self.used()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def used(self) -> int:
        vm = self.psutil.virtual_memory()
        return vm.total - vm.available

    def _run(self):
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, self.used())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def user_figures(hub, logins: list[str]) -> dict:
    """Memory (cgroup) and CPU seconds (their processes) of each user, now."""
    import psutil

    from grading.hub.memory import UserCgroup, available

    cpu, mem = [], []
    uids = {}
    for login in logins:
        try:
            uids[int(psutil.Process(hub.server_pid(login)).uids().real)] = login
        except Exception:  # noqa: BLE001 - a failed student has no server
            continue
    per_uid = {u: 0.0 for u in uids}
    for p in psutil.process_iter(["uids", "cpu_times"]):
        if p.info["uids"] and p.info["uids"].real in per_uid and p.info["cpu_times"]:
            t = p.info["cpu_times"]
            per_uid[p.info["uids"].real] += t.user + t.system
    cpu = list(per_uid.values())
    if available() is None:
        mem = [UserCgroup(login, 0).usage() for login in uids.values()]
    return {"cpu": cpu, "mem": mem}


def hub_cpu(hub) -> float:
    """CPU seconds so far of the hub, its proxy and its services (the root-owned processes
    of its tree; the students' servers are its children too, but run as the students)."""
    import psutil

    seen = {}
    for pid_file in ("jupyterhub.pid", "proxy.pid"):
        try:
            p = psutil.Process(int((hub.workspace / "hub" / "state" / pid_file).read_text()))
            for q in [p, *p.children(recursive=True)]:
                if q.uids().real == 0:
                    t = q.cpu_times()
                    seen[q.pid] = t.user + t.system
        except Exception:  # noqa: BLE001
            continue
    return sum(seen.values())


async def run_pattern(hub, logins: list[str], spread: float) -> list[dict]:
    t0 = time.monotonic() + 0.5
    students = [Student(hub, login) for login in logins]
    step = spread / max(1, len(logins) - 1) if spread else 0.0
    return await asyncio.gather(*(s.day(t0 + i * step) for i, s in enumerate(students)))


def stop_all(hub, logins: list[str]) -> None:
    for login in logins:
        hub.api("DELETE", f"/users/{login}/server")
    deadline = time.time() + 120
    while time.time() < deadline and any(hub.server(login) for login in logins):
        time.sleep(1)


def pattern(hub, logins: list[str], name: str, spread: float, deadline: float) -> dict:
    cores = os.cpu_count() or 1
    hub_before = hub_cpu(hub)
    started = time.monotonic()
    with MemorySampler() as mem:
        results = asyncio.run(asyncio.wait_for(run_pattern(hub, logins, spread), timeout=deadline))
        figures = user_figures(hub, logins)
    wall = time.monotonic() - started
    hub_share = (hub_cpu(hub) - hub_before) / len(logins)
    ok = [r for r in results if "failure" not in r]
    spawn = [r["spawn_s"] for r in ok]
    saves = [s for r in ok for s in r["saves_s"]]
    ready_cpu = [r["ready_cpu_s"] for r in ok if r.get("ready_cpu_s") == r.get("ready_cpu_s")]
    c = (statistics.mean(ready_cpu) if ready_cpu else float("nan")) + hub_share
    out = {
        "pattern": name,
        "students": len(logins),
        "spread_s": spread,
        "wall_s": round(wall, 1),
        "failures": [f"{r['login']}: {r['failure']}" for r in results if "failure" in r],
        "spawn_p50_s": pct(spawn, 0.5),
        "spawn_p95_s": pct(spawn, 0.95),
        "spawn_max_s": max(spawn, default=float("nan")),
        "save_p50_s": pct(saves, 0.5),
        "save_p95_s": pct(saves, 0.95),
        "saves": len(saves),
        "cells_p50_s": pct([r["cells_s"] for r in ok], 0.5),
        "first_preview_p50_s": pct([r["first_preview_s"] for r in ok], 0.5),
        "first_preview_p95_s": pct([r["first_preview_s"] for r in ok], 0.95),
        "memory_per_user_mb": statistics.mean(figures["mem"]) / 2**20 if figures["mem"] else float("nan"),
        "memory_per_user_max_mb": max(figures["mem"], default=0) / 2**20,
        "peak_memory_above_idle_mb": (mem.peak - mem.baseline) / 2**20,
        "cpu_per_user_s": statistics.mean(figures["cpu"]) if figures["cpu"] else float("nan"),
        "cpu_to_ready_per_user_s": round(c, 2),
        "hub_cpu_per_login_s": round(hub_share, 2),
        "cores": cores,
    }
    out["cpu_bound_all_at_once_s"] = round(len(logins) * c / cores, 1)
    out["spawn_p95_over_bound"] = round(out["spawn_p95_s"] / out["cpu_bound_all_at_once_s"], 2)
    return out


def report(r: dict) -> str:
    lines = [
        f"== {r['pattern']}: {r['students']} students"
        + (f", arrivals over {r['spread_s']:.0f} s" if r["spread_s"] else ", all at once"),
        f"   failures: {len(r['failures'])}" + ("".join(f"\n     {f}" for f in r["failures"][:10])),
        f"   spawn (login -> JupyterLab page 200): p50 {r['spawn_p50_s']:.1f} s, p95 {r['spawn_p95_s']:.1f} s, max {r['spawn_max_s']:.1f} s",
        f"   form save round trip ({r['saves']} saves): p50 {r['save_p50_s'] * 1000:.0f} ms, p95 {r['save_p95_s'] * 1000:.0f} ms",
        f"   first cells of {NOTEBOOK} (fetch, kernel, cells up to the form): p50 {r['cells_p50_s']:.1f} s;"
        f" first live preview while typing (loads jieba): p50 {r['first_preview_p50_s']:.1f} s, p95 {r['first_preview_p95_s']:.1f} s",
        f"   memory per user (cgroup: server + kernel): mean {r['memory_per_user_mb']:.0f} MB, max {r['memory_per_user_max_mb']:.0f} MB;"
        f" peak of the machine above idle {r['peak_memory_above_idle_mb']:.0f} MB",
        f"   CPU per user: {r['cpu_per_user_s']:.1f} s in all; to become ready {r['cpu_to_ready_per_user_s']:.2f} s"
        f" (hub + proxy {r['hub_cpu_per_login_s']:.2f} s of it)",
        f"   CPU bound of all at once: {r['students']} x {r['cpu_to_ready_per_user_s']:.2f} s / {r['cores']} cores"
        f" = {r['cpu_bound_all_at_once_s']:.1f} s; spawn p95 / bound = {r['spawn_p95_over_bound']:.2f}",
        f"   wall time {r['wall_s']:.0f} s",
    ]
    return "\n".join(lines)


def targets(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        if r["spread_s"]:
            out.append(
                f"spread: no failure {'✓' if not r['failures'] else '✗'}; spawn p95 {r['spawn_p95_s']:.1f} s <= 10 s "
                f"{'✓' if r['spawn_p95_s'] <= 10 else '✗'}; save p95 {r['save_p95_s']:.2f} s <= 1 s "
                f"{'✓' if r['save_p95_s'] <= 1 else '✗'}"
            )
        else:
            out.append(
                f"all at once: no failure {'✓' if not r['failures'] else '✗'}; spawn p95 {r['spawn_p95_s']:.1f} s "
                f"<= 1.5 x bound {1.5 * r['cpu_bound_all_at_once_s']:.1f} s {'✓' if r['spawn_p95_over_bound'] <= 1.5 else '✗'}"
            )
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--pattern", choices=["both", "spread", "burst"], default="both")
    ap.add_argument("--spread", type=float, default=60.0, help="seconds over which the spread arrivals come")
    ap.add_argument("--mem-limit", default="2G")
    ap.add_argument("--deadline", type=float, default=900.0, help="seconds a pattern may take at most")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    import hubharness

    why = hubharness.why_no_hub()
    if why:
        print(f"cannot run: {why}")
        return 2
    print(f"load average at start (1/5/15 min): {load_average()}; {os.cpu_count()} cores")
    names = [f"学生{i:02d}" for i in range(1, args.students + 1)]
    hub = hubharness.ClassHub(students=names, mem_limit=args.mem_limit)
    results = []
    try:
        t = time.monotonic()
        hub.setup().start()
        print(f"hub ready for {args.students} students in {time.monotonic() - t:.0f} s (accounts, release, start)")
        logins = [sid for sid, _ in hub.students]
        plan = {
            "both": [("spread", args.spread), ("all at once", 0.0)],
            "spread": [("spread", args.spread)],
            "burst": [("all at once", 0.0)],
        }[args.pattern]
        for name, spread in plan:
            r = pattern(hub, logins, name, spread, args.deadline)
            results.append(r)
            print(report(r), flush=True)
            stop_all(hub, logins)
            time.sleep(5)
    finally:
        hub.cleanup()
    print("targets:\n  " + "\n  ".join(targets(results)))
    print(f"load average at end (1/5/15 min): {load_average()}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(not r["failures"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
