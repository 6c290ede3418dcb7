"""Build ``glossary.md`` (电商运营术语手册) from its template and the settings in force.

    python -m course.resources.build_glossary          # rewrites course/resources/glossary.md
    python -m course.resources.build_glossary --check  # exit 1 if glossary.md is out of date

The glossary states the course's thresholds (title width, GMV target, the
segment boundaries of table 3, the frequency cap ...).  They are written once,
as placeholders (``{{ listing.title_width_min }}``, see ``course/text.py``), in
the teacher-side template ``course/teacher/glossary.md.j2``; this script renders
it for ``course/settings.yaml`` (or ``$COURSE_SETTINGS``).  Edit the template,
never glossary.md.  ``python -m course.teacher.rebuild`` runs this together
with the other builders.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course import text

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE.parent / "teacher" / "glossary.md.j2"
OUT = HERE / "glossary.md"
HEAD = (
    "<!-- 本文件由 course/resources/build_glossary.py 从 course/teacher/glossary.md.j2 生成，请勿手工修改：\n"
    "     改术语请改模板，数值来自 course/settings.yaml；然后运行 python -m course.teacher.rebuild。 -->\n"
)


def render(template: Path = TEMPLATE) -> str:
    """The glossary for the settings in force (a TemplateProblem names an unknown placeholder)."""
    return HEAD + text.render(Path(template).read_text(encoding="utf-8"))


def outputs() -> dict[Path, bytes]:
    """{file: the bytes this script would write} (used by ``course.teacher.rebuild``)."""
    return {OUT: render().encode("utf-8")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="由模板 course/teacher/glossary.md.j2 生成 术语手册 glossary.md")
    ap.add_argument("--check", action="store_true", help="只检查 glossary.md 是否为最新，不写文件")
    args = ap.parse_args(argv)
    ((path, data),) = outputs().items()
    if args.check:
        ok = path.is_file() and path.read_bytes() == data
        print(f"{path} {'是最新的' if ok else '不是最新的：请运行 python -m course.teacher.rebuild'}。")
        return 0 if ok else 1
    path.write_bytes(data)
    print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
