"""打印数据字典（Markdown）：python -m datasets.docs

Prints the column tables of the data dictionary from ``datasets.spec`` (the
tables in README.md were produced by this script; tests check README names every
column).
"""

from __future__ import annotations

from .spec import PRIMARY_KEYS, TABLES

_TYPES = {
    "string": "文本",
    "int": "整数",
    "float": "小数",
    "bool": "是/否",
    "date": "日期",
    "datetime": "日期时间",
    "category": "类别",
}


def markdown() -> str:
    out = []
    for name, spec in TABLES.items():
        out.append(f"### `{name}` — {spec['description']}\n")
        out.append(f"文件 `{spec['file']}`；主键 {' + '.join(f'`{k}`' for k in PRIMARY_KEYS[name])}。\n")
        out.append("| 字段 | 类型 | 含义 | 单位 |")
        out.append("|---|---|---|---|")
        for col, info in spec["columns"].items():
            out.append(f"| `{col}` | {_TYPES[info['dtype']]} | {info['description']} | {info['unit']} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown())
