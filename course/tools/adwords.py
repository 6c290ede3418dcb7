"""Absolute words (广告绝对化用语 / 极限词): find them, explain them, suggest an alternative.

The word list is data, in ``course/resources/absolute_words.yaml``: categories of
words, each with the reason it is not allowed, the legal basis (《广告法》第九条
第（三）项 …) and a compliant alternative.  Fixed phrases that only express time,
order, a rule's limit or a consumer tip (第一次, 第一步, 最近, 每人最多限购2件,
最佳使用时间) are *allowed contexts* and are not reported.

Used for titles and detail copy (module 1) and promotion rule text (module 2).

>>> [f.word for f in find_absolute_words("最好的床头柜")]
['最好']
>>> find_absolute_words("第一次购买立减20元")
[]
>>> is_compliant("北欧ins风简约床头柜卧室小户型储物柜现代简约白色")
True
>>> f = find_absolute_words("全网销量第一的收纳盒")[0]
>>> (f.word, f.start, f.end, f.category)
('全网销量第一', 0, 6, '排名与唯一性用语')
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..messages import CourseError

WORDS_FILE = Path(__file__).resolve().parent.parent / "resources" / "absolute_words.yaml"

__all__ = [
    "Finding",
    "find_absolute_words",
    "is_compliant",
    "explain",
    "findings_table",
    "word_table",
    "load_word_list",
    "WORDS_FILE",
]


@dataclass(frozen=True)
class Finding:
    """One absolute word found in a text.

    ``start``/``end`` index the original text (``text[start:end] == word``).
    """

    word: str
    start: int
    end: int
    category: str
    reason: str
    suggestion: str
    source: str
    category_id: str = ""

    def message(self) -> str:
        """One Chinese line: what, why, legal basis, what to write instead."""
        return f"「{self.word}」（{self.category}）：{self.reason}依据：{self.source}。建议改为：{self.suggestion}"

    def as_dict(self) -> dict:
        return asdict(self)


# -- the word list ----------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    word: str
    pattern: re.Pattern
    category: str
    category_id: str
    reason: str
    suggestion: str
    source: str
    extend: bool  # a single character such as 最: report it with the next character


def _fold(text: str) -> str:
    """Full-width ASCII to half-width and lower case, one character for one
    character, so positions in the folded text are positions in the original."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        elif code == 0x3000:
            ch = " "
        out.append(ch.lower() if len(ch.lower()) == 1 else ch)
    return "".join(out)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[dict, tuple[_Entry, ...], tuple[re.Pattern, ...]]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CourseError(f"无法读取极限词清单 {path}：{exc}。请恢复 course/resources/absolute_words.yaml。") from None
    sources = data.get("sources", {})

    def source_text(ids) -> str:
        ids = [ids] if isinstance(ids, str) else list(ids or [])
        missing = [i for i in ids if i not in sources]
        if missing:
            raise CourseError(f"极限词清单引用了不存在的依据：{'、'.join(missing)}（请在 sources 中补上）。")
        return "；".join(sources[i]["name"] for i in ids)

    entries = []
    for cat in data.get("categories", []):
        src = source_text(cat.get("source"))
        for w in cat.get("words", []):
            word = str(w["word"])
            rx = w.get("regex")
            pattern = re.compile(rx if rx else re.escape(_fold(word)), re.IGNORECASE)
            entries.append(
                _Entry(
                    word,
                    pattern,
                    cat["name"],
                    cat["id"],
                    w.get("reason") or cat["reason"],
                    w.get("suggestion") or cat["suggestion"],
                    src,
                    len(word) == 1 and not rx,
                )
            )
    allowed = tuple(re.compile(a["pattern"], re.IGNORECASE) for a in data.get("allowed_contexts", []))
    for a in data.get("allowed_contexts", []):
        source_text(a.get("source"))
    return data, tuple(entries), allowed


def load_word_list(path: str | Path | None = None) -> dict:
    """The parsed YAML word list (sources, categories, allowed_contexts)."""
    p = Path(path or WORDS_FILE)
    return _load(str(p), p.stat().st_mtime)[0]


def _compiled(path: str | Path | None = None):
    p = Path(path or WORDS_FILE)
    if not p.is_file():
        raise CourseError(f"找不到极限词清单 {p}。请恢复 course/resources/absolute_words.yaml。")
    return _load(str(p), p.stat().st_mtime)


# -- finding ------------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def find_absolute_words(text: str, *, path: str | Path | None = None) -> list[Finding]:
    """All absolute words in ``text``, in order of position.

    Longer entries win over shorter ones (全网销量第一 over 第一); matches that
    lie inside an allowed context (第一次, 最近, 每人最多限购2件 ...) are dropped.
    ``None`` or blank text gives an empty list.
    """
    if text is None:
        return []
    text = str(text)
    if not text.strip():
        return []
    _data, entries, allowed = _compiled(path)
    folded = _fold(text)
    allowed_spans = [m.span() for rx in allowed for m in rx.finditer(folded)]

    def inside_allowed(s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in allowed_spans)

    candidates = []
    for entry in entries:
        for m in entry.pattern.finditer(folded):
            s, e = m.span()
            if e > s and not inside_allowed(s, e):
                candidates.append((s, e, entry))
    # longest first, then leftmost: a long entry hides the short ones it contains
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, _Entry]] = []
    for s, e, entry in candidates:
        if all(e <= ts or s >= te for ts, te, _ in taken):
            taken.append((s, e, entry))
    findings = []
    for s, e, entry in sorted(taken, key=lambda c: c[0]):
        if entry.extend and e < len(text) and _is_cjk(text[e]):
            e += 1
        findings.append(
            Finding(text[s:e], s, e, entry.category, entry.reason, entry.suggestion, entry.source, entry.category_id)
        )
    return findings


def is_compliant(text: str, *, path: str | Path | None = None) -> bool:
    """True when ``text`` has no absolute word (allowed contexts excepted)."""
    return not find_absolute_words(text, path=path)


def explain(text: str) -> str:
    """A Chinese report: each finding with its reason, basis and alternative."""
    found = find_absolute_words(text)
    if not found:
        return "✓ 未发现广告法禁止的绝对化用语（极限词）。"
    lines = [f"✗ 发现 {len(found)} 处绝对化用语（极限词）："]
    lines += [f"  {i}. {f.message()}" for i, f in enumerate(found, 1)]
    return "\n".join(lines)


def findings_table(text: str):
    """The findings as a DataFrame with Chinese column names (for notebooks)."""
    import pandas as pd

    rows = [
        {
            "用语": f.word,
            "位置": f"{f.start}-{f.end}",
            "类别": f.category,
            "原因": f.reason,
            "依据": f.source,
            "建议改为": f.suggestion,
        }
        for f in find_absolute_words(text)
    ]
    return pd.DataFrame(rows, columns=["用语", "位置", "类别", "原因", "依据", "建议改为"])


def word_table():
    """The whole list as a DataFrame (类别, 用语, 原因, 依据, 建议改为)."""
    import pandas as pd

    _data, entries, _allowed = _compiled()
    return pd.DataFrame(
        [
            {"类别": e.category, "用语": e.word, "原因": e.reason, "依据": e.source, "建议改为": e.suggestion}
            for e in entries
        ]
    )
