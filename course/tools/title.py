"""Product titles: width, segmentation, structure, stuffing and absolute words.

A title is 核心关键词 + 属性词 + 营销词 (workshop plan, module 1).  Its length is
counted in *width units* the way Taobao counts its 60-byte limit: a CJK character
(or any full-width character) counts 2, an ASCII letter or digit 1.  The source
document's example titles are 47 and 35 units, inside the 30-60 rule.

Words are found with jieba and the course's e-commerce dictionary
(``course/dict/lexicon.csv``; the same words in jieba's own format are in
``course/dict/userdict.txt`` for use with ``jieba.load_userdict``).  Without the
dictionary jieba splits the style word 现代简约 into 现代 + 简约 and the source
example would look as if 简约 were repeated.

>>> title_width("北欧ins风简约床头柜卧室小户型储物柜现代简约白色")
47
>>> r = check_title("北欧ins风简约床头柜卧室小户型储物柜现代简约白色", core_keyword="床头柜")
>>> r.ok, r.width
(True, 47)
>>> check_title("最好的床头柜").ok
False
"""

from __future__ import annotations

import csv
import html
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import checks as _checks
from .adwords import Finding, find_absolute_words

DICT_DIR = Path(__file__).resolve().parent.parent / "dict"
LEXICON = DICT_DIR / "lexicon.csv"
USERDICT = DICT_DIR / "userdict.txt"

ROLES = ("核心词", "属性词", "营销词", "他牌词")
_ROLE_TAG = {"核心词": "core", "属性词": "attr", "营销词": "mkt", "他牌词": "brand"}
_FREQ = 200000  # high enough that a dictionary word beats jieba's own splits

__all__ = [
    "title_width",
    "width_range",
    "segment",
    "check_title",
    "TitleReport",
    "Token",
    "lexicon",
    "split_words",
    "userdict_text",
    "char_problems",
    "width_ok",
    "no_stuffing",
    "clean_chars",
    "ContainsAll",
    "ContainsAny",
]


# -- width ------------------------------------------------------------------------


def char_width(ch: str) -> int:
    """2 for CJK and other full-width characters, 1 otherwise."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def title_width(text: str | None) -> int:
    """Width units of a title (CJK 2, ASCII 1); None counts 0.

    >>> title_width("北欧ins风"), title_width("ins"), title_width("")
    (9, 3, 0)
    """
    return sum(char_width(ch) for ch in str(text or ""))


# -- the dictionary -----------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    word: str
    role: str
    attr_type: str
    categories: tuple[str, ...]
    note: str = ""


@lru_cache(maxsize=2)
def _lexicon(path: str, mtime: float) -> dict[str, Word]:
    out: dict[str, Word] = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            w = row["word"].strip()
            if not w:
                continue
            cats = tuple(c for c in (row.get("categories") or "").split("|") if c)
            out[w] = Word(
                w, row["role"].strip(), (row.get("attr_type") or "").strip(), cats, (row.get("note") or "").strip()
            )
    return out


def lexicon() -> dict[str, Word]:
    """The e-commerce dictionary: word -> Word(role, attr_type, categories, note)."""
    return _lexicon(str(LEXICON), LEXICON.stat().st_mtime)


def userdict_text() -> str:
    """The dictionary in jieba's user-dictionary format (``词 词频 词性``)."""
    return "".join(f"{w.word} {_FREQ} {_ROLE_TAG.get(w.role, 'x')}\n" for w in lexicon().values())


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.ERROR)  # jieba logs to stderr; nbgrader zeroes cells with stderr
    tok = jieba.Tokenizer()
    tok.initialize()
    for w in lexicon().values():
        tok.add_word(w.word, _FREQ)
    return tok


# -- tokens -------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    word: str
    start: int
    end: int
    role: str = ""  # 核心词/属性词/营销词/他牌词, "" when not in the dictionary
    attr_type: str = ""

    @property
    def label(self) -> str:
        return self.role or ("空格" if not self.word.strip() else "其他")


_SIZE_RE = re.compile(r"^\d+(\.\d+)?(cm|mm|m|l|米|厘米|升|层)$", re.IGNORECASE)


def segment(title: str | None) -> list[Token]:
    """Split a title into words with jieba + the course dictionary.

    >>> [t.word for t in segment("北欧ins风简约床头柜")]
    ['北欧', 'ins风', '简约', '床头柜']
    """
    text = str(title or "")
    if not text:
        return []
    lex = lexicon()
    lower = {k.lower(): v for k, v in lex.items()}
    out = []
    for word, start, end in _tokenizer().tokenize(text):
        w = lex.get(word) or lower.get(word.lower())
        if w:
            out.append(Token(word, start, end, w.role, w.attr_type))
        elif _SIZE_RE.match(word):
            out.append(Token(word, start, end, "属性词", "尺寸"))
        else:
            out.append(Token(word, start, end))
    return out


def split_words(text: str | Iterable[str] | None) -> list[str]:
    """A typed list of words (、，, / space separated) -> clean list, order kept.

    >>> split_words("北欧、简约 ,小户型")
    ['北欧', '简约', '小户型']
    """
    if text is None:
        return []
    if not isinstance(text, str):
        text = "、".join(str(t) for t in text)
    parts = re.split(r"[、，,;；/|\s]+", unicodedata.normalize("NFKC", text))
    seen, out = set(), []
    for p in parts:
        p = p.strip()
        if p and p not in seen:
            seen.add(p)
            out.append(p)
    return out


# -- characters that do not belong in a title ----------------------------------------


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or cp in (0xFE0F, 0x200D) or unicodedata.category(ch) == "So"
    )


def char_problems(title: str) -> list[str]:
    """Emoji, symbols, full-width punctuation and full-width letters, in Chinese."""
    problems = []
    emoji = sorted({ch for ch in title if _is_emoji(ch) and ch not in "\ufe0f\u200d"}, key=title.index)
    if emoji:
        problems.append(f"标题含有表情或特殊符号「{''.join(emoji)}」：平台标题不允许使用，搜索也匹配不到，请删除。")
    punct = sorted(
        {ch for ch in title if unicodedata.category(ch).startswith("P") and char_width(ch) == 2}, key=title.index
    )
    if punct:
        problems.append(
            f"标题含有全角标点「{''.join(punct)}」：标题里的词直接连写或用一个半角空格分开，"
            "不要用标点（每个全角标点还占 2 个宽度单位）。"
        )
    wide = sorted({ch for ch in title if 0xFF10 <= ord(ch) <= 0xFF5A and ch.isalnum()}, key=title.index)
    if wide:
        half = "".join(unicodedata.normalize("NFKC", c) for c in wide)
        problems.append(f"标题含有全角字母或数字「{''.join(wide)}」：请改成半角（{half}），否则买家搜索时匹配不到。")
    return problems


# -- the check ------------------------------------------------------------------------


@dataclass
class TitleReport:
    """What ``check_title`` found; ``problems`` must be fixed, ``tips`` are advice."""

    title: str
    width: int
    width_min: int
    width_max: int
    tokens: list[Token] = field(default_factory=list)
    core_keyword: str | None = None
    category: str | None = None
    core_found: list[str] = field(default_factory=list)
    attributes_found: list[str] = field(default_factory=list)
    marketing_found: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    repeated: dict[str, int] = field(default_factory=dict)
    unrelated: list[str] = field(default_factory=list)
    other_brands: list[str] = field(default_factory=list)
    absolute: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    tips: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = "✓ 标题检查通过" if self.ok else f"✗ 标题有 {len(self.problems)} 处需要修改"
        lines = [f"{head}（长度 {self.width} 个宽度单位，要求 {self.width_min}-{self.width_max}）"]
        if self.tokens:
            lines.append("  分词：" + " | ".join(f"{t.word}({t.label})" for t in self.tokens if t.word.strip()))
        lines += [f"  ✗ {p}" for p in self.problems]
        lines += [f"  · 建议：{t}" for t in self.tips]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_html(self) -> str:
        """Live preview: coloured words, a width meter, problems and tips."""
        colours = {"核心词": "#c0392b", "属性词": "#1f6fb2", "营销词": "#218a3b", "他牌词": "#8e44ad"}
        bad = {f.start for f in self.absolute}
        spans = []
        for t in self.tokens:
            style = f"color:{colours[t.role]};font-weight:bold" if t.role in colours else "color:#333"
            if t.start in bad or t.word in self.repeated or t.word in self.unrelated:
                style += ";text-decoration:underline wavy #d00"
            spans.append(f"<span title='{html.escape(t.label)}' style='{style}'>{html.escape(t.word)}</span>")
        pct = min(100, round(100 * self.width / max(self.width_max, 1)))
        ok_w = self.width_min <= self.width <= self.width_max
        bar = (
            f"<div style='width:300px;background:#eee;height:8px;border-radius:4px'>"
            f"<div style='width:{pct}%;background:{'#3a3' if ok_w else '#d33'};height:8px;border-radius:"
            "4px'></div></div>"
        )
        legend = " ".join(f"<span style='color:{c}'>■{r}</span>" for r, c in colours.items())
        items = "".join(f"<li style='color:#b30000'>{html.escape(p)}</li>" for p in self.problems)
        items += "".join(f"<li style='color:#7a5a00'>建议：{html.escape(t)}</li>" for t in self.tips)
        status = (
            "<b style='color:#217a21'>✓ 标题检查通过</b>"
            if self.ok
            else f"<b style='color:#b30000'>✗ {len(self.problems)} 处需要修改</b>"
        )
        return (
            f"<div class='course-title-preview' style='margin:6px 0'>"
            f"<div style='font-size:16px'>{''.join(spans) or '（空）'}</div>"
            f"<div style='margin:4px 0'>长度 <b>{self.width}</b> 个宽度单位（要求 "
            f"{self.width_min}-{self.width_max}；"
            f"汉字算 2，字母数字算 1）{bar}</div>"
            f"<div style='font-size:12px'>{legend}</div>{status}<ul style='margin:4px 0'>{items}</ul></div>"
        )


def width_range() -> tuple[int, int]:
    """(min, max) title width in force (settings ``title_width_min`` / ``title_width_max``)."""
    from .. import settings

    return (
        int(settings.threshold("listing", "title_width_min")),
        int(settings.threshold("listing", "title_width_max")),
    )


def check_title(
    title: str | None,
    *,
    core_keyword: str | None = None,
    required: Iterable[str] = (),
    category: str | None = None,
    brand: str | None = None,
    width_min: int | None = None,
    width_max: int | None = None,
) -> TitleReport:
    """Check a title against the module-1 rules; every problem is a Chinese sentence.

    ``core_keyword``: the product's core keyword (must appear); ``required``: words
    that must appear (the core attribute words); ``category``: the product's
    sub-category, for finding unrelated words (default: the core keyword's own
    category); ``brand``: the shop's brand, when the title must carry it.
    """
    lo, hi = width_range()
    lo = lo if width_min is None else width_min
    hi = hi if width_max is None else width_max
    raw = "" if title is None else str(title)
    text = raw.strip()
    rep = TitleReport(raw, title_width(text), lo, hi, core_keyword=core_keyword or None)
    if not text:
        rep.problems.append(f"标题是空的：请输入商品标题（核心关键词+属性词+营销词），长度 {lo}-{hi} 个宽度单位。")
        return rep
    if text != raw:
        rep.tips.append("标题首尾有空格，保存时会去掉。")
    if "  " in text:
        rep.tips.append("标题里有连续空格，保留一个即可（空格也占宽度）。")
    rep.problems.extend(char_problems(text))

    lex = lexicon()
    rep.tokens = segment(text)
    words = [t for t in rep.tokens if t.word.strip()]
    rep.category = _product_category(category, core_keyword, words, lex)
    _check_width(rep)
    _check_structure(rep, text, words, core_keyword, required, brand)
    _check_stuffing(rep, words, lex)
    rep.absolute = find_absolute_words(text)  # 广告法第九条
    rep.problems.extend(f.message() for f in rep.absolute)
    return rep


def _product_category(category: str | None, core_keyword: str | None, words: list[Token], lex: dict) -> str | None:
    """The product's sub-category: given, else the core keyword's (or the first core word's) own."""
    first_core = core_keyword or next((t.word for t in words if t.role == "核心词"), None)
    if category is None and first_core in lex and lex[first_core].categories:
        return lex[first_core].categories[0]
    return category


def _check_width(rep: TitleReport) -> None:
    lo, hi = rep.width_min, rep.width_max
    if rep.width < lo:
        rep.problems.append(
            f"标题长度 {rep.width} 个宽度单位，少于 {lo}：请补充属性词或营销词（汉字算 2 个单位，字母数字算 1 个）。"
        )
    elif rep.width > hi:
        rep.problems.append(f"标题长度 {rep.width} 个宽度单位，超过 {hi}：超出部分会被平台截断，请删去次要的词。")


def _check_structure(
    rep: TitleReport,
    text: str,
    words: list[Token],
    core_keyword: str | None,
    required: Iterable[str],
    brand: str | None,
) -> None:
    """核心关键词 + 属性词 + 营销词, the required attribute words and the brand."""
    rep.core_found = [t.word for t in words if t.role == "核心词"]
    rep.attributes_found = [t.word for t in words if t.role == "属性词"]
    rep.marketing_found = [t.word for t in words if t.role == "营销词"]
    if core_keyword:
        if core_keyword not in text:
            rep.problems.append(
                f"标题缺少核心关键词「{core_keyword}」：买家主要用它搜索，必须写进标题（建议放在前半部分）。"
            )
        elif text.index(core_keyword) > len(text) / 2:
            rep.tips.append(f"核心关键词「{core_keyword}」在标题后半部分，建议往前放。")
    elif not rep.core_found:
        category = rep.category
        example = f"（本商品是{category}，如「{category}」）" if category else "（买家搜这类商品最常用的词）"
        rep.problems.append(f"标题里没有找到核心关键词{example}：标题结构是 核心关键词+属性词+营销词。")
    if not rep.attributes_found:
        rep.problems.append("标题里没有属性词（风格、材质、颜色、尺寸、空间等）：结构是 核心关键词+属性词+营销词。")
    if not rep.marketing_found:
        rep.tips.append("可以加 1 个营销词（如 2026新款、包邮），结构是 核心关键词+属性词+营销词。")
    for word in split_words(required):
        if word not in text:
            rep.missing_required.append(word)
            rep.problems.append(f"标题缺少核心属性词「{word}」：买家常用它搜索，缺了会丢掉这部分搜索流量。")
    if brand and brand not in text:
        rep.problems.append(f"标题缺少品牌名「{brand}」（表1 商品名称的审核要点：是否包含品牌名）。")


def _check_stuffing(rep: TitleReport, words: list[Token], lex: dict) -> None:
    """Keyword stuffing: repeated words, words of other categories, other brands."""
    counts: dict[str, int] = {}
    for t in words:
        if t.role or (len(t.word) >= 2 and not t.word.isdigit()):
            counts[t.word] = counts.get(t.word, 0) + 1
    rep.repeated = {w: n for w, n in counts.items() if n > 1}
    for w, n in rep.repeated.items():
        rep.problems.append(
            f"「{w}」重复出现 {n} 次：重复不会增加搜索权重，只浪费标题宽度（关键词堆砌），请删去重复的。"
        )
    if rep.category:
        for t in words:
            entry = lex.get(t.word)
            other_category = entry and entry.categories and rep.category not in entry.categories
            if other_category and entry.role in ("核心词", "属性词") and t.word not in rep.unrelated:
                rep.unrelated.append(t.word)
        for w in rep.unrelated:
            rep.problems.append(
                f"「{w}」与本商品（{rep.category}）无关：写无关的词属于关键词堆砌，"
                "会降低搜索相关性甚至被平台降权，请删除。"
            )
    rep.other_brands = list(dict.fromkeys(t.word for t in words if t.role == "他牌词"))
    for w in rep.other_brands:
        rep.problems.append(f"「{w}」借用其他品牌的名义（蹭品牌）：可能侵犯商标权、构成不正当竞争，请删除。")


# -- the title rules as yes/no checks (public; graded tasks and visible checks use them) ----


def _text(title) -> str:
    return "" if title is None else str(title).strip()


def width_ok(title) -> bool:
    """The title's width is within the settings' range (汉字 2, letters and digits 1).

    >>> width_ok("北欧ins风简约床头柜卧室小户型储物柜现代简约白色"), width_ok("床头柜")
    (True, False)
    """
    lo, hi = width_range()
    text = _text(title)
    return bool(text) and lo <= title_width(text) <= hi


def no_stuffing(title, category: str | None = None) -> bool:
    """No repeated word, no word of another category, no other brand's name (关键词堆砌).

    ``category`` defaults to the featured product's sub-category.

    >>> no_stuffing("北欧简约床头柜卧室床头柜", category="床头柜"), no_stuffing("北欧床头柜鞋柜", category="床头柜")
    (False, False)
    """
    text = _text(title)
    if not text:
        return False
    if category is None:
        from .. import featured

        category = featured.product().category
    rep = check_title(text, category=category)
    return not rep.repeated and not rep.unrelated and not rep.other_brands


def clean_chars(title) -> bool:
    """No emoji, symbols, full-width punctuation or full-width letters.

    >>> clean_chars("北欧床头柜"), clean_chars("北欧床头柜！")
    (True, False)
    """
    text = _text(title)
    return bool(text) and not char_problems(text)


def _pieces(text: str, longest: int) -> set[str]:
    return {text[i:j] for i in range(len(text)) for j in range(i + 1, min(len(text), i + longest) + 1)}


@dataclass(kw_only=True)
class ContainsAll(_checks.Check):
    """A text (at ``column``) contains every reference word (the core attribute words, the brand).

    Partial credit with ``partial=True``: the share of the words found.

    >>> task = [ContainsAll(msg="缺词")]
    >>> forms = _checks.reference_forms(task, [["北欧", "简约"]])
    >>> _checks.judge_all(task, "北欧风简约床头柜", _checks.PlainReference(forms)).right
    True
    >>> _checks.judge_all(task, "北欧床头柜", _checks.PlainReference(forms)).messages
    ['缺词']
    """

    column: str | None = None
    longest: int = 16
    kind = "ContainsAll"
    needs_reference = True

    def reference_forms(self, ref_value):
        return {"": sorted({w for w in (_checks.norm_text(x) for x in _checks.as_items(ref_value)) if w})}

    def judge(self, value, ref):
        text = _checks.norm_text(_checks.column_or_field(value, self.column) or "")
        if not text:
            return 0.0
        got, total = ref.hits("", _pieces(text, self.longest))
        if total == 0:
            return 1.0
        return got / total if self.partial else float(got == total)


@dataclass(kw_only=True)
class ContainsAny(ContainsAll):
    """A text (at ``column``) contains at least one of the reference words (a compliant marketing word).

    >>> task = [ContainsAny(msg="没有营销词")]
    >>> forms = _checks.reference_forms(task, [["2026新款", "焕新家"]])
    >>> _checks.judge_all(task, "北欧床头柜2026新款", _checks.PlainReference(forms)).right
    True
    """

    kind = "ContainsAny"

    def judge(self, value, ref):
        text = _checks.norm_text(_checks.column_or_field(value, self.column) or "")
        return float(bool(text) and ref.hits("", _pieces(text, self.longest))[0] > 0)
