"""Rebuild everything derived from the settings, or name what is stale.

    python -m course.teacher.rebuild            # = make teacher-material: rewrite what changed
    python -m course.teacher.rebuild --check    # = make check-settings: check the settings file,
                                                #   then name the derived files that are stale
    python -m course.teacher.rebuild --out DIR  # write into DIR/<same paths> (a class's own copy)
    python -m course.teacher.rebuild --only glossary,schedule

A derived file is *stale* when what its builder would write now differs from
what is on disk (byte for byte; every builder is reproducible).  The builders,
each also runnable on its own with ``--check``:

=========== ===================================== ==============================================
name        files                                 builder
=========== ===================================== ==============================================
data        the shop data in force (CSV files)    python -m datasets.generate (``dataset.seed`` /
                                                  ``scale`` and five thresholds shape the data)
templates   course/resources/表1/表2/表3 .xlsx     python -m course.resources.build_templates
redlines    course/resources/redlines.md          python -m course.resources.build_redlines
glossary    course/resources/glossary.md          python -m course.resources.build_glossary
schedule    course/teacher/schedule.md            python -m course.teacher.build_schedule
=========== ===================================== ==============================================

The settings file is ``$COURSE_SETTINGS`` or ``course/settings.yaml``.  The
data item compares a fresh generation (a few seconds) with the data folder in
force; a large ``dataset.scale`` (> 1) is for benchmarks and never rebuilt here.

>>> [item.name for item in ITEMS]
['data', 'templates', 'redlines', 'glossary', 'schedule']
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from course import settings
from course.messages import CourseError

REPO = Path(__file__).resolve().parent.parent.parent


def _builder_outputs(module: str) -> Callable[[], dict[Path, bytes]]:
    """The ``outputs()`` of a builder module, imported when it is first asked for."""
    return lambda: importlib.import_module(module).outputs()


def _data_folder() -> Path:
    from course import data

    return Path(data.data_dir())


def _data_outputs() -> dict[Path, bytes]:
    """The CSV files and manifest a fresh generation writes for the settings in force."""
    from datasets import generate

    seed, scale = generate.default_seed_scale()
    if scale > 1:
        return {}
    folder = _data_folder()
    with tempfile.TemporaryDirectory(prefix="course-data-") as tmp:
        generate.generate(tmp, excel=False, validate=False, log=lambda *a, **k: None)
        return {folder / p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir()) if p.is_file()}


def _data_write(target: Path) -> list[Path]:
    """Regenerate the data folder (with its Excel offline pack) at ``target``."""
    from datasets import generate

    generate.generate(target, log=lambda *a, **k: None)
    return sorted(p for p in target.iterdir() if p.is_file())


@dataclass
class Derived:
    """One kind of derived material: what it is called and how to compute its files."""

    name: str
    label: str  # Chinese, for the teacher
    outputs: Callable[[], dict[Path, bytes]]  # repository path -> bytes it would write
    write_folder: Callable[[Path], list[Path]] | None = None  # a builder that writes a whole folder itself


ITEMS = [  # the data first: table 1's template reads the featured product from it
    Derived("data", "模拟店铺数据（种子、规模与五个阈值决定）", _data_outputs, _data_write),
    Derived("templates", "表1、表2、表3 的 Excel 模板", _builder_outputs("course.resources.build_templates")),
    Derived("redlines", "平台规则红线清单", _builder_outputs("course.resources.build_redlines")),
    Derived("glossary", "电商运营术语手册", _builder_outputs("course.resources.build_glossary")),
    Derived("schedule", "两天工作坊课表", _builder_outputs("course.teacher.build_schedule")),
]


def _relocate(path: Path, out: Path | None) -> Path:
    """Where a repository path goes when writing into ``out`` (None: in place)."""
    if out is None:
        return path
    try:
        return Path(out) / path.resolve().relative_to(REPO)
    except ValueError:  # a data folder outside the repository (COURSE_DATA_DIR)
        return Path(out) / "data" / path.name


def select(only: list[str] | None = None) -> list[Derived]:
    if not only:
        return list(ITEMS)
    unknown = [n for n in only if n not in {i.name for i in ITEMS}]
    if unknown:
        raise ValueError(f"不认识的材料：{'、'.join(unknown)}（可选：{'、'.join(i.name for i in ITEMS)}）")
    return [i for i in ITEMS if i.name in only]


def _differing(files: dict[Path, bytes], out: Path | None) -> list[Path]:
    """The files whose content on disk (at their place under ``out``) is not ``files[path]``."""
    return [p for p, data in files.items() if not _relocate(p, out).is_file() or _relocate(p, out).read_bytes() != data]


def stale(only: list[str] | None = None, out: Path | None = None) -> dict[str, list[Path]]:
    """{item name: files whose content on disk differs from what its builder would write}."""
    found = {item.name: _differing(item.outputs(), out) for item in select(only)}
    return {name: files for name, files in found.items() if files}


def rebuild(only: list[str] | None = None, out: Path | None = None) -> dict[str, list[Path]]:
    """Write every stale derived file; return {item name: files written}."""
    written: dict[str, list[Path]] = {}
    for item in select(only):
        files = item.outputs()
        bad = _differing(files, out)
        if not bad:
            continue
        if item.write_folder is not None:
            written[item.name] = item.write_folder(_relocate(bad[0], out).parent)
            continue
        for p in bad:
            target = _relocate(p, out)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[p])
        written[item.name] = [_relocate(p, out) for p in bad]
    return written


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def _label(name: str) -> str:
    return next(i.label for i in ITEMS if i.name == name)


def _file_list(paths: list[Path]) -> str:
    """At most six files by name, then how many there are."""
    shown = [_shown(p) for p in paths]
    return "、".join(shown[:6]) + (f" 等 {len(shown)} 个文件" if len(shown) > 6 else "")


def _check_settings() -> bool:
    return settings.main([]) == 0


def _report_stale(only: list[str] | None, out: Path | None) -> int:
    """``--check``: name the files that are stale; 0 when there are none."""
    found = stale(only, out)
    if not found:
        print("✓ 派生材料都与当前设置一致：" + "、".join(i.label for i in select(only)) + "。")
        return 0
    print("✗ 这些文件是按旧的设置生成的，与当前设置不一致：")
    for name, files in found.items():
        print(f"    {_label(name)}：" + _file_list([_relocate(p, out) for p in files]))
    print("运行 make teacher-material（或 python -m course.teacher.rebuild）重新生成。")
    return 1


def _report_rebuild(only: list[str] | None, out: Path | None) -> int:
    written = rebuild(only, out)
    if not written:
        print("✓ 派生材料都与当前设置一致，没有需要重新生成的文件。")
    for name, files in written.items():
        print(f"✓ 已重新生成 {_label(name)}：" + _file_list(files))
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m course.teacher.rebuild",
        description="按课程设置重新生成派生材料（Excel 模板、红线清单、术语手册、课表、店铺数据）",
    )
    ap.add_argument(
        "--check", action="store_true", help="检查设置文件，并列出按旧设置生成、需要重新生成的文件（不写文件）"
    )
    ap.add_argument("--out", default=None, help="写到这个文件夹（保持相同的相对路径），不改仓库里的文件")
    ap.add_argument("--only", default="", help="只处理这些材料，逗号分隔：" + ",".join(i.name for i in ITEMS))
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    only = [n.strip() for n in args.only.split(",") if n.strip()] or None
    out = Path(args.out).resolve() if args.out else None
    try:
        select(only)
    except ValueError as exc:
        print(exc)
        return 2
    if not _check_settings():
        return 1
    try:
        return _report_stale(only, out) if args.check else _report_rebuild(only, out)
    except CourseError as exc:  # a broken placeholder in the glossary template, missing data ...
        print(f"✗ {exc}")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
