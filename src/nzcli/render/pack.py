"""An update pack (`nzcli.packs.Pack`) as an .xlsx workbook, for an officer to fill in.

Sheets: Instructions (how to fill it in, the plan's key in its own words); Updates (one row
per action: its description and last time's answers locked and shaded grey, this period's
stage, RAG and update unlocked and shaded yellow, with dropdowns and input messages); Lists
(hidden: the dropdowns' choices, since a list typed into a validation is capped at 255
characters); and nzcli (very hidden: the plan, the period, each action's fingerprint and
every cell's text as packed, which `nzcli.storage.workbook` checks the returned pack against).

Protection is a guard against slips, not security: it has no password, and the reader
checks every locked cell anyway.
"""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from nzcli.packs import (
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_KEYS,
    META_SHEET,
    META_TABLE_ROW,
    NO_CHANGE,
    PACK_FORMAT,
    PACK_VERSION,
    UPDATES_SHEET,
    Pack,
)

from .xlsxkit import LINE_HEIGHT, Styles, finish, lines_needed, new_workbook, print_setup, text

#: Fills: what the officer fills in (yellow), what was reported last time (grey).
EDIT_FILL, EDIT_HEADER = "#FFF8C5", "#F5D76E"
LAST_FILL, LAST_HEADER, LAST_INK = "#EFEFEF", "#C9C9C9", "#4D4D4D"
#: The most an input message holds (Excel's limit), and its title.
MESSAGE_MAX, TITLE_MAX = 255, 32
#: What the officer may do on the protected sheets.
PROTECTION = {
    "autofilter": True,
    "format_columns": True,
    "format_rows": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


def pack_workbook(pack: Pack) -> bytes:
    """The pack's workbook, as bytes (the same pack, the same bytes)."""
    workbook, buffer = new_workbook()
    styles = Styles.make(workbook)
    formats = _Formats.make(workbook)
    instructions = workbook.add_worksheet(INSTRUCTIONS_SHEET)
    updates = workbook.add_worksheet(UPDATES_SHEET)
    lists = workbook.add_worksheet(LISTS_SHEET)
    meta = workbook.add_worksheet(META_SHEET)
    _instructions(instructions, pack, styles)
    _updates(updates, pack, styles, formats)
    _lists(lists, pack, styles)
    _meta(meta, pack)
    title = f"{pack.plan_title}: update for {pack.period_name}"
    return finish(workbook, buffer, title, pack.organisation)


class _Formats:
    def __init__(self, header_last: Format, header_edit: Format, last: Format, edit: Format):
        self.header_last = header_last
        self.header_edit = header_edit
        self.last = last
        self.edit = edit

    @classmethod
    def make(cls, workbook: Workbook) -> _Formats:
        base = {"valign": "top", "text_wrap": True, "font_name": "Arial", "font_size": 10}
        return cls(
            header_last=workbook.add_format({**base, "bold": True, "bg_color": LAST_HEADER}),
            header_edit=workbook.add_format({**base, "bold": True, "bg_color": EDIT_HEADER}),
            last=workbook.add_format(
                {**base, "italic": True, "bg_color": LAST_FILL, "font_color": LAST_INK}
            ),
            edit=workbook.add_format(
                {
                    **base,
                    "bg_color": EDIT_FILL,
                    "locked": False,
                    "border": 1,
                    "border_color": "#B0A040",
                }
            ),
        )


def _updates(sheet: Worksheet, pack: Pack, styles: Styles, formats: _Formats) -> None:
    columns = pack.columns
    widths = {c: col.width for c, col in enumerate(columns)}
    for c, column in enumerate(columns):
        sheet.set_column(c, c, column.width)
    _height(sheet, 0, [col.header for col in columns], widths)
    for c, column in enumerate(columns):
        header_format = (
            formats.header_edit
            if column.editable
            else formats.header_last
            if column.last
            else styles.header
        )
        sheet.write_string(0, c, text(column.header, "a column header"), header_format)
    for r, row in enumerate(pack.rows, start=1):
        shown = [text(row.cells[col.key], f"{row.action_id}'s {col.key}") for col in columns]
        _height(sheet, r, shown, widths)
        for c, (column, value) in enumerate(zip(columns, shown, strict=True)):
            cell_format = (
                formats.edit if column.editable else formats.last if column.last else styles.body
            )
            if value:
                sheet.write_string(r, c, value, cell_format)
            elif column.editable:
                sheet.write_blank(r, c, None, cell_format)
    last_row = max(len(pack.rows), 1)
    _validations(sheet, pack, last_row)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, last_row, len(columns) - 1)
    sheet.protect("", PROTECTION)
    left = f"{pack.organisation}: {pack.plan_title}"
    right = f"Update for {pack.period_name}" + (f": {pack.group}" if pack.group else "")
    print_setup(sheet, left, right, repeat_header=True)


def _validations(sheet: Worksheet, pack: Pack, last_row: int) -> None:
    keys = [c.key for c in pack.columns]
    stage_col, rag_col, text_col = keys.index("stage"), keys.index("rag"), keys.index("update")
    then = pack.last_name or "the last period"
    stage = _list_rule(
        f"{pack.period_name}: stage",
        _explained(pack, "Stage", "stage", then),
        f"={LISTS_SHEET}!$A$2:$A${len(pack.stage_choices) + 1}",
        "Not a stage",
        "Choose a stage from the list, or leave the cell blank.",
    )
    rag = _list_rule(
        f"{pack.period_name}: RAG",
        _explained(pack, "RAG", "RAG rating", then),
        f"={LISTS_SHEET}!$B$2:$B${len(pack.rag_choices) + 1}",
        "Not a RAG rating",
        "Choose Green, Amber or Red from the list, or leave the cell blank.",
    )
    schemes = {
        "validate": "any",
        "input_title": _short(f"{pack.period_name}: stage", TITLE_MAX),
        "input_message": _short(
            "This action reports a stage for each scheme. Write them as "
            "“Scheme A: Delivery; Scheme B: Design”, or choose nothing to leave them as they are.",
            MESSAGE_MAX,
        ),
    }
    # the stage's list covers every row but those reporting schemes, in runs
    rows = list(enumerate(pack.rows, start=1))
    run_start: int | None = None
    for r, row in [*rows, (last_row + 1, None)]:
        plain = row is not None and not row.schemes
        if plain and run_start is None:
            run_start = r
        if not plain and run_start is not None:
            sheet.data_validation(run_start, stage_col, r - 1, stage_col, stage)
            run_start = None
        if row is not None and row.schemes:
            sheet.data_validation(r, stage_col, r, stage_col, schemes)
    sheet.data_validation(1, rag_col, last_row, rag_col, rag)
    sheet.data_validation(
        1,
        text_col,
        last_row,
        text_col,
        {
            "validate": "any",
            "input_title": _short(f"{pack.period_name}: update", TITLE_MAX),
            "input_message": _short(
                f"What has happened since {then}, in your own words. Alt+Enter starts a new "
                "line. Do not begin with =, + or - (a spreadsheet takes that as a formula). "
                "Leave it blank if you have nothing to add.",
                MESSAGE_MAX,
            ),
        },
    )


def _explained(pack: Pack, kind: str, what: str, then: str) -> str:
    """An input message for the stage or RAG cells: each value in the plan's own words,
    when that fits in an input message, else where to find them."""
    keep = f"“{NO_CHANGE}” keeps {then}'s."
    meanings = [(value, meaning) for k, value, meaning in pack.key if k == kind]
    for message in (
        "\n".join([*(f"{v}: {m}" for v, m in meanings), keep]),
        "\n".join([*(m for _, m in meanings), keep]),
    ):
        if meanings and len(message) <= MESSAGE_MAX:
            return message
    return f"Choose the {what} from the list. {keep} The Instructions sheet says what each means."


def _list_rule(
    title: str, message: str, source: str, error_title: str, error: str
) -> dict[str, object]:
    return {
        "validate": "list",
        "source": source,
        "input_title": _short(title, TITLE_MAX),
        "input_message": _short(message, MESSAGE_MAX),
        "error_title": _short(error_title, TITLE_MAX),
        "error_message": _short(error, MESSAGE_MAX),
        "error_type": "stop",
    }


def _short(value: str, most: int) -> str:
    return value if len(value) <= most else value[: most - 1] + "…"


def _height(sheet: Worksheet, row: int, shown: list[str], widths: dict[int, float]) -> None:
    lines = max(
        (lines_needed(v, widths[c]) for c, v in enumerate(shown) if v),
        default=1,
    )
    if lines > 1:
        sheet.set_row(row, LINE_HEIGHT * min(lines, 30))


def _instructions(sheet: Worksheet, pack: Pack, styles: Styles) -> None:
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 2, 70)
    widths = {0: 118.0}
    then = pack.last_name
    count = len(pack.rows)
    actions = f"{count} action{'s' if count != 1 else ''}"
    steps = [
        f"1. Open the {UPDATES_SHEET} sheet. It has a row for each of the {actions} in this pack.",
        (
            f"2. The grey columns show what was reported last time ({then}): the stage, the RAG "
            "rating and the update. They are there to help you and cannot be changed."
            if then
            else "2. This is the plan's first period, so there is nothing from last time."
        ),
        f"3. Fill in the yellow columns for {pack.period_name}: choose the stage and the RAG "
        "rating from the lists, and write your update in your own words.",
        f"4. If nothing has changed, choose “{NO_CHANGE}” for the stage or the RAG rating: "
        "that keeps what was reported last time. A blank cell changes nothing; leave one "
        "blank only when you have no answer yet.",
        "5. Alt+Enter (Option+Return on a Mac) starts a new line within an update. Do not "
        "begin an update with =, + or -: a spreadsheet takes that as a formula. Begin with a "
        "word instead.",
        "6. Change nothing else: the other columns are locked, and nzcli checks they are as "
        "they were. Save the file as an Excel Workbook (.xlsx), keeping its name, and send it "
        "back" + (f" to {pack.contact}." if pack.contact else "."),
    ]
    lines: list[tuple[str, Format | None]] = [
        (f"{pack.plan_title}: update for {pack.period_name}", styles.title),
        (pack.organisation + (f". This pack: {pack.group}." if pack.group else "."), None),
        ("", None),
        ("How to fill this in", styles.subtitle),
        *((step, None) for step in steps),
        ("", None),
        ("What the values mean", styles.subtitle),
    ]
    r = 0
    for line, line_format in lines:
        if line:
            value = text(line, "the instructions")
            if line_format is None:
                _height(sheet, r, [value], widths)
                sheet.merge_range(r, 0, r, 2, value, styles.body)
            else:
                sheet.write_string(r, 0, value, line_format)
        r += 1
    for c, header in enumerate(("Key", "Value", "As worded in the plan")):
        sheet.write_string(r, c, header, styles.header)
    r += 1
    keep = f"Keep what was reported for {then}" if then else "There is no earlier period"
    for kind, value, meaning in [*pack.key, ("Stage or RAG", NO_CHANGE, keep)]:
        for c, cell in enumerate((kind, value, meaning)):
            sheet.write_string(r, c, text(cell, "the plan's key"), styles.body)
        r += 1
    r += 1
    note = (
        f"Made by nzcli for {pack.period_name} ({pack.period_id}). A hidden sheet records "
        "which actions this pack holds and how each stood when it was made, so that nzcli "
        "can tell if one changes in the plan before your answers are imported."
    )
    _height(sheet, r, [note], widths)
    sheet.merge_range(r, 0, r, 2, note, styles.note)
    sheet.protect("", PROTECTION)
    print_setup(
        sheet, f"{pack.organisation}: {pack.plan_title}", pack.period_name, repeat_header=False
    )


def _lists(sheet: Worksheet, pack: Pack, styles: Styles) -> None:
    sheet.set_column(0, 1, 28)
    for c, (header, choices) in enumerate(
        (("Stage", pack.stage_choices), ("RAG", pack.rag_choices))
    ):
        sheet.write_string(0, c, header, styles.header)
        for r, choice in enumerate(choices, start=1):
            sheet.write_string(r, c, choice)
    sheet.hide()
    sheet.protect("", PROTECTION)


def _meta(sheet: Worksheet, pack: Pack) -> None:
    values = {
        "format": PACK_FORMAT,
        "version": str(PACK_VERSION),
        "plan": pack.plan_title,
        "organisation": pack.organisation,
        "period": pack.period_id,
        "period_name": pack.period_name,
        "last_period": pack.last_id or "",
        "group": pack.group or "",
        "columns": ",".join(c.key for c in pack.columns),
        "actions": str(len(pack.rows)),
    }
    for r, key in enumerate(META_KEYS):
        sheet.write_string(r, 0, key)
        if values[key]:
            sheet.write_string(r, 1, text(values[key], f"the pack's {key}"))
    top = META_TABLE_ROW - 1
    header = ["action", "row", "fingerprint", *(c.key for c in pack.columns)]
    for c, name in enumerate(header):
        sheet.write_string(top, c, name)
    for i, row in enumerate(pack.rows, start=1):
        cells = [row.action_id, str(i + 1), row.fingerprint]
        cells += [text(row.cells[c.key], f"{row.action_id}'s {c.key}") for c in pack.columns]
        for c, value in enumerate(cells):
            if value:
                sheet.write_string(top + i, c, value)
    sheet.very_hidden()
    sheet.protect("", PROTECTION)
