"""Chinese text in charts renders real glyphs: no boxes, no missing-glyph warnings,
also after seaborn resets the theme."""

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402

from course.plotting import FONT_NAME, use_chinese_font  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


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


def test_seaborn_imported_after_the_setup_keeps_chinese_and_is_not_loaded_before():
    """course.start() does not load seaborn (about 1 CPU-second a kernel); a notebook
    that imports it afterwards still keeps the Chinese font through set_theme()."""
    import subprocess
    import sys

    code = (
        "import sys, matplotlib\n"
        "matplotlib.use('Agg')\n"
        "from course.plotting import FONT_NAME, use_chinese_font\n"
        "use_chinese_font(); use_chinese_font()\n"
        "assert 'seaborn' not in sys.modules and 'scipy.stats' not in sys.modules\n"
        "import seaborn as sns\n"
        "sns.set_theme()\n"
        "assert matplotlib.rcParams['font.sans-serif'][0] == FONT_NAME, matplotlib.rcParams['font.sans-serif']\n"
        "sns.set_style('whitegrid')\n"
        "assert matplotlib.rcParams['font.sans-serif'][0] == FONT_NAME\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
