"""``grading feedback MODULE``: per-student feedback HTML, never tests or solutions.

For every graded student, in nbgrader's ``feedback/<student>/<module>/``:

* ``00_成绩反馈.html`` -- the score sheet row of table 6 (each dimension's
  score, 提交时效性 with the submission time, total), every failed check's
  提升方向 (from the clean re-check, not from the student's kernel), the TA's
  remark and any processing notes;
* one HTML per notebook from ``nbgrader generate_feedback`` with the course's
  ``HideTests`` preprocessor (grading/preprocessors/hide_tests.py): test cells
  show "评分测试（不公开）" and the re-check's score lines only, never their
  code, and no cell shows hidden tests, solutions or the reference.  The summary
  of ``00_成绩反馈.html`` is also put at the top of each of these pages, since
  ``nbgrader release_feedback`` only hands out pages named after a notebook.

``HideTests`` is nbgrader's ``GenerateFeedback.preprocessors`` for every path
(grading/config.py), so ``nbgrader release_feedback`` hands the same pages to
JupyterHub students; for learning-platform classes the files can be uploaded
per student.
"""

from __future__ import annotations

import datetime as _dt
import html
from pathlib import Path

from . import rubric
from .gradebook import fmt_beijing, gradebook, read_submission
from .workspace import Workspace


def _esc(x) -> str:
    return html.escape(str(x))


CSS = """
body{font-family:"Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;max-width:860px;margin:24px auto;color:#222;padding:0 12px}
h1{font-size:22px} h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:8px 0} th,td{border:1px solid #ccc;padding:6px 8px;text-align:left}
th{background:#f3f5f8} td.num{text-align:right;white-space:nowrap} .total td{font-weight:bold;background:#fbfbe8}
.ok{color:#1a7f37} .bad{color:#b42318} .note{color:#666;font-size:13px} li{margin:3px 0}
"""


def summary_html(ws: Workspace, module: str, student: str, name: str, sg, result: dict | None) -> str:
    """The ``00_成绩反馈.html`` page: score sheet row, each check's 提升方向, the TA's remark."""
    return summary_page(module, summary_parts(ws, module, student, name, sg, result))


def summary_page(module: str, parts: list[str]) -> str:
    """The summary's body (:func:`summary_parts`) as a page of its own."""
    from course import settings

    title = settings.load()["modules"].get(module, {}).get("title", module)
    head = [
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{_esc(title)} 成绩反馈</title>",
        f"<style>{CSS}</style></head><body>",
    ]
    return "\n".join(head + parts + ["</body></html>"])


def summary_parts(ws: Workspace, module: str, student: str, name: str, sg, result: dict | None) -> list[str]:
    """The summary's HTML body, also embedded at the top of each notebook's feedback page."""
    from course import settings

    cfg = settings.load()
    title = cfg["modules"].get(module, {}).get("title", module)
    out = [
        f"<h1>{_esc(cfg['course']['name'])} · {_esc(title)}</h1>",
        f"<p>学号：{_esc(student)}　姓名：{_esc(name)}　生成时间：{_dt.datetime.now():%Y-%m-%d %H:%M}</p>",
    ]
    out += _score_table(module, sg)
    out += _check_results(ws, module, result)
    out += _remarks_and_notes(module, sg, result)
    out.append(
        "<p class='note'>分数说明：各自动评分维度 = 该维度各评分项得分之和 ÷ 满分之和 × 权重，保留一位小数；"
        "提交时效性按时满分，截止后每开始一天扣分；备注由助教评分。</p>"
    )
    return out


# nbgrader release_feedback hands a JupyterHub student only the pages named after their notebooks, so
# the summary also goes at the top of each of those (between these markers: a rerun replaces it)
EMBED_BEGIN, EMBED_END = "<!-- course-summary -->", "<!-- /course-summary -->"


def embed_summary(page_html: str, parts: list[str]) -> str:
    """A notebook's feedback page with the module summary at the top of its body (once).

    >>> page = "<html><body class='x'><p>笔记本</p></body></html>"
    >>> once = embed_summary(page, ["<h1>总分 90</h1>"])
    >>> once.count("总分 90"), once.index("总分") < once.index("笔记本")
    (1, True)
    >>> embed_summary(once, ["<h1>总分 95</h1>"]).count("总分")
    1
    """
    if EMBED_BEGIN in page_html and EMBED_END in page_html:
        before, rest = page_html.split(EMBED_BEGIN, 1)
        page_html = before + rest.split(EMBED_END, 1)[1]
    at = page_html.find("<body")
    at = page_html.find(">", at) + 1 if at >= 0 else 0
    block = (
        f"{EMBED_BEGIN}<div class='course-summary'><style>{_scoped_css()}</style>{''.join(parts)}<hr></div>{EMBED_END}"
    )
    return page_html[:at] + block + page_html[at:]


def _scoped_css() -> str:
    """The summary's CSS limited to its block (the notebook page keeps its own look)."""
    rules = [r.strip() for r in CSS.replace("\n", " ").split("}") if r.strip()]
    out = []
    for rule in rules:
        selectors, body = rule.split("{", 1)
        if selectors.strip() == "body":
            selectors = ""
        scoped = ",".join(f".course-summary {sel.strip()}".strip() for sel in selectors.split(","))
        out.append(f"{scoped}{{{body}}}")
    return "".join(out)


def _score_table(module: str, sg) -> list[str]:
    """The student's row of the score sheet (table 6): one line per dimension, then the total."""
    row = rubric.row(module, sg.grades, sg.timestamp, sg.due)
    out = [
        "<h2>评分（学员操作任务评分表）</h2><table><tr><th>评分维度</th><th>得分</th><th>满分</th><th>说明</th></tr>"
    ]
    for d in rubric.dimensions(module):  # the order of the settings, like the score sheet
        out.append(
            f"<tr><td>{_esc(d.name)}</td><td class='num'>{row[d.name]:g}</td><td class='num'>{d.weight}</td><td>{_esc(_dimension_note(d, sg))}</td></tr>"
        )
    out.append(
        f"<tr class='total'><td>总分</td><td class='num'>{row['总分']:g}</td><td class='num'>100</td><td></td></tr></table>"
    )
    return out


def _dimension_note(d, sg) -> str:
    """How a dimension was scored: submission time, 备注 status, or the automatic re-check."""
    if d.kind == "timeliness":
        late = rubric.days_late(sg.timestamp, sg.due)
        return f"提交于 {fmt_beijing(sg.timestamp)}，截止 {fmt_beijing(sg.due)}" + (
            f"，迟交 {late} 天" if late else "，按时"
        )
    if d.kind == "remark":
        return remark_status(sg, d.id)
    return "自动评分（经干净复核）"


def _check_results(ws: Workspace, module: str, result: dict | None) -> list[str]:
    """Every autograded check of every notebook, with its score and 提升方向."""
    out = ["<h2>逐项结果与提升方向</h2>"]
    nbs = (result or {}).get("notebooks", {})
    if not nbs:
        out.append("<p class='note'>没有自动评分记录。</p>")
    for stem in ws.notebooks(module):
        nb = nbs.get(stem)
        out.append(f"<h3>{_esc(stem)}.ipynb</h3>")
        if nb is None or not nb.get("submitted", True):
            out.append("<p class='bad'>未提交或无法评分，本笔记本各项计 0 分。</p>")
            continue
        items = [_check_item(module, gid, c) for gid, c in nb.get("cells", {}).items() if c.get("type") == "code"]
        out.append("<ul>" + "".join(items) + "</ul>" if items else "<p class='note'>本笔记本没有自动评分项。</p>")
    return out


def _check_item(module: str, gid: str, c: dict) -> str:
    """One check as a list item: ✓/✗, its title and dimension, score, and what to improve."""
    final = c.get("final") or 0.0
    mx = c.get("max") or 0.0
    dim = rubric.dimension_of(module, gid)
    dname = dim.name if dim else ""
    head = _first_title(c.get("output") or "") or gid
    msgs = c.get("messages") or []
    cls = "ok" if final >= mx and mx > 0 else "bad"
    li = f"<li><span class='{cls}'>{'✓' if cls == 'ok' else '✗'}</span> {_esc(head)}（{_esc(dname)}）：{final:g} / {mx:g}"
    if msgs:
        li += "<ul>" + "".join(f"<li>{_esc(_direction(m))}</li>" for m in msgs) + "</ul>"
    elif final < mx:
        li += "<ul><li>提升方向：这一项没有得到满分（可能还没有作答，或代码运行出错），请对照步骤说明检查。</li></ul>"
    return li + "</li>"


def _remarks_and_notes(module: str, sg, result: dict | None) -> list[str]:
    """The TA's comments (备注 first) and the grading notes, less the internal snapshot ones."""
    out = ["<h2>助教评语</h2>"]
    if sg.comments:
        out.append("<ul>" + "".join(f"<li>{_esc(t)}</li>" for t in rubric.remark_first(module, sg.comments)) + "</ul>")
    else:
        out.append("<p class='note'>暂无。</p>")
    notes = list((result or {}).get("reasons", [])) + [n for n in (result or {}).get("notes", []) if "快照" not in n]
    if notes:
        out.append("<h2>评分说明</h2><ul>" + "".join(f"<li>{_esc(n)}</li>" for n in notes) + "</ul>")
    return out


def _direction(message: str) -> str:
    """One 提升方向 line, without the check mark and a doubled prefix."""
    text = message.strip().lstrip("✗").strip()
    while text.startswith("提升方向：提升方向"):
        text = text[len("提升方向：") :]
    return text


def remark_status(sg, dim_id: str) -> str:
    """How far the 备注 dimension (id ``dim_id``, any position) is graded."""
    cells = [sg.cells[g] for g in sg.grades if rubric.dimension_id(g) == dim_id]
    if not cells:
        return "本模块没有备注评分项"
    if all(c["manual"] is not None for c in cells):
        return "助教评分"
    if all(c["manual"] is None and not c["needs_manual"] for c in cells):
        return "未作答"
    return "助教尚未评分"


def _first_title(output: str) -> str:
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("【") and "】" in line:
            return line[1 : line.index("】")]
    return ""


def generate(
    ws: Workspace, module: str, students: list[str] | None = None, notebooks_html: bool = True, echo=print
) -> list[Path]:
    from .roster import load as load_roster

    names = {s.id: s.name for s in load_roster(ws)}
    written: list[Path] = []
    with gradebook(ws) as gb:
        subs = [s.student.id for s in gb.assignment_submissions(module)] if _has_assignment(gb, module) else []
        todo = [s for s in sorted(subs) if not students or s in students]
        rows = {s: read_submission(gb, module, s) for s in todo}
    if not todo:
        echo(f"{module} 还没有评分结果，请先运行 grading autograde {module}。")
        return written
    if notebooks_html:
        from .release import api

        a = api(ws)  # HideTests is nbgrader's feedback preprocessor (grading/config.py)
        for s in todo:
            if ws.autograded(s, module).is_dir():
                res = a.generate_feedback(module, s, force=True)
                if not res.get("success"):
                    echo(
                        f"⚠ {s}：nbgrader 生成逐个笔记本的反馈失败（{(res.get('error') or '').strip().splitlines()[-1:]}）。"
                    )
    for s in todo:
        dest = ws.feedback(s, module)
        dest.mkdir(parents=True, exist_ok=True)
        page = dest / "00_成绩反馈.html"
        # built once: the summary page and the top of each notebook's page are the same text
        parts = summary_parts(ws, module, s, names.get(s, s), rows[s], ws.load_result(module, s))
        page.write_text(summary_page(module, parts), encoding="utf-8")
        for nb_page in sorted(dest.glob("*.html")):
            if nb_page != page:
                nb_page.write_text(embed_summary(nb_page.read_text(encoding="utf-8"), parts), encoding="utf-8")
        written.append(page)
    echo(f"✓ 已为 {len(written)} 名学生生成 {module} 的反馈：{ws.root / 'feedback'}/<学号>/{module}/")
    return written


def _has_assignment(gb, module: str) -> bool:
    from nbgrader.api import MissingEntry

    try:
        gb.find_assignment(module)
        return True
    except MissingEntry:
        return False
