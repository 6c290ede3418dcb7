"""The class roster: 学号, 姓名 (and optionally 助教, 邮箱) from CSV or Excel.

Headers may be Chinese or English (学号/student_id/id, 姓名/name, 助教/ta,
邮箱/email).  CSV files may be UTF-8 (with or without BOM) or GBK, as Excel
in Chinese Windows saves them.  The roster is normalised into the workspace's
``roster.csv`` (UTF-8 with BOM) and into nbgrader's gradebook students.

Each student has a TA (助教): from the roster's column when given, otherwise
assigned round-robin over ``course.teaching_assistants`` in 学号 order; the
re-check sample is stratified by it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

HEADERS = {
    "id": ("学号", "student_id", "id", "学生学号", "编号"),
    "name": ("姓名", "name", "学生姓名", "名字"),
    "ta": ("助教", "ta", "评分助教", "批改助教"),
    "email": ("邮箱", "email", "电子邮箱", "e-mail"),
}
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class RosterError(Exception):
    """A roster that cannot be used; the message says in Chinese what to fix."""


@dataclass(frozen=True)
class Student:
    id: str
    name: str
    ta: str = ""
    email: str = ""


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise RosterError(f"名单文件 {path.name} 的编码无法识别，请用 Excel“另存为 CSV UTF-8”后重试。")


def _rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        import pandas as pd

        try:
            frame = pd.read_excel(path, dtype=str, header=None)
        except Exception as exc:  # noqa: BLE001
            raise RosterError(f"无法读取 Excel 名单 {path.name}（{exc}）。") from None
        return [["" if (v is None or str(v) == "nan") else str(v) for v in row] for row in frame.values.tolist()]
    text = _read_text(path)
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        key = str(h).strip().lower().replace(" ", "")
        for field, names in HEADERS.items():
            if key in (n.lower() for n in names) and field not in found:
                found[field] = i
    return found


def read(path: str | Path, teaching_assistants: list[str] | None = None) -> list[Student]:
    """Read a roster file; raise RosterError with a Chinese message if unusable."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"找不到名单文件 {path}。")
    rows = [r for r in _rows(path) if any(str(c).strip() for c in r)]
    if not rows:
        raise RosterError(f"名单文件 {path.name} 是空的。")
    cols = _column_map(rows[0])
    if "id" not in cols or "name" not in cols:
        raise RosterError(
            f"名单文件 {path.name} 的第一行应为表头，至少包含“学号”和“姓名”两列（现在是：{'、'.join(map(str, rows[0]))}）。"
        )
    students: list[Student] = []
    seen: dict[str, tuple[int, str]] = {}
    problems: list[str] = []
    for line_no, row in enumerate(rows[1:], start=2):

        def cell(field: str, row=row) -> str:
            i = cols.get(field)
            return str(row[i]).strip() if i is not None and i < len(row) else ""

        # full-width digits and letters from a Chinese input method count as ASCII
        sid = unicodedata.normalize("NFKC", cell("id")).strip()
        if sid.endswith(".0") and sid[:-2].isdigit():  # Excel numbers
            sid = sid[:-2]
        name = cell("name")
        who = f"（{name}）" if name else ""
        if not sid:
            problems.append(f"第 {line_no} 行{who}：缺少学号。")
            continue
        if not ID_RE.match(sid):
            problems.append(f"第 {line_no} 行{who}：学号「{sid}」只能包含字母、数字、短横线和下划线。")
            continue
        key = sid.lower()  # logins do not tell upper from lower case
        if key in seen:
            first, first_name = seen[key]
            problems.append(
                f"第 {line_no} 行{who}：学号 {sid} 与第 {first} 行{f'（{first_name}）' if first_name else ''}重复。"
            )
            continue
        seen[key] = (line_no, name)
        students.append(Student(sid, name or sid, cell("ta"), cell("email")))
    if problems:
        raise RosterError(f"名单文件 {path.name} 有 {len(problems)} 处需要修改：\n  " + "\n  ".join(problems))
    return assign_tas(students, teaching_assistants)


def assign_tas(students: list[Student], teaching_assistants: list[str] | None) -> list[Student]:
    """Fill missing TAs round-robin (in 学号 order) over the course's TAs."""
    tas = [t for t in (teaching_assistants or []) if t]
    if not tas or all(s.ta for s in students):
        return students
    order = sorted(range(len(students)), key=lambda i: students[i].id)
    out = list(students)
    for k, i in enumerate(order):
        s = out[i]
        if not s.ta:
            out[i] = Student(s.id, s.name, tas[k % len(tas)], s.email)
    return out


def write(students: list[Student], path: Path) -> None:
    """The normalised roster (UTF-8 with BOM, opens in Chinese Excel)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["学号", "姓名", "助教", "邮箱"])
        for s in students:
            w.writerow([s.id, s.name, s.ta, s.email])


def load(ws) -> list[Student]:
    """The workspace's roster; falls back to the gradebook's students."""
    if ws.roster_path.exists():
        return read(ws.roster_path)
    from .gradebook import gradebook

    if not ws.db_path.exists():
        return []
    with gradebook(ws) as gb:
        return [Student(s.id, s.last_name or s.first_name or s.id, "", s.email or "") for s in gb.students]


def enrol(ws, roster_file: Path) -> list[Student]:
    """A class's roster into its workspace: read (TAs assigned in turn from the settings when
    the file names none), saved as ``roster.csv`` and put into the gradebook."""
    from course import settings

    students = read(roster_file, settings.load()["course"]["teaching_assistants"])
    write(students, ws.roster_path)
    import_into_gradebook(ws, students)
    return students


def import_into_gradebook(ws, students: list[Student]) -> int:
    from .gradebook import gradebook

    with gradebook(ws) as gb:
        for s in students:
            gb.update_or_create_student(s.id, last_name=s.name, first_name="", email=s.email or None)
    return len(students)
