r"""Reading the settings file with the line of every setting (for messages a teacher can follow).

>>> data, lines = parse("course:\n  name: 电商运营实战\n", "例.yaml")
>>> data["course"]["name"], lines["course.name"]
('电商运营实战', 2)
"""

from __future__ import annotations

from typing import Any

import yaml

from .spec import SettingsError


class DuplicateKey(Exception):
    def __init__(self, path: str, first: int, second: int):
        super().__init__(path)
        self.path, self.first, self.second = path, first, second


def _to_python(node: yaml.Node, lines: dict, path: str) -> Any:
    """Convert a composed YAML node to Python, remembering each path's line."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            sub = f"{path}.{key}" if path else key
            if key in out:
                # PyYAML would silently keep the last one: a copied line must not
                # quietly override the value the teacher is looking at
                raise DuplicateKey(sub, lines[sub], key_node.start_mark.line + 1)
            out[key] = _to_python(value_node, lines, sub)
            lines[sub] = key_node.start_mark.line + 1  # the line a teacher sees the name on
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, lines, f"{path}[{i}]") for i, v in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node, deep=True)


def parse(text: str, where: str) -> tuple[dict, dict]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark else "某处"
        raise SettingsError(
            f"设置文件 {where} {line}格式有误：YAML 无法读取。" + _syntax_hint(text, mark.line if mark else None)
        ) from None
    if node is None or not isinstance(node, yaml.MappingNode):
        raise SettingsError(f"设置文件 {where} 是空的或不是“键: 值”的格式，请从 course/settings.yaml 复制一份再修改。")
    lines: dict[str, int] = {}
    try:
        return _to_python(node, lines, ""), lines
    except DuplicateKey as dup:
        raise SettingsError(
            f"设置文件 {where} 第 {dup.second} 行：设置项 {dup.path} 重复出现（第 {dup.first} 行已经有一次）。"
            "请删掉其中一行，只保留你要的值。"
        ) from None


def _syntax_hint(text: str, line0: int | None) -> str:
    """A concrete hint for the usual typing slips near the failing line."""
    rows = text.splitlines()
    near = [rows[i] for i in (line0 - 1 if line0 else None, line0) if i is not None and 0 <= i < len(rows)]
    if line0 is None:
        near = rows
    if any("\t" in r for r in near):
        return "这一行附近用了 Tab 键缩进，YAML 只认空格：请把 Tab 换成两个空格。"
    if any("：" in r.split("#")[0] for r in near):
        return "这一行附近用了中文全角冒号“：”，请改成英文冒号加一个空格“: ”。"
    return "请检查缩进（两个空格）、冒号后的空格和引号是否成对。"
