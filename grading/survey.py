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

Usage::

    grading survey [--workspace DIR] [--module M ...] [--from PATH ...]
                   [--out FILE.md|FILE.html]

>>> main(["--help"]) == 0  # doctest: +ELLIPSIS
用法...
True
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import html
import io
import json
import statistics
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MIN_FOR_OPEN_ANSWERS = 3
ANSWER_SUFFIX = ".answers.json"


@dataclass
class Response:
    """One saved survey: which survey, the parsed values, where it came from (never shown)."""

    key: str
    values: dict
    saved_at: str = ""
    source: str = ""


@dataclass
class Harvest:
    responses: list[Response] = field(default_factory=list)
    files: int = 0
    unreadable: int = 0


# -- finding answer files -----------------------------------------------------


def _answer_texts(paths: Iterable[Path]) -> Iterator[tuple[str, str, bytes | None]]:
    """(respondent folder, file label, bytes) of every answer file under ``paths``."""
    for root in paths:
        root = Path(root)
        if root.is_file() and zipfile.is_zipfile(root):
            with zipfile.ZipFile(root) as zf:
                for name in sorted(zf.namelist()):
                    if name.endswith(ANSWER_SUFFIX) and "__MACOSX" not in name:
                        folder = name.rsplit("/", 1)[0] if "/" in name else ""
                        try:
                            data = zf.read(name)
                        except (zipfile.BadZipFile, OSError):
                            data = None
                        yield f"{root}!{folder}", f"{root}!{name}", data
        elif root.is_file() and root.name.endswith(ANSWER_SUFFIX):
            yield str(root.parent), str(root), _read(root)
        elif root.is_dir():
            for p in sorted(root.rglob(f"*{ANSWER_SUFFIX}")):
                if p.is_file() and not p.is_symlink():
                    yield str(p.parent), str(p), _read(p)


def _read(p: Path) -> bytes | None:
    try:
        return p.read_bytes()
    except OSError:
        return None


def workspace_sources(workspace: Path, modules: Iterable[str] | None = None) -> list[Path]:
    """The submitted module folders of a class workspace."""
    sub = Path(workspace) / "submitted"
    if not sub.is_dir():
        return []
    mods = list(modules) if modules else None
    out = []
    for student in sorted(p for p in sub.iterdir() if p.is_dir()):
        for folder in sorted(p for p in student.iterdir() if p.is_dir()):
            if mods is None or folder.name in mods:
                out.append(folder)
    return out


def harvest(paths: Iterable[Path]) -> Harvest:
    """Every survey answer found in the answer files under ``paths``."""
    from course.forms.survey_form import fields_for_key, parse_entry

    h = Harvest()
    latest: dict[tuple[str, str], Response] = {}
    for folder, label, data in _answer_texts(paths):
        h.files += 1
        try:
            doc = json.loads(data.decode("utf-8-sig")) if data is not None else None
            forms = doc.get("forms") if isinstance(doc, dict) else None
            if not isinstance(forms, dict):
                raise ValueError("no forms")
        except (ValueError, UnicodeDecodeError, AttributeError):
            h.unreadable += 1
            continue
        for key, entry in forms.items():
            if fields_for_key(str(key)) is None:
                continue
            values = parse_entry(str(key), entry)
            if not values or all(v in (None, "", []) for v in values.values()):
                continue
            saved = str(entry.get("saved_at") or "") if isinstance(entry, dict) else ""
            resp = Response(str(key), values, saved, label)
            slot = (folder, str(key))
            if slot not in latest or saved >= latest[slot].saved_at:
                latest[slot] = resp
    h.responses = [latest[k] for k in sorted(latest)]
    return h


# -- aggregation --------------------------------------------------------------

PROMOTER_MIN, DETRACTOR_MAX = 9, 6


def nps(scores: Iterable) -> dict:
    """Net Promoter Score of 0-10 answers: promoters (9-10) share − detractors (0-6) share, in points.

    Answers that are not a whole number from 0 to 10 are left out.

    >>> nps(["10", "9", "7", "3"])["nps"]      # 50% promoters − 25% detractors
    25.0
    >>> nps([6, 6, 10])["nps"], nps([])["nps"]
    (-33.3, None)
    """
    valid = []
    for s in scores:
        try:
            v = int(str(s).strip())
        except (TypeError, ValueError):
            continue
        if 0 <= v <= 10 and str(s).strip().lstrip("+").isdigit():
            valid.append(v)
    n = len(valid)
    promoters = sum(v >= PROMOTER_MIN for v in valid)
    detractors = sum(v <= DETRACTOR_MAX for v in valid)
    return {
        "n": n,
        "promoters": promoters,
        "passives": n - promoters - detractors,
        "detractors": detractors,
        "nps": round(100.0 * (promoters - detractors) / n, 1) if n else None,
        "counts": {str(k): valid.count(k) for k in range(11)},
    }


def _texts(values: Iterable) -> list[str]:
    """Open answers, whitespace-normalised, sorted; identical ones once with ×N."""
    counts = Counter(" ".join(str(v).split()) for v in values if isinstance(v, str) and v.strip())
    return [t if n == 1 else f"{t}（×{n}）" for t, n in sorted(counts.items())]


def aggregate(responses: list[Response]) -> dict:
    """Counts, shares and means per survey; plain data (no student information)."""
    from course.forms import survey_form as sf

    summary: dict = {"modules": {}, "final": None}
    by_key: dict[str, list[dict]] = {}
    for r in responses:
        by_key.setdefault(r.key, []).append(r.values)

    for key in sorted(k for k in by_key if k != sf.FINAL_KEY):
        module = key[len(sf.SURVEY_PREFIX) :]
        rows = by_key[key]
        options = sf.DIFFICULTY_OPTIONS.get(module, sf.DEFAULT_DIFFICULTY)
        diff = Counter(v.get("difficulty") for v in rows if v.get("difficulty"))
        pace = Counter(v.get("pace") for v in rows if v.get("pace"))
        summary["modules"][module] = {
            "title": sf.module_title(module),
            "n": len(rows),
            "difficulty": {o: diff.get(o, 0) for o in [*options, *sorted(set(diff) - set(options))]},
            "pace": {o: pace.get(o, 0) for o in sf.PACE_OPTIONS},
            "recommend": nps(v.get("recommend") for v in rows if v.get("recommend") not in (None, "")),
            "suggestions": _texts(v.get("suggestion") for v in rows),
        }
    if summary["modules"]:
        every = [v.get("recommend") for k in by_key if k != sf.FINAL_KEY for v in by_key[k]]
        summary["recommend_all"] = nps(x for x in every if x not in (None, ""))

    rows = by_key.get(sf.FINAL_KEY, [])
    if rows:
        dims = {}
        for name, label in sf.FINAL_DIMENSIONS.items():
            scores = []
            for v in rows:
                try:
                    s = int(str(v.get(name)))
                except (TypeError, ValueError):
                    continue
                if 1 <= s <= 5:
                    scores.append(s)
            counts = Counter(scores)
            dims[label] = {
                "n": len(scores),
                "mean": round(statistics.fmean(scores), 2) if scores else None,
                "median": float(statistics.median(scores)) if scores else None,
                "satisfied_share": round(sum(1 for s in scores if s >= 4) / len(scores), 3) if scores else None,
                "counts": {str(k): counts.get(k, 0) for k in range(1, 6)},
            }
        summary["final"] = {"n": len(rows), "dimensions": dims, "comments": _texts(v.get("comment") for v in rows)}
    return summary


# -- charts -------------------------------------------------------------------


def _figure_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def charts(summary: dict) -> dict[str, bytes]:
    """PNG charts with Chinese titles and axis labels, by file name."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # noqa: F401 - pyplot after the backend, before the font

    from course.plotting import use_chinese_font

    use_chinese_font()
    out: dict[str, bytes] = {}
    for module, m in summary["modules"].items():
        out[f"difficulty_{module}.png"] = _difficulty_chart(m)
    if summary["modules"]:
        out["pace.png"] = _pace_chart(summary["modules"])
    final = summary.get("final")
    if final and final["dimensions"]:
        out["satisfaction.png"] = _satisfaction_chart(final)
    return out


def _difficulty_chart(m: dict) -> bytes:
    """Horizontal bars: how many chose each 难点 option of one module."""
    import matplotlib.pyplot as plt

    items = [(k, v) for k, v in m["difficulty"].items()]
    fig, ax = plt.subplots(figsize=(6.4, 0.42 * len(items) + 1.2))
    ax.barh([k for k, _ in items][::-1], [v for _, v in items][::-1], color="#4C72B0")
    ax.set_title(f"{m['title']}\n本模块难点（共 {m['n']} 份回答）", fontsize=11)
    ax.set_xlabel("选择人数（人）")
    ax.set_ylabel("难点选项")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _figure_png(fig)


def _pace_chart(modules: dict) -> bytes:
    """One stacked 100% bar per module: shares of 太快 / 合适 / 太慢."""
    import matplotlib.pyplot as plt

    mods = list(modules)
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    left = [0.0] * len(mods)
    colors = {"太快": "#DD8452", "合适": "#55A868", "太慢": "#8172B3"}
    labels = [modules[m]["title"].split(" ")[0] for m in mods]
    for opt in colors:
        vals = []
        for m in mods:
            p = modules[m]["pace"]
            total = sum(p.values()) or 1
            vals.append(100.0 * p.get(opt, 0) / total)
        ax.barh(labels, vals, left=left, color=colors[opt], label=opt)
        left = [a + b for a, b in zip(left, vals)]
    ax.set_xlim(0, 100)
    ax.set_title("各模块讲解节奏评价")
    ax.set_xlabel("占回答人数的比例（%）")
    ax.set_ylabel("模块")
    ax.invert_yaxis()
    ax.legend(ncol=3, loc="lower center", bbox_to_anchor=(0.5, -0.45), frameon=False)
    return _figure_png(fig)


def _satisfaction_chart(final: dict) -> bytes:
    """Grouped bars: how many gave 1..5 points on each dimension, mean under its name."""
    import matplotlib.pyplot as plt

    dims = list(final["dimensions"])
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    width = 0.15
    for i, score in enumerate(["1", "2", "3", "4", "5"]):
        xs = [j + (i - 2) * width for j in range(len(dims))]
        ax.bar(xs, [final["dimensions"][d]["counts"][score] for d in dims], width=width, label=f"{score} 分")
    ax.set_xticks(range(len(dims)))
    ax.set_xticklabels(
        [
            f"{d}\n平均 {final['dimensions'][d]['mean'] if final['dimensions'][d]['mean'] is not None else '—'} 分"
            for d in dims
        ]
    )
    ax.set_title(f"课程满意度评分分布（1-5 分，共 {final['n']} 份）")
    ax.set_xlabel("评价维度")
    ax.set_ylabel("人数（人）")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.28), frameon=False)
    return _figure_png(fig)


# -- rendering ----------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f}%" if whole else "—"


def _md_text(s: str) -> str:
    return html.escape(s).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


_NO_ANSWERS_MD = [
    "还没有找到任何问卷回答。学生在每个模块最后一个笔记本填写并保存问卷后，"
    "用 `grading collect` 收集作业，再运行本命令。",
    "",
]
_HOW_TO_USE_MD = [
    "## 怎样用这份报告",
    "",
    "- 某个难点被多数人选中：下一期在该步骤前增加演示或拆成两步（工作坊方案“持续改进”）。",
    "- 节奏“太快”超过三分之一：压缩讲解、把时间留给该模块的练习（见 course/teacher/schedule.md）。",
    "- 工具易用性平均分低于 3.5：检查开放题里提到的表单或工具，优先修改提示语（course/messages.py）。",
    "",
]


def render_markdown(summary: dict, harvest_info: Harvest, chart_dir: str) -> str:
    """The report in Markdown; charts are linked from ``chart_dir``."""
    lines = _header_md(harvest_info)
    if not summary["modules"] and not summary["final"]:
        return "\n".join(lines + _NO_ANSWERS_MD)
    for module, m in summary["modules"].items():
        lines += _module_md(module, m, chart_dir)
    if summary["modules"]:
        lines += ["## 各模块讲解节奏", "", f"![各模块讲解节奏]({chart_dir}/pace.png)", ""]
        lines += _nps_table(summary)
    final = summary.get("final")
    if final:
        lines += _final_md(final, chart_dir)
    return "\n".join(lines + _HOW_TO_USE_MD)


def _header_md(harvest_info: Harvest) -> list[str]:
    """Title, when and from how many files, and the anonymity note."""
    now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return [
        "# 课程反馈问卷汇总",
        "",
        f"生成时间：{now}　·　读取答案文件 {harvest_info.files} 个"
        + (f"（其中 {harvest_info.unreadable} 个无法读取，已跳过）" if harvest_info.unreadable else "")
        + f"　·　问卷回答 {len(harvest_info.responses)} 份",
        "",
        "> 匿名汇总：报告中没有学号、姓名或文件名；开放题按文字排序列出，"
        f"回答少于 {MIN_FOR_OPEN_ANSWERS} 份的问卷不列出开放题。",
        "",
    ]


def _module_md(module: str, m: dict, chart_dir: str) -> list[str]:
    """One module survey: 难点 table, pace, NPS, chart and the open suggestions."""
    lines = [
        f"## {m['title']}",
        "",
        f"回答人数：{m['n']}",
        "",
        "| 本模块难点是 | 人数 | 占比 |",
        "|---|---:|---:|",
    ]
    for opt, c in m["difficulty"].items():
        lines.append(f"| {_md_text(opt)} | {c} | {_pct(c, m['n'])} |")
    pace = m["pace"]
    lines += [
        "",
        "讲解节奏：" + "，".join(f"{k} {v} 人（{_pct(v, sum(pace.values()))}）" for k, v in pace.items()),
        "",
        _nps_line(m["recommend"]),
        "",
        f"![{m['title']} 难点分布]({chart_dir}/difficulty_{module}.png)",
        "",
    ]
    return lines + _open_answers_md("建议改进（开放题）", m["suggestions"], m["n"])


def _final_md(final: dict, chart_dir: str) -> list[str]:
    """The final 1-5 survey: one table row per dimension, chart and the open comments."""
    lines = [
        "## 课程满意度（1-5 分）",
        "",
        f"回答人数：{final['n']}",
        "",
        "| 维度 | 回答数 | 平均分 | 中位数 | 4-5 分占比 | 1分 | 2分 | 3分 | 4分 | 5分 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for d, v in final["dimensions"].items():
        share = f"{100 * v['satisfied_share']:.0f}%" if v["satisfied_share"] is not None else "—"
        mean = v["mean"] if v["mean"] is not None else "—"
        median = v["median"] if v["median"] is not None else "—"
        lines.append(
            f"| {d} | {v['n']} | {mean} | {median} | {share} | "
            + " | ".join(str(v["counts"][s]) for s in "12345")
            + " |"
        )
    lines += ["", f"![课程满意度评分分布]({chart_dir}/satisfaction.png)", ""]
    return lines + _open_answers_md("最有收获的内容 / 其他建议（开放题）", final["comments"], final["n"])


def _nps_text(r: dict) -> str:
    return "—" if r["nps"] is None else f"{r['nps']:+.0f}"


def _nps_line(r: dict) -> str:
    if not r["n"]:
        return "推荐意愿（0-10 分）：还没有人回答，无法计算 NPS。"
    return (
        f"推荐意愿（0-10 分，{r['n']} 人回答）：推荐者（9-10 分）{r['promoters']} 人（{_pct(r['promoters'], r['n'])}），"
        f"中立者（7-8 分）{r['passives']} 人，贬损者（0-6 分）{r['detractors']} 人（{_pct(r['detractors'], r['n'])}）；"
        f"**NPS = {_nps_text(r)}**"
    )


def _nps_table(summary: dict) -> list[str]:
    """NPS per module and over all module answers (推荐者占比 − 贬损者占比, −100～100)."""
    lines = [
        "## 推荐意愿与 NPS",
        "",
        "NPS（净推荐值）= 推荐者（9-10 分）占比 − 贬损者（0-6 分）占比，范围 −100～+100；回答推荐意愿的人才计入。",
        "",
        "| 模块 | 回答数 | 推荐者 | 中立者 | 贬损者 | NPS |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    rows = [(m["title"], m["recommend"]) for m in summary["modules"].values()]
    rows.append(("全部模块（每份问卷各计一次）", summary["recommend_all"]))
    for title, r in rows:
        lines.append(
            f"| {_md_text(title)} | {r['n']} | {r['promoters']} | {r['passives']} | {r['detractors']} | "
            f"{_nps_text(r)} |"
        )
    return lines + [""]


def _open_answers_md(title: str, texts: list[str], n: int) -> list[str]:
    if n < MIN_FOR_OPEN_ANSWERS:
        return [f"**{title}**：回答少于 {MIN_FOR_OPEN_ANSWERS} 份，为保护匿名不列出。", ""]
    if not texts:
        return [f"**{title}**：（无）", ""]
    return [f"**{title}**（按文字排序，相同的合并为 ×N）：", "", *[f"- {_md_text(t)}" for t in texts], ""]


def render_html(markdown_text: str, images: dict[str, bytes], chart_dir: str) -> str:
    """A self-contained HTML page (charts embedded) from the Markdown report."""
    body: list[str] = []
    in_list = False
    table: list[str] = []

    def flush_table():
        if not table:
            return
        rows = [r.strip().strip("|").split(" | ") for r in table if not set(r.replace("|", "").strip()) <= set("-: ")]
        out = ["<table>"]
        for i, cells in enumerate(rows):
            tag = "th" if i == 0 else "td"
            out.append("<tr>" + "".join(f"<{tag}>{_inline(c)}</{tag}>" for c in cells) + "</tr>")
        out.append("</table>")
        body.append("\n".join(out))
        table.clear()

    for line in markdown_text.splitlines():
        if line.startswith("|"):
            table.append(line)
            continue
        flush_table()
        if line.startswith("- "):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{_inline(line[2:])}</li>")
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        if line.startswith("# "):
            body.append(f"<h1>{_inline(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{_inline(line[3:])}</h2>")
        elif line.startswith("> "):
            body.append(f"<blockquote>{_inline(line[2:])}</blockquote>")
        elif line.startswith("!["):
            alt = line[2 : line.index("]")]
            name = line[line.index("(") + 1 : -1].split("/")[-1]
            if name in images:
                data = base64.b64encode(images[name]).decode("ascii")
                body.append(f'<p><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></p>')
        elif line.strip():
            body.append(f"<p>{_inline(line)}</p>")
    flush_table()
    if in_list:
        body.append("</ul>")
    style = (
        "body{font-family:'Noto Sans SC','Microsoft YaHei',sans-serif;max-width:860px;margin:2em auto;"
        "padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;"
        "padding:3px 8px}th{background:#f3f3f3}blockquote{color:#555;border-left:4px solid #ddd;margin:0;"
        "padding-left:1em}img{max-width:100%}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>课程反馈问卷汇总</title>'
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _inline(text: str) -> str:
    """Markdown inline text (already HTML-escaped where it came from students) to HTML."""
    import re

    t = text.replace("\\|", "|").replace("\\*", "*").replace("\\_", "_")
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    t = re.sub(r"`(.+?)`", r"<code>\1</code>", t)
    return t


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

    from .workspace import default_workspace

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
            f"NPS {_nps_text(m['recommend'])}（{m['recommend']['n']} 人回答推荐意愿）"
        )
    if summary["final"]:
        dims = "，".join(f"{d} {v['mean']}" for d, v in summary["final"]["dimensions"].items() if v["mean"] is not None)
        print(f"  课程满意度：{summary['final']['n']} 份；平均分 {dims}")
    print(f"报告：{out}")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
