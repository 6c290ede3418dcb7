"""Build the editable Excel templates of tables 1, 2 and 3 (the workshop's 工具模板).

    python -m course.resources.build_templates          # writes the three .xlsx next to this file
    python -m course.resources.build_templates --out D  # somewhere else
    python -m course.resources.build_templates --check  # exit 1 if a template is out of date

The templates are what students take to work: the tables of the workshop plan
with their sample rows, plus formulas that do the arithmetic an operator does
by hand (转化率 = 下单数 / UV in table 2, the title width and price checks of
table 1, the segment of a customer in table 3).  Every limit the formulas use
sits in a visible 参数 block filled from ``course/settings.yaml`` at build
time, so a teacher who changed a threshold rebuilds the templates and the
students can still change the number in Excel.

The files are byte-for-byte reproducible (fixed zip timestamps and document
dates), so rebuilding without a change leaves git clean.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from course import featured, settings
from course.tools.adwords import load_word_list
from course.tools.sku import MEANINGLESS

HERE = Path(__file__).resolve().parent

TABLE1 = "表1_商品上架信息核对表.xlsx"
TABLE2 = "表2_营销活动效果跟踪表.xlsx"
TABLE3 = "表3_用户分层运营策略表.xlsx"

# -- the tables of the workshop plan (seed 000, 三、工具表格与操作指南) --------------

T1_HEADER = ["字段", "填写规范", "示例", "审核要点", "本商品填写内容", "审核结果", "问题与修改意见"]
T1_ROWS = [
    [
        "商品名称",
        "{tmin}-{tmax}字符（按宽度计：汉字2、字母数字1），含核心关键词",
        "北欧ins风简约床头柜卧室小户型储物柜",
        "是否包含品牌名、核心属性词",
    ],
    ["价格", "精确到0.01，建议设置“日常价+活动价”", "日常价：599.00，活动价：499.00", "活动价是否低于成本价"],
    [
        "主图",
        "{imgs}张，首图白底，其余场景图",
        "白底图1张、卧室场景图2张、细节图2张",
        "图片尺寸（{size}×{size}像素）、清晰度、是否无违规元素",
    ],
    [
        "详情页首屏卖点",
        "{spmin}-{spmax}个，解决用户核心痛点",
        "“免安装抽拉设计”“环保E1级板材”",
        "是否可快速抓住用户注意力",
    ],
    [
        "SKU属性组合",
        "避免无效选项（如“颜色:默认”）",
        "颜色：白色/原木色；尺寸：60cm/80cm",
        "是否覆盖主流需求，无冗余选项",
    ],
]
T1_STEPS = [
    "运营人员按表格字段填写商品基础信息；",
    "设计师配合完成主图与详情页制作；",
    "由主管逐项核对审核要点，标注问题并反馈修改；",
    "修改无误后提交平台审核，同步更新库存数据。",
]

T2_HEADER = [
    "日期",
    "渠道",
    "UV",
    "加购数",
    "下单数",
    "GMV（元）",
    "转化率（%）",
    "加购率（%）",
    "客单价（元）",
    "问题记录",
]
T2_SAMPLE = [  # the three sample rows of table 2
    [_dt.date(2024, 6, 1), "平台首页推荐", 1200, 300, 72, 28800, "流量大但转化偏低"],
    [_dt.date(2024, 6, 1), "付费广告", 800, 240, 64, 25600, "转化率高于预期2倍"],
    [_dt.date(2024, 6, 1), "社群引流", 500, 150, 30, 12000, "用户咨询价格频次高"],
]
T2_SAMPLE_RATES = [0.060, 0.080, 0.060]  # 转化率 printed in the plan: 6.0 / 8.0 / 6.0 %
CHANNELS = ["自然搜索", "付费广告", "平台首页推荐", "社群引流", "直播"]
T2_STEPS = [
    "活动开始前，按渠道设置每日数据跟进维度（UV、转化率等）；",
    "运营人员每日18:00前从前台导出数据，填写表格并标注问题；",
    "每日晨会复盘前一日数据，针对“问题记录”列制定调整策略（如“社群用户咨询价格多，需在群公告突出优惠规则”）；",
    "活动结束后汇总全部数据，形成活动效果报告。",
]
T2_FORMULA_ROWS = 60  # pre-filled formula rows for the student's own data

T3_HEADER = ["用户类型", "判断标准", "运营目标", "触达方式", "权益/内容"]
T3_STEPS = [
    "通过后台导出用户订单数据，按“近30天消费频次”“客单价”“最后消费时间”划分用户类型；",
    "根据用户类型匹配对应触达方式与权益，避免同一用户接收重复信息（任意24小时内营销消息不超过{cap}条）；",
    "运营人员按周推送权益，每周统计各类型用户转化率（如沉睡用户7天内复购率）；",
    "每月更新用户标签，动态调整运营策略（如潜力用户连续消费2次后，转入高价值用户池）。",
]

# -- styles --------------------------------------------------------------------

THIN = Side(style="thin", color="B7B7B7")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
PARAM_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
FORMULA_FILL = PatternFill("solid", fgColor="F2F2F2")
WARN_FILL = PatternFill("solid", fgColor="FCE4D6")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
NOTE_FONT = Font(color="666666", size=9)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _minimal(words) -> list[str]:
    """Words none of which contains another (a formula searching substrings needs no more), in order.

    >>> _minimal(["最", "最好", "第一", "默认"])
    ['最', '第一', '默认']
    """
    words = list(dict.fromkeys(w for w in words if len(w) > 1 or "\u4e00" <= w <= "\u9fff"))
    return [w for w in words if not any(o != w and o in w for o in words)]


def absolute_words() -> list[str]:
    """The course's absolute words (course/resources/absolute_words.yaml) for a substring search."""
    return _minimal(e["word"] for cat in load_word_list()["categories"] for e in cat["words"])


def invalid_option_words() -> list[str]:
    """Meaningless SKU option values (course.tools.sku.MEANINGLESS) for a substring search; one-character
    ones (无, -, /) are left out because they occur inside real values (无纺布, 白色/原木色)."""
    return _minimal(w for w in sorted(MEANINGLESS, key=lambda w: (len(w), w)) if len(w) > 1)


def any_in(words: list[str], cell: str) -> str:
    """An Excel condition: ``cell`` contains one of ``words`` (case-insensitive).

    >>> any_in(["最", "第一"], "B4")
    'OR(ISNUMBER(SEARCH("最",B4)),ISNUMBER(SEARCH("第一",B4)))'
    """
    return "OR(" + ",".join(f'ISNUMBER(SEARCH("{w}",{cell}))' for w in words) + ")"


def _title(ws, text: str, width: int, note: str = "") -> None:
    ws.cell(row=1, column=1, value=text).font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    if note:
        ws.cell(row=2, column=1, value=note).font = NOTE_FONT
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _header(ws, row: int, names: list[str]) -> None:
    for j, name in enumerate(names, 1):
        c = ws.cell(row=row, column=j, value=name)
        c.font = BOLD
        c.fill = HEAD_FILL
        c.border = BORDER
        c.alignment = CENTER


def _box(ws, row: int, col: int, value, *, fill=None, fmt: str | None = None, wrap: bool = False):
    c = ws.cell(row=row, column=col, value=value)
    c.border = BORDER
    if fill is not None:
        c.fill = fill
    if fmt:
        c.number_format = fmt
    if wrap:
        c.alignment = WRAP
    return c


def _widths(ws, widths: list[float]) -> None:
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w


def _steps(ws, row: int, steps: list[str], width: int) -> int:
    ws.cell(row=row, column=1, value="使用步骤").font = BOLD
    for i, text in enumerate(steps, 1):
        ws.cell(row=row + i, column=1, value=f"{i}. {text}").alignment = Alignment(wrap_text=False)
    return row + len(steps) + 1


def _params(ws, row: int, col: int, items: list[tuple[str, object, str]]) -> dict[str, str]:
    """A 参数 block (label, value, note); returns {label: absolute cell address}."""
    ws.cell(row=row, column=col, value="参数（来自 course/settings.yaml，可直接修改）").font = BOLD
    addr = {}
    for i, (label, value, note) in enumerate(items, 1):
        _box(ws, row + i, col, label)
        cell = _box(ws, row + i, col + 1, value, fill=PARAM_FILL)
        if isinstance(value, float) and value < 1:
            cell.number_format = "0%"
        ws.cell(row=row + i, column=col + 2, value=note).font = NOTE_FONT
        addr[label] = f"${get_column_letter(col + 1)}${row + i}"
    return addr


# -- table 1 -------------------------------------------------------------------


def title_width(text: str) -> int:
    """Width units of a title, the way the template's formula counts them (beyond Latin-1 2, else 1).

    >>> title_width("北欧ins风")
    9
    """
    return sum(2 if ord(ch) > 255 else 1 for ch in text)


def build_table1(cfg: dict) -> Workbook:
    """Table 1: the check list a supervisor fills in, and the formulas an operator runs (自动检查)."""
    th = cfg["thresholds"]["listing"]
    product = featured.product()  # table 1 is about the settings' featured product
    wb = Workbook()
    _table1_checklist(wb.active, th, product)
    ck = wb.create_sheet("自动检查")
    _title(
        ck,
        "表1 自动检查：把本商品的信息填进白色格子，灰色格子自动给出结果",
        4,
        "标题宽度：汉字（含中文标点）算 2，英文字母、数字、空格算 1（淘宝 60 字节的计法）。",
    )
    p = _params(
        ck,
        3,
        6,
        [
            ("标题宽度下限", th["title_width_min"], "宽度单位"),
            ("标题宽度上限", th["title_width_max"], "宽度单位"),
            ("主图张数", th["main_image_count"], "张"),
            ("白底图占比下限", th["white_background_share_min"], "详情页图片中白底图的最低比例"),
            ("首屏卖点下限", th["selling_points_min"], "个"),
            ("首屏卖点上限", th["selling_points_max"], "个"),
            ("原价回看天数", th["price_lookback_days"], "“原价”须为近 N 天最低成交价"),
        ],
    )
    _header(ck, 3, ["检查项", "填写", "结果", "依据"])
    for i, (label, value, formula, basis) in enumerate(table1_checks(p, product)):
        r = 4 + i
        _box(ck, r, 1, label)
        _box(
            ck,
            r,
            2,
            value,
            fill=INPUT_FILL if formula is None else FORMULA_FILL,
            fmt="0.00" if isinstance(value, float) else None,
            wrap=True,
        )
        _box(ck, r, 3, formula, fill=FORMULA_FILL, fmt="0%" if "占比（自动）" in label else None)
        ck.cell(row=r, column=4, value=basis).font = NOTE_FONT
    ck.conditional_formatting.add("C4:C30", FormulaRule(formula=['LEFT(C4,3)="需修改"'], fill=WARN_FILL))
    _widths(ck, [24, 44, 34, 22, 2, 16, 10, 30])
    return wb


def _table1_checklist(ws, th: dict, product) -> None:
    """The 核对表 sheet: the plan's five fields with their rules, and a 通过/需修改 column."""
    ws.title = "核对表"
    fmt = {
        "tmin": th["title_width_min"],
        "tmax": th["title_width_max"],
        "imgs": th["main_image_count"],
        "size": th["main_image_size"],
        "spmin": th["selling_points_min"],
        "spmax": th["selling_points_max"],
    }
    _title(
        ws,
        "表1 商品上架信息核对表",
        len(T1_HEADER),
        f"本商品：{product.brand} {product.name}（{product.id}，子类目 {product.category}）。"
        "运营填写“本商品填写内容”，主管逐项核对“审核要点”，在“审核结果”选择 通过/需修改 并写明修改意见。",
    )
    _header(ws, 3, T1_HEADER)
    result = DataValidation(type="list", formula1='"通过,需修改"', allow_blank=True)
    ws.add_data_validation(result)
    for i, row in enumerate(T1_ROWS):
        r = 4 + i
        for j, value in enumerate(row, 1):
            _box(ws, r, j, value.format(**fmt), wrap=True)
        _box(ws, r, 5, None, fill=INPUT_FILL, wrap=True)
        _box(ws, r, 6, None, fill=INPUT_FILL)
        _box(ws, r, 7, None, fill=INPUT_FILL, wrap=True)
        result.add(f"F{r}")
    ws.conditional_formatting.add(f"F4:F{3 + len(T1_ROWS)}", FormulaRule(formula=['F4="需修改"'], fill=WARN_FILL))
    _steps(ws, 5 + len(T1_ROWS), T1_STEPS, len(T1_HEADER))
    _widths(ws, [14, 34, 34, 30, 36, 12, 30])
    ws.freeze_panes = "A4"


def _verdict(blank_when: str, condition: str, fix: str) -> str:
    """An Excel check: empty while ``blank_when`` holds (inputs not filled), else 通过 when ``condition``
    holds, else 需修改 with ``fix``: the rest of an Excel text expression (it ends outside a string)."""
    return f'=IF({blank_when},"",IF({condition},"通过","需修改：{fix}))'


def table1_checks(p: dict[str, str], product) -> list[tuple[str, object, str | None, str]]:
    """The rows of 自动检查: (label, sample value, formula or None for an input, basis).  Rows start at 4,
    so the formulas name the inputs by their row (B4 is the title); ``p`` holds the 参数 cells."""
    # the parts must stay in this order: each part's formulas name the rows it fills
    return [*_title_checks(p, product), *_price_checks(p), *_image_checks(p), *_text_checks(p)]


def _title_checks(p: dict[str, str], product) -> list[tuple[str, object, str | None, str]]:
    """Rows 4-6: the title and its width."""
    lo, hi = p["标题宽度下限"], p["标题宽度上限"]
    width = 'LEN(B4)+SUMPRODUCT(--(_xlfn.UNICODE(MID(B4,ROW(INDIRECT("1:"&LEN(B4))),1))>255))'
    return [
        ("商品标题", product.title, None, f"表1 商品名称（示例为 {product.id} 现在的标题）"),
        ("标题宽度（自动）", None, f'=IF(B4="","",{width})', "汉字算2，字母数字算1"),
        (
            "标题宽度是否合规",
            None,
            _verdict('B4=""', f"AND(C5>={lo},C5<={hi})", f'宽度应在"&{lo}&"-"&{hi}&"之间"'),
            "表1：30-60字符",
        ),
    ]


def _price_checks(p: dict[str, str]) -> list[tuple[str, object, str | None, str]]:
    """Rows 7-15: daily, campaign and cost price, and whether the struck-through 原价 is real."""
    cents = "AND(ABS(B7*100-ROUND(B7*100,0))<0.000001,ABS(B8*100-ROUND(B8*100,0))<0.000001)"
    days = p["原价回看天数"]
    return [
        ("日常价（元）", 599.00, None, "精确到0.01"),
        ("活动价（元）", 499.00, None, "精确到0.01"),
        ("成本价（元）", 320.00, None, "采购+包装+物流"),
        ("价格精度", None, _verdict('OR(B7="",B8="")', cents, '价格精确到0.01元"'), "表1 价格"),
        ("活动价不低于成本价", None, _verdict('OR(B8="",B9="")', "B8>=B9", '活动价低于成本价"'), "表1 审核要点"),
        ("活动价低于日常价", None, _verdict('OR(B7="",B8="")', "B8<B7", '活动价应低于日常价"'), "日常价+活动价"),
        ("标示的“原价”（元）", 599.00, None, "页面上划线的原价"),
        ("近30天最低成交价（元）", 599.00, None, "价格记录中近 N 天的最低成交价"),
        (
            "原价是否真实",
            None,
            _verdict('OR(B13="",B14="")', "B13<=B14+0.000001", f'原价高于近"&{days}&"天最低成交价，属于虚构原价"'),
            "平台规则红线：先涨价后降价",
        ),
    ]


def _image_checks(p: dict[str, str]) -> list[tuple[str, object, str | None, str]]:
    """Rows 16-21: the number of main images and the share of white-background detail images."""
    images, share = p["主图张数"], p["白底图占比下限"]
    return [
        ("主图张数", 5, None, "首图白底"),
        ("主图张数是否合规", None, _verdict('B16=""', f"B16={images}", f'主图应为"&{images}&"张"'), "表1 主图"),
        ("详情页图片总数", 10, None, "张"),
        ("其中白底图张数", 6, None, "张"),
        ("白底图占比（自动）", None, '=IF(OR(B18="",B18=0),"",B19/B18)', "模块一关键控制点"),
        (
            "白底图占比是否合规",
            None,
            _verdict('C20=""', f"C20>={share}", f'白底图占比不低于"&TEXT({share},"0%")'),
            "不得出现拼接图",
        ),
    ]


def _text_checks(p: dict[str, str]) -> list[tuple[str, object, str | None, str]]:
    """Rows 22-26: selling points, invalid SKU options, and absolute words in the title (B4)."""
    sp_lo, sp_hi = p["首屏卖点下限"], p["首屏卖点上限"]
    return [
        ("首屏卖点个数", 3, None, "个"),
        (
            "首屏卖点是否合规",
            None,
            _verdict('B22=""', f"AND(B22>={sp_lo},B22<={sp_hi})", f'首屏卖点"&{sp_lo}&"-"&{sp_hi}&"个"'),
            "表1 详情页首屏卖点",
        ),
        ("SKU属性与取值", "颜色：白色/原木色；尺寸：60cm/80cm", None, "表1 SKU属性组合"),
        (
            "SKU有无无效选项",
            None,
            f'=IF(B24="","",IF({any_in(invalid_option_words(), "B24")},'
            '"需修改：去掉“默认”“随机”“如图”等无效选项","通过"))',
            "如“颜色:默认”",
        ),
        (
            "标题有无极限词",
            None,
            f'=IF(B4="","",IF({any_in(absolute_words(), "B4")},'
            '"需修改：标题含极限词（如“最”“第一”），换成可证明的说法","通过"))',
            "简单查找：含“最”“第一”等字样即提示，课程检查工具会排除“第一次”这类固定用法",
        ),
    ]


# -- table 2 -------------------------------------------------------------------


def t2_formulas(r: int) -> tuple[str, str, str]:
    """转化率 = 下单数/UV, 加购率 = 加购数/UV, 客单价 = GMV/下单数 for row ``r``."""
    return (f'=IF(N(C{r})>0,E{r}/C{r},"")', f'=IF(N(C{r})>0,D{r}/C{r},"")', f'=IF(N(E{r})>0,F{r}/E{r},"")')


def build_table2(cfg: dict) -> Workbook:
    """Table 2: the daily tracking sheet (rates by formula, rows below target marked) and a sum by channel."""
    target = cfg["thresholds"]["analytics"]["conversion_target"]
    wb = Workbook()
    ws = wb.active
    ws.title = "跟踪表"
    _title(
        ws,
        "表2 营销活动效果跟踪表",
        len(T2_HEADER),
        "白色格子填写；转化率 = 下单数 ÷ UV，加购率 = 加购数 ÷ UV，客单价 = GMV ÷ 下单数（灰色格子自动计算）。"
        f"转化率低于目标 {target:.0%} 的行标为橙色。前三行是方案中的样例，可删除。",
    )
    _header(ws, 3, T2_HEADER)
    channel = DataValidation(type="list", formula1='"' + ",".join(CHANNELS) + '"', allow_blank=True)
    ws.add_data_validation(channel)
    first, last = 4, 4 + T2_FORMULA_ROWS - 1
    for i in range(T2_FORMULA_ROWS):
        _t2_row(ws, first + i, T2_SAMPLE[i] if i < len(T2_SAMPLE) else None)
        channel.add(f"B{first + i}")
    ws.conditional_formatting.add(
        f"G{first}:G{last}", FormulaRule(formula=[f"AND(ISNUMBER(G{first}),G{first}<{target})"], fill=WARN_FILL)
    )
    _t2_totals(ws, first, last)
    _steps(ws, last + 3, T2_STEPS, len(T2_HEADER))
    _widths(ws, [12, 14, 9, 9, 9, 12, 11, 11, 12, 30])
    ws.freeze_panes = "C4"
    _t2_by_channel(wb.create_sheet("按渠道汇总"), first, last)
    return wb


def _t2_row(ws, r: int, sample: list | None) -> None:
    """One row of the tracking sheet: the inputs (a sample of the plan or empty) and the three rates."""
    _box(ws, r, 1, sample[0] if sample else None, fill=INPUT_FILL, fmt="yyyy-mm-dd")
    _box(ws, r, 2, sample[1] if sample else None, fill=INPUT_FILL)
    for j in range(3):
        _box(ws, r, 3 + j, sample[2 + j] if sample else None, fill=INPUT_FILL, fmt="#,##0")
    _box(ws, r, 6, sample[5] if sample else None, fill=INPUT_FILL, fmt="#,##0.00")
    conv, cart, aov = t2_formulas(r)
    _box(ws, r, 7, conv, fill=FORMULA_FILL, fmt="0.0%")
    _box(ws, r, 8, cart, fill=FORMULA_FILL, fmt="0.0%")
    _box(ws, r, 9, aov, fill=FORMULA_FILL, fmt="#,##0.00")
    _box(ws, r, 10, sample[6] if sample else None, fill=INPUT_FILL, wrap=True)


def _t2_totals(ws, first: int, last: int) -> None:
    """The 合计 row under the tracking rows: sums, and the rates of the sums."""
    total = last + 1
    _box(ws, total, 1, "合计", fill=HEAD_FILL).font = BOLD
    _box(ws, total, 2, None, fill=HEAD_FILL)
    for col in "CDEF":
        _box(
            ws,
            total,
            " ABCDEF".index(col),
            f"=SUM({col}{first}:{col}{last})",
            fill=HEAD_FILL,
            fmt="#,##0.00" if col == "F" else "#,##0",
        )
    conv, cart, aov = t2_formulas(total)
    _box(ws, total, 7, conv, fill=HEAD_FILL, fmt="0.0%")
    _box(ws, total, 8, cart, fill=HEAD_FILL, fmt="0.0%")
    _box(ws, total, 9, aov, fill=HEAD_FILL, fmt="#,##0.00")
    _box(ws, total, 10, "整体转化率 = 总下单数 ÷ 总UV（不是各行转化率的平均）", fill=HEAD_FILL, wrap=True)


def _t2_by_channel(by, first: int, last: int) -> None:
    """The 按渠道汇总 sheet: SUMIF over the tracking rows ``first``..``last`` per channel."""
    _title(by, "按渠道汇总（自动）", 6, "从“跟踪表”按渠道求和；转化率用合计数重新计算。")
    _header(by, 3, ["渠道", "UV", "加购数", "下单数", "GMV（元）", "转化率（%）"])
    for i, ch in enumerate(CHANNELS):
        r = 4 + i
        _box(by, r, 1, ch)
        for j, col in enumerate("CDEF"):
            _box(
                by,
                r,
                2 + j,
                f"=SUMIF(跟踪表!$B${first}:$B${last},$A{r},跟踪表!{col}${first}:{col}${last})",
                fill=FORMULA_FILL,
                fmt="#,##0.00" if col == "F" else "#,##0",
            )
        _box(by, r, 6, f'=IF(B{r}>0,D{r}/B{r},"")', fill=FORMULA_FILL, fmt="0.0%")
    _widths(by, [14, 10, 10, 10, 12, 12])


# -- table 3 -------------------------------------------------------------------


def table3_rows(cfg: dict) -> list[list[str]]:
    c = cfg["thresholds"]["crm"]
    return [
        [
            "高价值用户",
            f"近30天消费≥{c['high_value_min_orders_30d']}次，客单价≥{c['high_value_min_aov']:g}",
            "提升忠诚度，推新品",
            "专属客服+短信",
            "95折会员日、新品优先购买权",
        ],
        [
            "潜力用户",
            f"近30天消费{c['potential_orders_30d']}次，客单价<{c['potential_max_aov']:g}",
            "促进二次消费",
            "App推送+社群消息",
            "“满减券”（满299减30）、“猜你喜欢”",
        ],
        [
            "沉睡用户",
            f"{c['dormant_days_min']}-{c['lost_days_min']}天未消费，历史有下单",
            "唤醒复购",
            "短信+邮件",
            "50元无门槛券（7天有效期）",
        ],
        [
            "流失用户",
            f"{c['lost_days_min']}天以上未消费",
            "避免永久流失",
            "电话回访（可选）",
            "“回归大礼包”（100元券+赠品）",
        ],
    ]


def build_table3(cfg: dict) -> Workbook:
    """Table 3: the segment strategies with the settings' boundaries, and a sheet that segments customers."""
    c = cfg["thresholds"]["crm"]
    wb = Workbook()
    ws = wb.active
    ws.title = "策略表"
    _title(
        ws,
        "表3 用户分层运营策略表",
        len(T3_HEADER),
        "判断标准的数字来自课程设置；白色格子可按本店情况改写运营目标、触达方式和权益。",
    )
    _header(ws, 3, T3_HEADER)
    for i, row in enumerate(table3_rows({"thresholds": {"crm": c}})):
        for j, v in enumerate(row, 1):
            _box(ws, 4 + i, j, v, fill=None if j <= 2 else INPUT_FILL, wrap=True)
    steps = [s.format(cap=c["frequency_cap_messages"]) for s in T3_STEPS]
    _steps(ws, 9, steps, len(T3_HEADER))
    _widths(ws, [12, 34, 20, 20, 34])
    ws.freeze_panes = "A4"
    _t3_segmenting(wb.create_sheet("分层计算"), c)
    return wb


T3_SAMPLES = [
    ("U0001", 3, 560, 5, "是"),
    ("U0002", 1, 199, 12, "是"),
    ("U0003", 0, 0, 45, "是"),
    ("U0004", 0, 0, 75, "是"),
    ("U0005", 2, 420, 3, "是"),
    ("U0006", 0, 0, None, "否"),
]


def _t3_segmenting(calc, c: dict) -> None:
    """The 分层计算 sheet: 40 customer rows whose segment a formula gives from the 参数 block."""
    _title(
        calc,
        "分层计算：每行一位用户，灰色格子自动给出用户类型",
        6,
        "距上次消费天数 = 截止日期 − 最后一次已支付订单的日期（当天买过为 0）；“近30天有消费”即该天数小于 30。"
        "近30天有消费、但既不是高价值也不是潜力的客户（如消费2次、客单价300-500元）表3没有覆盖，"
        "按参数“表3未覆盖的客户”归类（与模块四分层表单的两个选项相同）。",
    )
    p = _params(
        calc,
        3,
        8,
        [
            ("近N天的天数", c["activity_window_days"] if "activity_window_days" in c else 30, "天"),
            ("高价值：近N天最少次数", c["high_value_min_orders_30d"], "次"),
            ("高价值：最低客单价", c["high_value_min_aov"], "元"),
            ("潜力：近N天次数", c["potential_orders_30d"], "次"),
            ("潜力：客单价低于", c["potential_max_aov"], "元"),
            ("沉睡：距上次消费≥", c["dormant_days_min"], "天"),
            ("流失：距上次消费≥", c["lost_days_min"], "天"),
            ("表3未覆盖的客户", GAP_OPTIONS[0], "并入潜力用户 / 单设成长用户"),
        ],
    )
    gap = DataValidation(type="list", formula1='"' + ",".join(GAP_OPTIONS) + '"', allow_blank=False)
    calc.add_data_validation(gap)
    gap.add(p["表3未覆盖的客户"].replace("$", ""))
    _header(calc, 3, ["用户ID", "近30天消费次数", "客单价（元）", "距上次消费天数", "有历史订单", "用户类型"])
    yes = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    calc.add_data_validation(yes)
    for i in range(40):
        r = 4 + i
        sample = T3_SAMPLES[i] if i < len(T3_SAMPLES) else (None,) * 5
        for j, v in enumerate(sample, 1):
            _box(calc, r, j, v, fill=INPUT_FILL, fmt="#,##0.00" if j == 3 and v is not None else None)
        yes.add(f"E{r}")
        _box(calc, r, 6, segment_formula(r, p), fill=FORMULA_FILL)
    _widths(calc, [10, 14, 12, 14, 11, 16, 2, 24, 14, 24])
    calc.freeze_panes = "A4"


GAP_OPTIONS = ["并入潜力用户", "单设成长用户"]


def segment_formula(r: int, p: dict[str, str]) -> str:
    """The segment of row ``r`` (module 4's boundaries: 近N天 = days < N; 沉睡 = dormant ≤ days < lost;
    流失 = days ≥ lost)."""
    win = p["近N天的天数"]
    hv_n, hv_aov = p["高价值：近N天最少次数"], p["高价值：最低客单价"]
    po_n, po_aov = p["潜力：近N天次数"], p["潜力：客单价低于"]
    dormant, lost, gap = p["沉睡：距上次消费≥"], p["流失：距上次消费≥"], p["表3未覆盖的客户"]
    return (
        f'=IF(A{r}="","",IF(E{r}="否","未购买客户",'
        f"IF(D{r}<{win},"
        f'IF(AND(B{r}>={hv_n},C{r}>={hv_aov}),"高价值用户",'
        f'IF(AND(B{r}={po_n},C{r}<{po_aov}),"潜力用户",IF({gap}="单设成长用户","成长用户","潜力用户"))),'
        f'IF(D{r}>={lost},"流失用户",IF(D{r}>={dormant},"沉睡用户","表3未覆盖")))))'
    )


# -- writing -------------------------------------------------------------------

_FIXED = (2026, 1, 1, 0, 0, 0)
_FIXED_ISO = "2026-01-01T00:00:00Z"


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of ``wb``, byte-for-byte reproducible (fixed dates and zip timestamps)."""
    import datetime as dt

    wb.properties.creator = "电商运营实战 course/resources/build_templates.py"
    wb.properties.created = dt.datetime(*_FIXED)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + _FIXED_ISO.encode() + rb"\g<2>", data
                )
            zi = zipfile.ZipInfo(info.filename, date_time=_FIXED)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    return out.getvalue()


def outputs(out_dir: Path = HERE) -> dict[Path, bytes]:
    """{file: the bytes this script would write} for the settings in force."""
    cfg = settings.load()
    return {
        Path(out_dir) / name: workbook_bytes(builder(cfg))
        for name, builder in ((TABLE1, build_table1), (TABLE2, build_table2), (TABLE3, build_table3))
    }


def build(out_dir: Path = HERE) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path, data in outputs(out_dir).items():
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成表1、表2、表3 的可编辑 Excel 模板")
    ap.add_argument("--out", default=str(HERE), help="输出文件夹（默认 course/resources/）")
    ap.add_argument("--check", action="store_true", help="只检查模板是否为最新，不写文件")
    args = ap.parse_args(argv)
    if args.check:
        stale = [p for p, data in outputs(Path(args.out)).items() if not p.is_file() or p.read_bytes() != data]
        for p in stale:
            print(f"{p} 不是最新的：请运行 python -m course.teacher.rebuild")
        if not stale:
            print("表1、表2、表3 模板都是最新的。")
        return 1 if stale else 0
    for p in build(Path(args.out)):
        print(f"已生成 {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
