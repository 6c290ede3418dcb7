"""``grading survey``: the class's course-feedback surveys in one short report.

Students answer the anonymous module survey (``ModuleSurvey``) at the end of
each module and the final 1-5 satisfaction survey (``FinalSurvey``); the
answers sit in their notebooks' answer files like any form answer.  This
command reads the answer files of a class and writes a report with charts:

* per module: how many answered, the difficulty named most often (the plan's
  "本模块难点是______"), the pace, the NPS of the 0-10 推荐意愿 question
  (推荐者 9-10 分占比 − 贬损者 0-6 分占比, see :func:`nps`), and the open
  suggestions;
* the final survey: mean, median and share of 4-5 points on 实用性, 讲师专业度,
  工具易用性, the distribution of scores, and the open comments.

Where the answers are found:

* default: ``<workspace>/submitted/*/<module>/*.answers.json`` (the nbgrader
  layout that ``grading collect`` fills);
* ``--from PATH``: any folder (searched recursively) or zip with answer files.

Anonymity: the report never shows a student id or a file name; open answers
are listed sorted by their text, and only when at least
``MIN_FOR_OPEN_ANSWERS`` people answered that survey.  One answer is counted
per folder and survey (a student's module folder), the latest saved one.

The parts: ``answers`` (finding the answer files), ``aggregate`` (counting),
``charts`` (PNG), ``report`` (Markdown and HTML); this module is the command.

Usage::

    grading survey [--workspace DIR] [--module M ...] [--from PATH ...]
                   [--out FILE.md|FILE.html]

>>> main(["--help"]) == 0  # doctest: +ELLIPSIS
用法...
True
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .aggregate import aggregate, nps
from .answers import MIN_FOR_OPEN_ANSWERS, Harvest, Response, harvest, workspace_sources
from .charts import charts
from .report import nps_text, render_html, render_markdown

__all__ = [
    "MIN_FOR_OPEN_ANSWERS",
    "Harvest",
    "Response",
    "aggregate",
    "charts",
    "harvest",
    "main",
    "nps",
    "render_html",
    "render_markdown",
    "workspace_sources",
]


# -- command line -------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="grading survey", add_help=False, description="汇总全班的课程反馈问卷（匿名），生成带图表的简短报告。"
    )
    p.add_argument("-h", "--help", action="store_true")
    p.add_argument("--workspace", help="班级工作区（默认 classroom/ 或 $GRADING_WORKSPACE）")
    p.add_argument("--module", action="append", default=[], help="只汇总这个模块（可重复）")
    p.add_argument(
        "--from",
        dest="sources",
        action="append",
        default=[],
        help="从这个文件夹或 zip 读取 *.answers.json（可重复），代替工作区的 submitted/",
    )
    p.add_argument("--out", help="报告文件：.md（默认）或 .html")
    return p


USAGE = """用法：grading survey [--workspace 目录] [--module 模块 ...] [--from 文件夹或zip ...] [--out 报告.md|报告.html]

汇总学生在每个模块最后填写的匿名问卷（含 0-10 分推荐意愿，算出 NPS）和课程满意度调研（1-5 分），
生成 Markdown 或 HTML 报告，图表为 PNG。
  默认读取  <工作区>/submitted/*/<模块>/*.answers.json（grading collect 收集的作业）；
  --from    改为读取某个文件夹（含子文件夹）或 zip 里的答案文件；
  --out     报告位置，默认 <工作区>/reports/survey_report.md（用 --from 时默认为当前文件夹）。"""


class _Refused(Exception):
    """Nothing to report on: the message for the TA and the exit code."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def main(argv: list[str] | None = None) -> int:
    """Read the answer files, write the report and print a short summary; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:  # "grading survey -- --workspace DIR" (argparse REMAINDER passes the "--" on)
        argv = argv[1:]
    args, unknown = _parser().parse_known_args(argv)
    if args.help:
        print(USAGE)
        return 0
    if unknown:
        print(f"不认识的参数：{' '.join(unknown)}\n\n{USAGE}")
        return 2
    try:
        sources, default_out = _inputs(args)
    except _Refused as refused:
        print(refused)
        return refused.code
    h = harvest(sources)
    if args.module:
        keep = {f"survey_{m}" for m in args.module} | {"survey_final"}
        h.responses = [r for r in h.responses if r.key in keep]
    summary = aggregate(h.responses)
    out = _write_report(summary, h, _report_path(args.out, default_out))
    _print_summary(summary, h, out)
    return 0


def _inputs(args: argparse.Namespace) -> tuple[list[Path], Path]:
    """(folders or zips to read, default report path); ``_Refused`` when there is nothing to read."""
    from course import settings

    from ..workspace import default_workspace

    unknown_mods = [m for m in args.module if m not in settings.MODULES]
    if unknown_mods:
        raise _Refused(2, f"没有模块 {'、'.join(unknown_mods)}。可选：{'、'.join(settings.MODULES)}。")
    if args.sources:
        sources = [Path(s) for s in args.sources]
        missing = [str(s) for s in sources if not s.exists()]
        if missing:
            raise _Refused(1, f"找不到：{'、'.join(missing)}。请检查 --from 后面的路径。")
        return sources, Path.cwd() / "survey_report.md"
    ws = Path(args.workspace) if args.workspace else default_workspace()
    sources = workspace_sources(ws, args.module or None)
    if not sources:
        raise _Refused(
            1,
            f"工作区 {ws} 里还没有收集到的作业（{ws / 'submitted'} 为空）。"
            "请先运行 grading collect，或用 --from 指定存放答案文件的文件夹。",
        )
    return sources, ws / "reports" / "survey_report.md"


def _report_path(given: str | None, default_out: Path) -> Path:
    """``--out`` or the default; anything but .html/.htm becomes a .md file."""
    out = Path(given) if given else default_out
    if out.suffix.lower() not in (".md", ".html", ".htm"):
        out = out.with_suffix(".md")
    return out


def _write_report(summary: dict, h: Harvest, out: Path) -> Path:
    """Write the report and its ``<stem>_charts/`` folder (HTML embeds the charts); return ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    chart_dir = f"{out.stem}_charts"
    images = charts(summary) if h.responses else {}
    (out.parent / chart_dir).mkdir(exist_ok=True)
    for name, data in images.items():
        (out.parent / chart_dir / name).write_bytes(data)
    md = render_markdown(summary, h, chart_dir)
    if out.suffix.lower() in (".html", ".htm"):
        out.write_text(render_html(md, images, chart_dir), encoding="utf-8")
    else:
        out.write_text(md + "\n", encoding="utf-8")
    return out


def _print_summary(summary: dict, h: Harvest, out: Path) -> None:
    """A few lines for the terminal: counts, each module's top 难点 and NPS, the mean scores."""
    print(
        f"读取答案文件 {h.files} 个，问卷回答 {len(h.responses)} 份"
        + (f"，{h.unreadable} 个文件无法读取（已跳过）" if h.unreadable else "")
        + "。"
    )
    for _module, m in summary["modules"].items():
        top = max(m["difficulty"].items(), key=lambda kv: kv[1]) if m["n"] else ("—", 0)
        print(
            f"  {m['title']}：{m['n']} 份；选得最多的难点：{top[0]}（{top[1]} 人）；"
            f"NPS {nps_text(m['recommend'])}（{m['recommend']['n']} 人回答推荐意愿）"
        )
    if summary["final"]:
        dims = "，".join(f"{d} {v['mean']}" for d, v in summary["final"]["dimensions"].items() if v["mean"] is not None)
        print(f"  课程满意度：{summary['final']['n']} 份；平均分 {dims}")
    print(f"报告：{out}")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
