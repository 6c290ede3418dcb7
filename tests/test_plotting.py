"""Chinese text in charts renders real glyphs: no boxes, no missing-glyph warnings,
also after seaborn resets the theme."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402

from course.plotting import FONT_NAME, use_chinese_font  # noqa: E402


def _render_chinese_chart():
    fig, ax = plt.subplots()
    ax.bar(["自然搜索", "付费广告", "社群引流"], [1200, 800, 500], label="访客数")
    ax.set_title("各渠道访客数（UV）")
    ax.set_xlabel("渠道")
    ax.set_ylabel("访客数（人）")
    ax.legend(title="图例")
    fig.canvas.draw()
    plt.close(fig)


def _glyph_warnings(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]


def test_without_setup_glyphs_are_missing():
    """The check can fail: the default font has no CJK glyphs."""
    matplotlib.rcdefaults()
    matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    assert _glyph_warnings(_render_chinese_chart)


def test_chinese_chart_has_no_missing_glyphs():
    assert use_chinese_font() == FONT_NAME
    assert _glyph_warnings(_render_chinese_chart) == []


@pytest.mark.parametrize("reset", [lambda: sns.set_theme(), lambda: sns.set_style("whitegrid"), lambda: sns.set()])
def test_seaborn_theme_reset_keeps_chinese(reset):
    use_chinese_font()
    reset()
    assert matplotlib.rcParams["font.sans-serif"][0] == FONT_NAME
    assert _glyph_warnings(_render_chinese_chart) == []


def test_font_resolves_to_bundled_file():
    from matplotlib import font_manager

    use_chinese_font()
    path = font_manager.findfont(font_manager.FontProperties(family=FONT_NAME), fallback_to_default=False)
    assert path.endswith("NotoSansSC-Regular.ttf")
