"""``grading release``: student versions into nbgrader's exchange and as zips.

* ``nbgrader generate_assignment`` (through ``NbGraderAPI``) writes the student
  version to ``release/<module>/`` and the cells into the gradebook;
* ``nbgrader release_assignment`` puts it into the exchange (JupyterHub
  classes, ``nbgrader fetch_assignment`` on the student side);
* a zip per module for classes that download from a learning platform and work
  in a local Anaconda: the student package of grading/package.py -- the
  released notebooks with their ``.checks.json`` and assets, the shop data
  (``data/``), the student files of ``course/``, a pinned student environment
  (``environment.yml`` and ``requirements.txt``, the course's versions) and
  使用说明.txt, which installs from it.  Nothing of the teacher's side.

A source folder that holds an answer file (``*.answers.json``) is refused: an
instructor's saved answers must never reach students.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import zipfile
from pathlib import Path

from . import package
from .config import ANSWER_PATTERNS, nbgrader_config, stray_answer_files
from .gradebook import ensure_assignment, fmt_beijing, gradebook, module_due
from .workspace import Workspace

REPO = Path(__file__).resolve().parent.parent


class ReleaseError(Exception):
    """Release refused; the message is Chinese and says what to do."""


def api(ws: Workspace, **overrides):
    from nbgrader.apps.api import NbGraderAPI

    config = nbgrader_config(ws, **overrides)
    a = NbGraderAPI(config=config)
    a.log.setLevel("WARNING")
    return a


def check_source(ws: Workspace, module: str) -> None:
    src = ws.source(module)
    if not src.is_dir() or not any(src.glob("*.ipynb")):
        raise ReleaseError(f"模块 {module} 没有源笔记本（{src}）。")
    stray = stray_answer_files(src)
    if stray:
        names = "、".join(p.name for p in stray)
        raise ReleaseError(
            f"拒绝发布 {module}：源文件夹里有答案文件 {names}。\n"
            f"这些文件保存的是运行源笔记本时填写的答案，发给学生会泄露答案。请把它们移出 {src} 后再发布"
            "（在仓库里运行源笔记本时，答案会自动保存到 classroom/instructor-answers/）。"
        )


def generate(ws: Workspace, module: str) -> Path:
    """``nbgrader generate_assignment MODULE --force`` and the due date."""
    check_source(ws, module)
    res = api(ws).generate_assignment(module, force=True, create=True)
    if not res.get("success"):
        last = (res.get("error") or "").strip().splitlines()[-1:] or ["未知错误"]
        raise ReleaseError(f"nbgrader 生成学生版 {module} 失败：{last[0]}\n{res.get('log', '')[-2000:]}")
    with gradebook(ws) as gb:
        ensure_assignment(gb, module)
    rel = ws.release(module)
    leaked = [p for p in rel.rglob("*") if any(fnmatch.fnmatch(p.name, pat) for pat in ANSWER_PATTERNS)]
    leaked += [rel / t for t in package.teacher_files_in(rel)]
    for p in leaked:  # belt and braces: never ship an answer file or a teacher's file
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()
    return rel


def release_exchange(ws: Workspace, module: str) -> tuple[bool, str]:
    """Release into the exchange; (ok, message)."""
    exch = ws.root / "exchange"
    exch.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(exch, 0o777)
    except OSError:
        pass
    res = api(ws, **{"ReleaseAssignment.force": True}).release_assignment(module)
    if res.get("success"):
        return (
            True,
            f"已发布到 nbgrader 交换目录 {exch}（JupyterHub 学生用 nbgrader fetch_assignment 或 Assignments 页面获取）。",
        )
    last = (res.get("error") or "").strip().splitlines()[-1:] or ["未知错误"]
    return False, f"未能发布到交换目录（{last[0]}）；压缩包仍可使用。"


def instructions(module: str) -> str:
    from course import settings

    cfg = settings.load()
    title = cfg["modules"].get(module, {}).get("title", module)
    due = module_due(module)
    return f"""{cfg["course"]["name"]} · {title}
========================================

一、准备（只需一次；所有模块共用同一个环境）
  1. 安装 Anaconda（或 Miniconda）。
  2. 把本压缩包完整解压到一个文件夹（不要直接在压缩软件里打开笔记本）。
     解压后 {module} 文件夹里应有：若干 .ipynb 笔记本、course 文件夹、data 文件夹、
     environment.yml、requirements.txt 和本说明。
  3. 打开 Anaconda Prompt（Mac 为“终端”），进入 {module} 文件夹，运行：
       conda env create -f environment.yml
     （软件包的版本与助教评分时完全相同。已经建过这个环境的，改为运行
       conda env update -f environment.yml ）
     不用 conda 的同学可以在 Python 3.11 中运行：pip install -r requirements.txt
二、开始作业
  1. 在 Anaconda Prompt 中进入 {module} 文件夹，运行：
       conda activate ecom-ops-student
       jupyter lab
     按编号顺序打开笔记本。
  3. 每个笔记本先运行最上面的第一个代码单元格；看到“环境已就绪”后再往下做。
  4. 表单填好后点「保存」；答案会自动保存到与笔记本同名的 .answers.json 文件里。
三、提交
  截止时间：{fmt_beijing(due) or "见课程通知"}（北京时间；迟交按课程规则扣“提交时效性”分）。
  需要提交的文件（每个笔记本两份，缺一不可）：
    01_xxx.ipynb 和 01_xxx.answers.json（以此类推）
  上传到学习平台时，文件名前加上“学号_姓名_”，例如：
    2023001_张三_01_xxx.ipynb、2023001_张三_01_xxx.answers.json
  也可以把整个 {module} 文件夹压缩成 2023001_张三_{module}.zip 后上传。
四、注意
  - 不要修改或删除灰色（锁定）的单元格，也不要改 course 和 data 文件夹里的文件：
    评分时会用原始版本替换它们，改动不会带来任何分数。
  - 遇到红色报错，先从第一个单元格重新依次运行；仍有问题请联系助教。
"""


def build_zip(ws: Workspace, module: str, out_dir: Path | None = None) -> Path:
    """One zip for learning-platform classes; returns its path."""
    rel = ws.release(module)
    if not rel.is_dir():
        raise ReleaseError(f"还没有生成 {module} 的学生版，请先运行 grading release {module}。")
    out_dir = Path(out_dir or ws.root / "zips")
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = ws.state / "zip-stage" / module
    data = Path(os.environ.get("COURSE_DATA_DIR") or REPO / "datasets" / "data")
    try:
        notes = package.write_module_package(rel, stage, data, instructions(module))
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None
    dest = out_dir / f"{module}.zip"
    tmp = dest.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(stage.rglob("*")):
            if p.is_file():
                if any(fnmatch.fnmatch(p.name, pat) for pat in ANSWER_PATTERNS):
                    continue
                zf.write(p, Path(module) / p.relative_to(stage))
    os.replace(tmp, dest)
    shutil.rmtree(stage, ignore_errors=True)
    for n in notes:
        print("⚠ " + n)
    return dest


def release(ws: Workspace, modules: list[str], exchange: bool = True, zips: bool = True, echo=print) -> dict:
    """Generate, release and zip each module; refuse all if any source holds answers."""
    for m in modules:
        check_source(ws, m)
    out: dict = {}
    for m in modules:
        rel = generate(ws, m)
        info = {"release": str(rel), "notebooks": sorted(p.name for p in rel.glob("*.ipynb"))}
        echo(f"✓ {m}：已生成学生版 {rel}（{len(info['notebooks'])} 个笔记本）")
        if exchange:
            ok, msg = release_exchange(ws, m)
            info["exchange"] = ok
            echo(("✓ " if ok else "⚠ ") + f"{m}：{msg}")
        if zips:
            z = build_zip(ws, m)
            info["zip"] = str(z)
            echo(f"✓ {m}：学习平台用压缩包 {z}（{z.stat().st_size / 1e6:.1f} MB）")
        out[m] = info
    return out
