"""Personal data (个人信息) in exports: mask it, and export only what a task needs.

The control point of module 4: names, phone numbers and addresses are used only
for fulfilment (履约：发货、售后) and contact (触达); every file that leaves
the back office carries only the columns its purpose needs, with phone numbers
as ``138****1234``, names as ``张**`` and addresses trimmed to the district.

>>> mask_phone("13812341234")
'138****1234'
>>> mask_phone("+86 138-1234-1234")
'138****1234'
>>> mask_name("张三丰"), mask_name("欧阳娜娜")
('张**', '欧阳**')
>>> mask_address("浙江省杭州市西湖区文三路100号3单元501室")
'浙江省杭州市西湖区****'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from ..messages import CourseError

MASK = "****"

# Chinese compound surnames (复姓) that keep two characters
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "令狐",
    "钟离",
    "闻人",
    "澹台",
    "申屠",
    "独孤",
    "南宫",
    "西门",
    "端木",
    "百里",
    "呼延",
)

_PHONE_RE = re.compile(r"1[3-9]\d{9}")
_MASKED_PHONE_RE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")
_MASKED_NAME_RE = re.compile(r"^[^*]{1,2}\*+$")


def _blank(value) -> bool:
    if value is None:
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return str(value).strip() == ""


def mask_phone(value) -> str | None:
    """A mainland mobile number as ``138****1234``; other numbers keep only the last 4 digits.

    Already-masked values are returned unchanged; blanks stay blank (None).

    >>> mask_phone("138****1234"), mask_phone(None), mask_phone("0571-88886666")
    ('138****1234', None, '****6666')
    """
    if _blank(value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _MASKED_PHONE_RE.match(text):
        return text
    digits = re.sub(r"\D", "", text)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _PHONE_RE.fullmatch(digits):
        return f"{digits[:3]}{MASK}{digits[-4:]}"
    if len(digits) >= 7:
        return f"{MASK}{digits[-4:]}"
    return MASK  # too short to be a real number: hide all of it


def mask_name(value) -> str | None:
    """Surname kept, the rest as ``**`` (fixed length, so the name's length is hidden).

    >>> mask_name("李明"), mask_name("黎*"), mask_name("Alice Wang")
    ('李**', '黎*', 'A**')
    """
    if _blank(value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _MASKED_NAME_RE.match(text):
        return text  # already masked (the shop data writes 黎* / 李**)
    head = text[:2] if text[:2] in COMPOUND_SURNAMES else text[:1]
    return head + "**"


_ADDR_LEVELS = re.compile(
    r"^(?P<prov>.+?(?:省|自治区|特别行政区)|北京市|上海市|天津市|重庆市|北京|上海|天津|重庆)?"
    r"(?P<city>.+?(?:自治州|市|州|盟|地区))?"
    r"(?P<dist>.+?(?:区|县|旗|市))?"
)


def mask_address(value) -> str | None:
    """Keep province, city and district; the street and house number become ``****``.

    >>> mask_address("上海市浦东新区张江路88弄5号"), mask_address("文三路100号")
    ('上海市浦东新区****', '****')
    """
    if _blank(value):
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    if text.endswith(MASK):
        return text
    m = _ADDR_LEVELS.match(text)
    kept = "".join(g for g in (m.group("prov"), m.group("city"), m.group("dist")) if g) if m else ""
    return kept + MASK


# -- finding and masking whole tables ----------------------------------------

PHONE_COLUMNS = ("phone", "mobile", "手机号", "手机", "电话", "联系电话", "phone_masked")
NAME_COLUMNS = ("name", "customer_name", "receiver", "姓名", "收货人", "客户姓名", "name_masked")
ADDRESS_COLUMNS = ("address", "收货地址", "地址", "详细地址")


def _matches(col: str, names: Iterable[str]) -> bool:
    c = str(col).lower()
    return any(c == n.lower() for n in names)


def pii_columns(df: pd.DataFrame) -> dict[str, list[str]]:
    """Columns that hold personal data, by kind (phone/name/address)."""
    return {
        "phone": [c for c in df.columns if _matches(c, PHONE_COLUMNS)],
        "name": [c for c in df.columns if _matches(c, NAME_COLUMNS)],
        "address": [c for c in df.columns if _matches(c, ADDRESS_COLUMNS)],
    }


def mask_frame(
    df: pd.DataFrame,
    *,
    phone: Iterable[str] | None = None,
    name: Iterable[str] | None = None,
    address: Iterable[str] | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` with phone, name and address columns masked.

    Columns are found by name (see ``PHONE_COLUMNS`` ...) unless given.
    """
    if df is None:
        raise CourseError("要脱敏的表格还是 None：请先完成上一步。")
    found = pii_columns(df)
    out = df.copy()
    for kind, given, fn in (
        ("phone", phone, mask_phone),
        ("name", name, mask_name),
        ("address", address, mask_address),
    ):
        cols = list(given) if given is not None else found[kind]
        for c in cols:
            if c not in out.columns:
                raise CourseError(f"表格中没有列「{c}」，无法脱敏。现有的列：{'、'.join(map(str, out.columns))}。")
            masked = out[c].map(fn).astype("object")
            out[c] = masked.where(masked.notna(), None)
    return out


def find_unmasked(df: pd.DataFrame) -> list[str]:
    """Chinese problems for personal data left in clear text (empty when clean).

    Looks at every text column for 11-digit mobile numbers, and at name and
    address columns for values that are not masked.
    """
    problems = []
    if df is None:
        return ["表格还是 None。"]
    for c in df.columns:
        s = df[c]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        text = s.dropna().astype(str)
        n = int(text.str.replace(r"[\s-]", "", regex=True).str.contains(_PHONE_RE).sum())
        if n:
            problems.append(f"列「{c}」有 {n} 个完整手机号，请用 mask_phone 脱敏（如 138****1234）。")
    found = pii_columns(df)
    for c in found["name"]:
        text = df[c].dropna().astype(str)
        n = int((~text.str.match(_MASKED_NAME_RE)).sum())
        if n:
            problems.append(f"列「{c}」有 {n} 个姓名没有脱敏，请用 mask_name（如 张**）。")
    for c in found["address"]:
        text = df[c].dropna().astype(str)
        n = int((~text.str.endswith(MASK)).sum())
        if n:
            problems.append(f"列「{c}」有 {n} 个地址没有截短，请用 mask_address（只保留到区县）。")
    return problems


# -- exports by purpose ---------------------------------------------------------

#: what each purpose may carry: column -> required?  (column names as in the
#: course data and the module-4 notebooks; a teacher may add more)
PURPOSES: dict[str, dict] = {
    "触达": {
        "description": "发送短信/推送/电话回访的名单：谁、何时、哪个渠道、发什么",
        "required": ["user_id", "channel", "send_time"],
        "optional": [
            "phone",
            "phone_masked",
            "name",
            "name_masked",
            "content",
            "campaign",
            "msg_type",
            "message_id",
            "benefit",
        ],
    },
    "履约": {
        "description": "发货与售后：订单、商品、收货人与地址",
        "required": ["order_id"],
        "optional": [
            "user_id",
            "name",
            "name_masked",
            "phone",
            "phone_masked",
            "address",
            "region",
            "sku_id",
            "product_name",
            "qty",
            "gift",
        ],
    },
    "分析": {
        "description": "数据分析：不带任何可识别个人的信息",
        "required": ["user_id"],
        "optional": ["segment", "region", "gender", "age_band", "member_tier", "tags"],
    },
}
ALIASES = {"sent_at": "send_time", "发送时间": "send_time", "渠道": "channel"}


def export_for(df: pd.DataFrame, purpose: str, *, quiet: bool = False) -> pd.DataFrame:
    """The columns ``purpose`` needs, personal data masked; prints what was left out.

    ``purpose`` is one of 触达 (contact), 履约 (fulfilment), 分析 (analysis).
    A missing required column is an error naming it; extra columns are removed
    and listed, so the operator sees what did not leave the back office.
    """
    if df is None:
        raise CourseError("要导出的表格还是 None：请先完成上一步。")
    if purpose not in PURPOSES:
        raise CourseError(f"导出用途「{purpose}」不认识，可选：{'、'.join(PURPOSES)}。")
    spec = PURPOSES[purpose]
    renamed = df.rename(columns={k: v for k, v in ALIASES.items() if k in df.columns and v not in df.columns})
    missing = [c for c in spec["required"] if c not in renamed.columns]
    if missing:
        raise CourseError(f"「{purpose}」导出缺少必需的列：{'、'.join(missing)}（用途：{spec['description']}）。")
    keep = [c for c in renamed.columns if c in spec["required"] or c in spec["optional"]]
    dropped = [c for c in renamed.columns if c not in keep]
    out = mask_frame(renamed[keep])
    if not quiet:
        left_out = f"未导出 {len(dropped)} 列（{'、'.join(map(str, dropped))}）" if dropped else "没有多余的列"
        print(
            f"「{purpose}」导出：保留 {len(keep)} 列（{'、'.join(map(str, keep))}），{left_out}；"
            "手机号、姓名、地址已脱敏。"
        )
    return out.reset_index(drop=True)


# -- public properties of an export (the module's visible self-checks use them) ----------


def columns_allowed(df: pd.DataFrame, purpose: str) -> bool:
    """True when every column of ``df`` is one the purpose needs (required or optional)."""
    if df is None or purpose not in PURPOSES or not hasattr(df, "columns"):
        return False
    spec = PURPOSES[purpose]
    allowed = set(spec["required"]) | set(spec["optional"])
    return all(ALIASES.get(str(c), str(c)) in allowed for c in df.columns)


def is_masked(df: pd.DataFrame) -> bool:
    """True when no phone number, name or address is left in clear text (see :func:`find_unmasked`)."""
    if df is None or not hasattr(df, "columns"):
        return False
    return not find_unmasked(df)
