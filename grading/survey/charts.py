"""The report's charts as PNG bytes (matplotlib, Chinese fonts of the course)."""

from __future__ import annotations

import io

# -- charts -------------------------------------------------------------------


def _figure_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def charts(summary: dict) -> dict[str, bytes]:
    """PNG charts with Chinese titles and axis labels, by file name."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # noqa: F401 - pyplot after the backend, before the font

    from course.plotting import use_chinese_font

    use_chinese_font()
    out: dict[str, bytes] = {}
    for module, m in summary["modules"].items():
        out[f"difficulty_{module}.png"] = _difficulty_chart(m)
    if summary["modules"]:
        out["pace.png"] = _pace_chart(summary["modules"])
    final = summary.get("final")
    if final and final["dimensions"]:
        out["satisfaction.png"] = _satisfaction_chart(final)
    return out


def _difficulty_chart(m: dict) -> bytes:
    """Horizontal bars: how many chose each 难点 option of one module."""
    import matplotlib.pyplot as plt

    items = [(k, v) for k, v in m["difficulty"].items()]
    fig, ax = plt.subplots(figsize=(6.4, 0.42 * len(items) + 1.2))
    ax.barh([k for k, _ in items][::-1], [v for _, v in items][::-1], color="#4C72B0")
    ax.set_title(f"{m['title']}\n本模块难点（共 {m['n']} 份回答）", fontsize=11)
    ax.set_xlabel("选择人数（人）")
    ax.set_ylabel("难点选项")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _figure_png(fig)


def _pace_chart(modules: dict) -> bytes:
    """One stacked 100% bar per module: shares of 太快 / 合适 / 太慢."""
    import matplotlib.pyplot as plt

    mods = list(modules)
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    left = [0.0] * len(mods)
    colors = {"太快": "#DD8452", "合适": "#55A868", "太慢": "#8172B3"}
    labels = [modules[m]["title"].split(" ")[0] for m in mods]
    for opt in colors:
        vals = []
        for m in mods:
            p = modules[m]["pace"]
            total = sum(p.values()) or 1
            vals.append(100.0 * p.get(opt, 0) / total)
        ax.barh(labels, vals, left=left, color=colors[opt], label=opt)
        left = [a + b for a, b in zip(left, vals)]
    ax.set_xlim(0, 100)
    ax.set_title("各模块讲解节奏评价")
    ax.set_xlabel("占回答人数的比例（%）")
    ax.set_ylabel("模块")
    ax.invert_yaxis()
    ax.legend(ncol=3, loc="lower center", bbox_to_anchor=(0.5, -0.45), frameon=False)
    return _figure_png(fig)


def _satisfaction_chart(final: dict) -> bytes:
    """Grouped bars: how many gave 1..5 points on each dimension, mean under its name."""
    import matplotlib.pyplot as plt

    dims = list(final["dimensions"])
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    width = 0.15
    for i, score in enumerate(["1", "2", "3", "4", "5"]):
        xs = [j + (i - 2) * width for j in range(len(dims))]
        ax.bar(xs, [final["dimensions"][d]["counts"][score] for d in dims], width=width, label=f"{score} 分")
    ax.set_xticks(range(len(dims)))
    ax.set_xticklabels(
        [
            f"{d}\n平均 {final['dimensions'][d]['mean'] if final['dimensions'][d]['mean'] is not None else '—'} 分"
            for d in dims
        ]
    )
    ax.set_title(f"课程满意度评分分布（1-5 分，共 {final['n']} 份）")
    ax.set_xlabel("评价维度")
    ax.set_ylabel("人数（人）")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.28), frameon=False)
    return _figure_png(fig)
