"""The featured product of modules 1 and 2 is a setting (issue 15, item 2).

* every product that can be featured has every fact modules 1 and 2 need, rich
  enough for the tasks (keywords with a trap, pain points, a persona that finds
  candidates, an SKU draft with one invalid option, prices per spec, eight
  candidate images with the planted pattern);
* ``featured.product_id`` in the settings switches ``course.featured.product()``,
  the image folder, the title form's defaults and table 1; a bad id is refused
  with a Chinese message that names the line and the products to choose from;
* the images are found in the repository, a released folder and a student zip.
"""

from __future__ import annotations

import doctest
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course import catalog, data, featured, settings
from course.messages import CourseError
from course.settings import SettingsError
from course.tools import images
from course.tools import sku as sku_tools
from course.tools.adwords import find_absolute_words
from course.tools.title import lexicon

REPO = Path(__file__).resolve().parent.parent
SETTINGS_TEXT = (REPO / "course" / "settings.yaml").read_text(encoding="utf-8")
IDS = [c.id for c in featured.featurable()]
FILES = [f"cand_0{i}.png" for i in range(1, 9)]
# the P001 images the course always shipped (sha256 before the product became a setting)
P001_SHA256 = {
    "cand_01.png": "58121863eeb1d873f8f94317612f2f24f1a57dcf929a2517eca153d17ea568a7",
    "cand_02.png": "c4f102a2d465b77b757ef9ab9af987daf5bb0fe1db69ddddf9fd9906295bc444",
    "cand_03.png": "2e5cceb3646443fcc2639fcd160264c18678d4b278025ced6f5ece5d98b439ef",
    "cand_04.png": "43841560b0bd2f0ed7bc58f4500ef7b6ee6c79096c51b689c472fa0267f7db37",
    "cand_05.png": "04072abe40c8f1e39950ed6dd2adedddff7f2daf7f5b36836f6876a1323a8f20",
    "cand_06.png": "356efcc60b70fa52fc840c72104bae7c4cf425ee1c81e9cbe7b1e19cd2a6ab54",
    "cand_07.png": "6741613d47080a9022e6b683a52fd9810149063cde4537d58a5edc0ac1e25997",
    "cand_08.png": "3642ca4f7531a333ede58b8b675076ce83ff4d074018e9cd2600871ed8549b60",
}


def featuring(product_id: str) -> str:
    """The shipped settings with another featured product."""
    text, n = re.subn(r"(?m)^(\s+product_id:) P001$", rf"\1 {product_id}", SETTINGS_TEXT)
    assert n == 1
    return text


@pytest.fixture
def use_settings(tmp_path, monkeypatch):
    """Make a settings text the one in force (COURSE_SETTINGS)."""

    def write(text: str) -> Path:
        path = tmp_path / "course_settings.yaml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("COURSE_SETTINGS", str(path))
        settings.load()
        return path

    yield write
    monkeypatch.delenv("COURSE_SETTINGS", raising=False)
    settings._CACHE.clear()


def keywords_of(pid: str):
    k = data.load("keywords")
    return k[k["related_product_id"] == pid]


# -- the facts -------------------------------------------------------------------------


def test_three_products_of_different_categories_can_be_featured():
    choices = featured.featurable()
    assert len(choices) >= 3 and IDS[:3] == ["P001", "P004", "P006"]
    assert len({c.category for c in choices}) == len(choices)
    assert {c.category for c in choices} >= {"床头柜", "收纳盒", "置物架"}
    assert settings.load()["featured"]["product_id"] == "P001"
    assert featured.product().id == "P001"


@pytest.mark.parametrize("pid", IDS)
def test_every_fact_is_there(pid):
    p = featured.product(pid)
    row = data.load("products").set_index("product_id").loc[pid]
    assert (p.name, p.title, p.category, p.role, p.style) == (
        row.product_name,
        row.title,
        row.sub_category,
        row.role,
        row["style"],
    )
    assert p.brand == "栖木"
    assert p.core_keywords and p.category in p.core_keywords
    assert p.pain_signals and p.persona.age_bands and p.persona.genders and p.persona.spending in ("低", "中", "高")
    assert p.sku_attributes and p.prices and p.skus
    assert str(p).startswith("栖木 ") and pid in str(p)


@pytest.mark.parametrize("pid", IDS)
def test_keywords_are_as_rich_as_p001s(pid):
    kw = keywords_of(pid)
    counts = kw["keyword_type"].value_counts()
    assert counts.get("核心词", 0) >= 3 and counts.get("属性词", 0) >= 7
    assert counts.get("营销词", 0) >= 5 and counts.get("长尾词", 0) >= 7
    core = kw[kw["keyword_type"] == "核心词"].sort_values("relevance", ascending=False)
    assert core["keyword"].iloc[0] == featured.product(pid).category
    assert core["relevance"].iloc[0] > core["relevance"].iloc[1]
    rel = settings.threshold("listing", "core_attribute_relevance_min")
    attrs = kw[kw["keyword_type"] == "属性词"]
    assert 2 <= (attrs["relevance"] >= rel).sum() < len(attrs)  # must-have words and optional ones
    marketing = kw[kw["keyword_type"] == "营销词"]["keyword"]
    traps = [m for m in marketing if find_absolute_words(m)]
    assert len(traps) == 1 and len(marketing) - len(traps) >= 5  # one extreme-word trap among them
    lex = lexicon()
    title_words = kw[kw["keyword_type"].isin(["核心词", "属性词", "营销词"]) & ~kw["keyword"].isin(traps)]
    assert [w for w in title_words["keyword"] if w not in lex] == []  # the title editor knows each word's role
    assert kw["search_heat"].gt(0).all() and kw["competition_index"].gt(0).all()


@pytest.mark.parametrize("pid", IDS)
def test_pain_points_are_signalled_by_long_tail_keywords(pid):
    p = featured.product(pid)
    lt = keywords_of(pid)
    lt = lt[lt["keyword_type"] == "长尾词"]
    heat = {
        pain: int(lt[lt["keyword"].str.contains("|".join(words))]["search_heat"].sum())
        for pain, words in p.pain_signals.items()
    }
    assert len(heat) >= 5 and sum(h > 0 for h in heat.values()) >= 3
    top = sorted(heat.values(), reverse=True)
    assert top[0] > top[1], heat  # one pain clearly searched most


@pytest.mark.parametrize("pid", IDS)
def test_persona_finds_enough_candidates_in_the_top100(pid):
    persona = featured.product(pid).persona
    t = data.load("category_top100")
    f = t[
        t["target_age_band"].isin(persona.age_bands)
        & t["target_gender"].isin(persona.genders)
        & (t["spending_level"] == persona.spending)
        & (t["est_margin_rate"] >= settings.threshold("listing", "selection_margin_min"))
        & (t["competition_level"] != "高")
    ]
    assert len(f) >= settings.threshold("listing", "selection_pick_max")


@pytest.mark.parametrize("pid", IDS)
def test_sku_draft_has_exactly_one_invalid_option(pid):
    p = featured.product(pid)
    inv = data.load("skus")
    inv = inv[inv["product_id"] == pid]
    issues = [i for i in sku_tools.check_options(p.sku_attributes, inv, product_id=pid) if i.invalid]
    assert len(issues) == 1 and issues[0].kind == "无意义选项", issues
    varying = {c for c in ("color", "size", "material") if inv[c].nunique() > 1}
    assert {sku_tools.ATTRIBUTE_COLUMNS[n] for n in p.sku_attributes} == varying
    for name, values in p.sku_attributes.items():
        col = sku_tools.ATTRIBUTE_COLUMNS[name]
        valid = [v for v in values if v != issues[0].value]
        assert sorted(valid) == sorted(inv[col].unique()), name  # the rest is exactly the inventory


@pytest.mark.parametrize("pid", IDS)
def test_prices_per_spec(pid):
    p = featured.product(pid)
    inv = data.load("skus")
    inv = inv[inv["product_id"] == pid]
    assert list(p.prices) == list(dict.fromkeys(inv["size"]))
    for spec, g in inv.groupby("size"):
        assert g[["daily_price", "campaign_price", "cost"]].nunique().max() == 1  # one price per spec
        price = p.prices[spec]
        assert (price.daily, price.activity, price.cost) == (
            g["daily_price"].iloc[0],
            g["campaign_price"].iloc[0],
            g["cost"].iloc[0],
        )
        assert price.cost <= price.activity < price.daily
    assert [s.sku_id for s in p.skus] == list(inv["sku_id"])


def test_a_record_is_a_fresh_copy():
    p = featured.product("P001")
    p.pain_signals["x"] = ["y"]
    p.sku_attributes["颜色"].append("z")
    again = featured.product("P001")
    assert "x" not in again.pain_signals and "z" not in again.sku_attributes["颜色"]
    with pytest.raises(AttributeError):
        p.id = "P004"


# -- the images ----------------------------------------------------------------------


@pytest.mark.parametrize("pid", IDS)
def test_images_have_the_planted_pattern(pid):
    folder = featured.product(pid).images_dir
    assert sorted(p.name for p in folder.glob("cand_*.png")) == FILES
    arr = {f: images.load(folder / f) for f in FILES}
    sizes = {f: a.shape[:2] for f, a in arr.items()}
    assert sizes.pop("cand_06.png") == (1000, 750) and set(sizes.values()) == {(800, 800)}
    assert {f for f, a in arr.items() if images.is_white_background(a)} == {
        "cand_03.png",
        "cand_05.png",
        "cand_06.png",
        "cand_08.png",
    }
    assert {f for f, a in arr.items() if images.is_spliced(a)} == {"cand_04.png"}
    grey = arr["cand_02.png"]
    assert images.border_white_share(grey) == 0 and (grey[:40] == 232).all()  # looks white, is not
    for f in ("cand_01.png", "cand_07.png"):  # room scenes: coloured, no seam
        assert images.white_share(arr[f]) < 0.2
    for f in ("cand_03.png", "cand_05.png", "cand_08.png"):  # the product is really drawn
        assert 0.5 < images.white_share(arr[f]) < 0.95
    plan = [
        images.image_info(folder / f)
        for f in ("cand_03.png", "cand_01.png", "cand_07.png", "cand_05.png", "cand_08.png")
    ]
    assert images.check_main_images(plan) == []  # a valid plan exists


def test_p001_images_are_the_ones_the_course_always_shipped():
    folder = featured.find_images("P001")
    assert {f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in FILES} == P001_SHA256


@pytest.mark.parametrize("pid", IDS)
def test_images_are_drawn_deterministically(pid):
    from datasets import featured as spec
    from datasets import make_images

    drawn = make_images.images(spec.FEATURED[pid]["drawing"])
    folder = featured.find_images(pid)
    for name, im in drawn.items():
        assert np.array_equal(np.asarray(im.convert("RGB")), images.load(folder / name)), name


def test_images_are_found_next_to_a_released_notebook(tmp_path, monkeypatch):
    released = tmp_path / "release" / "module1_listing"
    shutil.copytree(REPO / "module1_listing" / "assets" / "P004", released / "assets" / "P004")
    monkeypatch.chdir(released)
    assert featured.find_images("P004") == released / "assets" / "P004"
    monkeypatch.chdir(tmp_path)  # anywhere else: the repository's copy
    assert featured.find_images("P004") == REPO / "module1_listing" / "assets" / "P004"


def test_images_are_found_in_a_student_zip_layout(tmp_path):
    """Unzipped package: module1_listing/{course, data, assets/<id>}; the kernel may start elsewhere."""
    pkg = tmp_path / "module1_listing"
    shutil.copytree(REPO / "course", pkg / "course", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "datasets" / "data", pkg / "data")
    shutil.copytree(REPO / "module1_listing" / "assets" / "P006", pkg / "assets" / "P006")
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_DATA_DIR", "COURSE_SETTINGS")}
    env["PYTHONPATH"] = str(pkg)
    code = "from course import featured; print(featured.product('P006').images_dir)"
    out = subprocess.run([sys.executable, "-c", code], cwd=pkg, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()) == pkg / "assets" / "P006"
    code = "from course import featured; print(featured.find_images('P006'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert Path(out.stdout.strip()) == pkg / "assets" / "P006", out.stderr


def test_missing_images_get_a_chinese_message(monkeypatch):
    monkeypatch.setattr(catalog, "_image_folders", lambda pid: [])
    p = featured.product("P004")  # the facts do not need the images (module 2)
    with pytest.raises(CourseError, match="找不到商品 P004 的候选主图"):
        _ = p.images_dir


# -- the setting -------------------------------------------------------------------


@pytest.mark.parametrize("pid", ["P004", "P006"])
def test_the_setting_switches_the_product_and_what_follows_it(use_settings, in_tmp, pid):
    import course
    from course.forms.title_form import TitleForm

    use_settings(featuring(pid))
    course.start("module1_listing", "featured_test", quiet=True)
    p = featured.product()
    assert p.id == pid and featured.featured_id() == pid
    assert images.asset_dir() == featured.find_images(pid)
    form = TitleForm()
    assert (form.category, form.brand) == (p.category, "栖木")
    assert form.fields[0].placeholder == f"如：{p.category}"
    probs = form.submit(
        {"core_keyword": p.category, "attributes": "简约", "marketing": "新品", "title": f"{p.category}简约新品"}
    )
    assert any("品牌名「栖木」" in m for m in probs)
    # an explicit product still wins over the setting
    assert featured.product("P001").id == "P001" and TitleForm(category="床头柜", brand=None).brand is None


def test_lowercase_id_is_accepted(use_settings):
    use_settings(featuring("p004"))
    assert featured.product().id == "P004"


@pytest.mark.parametrize(
    "bad, needle", [("P002", "P002 北欧实木床头柜是本店商品，但数据里没有它"), ("P099", "本店没有编号为 'P099' 的商品")]
)
def test_a_bad_id_gets_a_chinese_message_with_the_line_and_the_choices(tmp_path, bad, needle):
    text = featuring(bad)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if re.match(r"\s+product_id:", ln))
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        settings.load(path)
    msg = str(err.value)
    assert f"第 {line} 行" in msg and "featured.product_id" in msg and needle in msg
    for c in featured.featurable():
        assert f"{c.id} {c.name}（{c.category}）" in msg
    with pytest.raises(CourseError, match="可以选择"):
        featured.product(bad)


def test_a_missing_or_misspelt_featured_section_is_reported(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS_TEXT.replace("  product_id: P001", "  product: P001"), encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        settings.load(path)
    assert "缺少设置项 featured.product_id" in str(err.value) and "featured.product" in str(err.value)


def test_table1_template_is_about_the_featured_product(use_settings, tmp_path):
    import openpyxl

    from course.resources import build_templates as bt

    use_settings(featuring("P006"))
    bt.build(tmp_path / "tpl")
    wb = openpyxl.load_workbook(tmp_path / "tpl" / bt.TABLE1)
    p = featured.product()
    assert p.name in wb["核对表"]["A2"].value and "P006" in wb["核对表"]["A2"].value
    ck = wb["自动检查"]
    assert ck["B4"].value == p.title
    rows = {ck.cell(row=r, column=1).value: ck.cell(row=r, column=3).value for r in range(4, ck.max_row + 1)}
    searched = re.findall(r'SEARCH\("([^"]+)",B4\)', rows["标题有无极限词"])
    assert any(w in p.title for w in searched)  # P006's current title carries 全网最低价: flagged
    options = re.findall(r'SEARCH\("([^"]+)",B24\)', rows["SKU有无无效选项"])
    for pid in IDS:  # every product's planted option would be flagged
        draft = featured.product(pid).sku_attributes
        assert any(w in v for vals in draft.values() for v in vals for w in options), pid


def test_doctests():
    from datasets import featured as spec

    for mod in (featured, catalog, spec):
        assert doctest.testmod(mod).failed == 0
