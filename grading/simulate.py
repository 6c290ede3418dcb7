"""A simulated class: scripted students who play the released notebooks.

Used by ``grading demo`` and the tests.  Honest profiles are produced by
*playing* the released notebooks (nbclient, a fresh kernel, as a student would)
with scripted answers taken from the instructor's solution regions:

* ``complete`` -- every answer cell filled; ``late`` -- the same, submitted after
  the due date; ``partial`` -- every other answer cell; ``empty`` -- opened and
  run, nothing answered; ``broken`` -- answers that raise errors.

Cheating profiles start from an *empty* submission (so the honest score is
that of a blank one) and add one trick each: patching the checking code,
objects equal to everything, input transformers that blank the test cells,
redefined builtins, deleted or edited test cells, ``os._exit``, endless loops
(with and without catching the interrupt), huge outputs, a hook that copies
the hidden test's expected values into the answer file, and files that are
not notebooks at all.  None of them may score more than a blank submission.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "婷",
    "浩然",
    "子涵",
    "欣怡",
    "梓轩",
    "雨桐",
    "宇航",
    "思琪",
    "佳怡",
    "俊杰",
]

HONEST = ("complete", "late", "partial", "empty", "broken")
CHEATS = (
    "cheat_patch_score",
    "cheat_eq_true",
    "cheat_transformer",
    "cheat_builtins",
    "cheat_delete_tests",
    "cheat_edit_tests",
    "cheat_os_exit",
    "cheat_loop",
    "cheat_loop_catch",
    "cheat_huge_output",
    "cheat_steal_expected",
    "cheat_invalid_json",
    "cheat_symlink",
    "cheat_shadow_course",
    "cheat_gradebook",
)

#: the class of the demo, in order (a smaller class takes the first N)
DEMO_PROFILES = [
    "complete",
    "partial",
    "empty",
    "late",
    "broken",
    "cheat_patch_score",
    "cheat_transformer",
    "absent",
    "cheat_eq_true",
    "cheat_invalid_json",
    "cheat_builtins",
    "cheat_delete_tests",
    "cheat_os_exit",
    "complete",
    "partial",
    "complete",
    "cheat_edit_tests",
    "complete",
    "late_2",
    "partial",
    "complete",
    "empty",
    "partial",
    "complete",
    "cheat_steal_expected",
    "complete",
    "partial",
    "empty",
    "complete",
    "absent",
]
PROFILE_ZH = {
    "complete": "完整作答",
    "late": "迟交（1 天内）",
    "late_2": "迟交（2 天）",
    "partial": "部分作答",
    "empty": "空白",
    "broken": "代码报错",
    "absent": "未提交",
    "cheat_patch_score": "作弊：改写评分函数",
    "cheat_eq_true": "作弊：永远相等的对象",
    "cheat_transformer": "作弊：输入转换器跳过测试",
    "cheat_builtins": "作弊：改写内置函数",
    "cheat_delete_tests": "作弊：删除测试单元格",
    "cheat_edit_tests": "作弊：改写测试单元格",
    "cheat_os_exit": "作弊：os._exit 杀死内核",
    "cheat_loop": "死循环",
    "cheat_loop_catch": "死循环（捕获中断）",
    "cheat_huge_output": "海量输出",
    "cheat_steal_expected": "作弊：偷取期望值写入答案文件",
    "cheat_invalid_json": "损坏的笔记本文件",
    "cheat_symlink": "符号链接指向教师版",
    "cheat_shadow_course": "作弊：夹带伪造的 course 包",
    "cheat_gradebook": "作弊：直接改写成绩库",
}


def roster(n: int, start: int = 2023001) -> list[tuple[str, str]]:
    """n (学号, 姓名) pairs, deterministic."""
    out = []
    for i in range(n):
        out.append((str(start + i), SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]))
    return out


# -- notebook surgery -----------------------------------------------------------


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {}) or {}


def solutions(source_nb) -> dict[str, str]:
    """grade_id -> the instructor's answer code (solution markers removed)."""
    out = {}
    for cell in source_nb.cells:
        m = _meta(cell)
        if cell.cell_type == "code" and m.get("solution") and not m.get("grade"):
            lines = [
                line
                for line in cell.source.splitlines()
                if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
            ]
            out[m["grade_id"]] = "\n".join(lines)
    return out


def answer_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and _meta(c).get("solution") and not _meta(c).get("grade")]


def answer_variable(cell) -> str | None:
    for line in cell.source.splitlines():
        m = re.match(r"^([A-Za-z_]\w*)\s*=", line)
        if m:
            return m.group(1)
    return None


def fill(released_nb, sols: dict[str, str], which=None):
    nb = copy.deepcopy(released_nb)
    cells = answer_cells(nb)
    for i, cell in enumerate(cells):
        gid = _meta(cell).get("grade_id")
        if gid in sols and (which is None or which(i, gid)):
            cell.source = sols[gid]
    return nb


def _first_answer(nb):
    cells = answer_cells(nb)
    return cells[0] if cells else None


def _prepend(nb, code: str) -> None:
    cell = _first_answer(nb)
    if cell is None:  # no answer cell: append a code cell after the setup
        cell = nbformat.v4.new_code_cell("")
        nb.cells.insert(min(2, len(nb.cells)), cell)
    cell.source = code + "\n" + cell.source


PATCH_SCORE = (
    "import course.autocheck as _ac\n"
    "_ac.Checks.score = lambda self: float(self.points)\n"
    "_ac.Checks.check = lambda self, ok, message, weight=1.0: True"
)
EQ_TRUE = (
    "class _Anything(dict):\n"
    "    def __eq__(self, other): return True\n"
    "    def __ne__(self, other): return False\n"
    "    __hash__ = object.__hash__\n"
    "    def __len__(self): return 3\n"
    "    def get(self, *a, **k): return _Anything()\n"
    "    def __getitem__(self, k): return _Anything()\n"
    "    def __float__(self): return 1.0\n"
    "    def __bool__(self): return True\n"
)
TRANSFORMER = (
    "def _skip_tests(lines):\n"
    "    text = ''.join(lines)\n"
    "    return ['pass\\n'] if ('course.export' in text or 'Checks' in text) else lines\n"
    "get_ipython().input_transformers_cleanup.append(_skip_tests)"
)
BUILTINS = (
    "import builtins\n"
    "builtins.bool = lambda *a, **k: True\n"
    "builtins.isinstance = lambda *a, **k: True\n"
    "builtins.all = lambda *a, **k: True\n"
    "builtins.abs = lambda *a, **k: 0.0"
)
STEAL = (
    "import json, glob\n"
    "import course.autocheck as _ac\n"
    "_ac.Checks.score = lambda self: float(self.points)\n"
    "def _steal(result=None):\n"
    "    ns = get_ipython().user_ns\n"
    "    for path in glob.glob('*.answers.json'):\n"
    "        try:\n"
    "            data = json.load(open(path, encoding='utf-8'))\n"
    "        except Exception:\n"
    "            continue\n"
    "        for k, v in list(ns.items()):\n"
    "            if k.startswith('_expected') or k.startswith('expected'):\n"
    "                for name in list(data.get('exports', {})):\n"
    "                    try:\n"
    "                        data['exports'][name] = {'kind': 'plain', 'value': v if not hasattr(v, 'tolist') else v.tolist()}\n"
    "                    except Exception:\n"
    "                        pass\n"
    "        json.dump(data, open(path, 'w', encoding='utf-8'), ensure_ascii=False)\n"
    "get_ipython().events.register('post_run_cell', _steal)"
)


GRADEBOOK = (
    "import glob, os, sqlite3\n"
    "for _p in glob.glob('../../../gradebook.db') + glob.glob('../../../../*/gradebook.db'):\n"
    "    try:\n"
    "        _con = sqlite3.connect(_p, timeout=30)\n"
    "        _con.execute('UPDATE grade SET manual_score = 100, extra_credit = 100')\n"
    "        _con.commit(); _con.close()\n"
    "    except Exception as _e:\n"
    "        print(_e)"
)


# tricks that only put their own code at the top of each notebook's first answer cell
_PREPENDED = {
    "cheat_patch_score": PATCH_SCORE,
    "cheat_transformer": TRANSFORMER,
    "cheat_os_exit": "import os\nos._exit(0)",
    "cheat_loop": "while True:\n    pass",
    "cheat_loop_catch": (
        "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n    except KeyboardInterrupt:\n        pass"
    ),
    "cheat_huge_output": "for _i in range(10**7):\n    print('刷屏' * 5000)",
    "cheat_steal_expected": STEAL,
    "cheat_gradebook": GRADEBOOK,
}


def cheat(profile: str, released: dict, source: dict, points: dict | None = None) -> tuple[dict, dict]:
    """(notebooks by file name, extra files {name: bytes | ('symlink', target)}) for a cheating profile."""
    nbs = {name: copy.deepcopy(nb) for name, nb in released.items()}
    for nb in nbs.values():
        _cheat_in_notebook(profile, nb)
    return nbs, _cheat_files(profile, nbs, source)


def _cheat_in_notebook(profile: str, nb) -> None:
    """Edit one notebook as the profile's trick does (nothing for the file tricks)."""
    if profile in _PREPENDED:
        _prepend(nb, _PREPENDED[profile])
    elif profile == "cheat_eq_true":
        _assign_answers(nb, "_Anything()")
        _prepend(nb, EQ_TRUE)
    elif profile == "cheat_builtins":
        _assign_answers(nb, "{'作弊': 1}")
        cells = answer_cells(nb)
        if cells:
            cells[-1].source += "\n" + BUILTINS
    elif profile == "cheat_delete_tests":
        nb.cells = [c for c in nb.cells if not _is_test(c)]
    elif profile == "cheat_edit_tests":
        for c in nb.cells:
            if _is_test(c):
                c.source = f"{float(_meta(c).get('points', 1))}"


def _assign_answers(nb, expr: str) -> None:
    """End every answer cell by setting its answer variable to ``expr``."""
    for cell in answer_cells(nb):
        var = answer_variable(cell)
        if var:
            cell.source = cell.source + f"\n{var} = {expr}"


def _is_test(cell) -> bool:
    return bool(_meta(cell).get("grade") and cell.cell_type == "code")


def _cheat_files(profile: str, nbs: dict, source: dict) -> dict:
    """Extra files of the file tricks; a notebook they replace is taken out of ``nbs``."""
    extra: dict = {}
    if profile == "cheat_invalid_json":
        first = sorted(nbs)[0]
        del nbs[first]
        extra[first] = b'{"cells": [ this is not json'
    elif profile == "cheat_symlink":
        first = sorted(nbs)[0]
        del nbs[first]
        extra[first] = ("symlink", str(source[first]))
    elif profile == "cheat_shadow_course":
        extra["course/__init__.py"] = b"def start(*a, **k): pass\ndef export(name, value): return value\n"
        extra["course/autocheck.py"] = (
            b"class Checks:\n    def __init__(self, points, *a, **k): self.points = points\n"
            b"    def check(self, *a, **k): return True\n"
            b"    def score(self): return float(self.points)\n"
        )
    return extra


# -- playing ------------------------------------------------------------------------


def play(nbs: dict, folder: Path, assets: Path | None = None, timeout: int = 120) -> dict:
    """Run the notebooks as a student would (fresh kernel each, in ``folder``)."""
    from nbclient import NotebookClient

    folder.mkdir(parents=True, exist_ok=True)
    if assets and assets.is_dir():
        for p in assets.iterdir():
            if p.suffix != ".ipynb" and not (folder / p.name).exists():
                (shutil.copytree if p.is_dir() else shutil.copy2)(p, folder / p.name)
    out = {}
    for name, nb in sorted(nbs.items()):
        nb = copy.deepcopy(nb)
        try:
            # the kernel's start-up warnings would only clutter the TA's terminal
            NotebookClient(
                nb,
                timeout=timeout,
                kernel_name="python3",
                allow_errors=True,
                resources={"metadata": {"path": str(folder)}},
            ).execute(stderr=subprocess.DEVNULL)
        except Exception:  # noqa: BLE001 - a broken student notebook is still submitted
            pass
        nbformat.write(nb, folder / name)
        out[name] = nb
    return out


def honest(profile: str, released: dict, source: dict) -> dict:
    sols = {}
    for _name, nb in source.items():
        sols.update(solutions(nb))
    if profile in ("complete", "late", "late_2"):
        return {n: fill(nb, sols) for n, nb in released.items()}
    if profile == "partial":
        return {n: fill(nb, sols, lambda i, gid: i % 2 == 0) for n, nb in released.items()}
    if profile == "broken":
        out = {}
        for n, nb in released.items():
            nb = fill(nb, sols)
            for i, cell in enumerate(answer_cells(nb)):
                if i % 2 == 1:
                    cell.source = "raise ValueError('这里算错了')\n" + cell.source
            out[n] = nb
        return out
    return {n: copy.deepcopy(nb) for n, nb in released.items()}


def submission_time(profile: str, due: _dt.datetime, i: int) -> _dt.datetime:
    if profile == "late":
        return due + _dt.timedelta(hours=5, minutes=i)
    if profile == "late_2":
        return due + _dt.timedelta(days=1, hours=2, minutes=i)
    return due - _dt.timedelta(hours=3) + _dt.timedelta(minutes=i)


def build_class(
    release_dir: Path,
    source_dir: Path,
    module: str,
    students: list[tuple[str, str, str]],
    due: _dt.datetime,
    work: Path,
    jobs: int = 2,
    timeout: int = 120,
) -> tuple[Path, dict]:
    """Play the profiles and pack a learning-platform download zip; return (zip, played folders)."""
    released = {p.name: nbformat.read(p, as_version=4) for p in sorted(release_dir.glob("*.ipynb"))}
    source = {p.name: p for p in sorted(source_dir.glob("*.ipynb"))}
    source_nbs = {n: nbformat.read(p, as_version=4) for n, p in source.items()}
    needed = sorted({_played_as(p) for _, _, p in students} - {None})
    played = _play_all(needed, released, source_nbs, release_dir, work / "played" / module, jobs, timeout)
    zpath = work / f"学习平台下载-{module}.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (sid, name, profile) in enumerate(students):
            if profile == "absent":
                continue
            files, extra = _submitted_files(profile, played, released, source)
            _add_submission(zf, module, i, (sid, name, profile), files, extra, submission_time(profile, due, i))
        _add_platform_clutter(zf, released, students, due)
    return zpath, played


def _played_as(profile: str) -> str | None:
    """The honest profile whose played notebooks this student hands in; None for cheats and absentees."""
    if profile.startswith("late"):
        return "complete"  # late students hand in complete work, only later
    return profile if profile in HONEST else None


def _play_all(
    profiles: list[str], released: dict, source_nbs: dict, assets: Path, into: Path, jobs: int, timeout: int
) -> dict[str, Path]:
    """Play each honest profile once, in parallel, into ``into/<profile>``."""

    def run(profile):
        folder = into / profile
        if folder.exists():
            shutil.rmtree(folder)
        play(honest(profile, released, source_nbs), folder, assets, timeout)
        return profile, folder

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        return dict(ex.map(run, profiles))


def _submitted_files(profile: str, played: dict, released: dict, source: dict) -> tuple[dict, dict]:
    """(notebook and answer files by name, extra files) a student of this profile hands in."""
    as_played = _played_as(profile)
    if as_played is None:
        nbs, extra = cheat(profile, released, source)
        return {n: nbformat.writes(nb).encode() for n, nb in nbs.items()}, extra
    files = {
        p.name: p.read_bytes()
        for p in sorted(played[as_played].iterdir())
        if p.suffix == ".ipynb" or p.name.endswith(".answers.json")
    }
    return files, {}


def _add(zf: zipfile.ZipFile, arcname: str, data: bytes, when: _dt.datetime) -> None:
    info = zipfile.ZipInfo(arcname, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _add_submission(
    zf: zipfile.ZipFile,
    module: str,
    i: int,
    student: tuple[str, str, str],
    files: dict,
    extra: dict,
    when: _dt.datetime,
) -> None:
    """One student's files, laid out as students do: loose, in a zip of their own or in a folder."""
    sid, name, profile = student
    prefix = f"{sid}_{name}_"
    if profile == "partial" and i % 3 == 0:
        _add(zf, f"{prefix}{module}.zip", _inner_zip(files, module, when), when)  # a zip inside the download
        return
    if profile == "complete" and i % 4 == 1:
        for n, data in files.items():  # a per-student folder
            _add(zf, f"{sid}_{name}/{n}", data, when)
        return
    for n, data in files.items():
        _add(zf, prefix + n, data, when)
    for n, data in extra.items():
        if isinstance(data, tuple):  # a symlink entry
            info = zipfile.ZipInfo(prefix + n, date_time=when.timetuple()[:6])
            info.external_attr = 0o120777 << 16
            zf.writestr(info, data[1])
        else:
            _add(zf, prefix + n if "/" not in n else f"{sid}_{name}/{n}", data, when)


def _inner_zip(files: dict, module: str, when: _dt.datetime) -> bytes:
    """A student's own zip of ``<module>/<file>`` entries."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as inner:
        for n, data in files.items():
            zi = zipfile.ZipInfo(f"{module}/{n}", date_time=when.timetuple()[:6])
            inner.writestr(zi, data)
    return buf.getvalue()


def _add_platform_clutter(
    zf: zipfile.ZipFile, released: dict, students: list[tuple[str, str, str]], due: _dt.datetime
) -> None:
    """What a real download also holds: a stranger, a path trick, a readme."""
    before = due - _dt.timedelta(hours=1)
    if released:
        first = sorted(released)[0]
        _add(zf, f"9999999_旁听生_{first}", nbformat.writes(released[first]).encode(), before)
        _add(zf, f"../../{students[0][0]}_{students[0][1]}_{first}", b"{}", before)
    _add(zf, "平台说明.txt", "本压缩包由学习平台导出。".encode(), before)


def write_roster(path: Path, students: list[tuple[str, str]], tas: list[str]) -> Path:
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["学号", "姓名", "助教"])
        for i, (sid, name) in enumerate(students):
            w.writerow([sid, name, tas[i % len(tas)] if tas else ""])
    return path


def tmpdir(prefix: str = "grading-demo-") -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


__all__ = ["roster", "cheat", "honest", "play", "build_class", "write_roster", "DEMO_PROFILES", "PROFILE_ZH"]
