"""A minimal, byte-stable .xlsx writer (SpreadsheetML in a zip).

Why not openpyxl: the offline pack must be the same bytes for the same data
(it is committed, and ``tests/test_datasets.py`` regenerates it), and openpyxl
stamps the current time into the workbook and its zip entries.  This writer
writes fixed times, inline strings, numbers and booleans, a bold frozen header
row, and nothing else.

``sheets`` is a list of ``(name, rows, kinds, header_rows)``: ``rows`` are lists of
strings (CSV text), ``kinds[j]`` is ``num``, ``bool`` or ``text`` for column j, and
the first ``header_rows`` rows are bold text.

>>> column_letters(0), column_letters(25), column_letters(26), column_letters(701)
('A', 'Z', 'AA', 'ZZ')
>>> sheet_xml([["a", "b"], ["1", "True"]], ["num", "bool"], 1).count("<c ")
4
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STAMP = (2026, 6, 30, 0, 0, 0)  # every zip entry's time: same data -> same bytes
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_FROZEN_HEADER = (
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
    'state="frozen"/></sheetView></sheetViews>'
)
_NUM_RE = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def column_letters(i: int) -> str:
    """Excel's column name of the 0-based column ``i``."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _cell(ref: str, value: str, kind: str, header: bool) -> str:
    if header:
        kind = "text"
    if kind == "num" and _NUM_RE.fullmatch(str(value)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind == "bool" and value in ("True", "False"):
        return f'<c r="{ref}" t="b"><v>{1 if value == "True" else 0}</v></c>'
    style = ' s="1"' if header else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{_esc(str(value))}</t></is></c>'


def sheet_xml(rows, kinds, header_rows: int) -> str:
    """One worksheet; empty cells are left out."""
    parts = [f'{_XML}<worksheet xmlns="{_NS}">']
    if header_rows:
        parts.append(_FROZEN_HEADER)
    parts.append("<sheetData>")
    cols = [column_letters(j) for j in range(max((len(r) for r in rows), default=0))]
    for i, row in enumerate(rows, start=1):
        header = i <= header_rows
        cells = [
            _cell(f"{cols[j]}{i}", v, kinds[j] if j < len(kinds) else "text", header)
            for j, v in enumerate(row)
            if v is not None and v != ""
        ]
        parts.append(f'<row r="{i}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
        + sheets
        + '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
        "</Types>"
    )


def _package_rels() -> str:
    return (
        f'{_XML}<Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{_PKG}/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'
    )


def _workbook(names: list[str]) -> str:
    sheets = "".join(f'<sheet name="{_esc(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1))
    return f'{_XML}<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>'


def _workbook_rels(n: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)
    )
    return (
        f'{_XML}<Relationships xmlns="{_PKG}">{sheets}'
        f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    )


def _core_properties(title: str, creator: str) -> str:
    return (
        f"{_XML}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title>'
        f"<dc:creator>{creator}</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2026-06-30T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-06-30T00:00:00Z</dcterms:modified></cp:coreProperties>'
    )


def _app_properties(creator: str) -> str:
    return (
        f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{creator}</Application></Properties>"
    )


def write_xlsx(
    path: Path, sheets: list[tuple[str, list, list, int]], title: str, creator: str = "datasets.generate"
) -> None:
    """Write the workbook ``sheets`` (see the module docstring) to ``path``."""
    n = len(sheets)
    files = [
        ("[Content_Types].xml", _content_types(n)),
        ("_rels/.rels", _package_rels()),
        ("docProps/core.xml", _core_properties(title, creator)),
        ("docProps/app.xml", _app_properties(creator)),
        ("xl/workbook.xml", _workbook([s[0] for s in sheets])),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(n)),
        ("xl/styles.xml", _STYLES),
    ]
    files += [
        (f"xl/worksheets/sheet{i}.xml", sheet_xml(rows, kinds, header))
        for i, (_, rows, kinds, header) in enumerate(sheets, 1)
    ]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in files:
            info = zipfile.ZipInfo(name, date_time=_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, text.encode("utf-8"))
