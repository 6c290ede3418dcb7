"""Build ``redlines.md`` (平台规则红线清单) from ``absolute_words.yaml`` and the settings.

    python -m course.resources.build_redlines          # rewrites course/resources/redlines.md
    python -m course.resources.build_redlines --check  # exit 1 if redlines.md is out of date

The absolute-word list lives in one place, ``absolute_words.yaml`` (read by
``course.tools.adwords`` for the checks); this script renders it, together with
the other red lines of the workshop plan (fake orders, fake original prices,
misleading clauses, privacy, message frequency) and the numbers in
``course/settings.yaml``.  Edit the YAML or the text below, never redlines.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from course import settings

HERE = Path(__file__).resolve().parent

WORDS = HERE / "absolute_words.yaml"
OUT = HERE / "redlines.md"

HEAD = """\
<!-- 本文件由 course/resources/build_redlines.py 生成，请勿手工修改：
     改词请改 absolute_words.yaml，改其他内容请改 build_redlines.py，然后重新运行该脚本。 -->
# 平台规则红线清单

电商运营实战 · 学习资源包（工作坊方案“七、后续支持与资源延伸”）

运营人员每天写标题、写详情页、定价格、发消息，每一步都可能碰到平台规则和法律的红线。碰到红线的后果是
商品下架、店铺降权、罚款甚至封店。这份清单列出本课程涉及的五类红线：**绝对化用语、刷单炒信、
虚假原价、误导性条款、隐私与骚扰**，每一条都说明为什么不行、依据是什么、应该怎么写或怎么做，
以及课程里用哪个工具检查。

> 清单不穷尽：没有列出的说法不等于可以用。拿不准时，用可以证明的事实代替形容词，并保留证据。
> 各平台（淘宝、京东、拼多多、抖音电商）的具体规则会更新，上线前以平台最新规则为准。

| 红线 | 一句话 | 课程中的检查 |
|---|---|---|
"""
# the overview table under HEAD: (red line, in one sentence, where the course checks it)
OVERVIEW = [
    (
        "一、绝对化用语（极限词）",
        "不用“最”“第一”“国家级”等无法证明的词",
        "模块一标题表单、`course.tools.adwords`；模块二活动规则检查",
    ),
    ("二、刷单炒信", "任何虚构交易、编造评价都不行", "无自动检查：复盘时人工识别异常订单"),
    ("三、虚假原价", "“原价”= 近 {lookback} 天最低成交价，不能先涨后降", "模块一价格检查、表1 模板“原价是否真实”"),
    (
        "四、误导性条款",
        "不写“最终解释权归平台所有”，规则写完整、无歧义",
        "模块二促销规则表单、`course.tools.campaign.check_rule_text`",
    ),
    (
        "五、隐私与骚扰",
        "个人信息只用于履约；导出脱敏；{window} 小时内营销消息不超过 {cap} 条",
        "模块四 `course.tools.privacy`、`course.tools.frequency`",
    ),
]

ABSOLUTE_INTRO = """\
## 一、绝对化用语（极限词）

商品描述不得使用“最”“第一”等极限词，功效宣传需提供依据（如质检报告）（工作坊方案·四（一））；
禁用“最”“第一”“绝对”等极限词，用“行业领先”“用户好评率98%”替代（运营实务方案·七（一））。

下面的词表就是课程检查工具 `course.tools.adwords` 使用的词表（`course/resources/absolute_words.yaml`，
共 {n_categories} 类 {n_words} 个词）。标题、详情页文案、活动规则公示都要检查。
"""

OTHER_SECTIONS = """\
## 二、刷单炒信（虚构交易）

**规则**：任何形式的虚构交易（诱导亲友下单、找刷单平台、自买自卖、返现换好评）都属于违规，可能导致店铺降权或封号
（工作坊方案·四（一））。《电子商务法》明确禁止以虚构交易、编造用户评价等方式进行虚假或者引人误解的商业宣传。

**常见形式**
- 找“刷单平台”或刷手拍下商品、空包发货，冲销量和搜索排名；
- 让亲友、员工下单再退款；
- “好评返现”“晒图返红包”等用利益换好评，或删除、隐藏差评；
- 直播间用虚假的“已售 XX 件”“库存仅剩 X 件”制造紧迫感（数字必须与后台一致）。

**应该怎么做**：销量和好评靠真实成交积累；新品用新人价、赠品、老带新等**公开规则**的活动起量；
展示的销量、好评率、库存数字都要能从后台数据核对。

**复盘提示**：复盘活动数据时（模块三），若发现同一用户短时间内大量下单又退款、同一地址多单、成交金额异常集中等情况，
在复盘报告中作为数据异常说明，不计入真实转化。

## 三、虚假原价与“先涨后降”

**规则**：“原价”需真实有据，需提供 **{lookback} 天内的最低成交价**证明，避免“先涨价后降价”的虚假促销
（工作坊方案·四（一））。本课程按此规则：页面上标示的“原价”（划线价）**不能高于近 {lookback} 天的最低成交价**
（天数是课程设置 `thresholds.listing.price_lookback_days`）。法律层面，《明码标价和禁止价格欺诈规定》禁止虚构原价、
虚假折扣等价格欺诈行为；各平台对划线价另有规定，以平台最新规则为准。

**例子**：某床头柜近 {lookback} 天成交价在 549.00～599.00 元之间，活动前一天把价格改成 799.00 元，活动当天标
“原价 799 元，限时 499 元”——这是先涨后降，原价最多只能标 549.00 元。

**同时检查（表1 价格）**
- 价格精确到 0.01 元，设置“日常价 + 活动价”（如 日常价 599.00、活动价 499.00）；
- 活动价不能低于成本价；
- “原价”要能拿出近 {lookback} 天的成交记录证明。

**课程里**：模块一“SKU 与价格”用价格记录（`price_history`）核对原价；表1 模板“自动检查”页有“原价是否真实”一行。

## 四、误导性条款与规则不清

**规则**：活动规则需明确无歧义，避免“最终解释权归平台所有”等违规表述（工作坊方案·模块二关键控制点）。
商家单方面保留“最终解释权”，属于排除或限制消费者权利的不公平格式条款（《消费者权益保护法》第二十六条）。

**常见问题**
- “最终解释权归本店/平台所有”“本店保留随时修改活动规则的权利”；
- 只写“满减”“大促”，不写门槛、金额、时间、限量、能否叠加；
- 赠品写“送完即止”但不写数量，或赠品数量大于库存；
- 活动时间写“限时”却没有起止时间，或写在活动期以外；
- “全场5折起”但只有一两件商品是5折。

**应该怎么写**：把时间（精确到分钟）、门槛、优惠金额、限量、叠加规则和顺序、退换货时优惠如何处理都写出来，
结尾写“如有疑问请咨询客服”。例如：

> 2026年6月18日00:00至23:59，全店实付满399元减50元（每单限减一次）；可与“第二件半价”同享，
> 先计算第二件半价，再按实付金额计算满减；前100名付款的顾客赠送定制收纳盒1个（共100个，送完即止）；
> 部分退货时，优惠按商品金额比例分摊退回。如有疑问请咨询客服。

**课程里**：模块二促销规则表单自动生成规则公示文字，并用 `course.tools.campaign.check_rule_text` 检查缺项、
“最终解释权”类条款、绝对化用语和前后矛盾。

## 五、隐私保护与消息骚扰

**规则**（工作坊方案·四（二）数据安全：保护用户隐私）
- 用户信息（姓名、电话、地址）**仅限订单履约使用**，不得泄露给第三方或用于非业务场景的营销；
- 后台数据导出需设置权限，仅核心运营人员可访问，导出文件需加密存储；
- 定期清理冗余数据（如无效地址、过期订单），降低数据泄露风险。

《个人信息保护法》要求处理个人信息遵循合法、正当、必要和诚信原则，只收集、使用与处理目的直接相关的
最少信息。

**营销推送频次**：同一用户任意 {window} 小时内接收的促销（营销）消息不超过 {cap} 条，防止骚扰反感
（工作坊方案·模块四关键控制点）；发货通知、售后回复等服务消息不计入。用户明确拒收后不再发送营销消息。

**应该怎么做**
- 导出给快递、客服、短信平台的表格只带该用途需要的列，电话写成 `138****1234`，姓名写成 `张**`；
- 不把客户名单发到个人微信、公共网盘；导出文件加密、用完删除；
- 发消息前用频控工具检查整周计划，超出的消息顺延或取消，并记录原因。

**课程里**：模块四用 `course.tools.privacy`（脱敏、按用途导出）和 `course.tools.frequency`（频控检查与排期）。

---

*相关资源*：术语与公式见 `glossary.md`（电商运营术语手册）；表1、表2、表3 的 Excel 模板在同一文件夹。
"""


def _cell(text) -> str:
    r"""Text for one cell of a markdown table.

    >>> _cell("满减|折扣\n叠加"), _cell(None)
    ('满减\\|折扣 叠加', '')
    """
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def render(words_file: Path = WORDS) -> str:
    """The text of ``redlines.md`` for the word list and the settings in force."""
    data = yaml.safe_load(Path(words_file).read_text(encoding="utf-8")) or {}
    cfg = settings.load()["thresholds"]
    nums = {
        "lookback": cfg["listing"]["price_lookback_days"],
        "cap": cfg["crm"]["frequency_cap_messages"],
        "window": f"{cfg['crm']['frequency_cap_window_hours']:g}",
    }
    sources = data.get("sources") or {}
    categories = data.get("categories") or []
    n_words = sum(len(c.get("words") or []) for c in categories)
    overview = "".join("| " + " | ".join(cells) + " |\n" for cells in OVERVIEW)
    parts = [(HEAD + overview).format(**nums), ABSOLUTE_INTRO.format(n_categories=len(categories), n_words=n_words)]
    for i, cat in enumerate(categories, 1):
        parts += _category(i, cat, sources)
    parts += _allowed_contexts(data.get("allowed_contexts") or [], sources)
    parts += _source_list(sources)
    parts.append(OTHER_SECTIONS.format(**nums))
    return "\n".join(parts).rstrip() + "\n"


def _source_names(ids, sources: dict) -> str:
    """The names of the sources a category or context cites (one id or a list)."""
    ids = [ids] if isinstance(ids, str) else list(ids or [])
    return "；".join(sources.get(i, {}).get("name", i) for i in ids)


def _category(i: int, cat: dict, sources: dict) -> list[str]:
    """Section 1.i: one category of absolute words, why not, its sources, and a word -> better wording table."""
    parts = [
        f"### 1.{i} {cat.get('name', cat.get('id', ''))}\n",
        f"- **为什么不行**：{cat.get('reason', '')}",
        f"- **依据**：{_source_names(cat.get('source'), sources)}",
    ]
    if cat.get("suggestion"):
        parts.append(f"- **一般改法**：{cat['suggestion']}")
    parts.append("\n| 不能用的词 | 建议改为 |\n|---|---|")
    for w in cat.get("words") or []:
        word = w.get("word") if isinstance(w, dict) else str(w)
        sug = (w.get("suggestion") if isinstance(w, dict) else None) or cat.get("suggestion", "")
        extra = "（含各种写法，如空格、大小写）" if isinstance(w, dict) and w.get("regex") else ""
        parts.append(f"| {_cell(word)}{extra} | {_cell(sug)} |")
    return parts + [""]


def _allowed_contexts(allowed: list[dict], sources: dict) -> list[str]:
    if not allowed:
        return []
    parts = [
        "### 可以使用的固定用法（不算绝对化用语）\n",
        "含“最”“第一”等字，但只表示时间、顺序、数量上下限或消费提示，不是在夸商品，检查工具不会报告：\n",
        "| 匹配规则（正则表达式） | 说明 | 依据 |\n|---|---|---|",
    ]
    for a in allowed:
        parts.append(
            f"| `{_cell(a.get('pattern', ''))}` | {_cell(a.get('explanation', ''))} | "
            f"{_cell(_source_names(a.get('source'), sources))} |"
        )
    return parts + [""]


def _source_list(sources: dict) -> list[str]:
    if not sources:
        return []
    parts = ["### 依据一览\n", "| 依据 | 要点 | 类型 |\n|---|---|---|"]
    for s in sources.values():
        parts.append(f"| {_cell(s.get('name', ''))} | {_cell(s.get('summary', ''))} | {_cell(s.get('kind', ''))} |")
    return parts + [""]


def outputs() -> dict[Path, bytes]:
    """{file: the bytes this script would write} (used by ``course.teacher.rebuild``)."""
    return {OUT: render().encode("utf-8")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="由 absolute_words.yaml 生成 平台规则红线清单 redlines.md")
    ap.add_argument("--check", action="store_true", help="只检查 redlines.md 是否为最新，不写文件")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    text = render()
    out = Path(args.out)
    if args.check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(
                f"{out} 不是最新的：请运行 python -m course.teacher.rebuild"
                "（或 python -m course.resources.build_redlines）"
            )
            return 1
        print(f"{out} 是最新的。")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"已生成 {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
