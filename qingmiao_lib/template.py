"""``qingmiao template``: the empty import workbook — one sheet per table named in Chinese with
Chinese headers (required ones bold), a 说明 sheet describing every column, dropdowns for the
vocabularies and 是/否 columns. Filled in, it imports as it is (``importer.import_paths``).

>>> from qingmiao_lib import template
>>> template.write_template("导入模板.xlsx")          # doctest: +SKIP
PosixPath('导入模板.xlsx')
"""

from __future__ import annotations

from pathlib import Path

from .contract import TABLES, TYPE_LABELS

#: Rows the dropdowns and date formats cover below the header.
ROWS = 5000

_NOTES = (
    "填写说明：每个工作表是一张数据表，第一行为表头（可保留英文或中文表头，表头上方可以有标题行）。",
    "日期可写作 1990-05-01、1990/5/1、1990.05、1990年5月、19900501 或 Excel 日期；只有年月时按该月1日计。",
    "是/否 列可写 是/否、Y/N 或 true/false。全角字符和首尾空格会自动规范。",
    "导入是“全部或全不”：有任何错误都不写入，并列出每个错误（文件、工作表、行、列、值、原因）。",
    "身份证号只用于核对出生日期和性别，不会保存。",
)


def write_template(path: str | Path) -> Path:
    """Write the import template to ``path`` (.xlsx) and return it."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    for line in _NOTES:
        notes.append([line])
    notes.append([])
    header = ["工作表", "表名（英文）", "列名", "列名（英文）", "含义", "类型", "是否必填", "允许值"]
    notes.append(header)
    head_row = notes.max_row
    for cell in notes[head_row]:
        cell.font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for t in TABLES.values():
        for c in t.columns:
            allowed = "、".join(c.vocab) if c.vocab else ("是、否" if c.type == "bool" else "")
            notes.append([t.zh, t.name, c.zh, c.name, c.meaning, TYPE_LABELS[c.type],
                          "必填" if c.required else "可空", allowed])
        if t.note:
            notes.append([t.zh, t.name, "", "", t.note])
    for letter, width in zip("ABCDEFGH", (14, 20, 14, 20, 44, 12, 9, 60), strict=True):
        notes.column_dimensions[letter].width = width
    notes.freeze_panes = notes.cell(row=head_row + 1, column=1)

    for t in TABLES.values():
        ws = wb.create_sheet(t.zh)
        ws.append([c.zh for c in t.columns])
        for i, c in enumerate(t.columns, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = Font(bold=c.required)
            cell.alignment = Alignment(horizontal="center")
            if c.required:
                cell.fill = required_fill
            cell.comment = Comment(f"{c.name}：{c.meaning}（{TYPE_LABELS[c.type]}，"
                                   f"{'必填' if c.required else '可空'}）", "青苗工作台")
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = max(12, len(c.zh) * 2.2 + 2)
            choices = c.vocab or (("是", "否") if c.type == "bool" else None)
            if choices:
                dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="不在允许值中",
                                    error=f"{c.zh}只能是：{'、'.join(choices)}")
                dv.add(f"{letter}2:{letter}{ROWS + 1}")
                ws.add_data_validation(dv)
            elif c.type == "date":
                for row in range(2, 202):
                    ws.cell(row=row, column=i).number_format = "yyyy-mm-dd"
            elif c.type in ("text", "id_number"):
                for row in range(2, 202):
                    ws.cell(row=row, column=i).number_format = "@"
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
