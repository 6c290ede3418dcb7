"""Unit tests for the module-1 operator tools in ``course.tools`` (title, absolute
words, SKU, pricing, images, table-1 audit) and the module-1 forms."""

from __future__ import annotations

import pytest

from course.tools import adwords

# -- absolute words (广告法第九条) -------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("最好的床头柜", ["最好"]),
        ("全网销量第一的收纳盒", ["全网销量第一"]),
        ("国家级环保板材 绝对耐用", ["国家级", "绝对"]),
        ("顶级实木 万能收纳", ["顶级", "万能"]),
        ("最火爆的床头柜", ["最火"]),
        ("全网最低99元", ["最低"]),
        ("本活动最终解释权归本店所有", ["最终解释权"]),
        ("ＮＯ．１床头柜", ["ＮＯ．１"]),
        ("床头柜Top 1", ["Top 1"]),
        ("能治疗失眠的枕头", ["治疗"]),
    ],
)
def test_absolute_words_flagged(text, words):
    found = adwords.find_absolute_words(text)
    assert [f.word for f in found] == words
    for f in found:
        assert text[f.start : f.end] == f.word
        assert f.reason and f.suggestion and f.source and f.category
    assert not adwords.is_compliant(text)


@pytest.mark.parametrize(
    "text",
    [
        "第一次购买立减20元",
        "第一步：打开抽屉",
        "最近上新",
        "最后3小时",
        "每人最多限购2件",
        "最高减100元",
        "最佳使用时间：拆封后3个月内",
        "第一件原价，第二件半价",
        "下单后第一时间发货",
        "北欧ins风简约床头柜卧室小户型储物柜现代简约白色",  # source document example
        "北欧ins风简约床头柜卧室小户型储物柜",
        "行业领先 用户好评率98%",  # the suggested alternatives
        "型号 NO.10",
        "",
        "   ",
    ],
)
def test_allowed_contexts_not_flagged(text):
    assert adwords.find_absolute_words(text) == []
    assert adwords.is_compliant(text)


def test_none_is_empty():
    assert adwords.find_absolute_words(None) == []


def test_longer_word_wins_but_other_words_still_found():
    found = adwords.find_absolute_words("最近最好的第一品牌")
    assert [f.word for f in found] == ["最好", "第一品牌"]
    assert [f.category_id for f in found] == ["superlative", "ranking"]


def test_finding_cites_advertising_law_and_suggests_alternative():
    f = adwords.find_absolute_words("最好的床头柜")[0]
    assert "广告法" in f.source and "第九条" in f.source
    assert "用户好评率98%" in f.suggestion
    assert "第一" in adwords.find_absolute_words("销量第一")[0].word
    assert "行业领先" in adwords.find_absolute_words("第一")[0].suggestion
    assert "最好" in f.message() and "建议改为" in f.message()


def test_explain_and_tables():
    assert adwords.explain("第一次购买").startswith("✓")
    assert "最好" in adwords.explain("最好的床头柜")
    assert list(adwords.findings_table("最好的床头柜")["用语"]) == ["最好"]
    words = adwords.word_table()
    assert {"类别", "用语", "原因", "依据", "建议改为"} <= set(words.columns)
    assert {"最", "第一", "绝对", "国家级"} <= set(words["用语"])


def test_word_list_is_clean_data():
    data = adwords.load_word_list()
    ids = set(data["sources"])
    assert "ad_law_9_3" in ids
    for cat in data["categories"]:
        assert cat["id"] and cat["name"] and cat["reason"] and cat["suggestion"] and cat["words"]
        srcs = [cat["source"]] if isinstance(cat["source"], str) else cat["source"]
        assert set(srcs) <= ids
        for w in cat["words"]:
            assert set(w) <= {"word", "regex", "suggestion", "reason"}
    for a in data["allowed_contexts"]:
        assert a["source"] in ids and a["explanation"]


# -- title width, segmentation, structure, stuffing ---------------------------------

from course.tools import images, listing_audit, pricing, sku, title  # noqa: E402

SEED_TITLES = ["北欧ins风简约床头柜卧室小户型储物柜现代简约白色", "北欧ins风简约床头柜卧室小户型储物柜"]


def test_title_width_counts_cjk_twice():
    assert [title.title_width(t) for t in SEED_TITLES] == [47, 35]
    assert title.title_width("ins") == 3 and title.title_width("") == 0 and title.title_width(None) == 0
    assert title.title_width("，") == 2  # full-width punctuation is wide too


@pytest.mark.parametrize("t", SEED_TITLES)
def test_source_document_titles_pass(t):
    rep = title.check_title(t, core_keyword="床头柜")
    assert rep.ok, rep.problems
    assert "床头柜" in rep.core_found and "小户型" in rep.attributes_found
    assert any("营销词" in tip for tip in rep.tips)  # advice, not a problem


def test_user_dictionary_keeps_style_words_whole():
    words = [t.word for t in title.segment(SEED_TITLES[0])]
    assert "现代简约" in words and words.count("简约") == 1
    roles = {t.word: t.role for t in title.segment("栖木床头柜2026新款40cm")}
    assert roles["床头柜"] == "核心词" and roles["2026新款"] == "营销词" and roles["40cm"] == "属性词"


def test_userdict_file_in_sync_with_lexicon():
    shipped = (title.DICT_DIR / "userdict.txt").read_text(encoding="utf-8")
    assert shipped == title.userdict_text()
    import jieba

    tok = jieba.Tokenizer()
    tok.load_userdict(str(title.DICT_DIR / "userdict.txt"))  # loadable by plain jieba
    assert "现代简约" in tok.lcut("现代简约白色")


@pytest.mark.parametrize(
    "bad, needle",
    [
        ("", "标题是空的"),
        ("   ", "标题是空的"),
        ("北欧床头柜😀卧室小户型储物柜现代简约白色新款", "表情"),
        ("北欧床头柜，卧室小户型储物柜现代简约白色新款", "全角标点"),
        ("北欧ｉｎｓ风床头柜卧室小户型储物柜现代简约白色", "全角字母"),
        ("床头柜收纳", "少于 30"),
        ("北欧简约床头柜床头柜卧室小户型储物柜现代白色新款", "重复"),
        ("北欧简约床头柜鞋柜电视柜卧室小户型现代白色新款", "无关"),
        ("宜家同款北欧简约床头柜卧室小户型储物柜白色", "蹭品牌"),
        ("最好的北欧简约床头柜卧室小户型储物柜白色新款", "最好"),
        ("带轮床底收纳箱扁平大容量衣物被子整理箱加厚塑料储物箱家用床下抽屉式收纳神器透明可视", "超过 60"),
    ],
)
def test_bad_titles_get_clear_chinese_messages(bad, needle):
    rep = title.check_title(bad, core_keyword="床头柜" if "收纳箱" not in bad else None)
    assert not rep.ok
    assert any(needle in p for p in rep.problems), rep.problems


def test_required_attribute_and_brand():
    rep = title.check_title(SEED_TITLES[1], core_keyword="床头柜", required=["北欧", "实木"], brand="栖木")
    assert rep.missing_required == ["实木"]
    assert any("品牌名" in p for p in rep.problems)
    html = rep.to_html()
    assert "course-title-preview" in html and "35" in html


def test_split_words():
    assert title.split_words("北欧、简约 ,小户型/北欧") == ["北欧", "简约", "小户型"]
    assert title.split_words(None) == [] and title.split_words(["a", "b"]) == ["a", "b"]


# -- SKU ------------------------------------------------------------------------------


def _inventory():
    import pandas as pd

    return pd.DataFrame(
        {
            "product_id": ["P1"] * 4 + ["P2"],
            "sku_id": ["S1", "S2", "S3", "S4", "X"],
            "color": ["白色", "白色", "原木色", "原木色", "黑色"],
            "size": ["60cm", "80cm", "60cm", "80cm", "1m"],
            "stock": [5, 0, 7, 9, 1],
            "status": ["在售", "已下架", "在售", "在售", "在售"],
        }
    )


def test_colour_default_is_invalid():
    issues = sku.check_options({"颜色": ["白色", "默认"], "尺寸": ["60cm", "80cm"]})
    assert [(i.kind, i.value) for i in issues] == [("无意义选项", "默认")]
    assert "颜色:默认" in issues[0].message


def test_source_document_sku_example_passes():
    assert sku.check_options({"颜色": "白色/原木色", "尺寸": "60cm/80cm"}, _inventory(), product_id="P1") == []


def test_unused_duplicate_empty_and_missing_options():
    issues = sku.check_options(
        [("颜色", ["白色", "白色", "黑色"]), ("尺寸", []), ("颜色", ["原木色"])], _inventory(), product_id="P1"
    )
    kinds = {i.kind for i in issues}
    assert {"重复选项", "无属性值", "重复属性", "未使用选项", "缺少选项"} <= kinds
    empty = next(i for i in issues if i.kind == "无属性值")
    assert "尺寸" in empty.message and "没有填写属性值" in empty.message


def test_combinations_and_inventory_match():
    attrs = {"颜色": ["白色", "默认"], "尺寸": ["60cm", "80cm"]}
    assert len(sku.combinations(attrs)) == 4
    m = sku.match_inventory(attrs, _inventory(), "P1")
    assert m["sku_id"].isna().sum() == 2  # 默认 has no SKU
    assert set(m.loc[~m["在选项中"], "sku_id"]) == {"S3", "S4"}  # 原木色 stock not offered


# -- prices -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, needle",
    [
        ("499元", "不要带“元”"),
        ("四百九十九", "阿拉伯数字"),
        ("499.999", "0.01"),
        ("", "必填"),
        ("-5", "大于 0"),
        ("abc", "不是数字"),
    ],
)
def test_bad_prices(typed, needle):
    value, msg = pricing.parse_price(typed)
    assert value is None and needle in msg


def test_price_rules_from_table1():
    assert pricing.check_prices(599.00, 499.00, cost=320) == []  # table 1 example
    below = pricing.check_prices(9.9, 5.9, cost=6.5)
    assert len(below) == 1 and "低于成本价" in below[0]
    assert any("不低于日常价" in p for p in pricing.check_prices(199, 199, cost=95))
    assert any("0.01" in p for p in pricing.check_prices(199.999, 179, cost=95))
    assert any("缺少活动价" in p for p in pricing.check_prices(199, None))
    assert any("先涨后降" in p for p in pricing.check_prices(199, 179, original=219, lowest_30d=199))
    assert pricing.cents_ok(499.9) and not pricing.cents_ok(0.001)


def _history(gap=False):
    import pandas as pd

    days = pd.date_range("2026-05-01", "2026-06-14")
    prices = [1299.0 if d < pd.Timestamp("2026-06-01") else 1399.0 for d in days]
    h = pd.DataFrame(
        {"date": days, "sku_id": "S", "product_id": "P", "list_price": prices, "deal_price": prices, "on_sale": True}
    )
    if gap:
        h = h[~h["date"].between("2026-05-20", "2026-05-22")]
    return h


def test_fake_original_price_found():
    low = pricing.lowest_deal_price(_history(), "S", "2026-06-15", before=True)
    assert low.value == 1299.0 and low.complete and low.days_expected == 30
    probs = pricing.check_original_price(_history(), "S", 1399.0, "2026-06-15")
    assert len(probs) == 1 and "虚构原价" in probs[0]
    assert pricing.check_original_price(_history(), "S", 1299.0, "2026-06-15") == []


def test_price_history_gaps_reported():
    low = pricing.lowest_deal_price(_history(gap=True), "S", "2026-06-15", before=True)
    assert low.missing == ["2026-05-20", "2026-05-21", "2026-05-22"]
    assert "缺少 3 天" in low.message() and "证明不完整" in low.message()
    none = pricing.lowest_deal_price(_history(), "NOPE", "2026-06-15")
    assert none.value is None and "没有任何在售的价格记录" in none.message()


def test_pyramid_helpers():
    assert pricing.traffic_price_band(100) == (85.0, 90.0)
    assert pricing.price_discount_vs_average(88, 100) == 0.12


# -- images -------------------------------------------------------------------------

ASSETS = images.asset_dir()


def test_generated_images_are_small_and_deterministic(tmp_path):
    files = sorted(ASSETS.glob("cand_*.png"))
    assert len(files) == 8 and all(f.stat().st_size < 100_000 for f in files)
    from datasets import make_images

    folder = make_images.write(ASSETS.name, out=tmp_path)  # draw into tmp, never into the repository
    import numpy as np

    for f in files:
        assert np.array_equal(images.load(f), images.load(folder / f.name)), f.name


def test_image_facts():
    import pandas as pd

    info = pd.DataFrame([images.image_info(p) for p in sorted(ASSETS.glob("cand_*.png"))]).set_index("文件")
    assert list(info.index[~info["尺寸合格"]]) == ["cand_06.png"]
    assert list(info.index[info["拼接图"]]) == ["cand_04.png"]
    assert set(info.index[info["白底图"]]) == {"cand_03.png", "cand_05.png", "cand_06.png", "cand_08.png"}
    assert not info.loc["cand_02.png", "白底图"]  # light grey looks white but is not


# table 1: 1 white, 2 scenes, 2 details
MAIN = ["cand_03.png", "cand_01.png", "cand_07.png", "cand_05.png", "cand_08.png"]


def test_main_image_plan_rules():
    """Table 1's own mix passes: the 60 % white rule is not a main-image rule."""
    info = {p.name: images.image_info(p) for p in ASSETS.glob("cand_*.png")}
    good = [info[n] for n in MAIN]
    assert sum(i["白底图"] for i in good[1:3]) == 0  # two scenes: not white
    assert images.check_main_images(good) == []
    bad = [info[n] for n in ["cand_01.png", "cand_04.png", "cand_06.png", "cand_07.png", "cand_07.png"]]
    probs = " ".join(images.check_main_images(bad))
    for needle in ("首图", "750×1000", "拼接图", "重复使用"):
        assert needle in probs
    assert "60%" not in probs
    assert "应为 5 张" in " ".join(images.check_main_images(good[:4]))


def test_detail_image_rules():
    """Workshop plan, 关键控制点: 详情页图片 white-background share ≥ the setting, no spliced image."""
    info = {p.name: images.image_info(p) for p in ASSETS.glob("cand_*.png")}
    assert images.check_detail_images([info[n] for n in MAIN]) == []  # 3 of 5 white = 60 %
    low = " ".join(images.check_detail_images([info[n] for n in ["cand_01.png", "cand_07.png", "cand_03.png"]]))
    assert "33%" in low and "60%" in low
    assert "拼接图" in " ".join(images.check_detail_images([info["cand_04.png"], info["cand_03.png"]]))
    assert images.check_detail_images([]) == ["详情页图片还没有选：至少选 1 张。"]
    assert images.detail_images_ok(MAIN) and not images.detail_images_ok(["cand_01.png"])
    assert images.main_first_white(MAIN) and not images.main_first_white(MAIN[1:] + MAIN[:1])
    assert images.main_images_clean(MAIN) and not images.main_images_clean(MAIN[:4] + ["cand_06.png"])
    assert not images.main_images_clean(None) and not images.detail_images_ok([])


def test_corner_mark_is_a_logo():
    import numpy as np

    white = np.full((800, 800, 3), 255, dtype=np.uint8)
    assert not images.has_corner_mark(white)
    logo = white.copy()
    logo[700:760, 680:780] = (30, 60, 200)  # a blue mark bottom right
    assert images.has_corner_mark(logo)
    scene = np.full((800, 800, 3), 180, dtype=np.uint8)  # a room: the corners are all colour
    assert not images.has_corner_mark(scene)
    import pathlib
    import tempfile

    from PIL import Image

    folder = pathlib.Path(tempfile.mkdtemp())
    Image.fromarray(logo).save(folder / "cand_01.png")
    info = images.image_info(folder / "cand_01.png")
    assert info["角标"] and "logo" in " ".join(images.check_main_images([info]))


def test_image_table_and_gallery():
    table = images.image_table()
    assert list(table["文件"]) == [f"cand_0{i}.png" for i in range(1, 9)]
    assert {"尺寸合格", "白底图", "拼接图", "角标"} <= set(table.columns)
    html = images.gallery().data
    assert html.count("<img") == 8 and "cand_08.png" in html


def test_missing_image_message(tmp_path):
    from course.messages import CourseError

    with pytest.raises(CourseError, match="找不到图片"):
        images.load(tmp_path / "nope.png")


# -- table-1 audit --------------------------------------------------------------------


def _listing(**over):
    listing = {
        "title": "栖木北欧ins风简约床头柜卧室小户型储物柜现代简约白色2026新款",
        "core_keyword": "床头柜",
        "core_attributes": ["北欧", "简约", "小户型"],
        "brand": "栖木",
        "category": "床头柜",
        "prices": [{"规格": "60cm", "日常价": 599.0, "活动价": 499.0, "成本价": 320.0}],
        "main_images": MAIN,
        "detail_images": MAIN,
        "selling_points": ["免安装抽拉设计", "环保E1级板材", "40cm窄款不占地"],
        "sections": list(listing_audit.DETAIL_ORDER),
        "sku_attributes": {"颜色": ["白色", "原木色"], "尺寸": ["60cm", "80cm"]},
        "inventory": _inventory(),
        "product_id": "P1",
    }
    listing.update(over)
    return listing


def test_audit_passes_a_right_listing():
    rep = listing_audit.audit(_listing())
    assert list(rep.columns) == ["字段", "填写规范", "填写值", "是否通过", "需要修改"]
    assert list(rep["字段"]) == ["商品名称", "价格", "主图", "详情页首屏", "详情页布局", "详情页图片", "SKU"]
    assert listing_audit.passed(rep), rep[~rep["是否通过"]].to_dict("records")


@pytest.mark.parametrize(
    "over, field, needle",
    [
        ({"title": "栖木北欧ins风简约床头柜卧室储物柜现代简约白色2026新款"}, "商品名称", "小户型"),
        ({"prices": [{"规格": "60cm", "日常价": 599.0, "活动价": 299.0, "成本价": 320.0}]}, "价格", "低于成本价"),
        ({"main_images": ["cand_02.png"]}, "主图", "首图"),
        ({"selling_points": ["最好的板材"]}, "详情页首屏", "最好"),
        ({"sections": ["核心卖点", "场景导入", "产品细节", "规格参数", "用户评价"]}, "详情页布局", "顺序"),
        ({"detail_images": ["cand_01.png", "cand_07.png", "cand_03.png"]}, "详情页图片", "白底图"),
        ({"sku_attributes": {"颜色": ["白色", "原木色", "默认"], "尺寸": ["60cm", "80cm"]}}, "SKU", "颜色:默认"),
    ],
)
def test_audit_flags_each_table1_row(over, field, needle):
    rep = listing_audit.audit(_listing(**over)).set_index("字段")
    assert not rep.loc[field, "是否通过"]
    assert needle in rep.loc[field, "需要修改"]
    assert rep["是否通过"].sum() == len(rep) - 1  # only that row fails


def test_audit_of_nothing_says_what_to_fill():
    rep = listing_audit.audit({})
    assert not rep["是否通过"].any() and rep["需要修改"].str.contains("还没有填写").all()
    assert not listing_audit.passed(rep)


# -- forms (bad input keeps what was typed) ---------------------------------------------


@pytest.fixture
def session(in_tmp):
    import course

    course.start("module1_listing", "forms_test", quiet=True)
    return in_tmp


def test_title_form_keeps_typed_text_and_previews(session):
    from course.forms.title_form import TitleForm

    f = TitleForm(category="床头柜", brand="栖木")
    typed = "最好的床头柜😀，"
    probs = f.submit({"core_keyword": "床头柜", "attributes": "北欧、简约", "marketing": "全网最低", "title": typed})
    assert any("最好" in p for p in probs) and any("表情" in p for p in probs)
    assert any("营销词「全网最低」" in p for p in probs)
    again = TitleForm(category="床头柜", brand="栖木")  # a new kernel
    assert again._raw["title"] == typed and again.values["title"] == typed.strip()
    assert "最好" in again.preview(again.values, again._raw)
    blank = f.submit({"title": "   "})
    assert any("必填" in p for p in blank) and "标题是空的" in f.preview({}, {"title": "   "})


def test_swot_form_rejects_empty_vague_and_copied(session):
    from course.forms.swot_form import SwotForm

    f = SwotForm(valid_ids=["T001", "T002", "T003"], min_rows=1)
    probs = f.submit(
        {
            "rows": [
                {
                    "item_id": "T001",
                    "s": "好",
                    "w": "成本偏高，单件90元",
                    "o": "成本偏高，单件90元",
                    "t": "竞品多，价格战",
                },
                {"item_id": "T999", "s": "差异化设计", "w": "起订量大", "o": "开学季需求", "t": "竞品多，价格战"},
            ]
        }
    )
    text = " ".join(probs)
    assert "太笼统" in text and "内容相同" in text and "不在类目 Top100" in text and "完全相同" in text
    assert "<table" in f.preview(f.values, f._raw)


def test_detail_form_order_count_and_words(session):
    from course.forms.detail_form import DetailForm

    f = DetailForm(pain_points=["卧室空间小", "安装麻烦"])
    probs = f.submit(
        {
            "sections": [{"module": "场景导入"}, {"module": "场景导入"}],
            "points": [{"point": "第一品牌板材", "pain": "安装麻烦"}, {"point": "免安装", "pain": "安装麻烦"}],
            "video_seconds": "60",
        }
    )
    text = " ".join(probs)
    for needle in ("出现了 2 次", "缺少模块", "3-5", "都在解决", "第一品牌", "15-30"):
        assert needle in text, needle


def test_sku_form_attribute_without_values(session):
    from course.forms.sku_form import SkuForm

    f = SkuForm(inventory=_inventory(), product_id="P1")
    probs = f.submit({"attributes": [{"name": "颜色", "values": "白色/原木色/默认"}, {"name": "尺寸", "values": "  "}]})
    assert any("颜色:默认" in p for p in probs) and any("没有填写属性值" in p for p in probs)
    assert SkuForm(inventory=_inventory(), product_id="P1")._raw["attributes"][0]["values"] == "白色/原木色/默认"
    assert SkuForm.as_dict(f.values) == {"颜色": ["白色", "原木色", "默认"], "尺寸": []}
    assert "个组合" in f.preview(f.values, f._raw)
    f.submit({"attributes": [{"name": "颜色", "values": "白色/原木色"}, {"name": "尺寸", "values": "60cm/80cm"}]})
    assert "共 4 个组合" in f.preview(f.values, f._raw) and f.problems == []


def test_price_form_typed_units_and_chinese_numerals(session):
    from course.forms.price_form import PriceForm

    f = PriceForm(costs={"60cm": 320.0})
    probs = f.submit({"prices": [{"spec": "60cm", "daily": "599元", "activity": "四百九十九"}]})
    assert any("不要带“元”" in p for p in probs) and any("阿拉伯数字" in p for p in probs)
    assert PriceForm(costs={"60cm": 320.0})._raw["prices"][0]["daily"] == "599元"
    ok = f.submit({"prices": [{"spec": "60cm", "daily": "599.00", "activity": "499.00"}]})
    assert ok == [] and "活动毛利率" in f.preview(f.values, f._raw)


@pytest.mark.parametrize(
    "modname",
    [
        "course.tools.adwords",
        "course.tools.title",
        "course.tools.sku",
        "course.tools.pricing",
        "course.tools.images",
        "course.tools.listing_audit",
        "course.forms.title_form",
        "course.forms.swot_form",
        "course.forms.detail_form",
        "course.forms.sku_form",
        "course.forms.price_form",
        "course.forms.audit_form",
    ],
)
def test_doctests(modname, in_tmp):
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(modname)).failed == 0


# -- the rules as yes/no checks (graded tasks and visible checks call them) -------------------


def test_title_predicates_follow_settings(monkeypatch):
    assert title.width_ok(SEED_TITLES[0]) and not title.width_ok("床头柜") and not title.width_ok(None)
    monkeypatch.setattr(title, "width_range", lambda: (50, 70))  # a teacher's other range
    assert not title.width_ok(SEED_TITLES[0])
    assert title.no_stuffing(SEED_TITLES[0], category="床头柜")
    assert not title.no_stuffing("北欧床头柜鞋柜卧室", category="床头柜")  # a word of another category
    assert not title.no_stuffing("无印良品北欧床头柜", category="床头柜")  # another brand
    assert not title.clean_chars("北欧床头柜😀") and not title.clean_chars("")


@pytest.mark.parametrize("pid", ["P001", "P004", "P006"])
def test_sku_predicates_on_each_featurable_draft(pid):
    """Every featurable product's draft has exactly the planted invalid option; without it the options pass."""
    from course import featured

    draft = featured.product(pid).sku_attributes
    assert sku.covers_inventory(draft, pid) and not sku.no_invalid_options(draft, pid)
    inv = sku.product_inventory(pid)
    fixed = {n: [v for v in vals if v in set(inv[sku.ATTRIBUTE_COLUMNS[n]])] for n, vals in draft.items()}
    assert sku.no_invalid_options(fixed, pid) and sku.covers_inventory(fixed, pid)
    short = {n: vals[:1] for n, vals in fixed.items()}
    assert not sku.covers_inventory(short, pid)
    assert sku.varying_attributes(draft, inv) == list(draft)
    assert not sku.covers_inventory({}, pid) and not sku.no_invalid_options(None, pid)


def test_swot_predicates():
    from course.forms import swot_form as S

    rows = [
        {
            "item_id": f"T00{i}",
            "s": f"毛利率5{i}%较高",
            "w": f"成本{i}0元偏高",
            "o": f"月销{i}000件",
            "t": f"竞品{i}00个",
        }
        for i in range(1, 4)
    ]
    assert S.picks_count_ok(rows) and S.quadrants_concrete(rows) and S.quadrants_distinct(rows)
    assert not S.picks_count_ok(rows[:2]) and not S.picks_count_ok(rows + [rows[0]])
    vague = [dict(rows[0], s="好")] + rows[1:]
    assert not S.quadrants_concrete(vague)
    copied = [dict(rows[0], w=rows[0]["s"])] + rows[1:]
    assert not S.quadrants_distinct(copied) and not S.quadrants_concrete(None)


def test_detail_predicates():
    from course.forms import detail_form as D

    assert D.points_count_ok(["a", "b", "c"]) and not D.points_count_ok(["a", "b"]) and not D.points_count_ok(None)
    assert D.pains_distinct(["空间小", "安装难"])
    assert not D.pains_distinct(["空间小", "空间小"]) and not D.pains_distinct([None])
    assert D.points_compliant(["免安装抽拉设计"]) and not D.points_compliant(["全网最好的板材"])
    assert D.video_ok(15) and D.video_ok("30") and not D.video_ok(31) and not D.video_ok("二十")


def test_price_predicates():
    import pandas as pd

    from course import featured
    from course.forms.price_form import PriceForm, activity_not_below_cost, cents_and_below_daily

    p = featured.product("P001")
    right = PriceForm.table(
        {"prices": [{"spec": s, "daily": x.daily, "activity": x.activity} for s, x in p.prices.items()]}
    )
    assert cents_and_below_daily(right) and activity_not_below_cost(right, "P001")
    cheap = right.assign(活动价=1.00)
    assert cents_and_below_daily(cheap) and not activity_not_below_cost(cheap, "P001")
    assert not cents_and_below_daily(right.assign(活动价=179.005))
    assert not cents_and_below_daily(right.assign(活动价=right["日常价"]))
    assert not cents_and_below_daily(pd.DataFrame()) and not activity_not_below_cost(None)
    assert PriceForm.table(None) is None


def test_catalog_facts_show_facts_not_verdicts():
    facts = listing_audit.catalog_facts()
    assert list(facts["product_id"]) == sorted(facts["product_id"])
    assert not any("通过" in c or "合规" in c for c in facts.columns)
    row = facts.set_index("product_id")
    assert row.loc["P006", "极限词"] == "最低价" and row.loc["P005", "活动价减成本"] < 0
    assert "默认" in row.loc["P013", "SKU选项"] and row.loc["P003", "划线价减近30天最低价"] > 0
    assert listing_audit.campaign_start() == "2026-06-15"


def test_image_plan_form_checks_pixels_live(session):
    from course.forms.detail_form import ImagePlanForm

    f = ImagePlanForm()
    assert [x.name for x in f.fields] == ["main_1", "main_2", "main_3", "main_4", "main_5", "detail"]
    chosen = ["cand_02.png", "cand_01.png", "cand_07.png", "cand_04.png", "cand_08.png"]
    raw = {f"main_{i}": n for i, n in enumerate(chosen, 1)}
    probs = " ".join(f.submit({**raw, "detail": ["cand_01.png", "cand_07.png"]}))
    assert "首图" in probs and "拼接图" in probs and "0%" in probs
    right = {f"main_{i}": n for i, n in enumerate(MAIN, 1)}
    assert f.submit({**right, "detail": MAIN}) == []
    assert ImagePlanForm.plan(f.values) == {"main": MAIN, "detail": sorted(MAIN)}


def test_forms_start_from_the_featured_product(session):
    from course import featured
    from course.forms.detail_form import DetailForm
    from course.forms.price_form import PriceForm
    from course.forms.sku_form import SkuForm

    p = featured.product()
    sku_form = SkuForm(draft=p.sku_attributes)
    assert [r["name"] for r in sku_form._raw["attributes"]] == list(p.sku_attributes)
    assert "默认" in sku_form._raw["attributes"][0]["values"] or "默认" in sku_form._raw["attributes"][1]["values"]
    price_form = PriceForm(costs={s: x.cost for s, x in p.prices.items()})
    assert [r["spec"] for r in price_form._raw["prices"]] == list(p.prices)
    assert DetailForm().pain_points == list(p.pain_signals)


def test_catalog_audit_form(session):
    from course.forms.audit_form import CatalogAuditForm

    f = CatalogAuditForm()
    assert [x.name for x in f.fields] == ["title", "price", "sku", "original"] and "P013" in f.fields[0].options
    assert f.submit({"title": ["P006"], "price": [], "sku": ["P013"], "original": []}) == []
    assert f.values == {"title": ["P006"], "price": [], "sku": ["P013"], "original": []}
