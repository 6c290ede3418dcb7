"""The report as Markdown, and as one self-contained HTML page with the charts inlined.

>>> _pct(1, 3)
'33%'
"""

from __future__ import annotations

import base64
import datetime as _dt
import html

from .answers import MIN_FOR_OPEN_ANSWERS, Harvest

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


def nps_text(r: dict) -> str:
    return "—" if r["nps"] is None else f"{r['nps']:+.0f}"


def _nps_line(r: dict) -> str:
    if not r["n"]:
        return "推荐意愿（0-10 分）：还没有人回答，无法计算 NPS。"
    return (
        f"推荐意愿（0-10 分，{r['n']} 人回答）：推荐者（9-10 分）{r['promoters']} 人（{_pct(r['promoters'], r['n'])}），"
        f"中立者（7-8 分）{r['passives']} 人，贬损者（0-6 分）{r['detractors']} 人（{_pct(r['detractors'], r['n'])}）；"
        f"**NPS = {nps_text(r)}**"
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
            f"| {_md_text(title)} | {r['n']} | {r['promoters']} | {r['passives']} | {r['detractors']} | {nps_text(r)} |"
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
