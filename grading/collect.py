"""``grading collect MODULE [--from PATH]``: submissions into ``submitted/``.

Without ``--from``: nbgrader's exchange (``nbgrader collect``, JupyterHub).

With ``--from`` a folder or a zip, as most colleges work (students upload to a
learning platform, the TA downloads everything): files named by student
(``2023001_张三_01_selection.ipynb``, ``2023001_张三_module1_listing.zip``),
per-student folders and zips inside zips are all accepted.

* The student is found from the 学号 in the file's path (or, failing that, a
  unique 姓名 on the roster).
* The notebook is recognised by its content -- ``course.start("<module>",
  "<notebook>")`` in its first code cell, or its nbgrader grade ids -- and an
  answer file by its ``"notebook"`` entry, so renamed files still match and a
  file of another module is recognised as such.
* Nothing is dropped silently: files of unknown students, duplicates (the
  newest is kept), other modules' files, broken files, symlinks and unsafe zip
  entries are all listed in the collect report.
* The submission time (file modification time, or the zip entry's time, read as
  Beijing time) is kept in nbgrader's ``timestamp.txt`` for 提交时效性.
* Zip entries are read in memory, never extracted by their own names (no
  ``../`` or absolute-path tricks), with size and depth limits.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .gradebook import BEIJING, fmt_beijing, module_due, rmtree, timestamp_text
from .roster import Student
from .workspace import Workspace

MAX_ENTRY = 100_000_000
MAX_TOTAL = 2_000_000_000
MAX_DEPTH = 4
START_RE = re.compile(r"""course\.start\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]""")
SPLIT_RE = re.compile(r"[\s_\-.·,，、()（）\[\]【】+]+")


class CollectError(Exception):
    pass


@dataclass
class Item:
    where: str  # shown to the TA
    parts: list[str]  # path components, outermost first
    name: str
    when: _dt.datetime  # Beijing naive
    data: bytes


@dataclass
class Report:
    module: str
    collected: dict[str, dict] = field(default_factory=dict)  # student -> info
    unmatched: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    wrong_module: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    kept_existing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _zip_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:  # not flagged UTF-8: Chinese Windows zips use GBK
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for enc in ("utf-8", "gb18030"):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                continue
    return name


def _safe_parts(name: str) -> list[str] | None:
    """Path parts of a zip entry, or None if it tries to escape (../, absolute, drive)."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return None
    parts = [p for p in norm.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    return parts


def _walk_zip(zf: zipfile.ZipFile, outer: list[str], depth: int, rep: Report, budget: list[int], out: list[Item]):
    for info in zf.infolist():
        name = _zip_name(info)
        where = " ▸ ".join(outer + [name])
        if info.is_dir():
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            rep.unsafe.append(f"{where}：压缩包里的符号链接，已忽略。")
            continue
        parts = _safe_parts(name)
        if parts is None:
            rep.unsafe.append(f"{where}：文件路径含“..”或绝对路径，已忽略（不会解压到任何位置）。")
            continue
        if parts and parts[0] == "__MACOSX":
            continue
        if info.file_size > MAX_ENTRY or budget[0] + info.file_size > MAX_TOTAL:
            rep.unsafe.append(f"{where}：文件过大（{info.file_size / 1e6:.0f} MB），已忽略。")
            continue
        try:
            with zf.open(info) as fh:
                data = fh.read(MAX_ENTRY + 1)
        except Exception as exc:  # noqa: BLE001 - damaged or encrypted entry
            rep.broken.append(f"{where}：无法从压缩包读取（{type(exc).__name__}）。")
            continue
        budget[0] += len(data)
        when = _dt.datetime(*info.date_time)
        if parts[-1].lower().endswith(".zip"):
            if depth >= MAX_DEPTH:
                rep.unsafe.append(f"{where}：压缩包嵌套过深，已忽略。")
                continue
            try:
                inner = zipfile.ZipFile(io.BytesIO(data))
            except zipfile.BadZipFile:
                rep.broken.append(f"{where}：压缩包已损坏，无法打开。")
                continue
            _walk_zip(inner, outer + parts, depth + 1, rep, budget, out)
            continue
        out.append(Item(where, outer + parts, parts[-1], when, data))


def gather(path: Path, rep: Report) -> list[Item]:
    """Every file under a folder or inside a (nested) zip, as in-memory items."""
    path = Path(path)
    out: list[Item] = []
    budget = [0]
    if not path.exists():
        raise CollectError(f"找不到 {path}。")
    if path.is_file():
        if not path.suffix.lower() == ".zip":
            raise CollectError(f"{path.name} 不是文件夹也不是 .zip 压缩包。")
        try:
            with zipfile.ZipFile(path) as zf:
                _walk_zip(zf, [path.name], 1, rep, budget, out)
        except zipfile.BadZipFile:
            raise CollectError(f"{path.name} 已损坏，无法作为 zip 打开。") from None
        return out
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        rel_dir = Path(dirpath).relative_to(path)
        for d in list(dirnames):
            if os.path.islink(os.path.join(dirpath, d)):
                rep.unsafe.append(f"{rel_dir / d}：符号链接（文件夹），未跟随。")
                dirnames.remove(d)
            elif d in (".ipynb_checkpoints", "__MACOSX", "__pycache__"):
                dirnames.remove(d)
        for f in sorted(filenames):
            p = Path(dirpath) / f
            rel = p.relative_to(path)
            if p.is_symlink():
                rep.unsafe.append(f"{rel}：符号链接，未跟随。")
                continue
            st = p.stat()
            when = _dt.datetime.fromtimestamp(st.st_mtime, BEIJING).replace(tzinfo=None)
            if st.st_size > MAX_ENTRY:
                rep.unsafe.append(f"{rel}：文件过大，已忽略。")
                continue
            if f.lower().endswith(".zip"):
                try:
                    with zipfile.ZipFile(p) as zf:
                        _walk_zip(zf, list(rel.parts), 1, rep, budget, out)
                except zipfile.BadZipFile:
                    rep.broken.append(f"{rel}：压缩包已损坏，无法打开。")
                continue
            out.append(Item(str(rel), list(rel.parts), f, when, p.read_bytes()))
    return out


# -- identification -------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return [t for t in SPLIT_RE.split(text) if t]


def match_student(
    item: Item, by_id: dict[str, Student], by_name: dict[str, list[Student]]
) -> tuple[Student | None, str]:
    """The student of a file: innermost path part holding a 学号, else a unique 姓名."""
    for part in reversed(item.parts):
        hits = {t for t in _tokens(part) if t in by_id}
        if len(hits) == 1:
            return by_id[hits.pop()], "学号"
        if len(hits) > 1:
            return None, f"文件名里有多个学号（{'、'.join(sorted(hits))}）"
    for part in reversed(item.parts):
        found = {s.id for name, studs in by_name.items() if name and name in part for s in studs}
        if len(found) == 1:
            sid = found.pop()
            if len(by_name.get(by_id[sid].name, [])) == 1:
                return by_id[sid], "姓名"
        if len(found) > 1:
            return None, "文件名里的姓名对应多个学生"
    return None, "文件名里没有名单上的学号或姓名"


class Catalog:
    """Notebook stems and grade ids of every module in the workspace."""

    def __init__(self, ws: Workspace):
        import nbformat

        self.stems: dict[str, str] = {}  # stem -> module (first wins)
        self.grade_ids: dict[tuple[str, str], set] = {}
        for mod in ws.modules():
            for stem in ws.notebooks(mod):
                self.stems.setdefault(stem, mod)
                try:
                    nb = nbformat.read(ws.source(mod) / f"{stem}.ipynb", as_version=4)
                    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
                    self.grade_ids[(mod, stem)] = {i for i in ids if i}
                except Exception:  # noqa: BLE001
                    self.grade_ids[(mod, stem)] = set()

    def notebook(self, item: Item, module: str) -> tuple[str | None, str | None, str]:
        """(module, stem, problem) of a notebook file."""
        try:
            nb = json.loads(item.data.decode("utf-8-sig"))
            cells = nb.get("cells") if isinstance(nb, dict) else None
            if not isinstance(cells, list):
                raise ValueError("no cells")
        except (ValueError, UnicodeDecodeError, RecursionError):
            mod, stem = self._by_name(item.name, module)
            return mod, stem, "不是有效的 .ipynb 文件（JSON 损坏）"
        for cell in cells[:8]:
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                src = cell.get("source", "")
                src = "".join(src) if isinstance(src, list) else str(src)
                m = START_RE.search(src)
                if m and (m.group(1), m.group(2)) in self.grade_ids:
                    return m.group(1), m.group(2), ""
        ids = {((c.get("metadata") or {}).get("nbgrader") or {}).get("grade_id") for c in cells if isinstance(c, dict)}
        ids.discard(None)
        best, score = None, 0
        for key, known in self.grade_ids.items():
            overlap = len(ids & known)
            if overlap > score or (overlap == score and overlap and key[0] == module):
                best, score = key, overlap
        if best and score:
            return best[0], best[1], ""
        mod, stem = self._by_name(item.name, module)
        return mod, stem, "" if stem else "认不出是哪个笔记本"

    def answers(self, item: Item, module: str) -> tuple[str | None, str | None, str]:
        try:
            data = json.loads(item.data.decode("utf-8-sig"))
            stem = data.get("notebook") if isinstance(data, dict) else None
        except (ValueError, UnicodeDecodeError, RecursionError):
            data, stem = None, None
        if isinstance(stem, str):
            if (module, stem) in self.grade_ids:
                return module, stem, "" if isinstance(data, dict) else "答案文件损坏"
            if stem in self.stems:
                return self.stems[stem], stem, ""
        mod, stem = self._by_name(item.name[: -len(".answers.json")] + ".ipynb", module)
        return (
            mod,
            stem,
            ("" if data is not None else "答案文件不是有效的 JSON") if stem else "认不出是哪个笔记本的答案",
        )

    def _by_name(self, name: str, module: str) -> tuple[str | None, str | None]:
        base = name[:-6] if name.endswith(".ipynb") else name
        cands = [(m, s) for (m, s) in self.grade_ids if base == s or base.endswith("_" + s) or base.endswith("-" + s)]
        own = [c for c in cands if c[0] == module]
        pick = own or cands
        if len(pick) == 1:
            return pick[0]
        mods = [(m, s) for (m, s) in self.grade_ids if m == module]
        if len(mods) == 1 and (module in base or base.endswith(module)):
            return mods[0]
        return None, None


# -- the command ----------------------------------------------------------------


def collect_from(ws: Workspace, module: str, path: Path, roster: list[Student]) -> Report:
    """Copy the submissions under ``path`` (a folder or a zip) into ``submitted/``.

    The returned report lists what was collected and, with the reason, every
    file that was not.
    """
    if not roster:
        raise CollectError("名单是空的：请先运行 grading init --roster 名单.xlsx 导入学生名单。")
    rep = Report(module)
    items = gather(Path(path), rep)
    by_id, by_name = _roster_index(roster)
    cat = Catalog(ws)
    if module not in ws.modules():
        raise CollectError(f"工作区里没有模块 {module}（可选：{'、'.join(ws.modules())}）。")
    chosen: dict[tuple[str, str, str], Item] = {}  # (学号, stem, kind) -> the newest file
    for item in items:
        kind = _file_kind(item, rep)
        found = _identify(item, kind, module, cat, by_id, by_name, rep) if kind else None
        if found:
            student, stem = found
            _keep_newest(chosen, (student.id, stem, kind), item, student, rep)
    per_student = _per_student(chosen)
    due = module_due(module)
    for sid, files in sorted(per_student.items()):
        _store(ws, module, by_id[sid], files, due, rep)
    have = _submitted_ids(ws, module)
    rep.missing = [f"{s.id} {s.name}" for s in roster if s.id not in have]
    return rep


def _roster_index(roster: list[Student]) -> tuple[dict[str, Student], dict[str, list[Student]]]:
    """The roster by 学号 and by 姓名 (a name may be shared, so a list)."""
    by_id = {s.id: s for s in roster}
    by_name: dict[str, list[Student]] = {}
    for s in roster:
        by_name.setdefault(s.name, []).append(s)
    return by_id, by_name


def _file_kind(item: Item, rep: Report) -> str | None:
    """``"ipynb"``, ``"answers"`` or None; other files are reported unless they are system clutter."""
    lower = item.name.lower()
    if lower.endswith(".ipynb"):
        return "ipynb"
    if lower.endswith(".answers.json"):
        return "answers"
    if item.name not in ("timestamp.txt", ".DS_Store", "Thumbs.db") and not item.name.startswith("._"):
        rep.ignored.append(item.where)
    return None


def _identify(
    item: Item,
    kind: str,
    module: str,
    cat: Catalog,
    by_id: dict[str, Student],
    by_name: dict[str, list[Student]],
    rep: Report,
) -> tuple[Student, str] | None:
    """(student, notebook stem) of a file of this module; None, reported, for any other file."""
    student, how = match_student(item, by_id, by_name)
    if student is None:
        rep.unmatched.append(f"{item.where}：{how}")
        return None
    mod, stem, problem = (cat.notebook if kind == "ipynb" else cat.answers)(item, module)
    who = f"{item.where}（{student.id} {student.name}）"
    if mod is None or stem is None:
        rep.unmatched.append(f"{who}：{problem or '认不出是哪个笔记本'}")
        return None
    if mod != module:
        rep.wrong_module.append(f"{who}：属于 {mod}，不是 {module}。")
        return None
    if problem:
        # still collected: a broken file is a submission graded 0 with the reason, not a missing one
        rep.broken.append(f"{who}：{problem}；仍按 {stem} 收取，评分时计 0 分并注明原因。")
    return student, stem


def _keep_newest(
    chosen: dict[tuple[str, str, str], Item], key: tuple[str, str, str], item: Item, student: Student, rep: Report
) -> None:
    """Keep the newer of two files for the same student, notebook and kind; report the pair."""
    prev = chosen.get(key)
    if prev is None:
        chosen[key] = item
        return
    newer, older = (item, prev) if item.when >= prev.when else (prev, item)
    chosen[key] = newer
    _, stem, kind = key
    rep.duplicates.append(
        f"{student.id} {student.name} 的 {stem}{'.ipynb' if kind == 'ipynb' else '.answers.json'}："
        f"保留 {newer.where}（{fmt_beijing(newer.when)}），忽略 {older.where}（{fmt_beijing(older.when)}）。"
    )


def _per_student(chosen: dict[tuple[str, str, str], Item]) -> dict[str, list[tuple[str, str, Item]]]:
    """The chosen files grouped by 学号, as (stem, kind, item)."""
    per_student: dict[str, list[tuple[str, str, Item]]] = {}
    for (sid, stem, kind), item in chosen.items():
        per_student.setdefault(sid, []).append((stem, kind, item))
    return per_student


def _store(
    ws: Workspace,
    module: str,
    student: Student,
    files: list[tuple[str, str, Item]],
    due: _dt.datetime | None,
    rep: Report,
) -> None:
    """Replace the student's submission folder with these files, unless it already holds a newer one."""
    when = max(i.when for _, _, i in files)
    dest = ws.submitted(student.id, module)
    old = _recorded_time(dest / "timestamp.txt")
    if old is not None and old > when:
        rep.kept_existing.append(
            f"{student.id} {student.name}：已有更新的提交（{fmt_beijing(old)}），本次（{fmt_beijing(when)}）未覆盖。"
        )
        return
    _write_submission(dest, files, when)
    rep.collected[student.id] = {
        "name": student.name,
        "time": fmt_beijing(when),
        "late": due is not None and when > due,
        "notebooks": sorted({s for s, k, _ in files if k == "ipynb"}),
        "answers": sorted({s for s, k, _ in files if k == "answers"}),
    }


def _recorded_time(ts_file: Path) -> _dt.datetime | None:
    """Beijing time in an earlier ``timestamp.txt``; None if there is none or it cannot be read."""
    if not ts_file.exists():
        return None
    from nbgrader.utils import parse_utc

    from .gradebook import to_beijing_naive

    try:
        return to_beijing_naive(parse_utc(ts_file.read_text().strip()))
    except Exception:  # noqa: BLE001
        return None


def _write_submission(dest: Path, files: list[tuple[str, str, Item]], when: _dt.datetime) -> None:
    """Write the files under their canonical names, with the submission time as nbgrader reads it."""
    rmtree(dest)
    dest.mkdir(parents=True)
    for stem, kind, item in files:
        target = dest / (f"{stem}.ipynb" if kind == "ipynb" else f"{stem}.answers.json")
        target.write_bytes(item.data)
        # the upload's own time, so the folder shows when each file was handed in
        ts = item.when.replace(tzinfo=BEIJING).timestamp()
        os.utime(target, (ts, ts))
    (dest / "timestamp.txt").write_text(timestamp_text(when), encoding="utf-8")


def _submitted_ids(ws: Workspace, module: str) -> set[str]:
    """学号 of every student with a ``submitted/<id>/<module>/`` folder."""
    if not ws.submitted().exists():
        return set()
    return {p.name for p in ws.submitted().iterdir() if (p / module).is_dir()}


def collect_exchange(ws: Workspace, module: str, roster: list[Student]) -> Report:
    from .release import api

    rep = Report(module)
    res = api(ws).collect(module, update=True)
    if not res.get("success"):
        last = (res.get("error") or "").strip().splitlines()[-1:] or ["未知错误"]
        raise CollectError(f"从 nbgrader 交换目录收取失败：{last[0]}")
    from nbgrader.utils import parse_utc

    from .gradebook import to_beijing_naive

    have = _submitted_ids(ws, module)
    due = module_due(module)
    for sid in sorted(have):
        folder = ws.submitted(sid, module)
        try:
            when = to_beijing_naive(parse_utc((folder / "timestamp.txt").read_text().strip()))
        except Exception:  # noqa: BLE001
            when = None
        rep.collected[sid] = {
            "name": next((s.name for s in roster if s.id == sid), ""),
            "time": fmt_beijing(when),
            "late": bool(due and when and when > due),
            "notebooks": sorted(p.stem for p in folder.glob("*.ipynb")),
            "answers": sorted(p.name for p in folder.glob("*.answers.json")),
        }
    known = {s.id for s in roster}
    rep.unmatched = (
        [f"交换目录中的提交者 {sid} 不在名单上（已收取，请核对名单）" for sid in sorted(have - known)] if roster else []
    )
    rep.missing = [f"{s.id} {s.name}" for s in roster if s.id not in have]
    return rep


def render(rep: Report, ws: Workspace) -> str:
    lines = [f"收取报告 · {rep.module} · {_dt.datetime.now():%Y-%m-%d %H:%M}", ""]
    lines.append(f"本次收取 {len(rep.collected)} 名学生的提交：")
    for sid, info in sorted(rep.collected.items()):
        extra = "（迟交）" if info["late"] else ""
        nbs = "、".join(info["notebooks"]) or "（无笔记本）"
        lines.append(f"  {sid} {info['name']}  {info['time']}{extra}  {nbs}")
    sections = [
        ("未提交（名单上没有任何提交的学生）", rep.missing),
        ("对不上名单的文件（未收取）", rep.unmatched),
        ("重复提交（保留较新的）", rep.duplicates),
        ("其他模块的文件（未收取）", rep.wrong_module),
        ("损坏的文件", rep.broken),
        ("不安全或过大的内容（已忽略）", rep.unsafe),
        ("未覆盖（已有更新的提交）", rep.kept_existing),
        ("其他文件（不是笔记本或答案文件，已忽略）", rep.ignored),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"{title}：{len(items)} 项"]
            lines += [f"  - {x}" for x in items]
    text = "\n".join(lines) + "\n"
    ws.reports.mkdir(parents=True, exist_ok=True)
    (ws.reports / f"collect-{rep.module}.txt").write_text(text, encoding="utf-8")
    return text
