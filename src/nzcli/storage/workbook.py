"""Reading the workbooks officers send back: returned update packs (`nzcli pack`) and plain
spreadsheets with a header row, each cell knowing where it is (`FILE: SHEET!CELL`).

`read_workbooks(paths, plan)` reads one or several files and either returns every table or
raises `WorkbookRejected` naming every problem in all of them, one line each, so that an
import can be all or nothing. Refused: a file that is not a zip workbook, one that would
unpack to too much (a zip bomb) or has too many rows or columns, formulas, error values,
and, in a returned pack, any cell changed outside the editable columns, and answers for an
action that has changed in the plan since the pack was made.

Memory stays bounded: openpyxl's read-only mode reads a row at a time, and the limits below
are checked before it starts.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nzcli.errors import UsageError
from nzcli.packs import META_SHEET

from .packread import read_pack
from .sheetcells import (
    ERROR_VALUES,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_PARTS,
    MAX_PROBLEMS,
    MAX_ROWS,
    MAX_UNZIPPED,
    Cell,
    PackInfo,
    Problem,
    Reading,
    Row,
    Table,
    cell_text,
    location,
    rows_of,
)
from .sheets import Cell as ImportCell
from .sheets import Sheet as ImportSheet
from .sheets import SheetRow, column_letter, read_header

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

    from nzcli.model import Plan


class WorkbookRejected(UsageError):
    """Workbooks with problems: nothing was read; `details` has one line per problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        files = len({p.where.split(": ")[0] for p in problems})
        count = len(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in {files} workbook"
            f"{'s' if files != 1 else ''} (listed above); nothing was imported"
        )
        shown = [str(p) for p in problems[:MAX_PROBLEMS]]
        if count > MAX_PROBLEMS:
            shown.append(f"... and {count - MAX_PROBLEMS} more")
        self.details = shown


def read_workbooks(
    paths: Sequence[Path | str],
    plan: Plan | None = None,
    *,
    allow_stale: bool = False,
    notes: list[str] | None = None,
) -> list[Table]:
    """Every table in these workbooks, in order; returned packs checked against `plan`
    (stale answers refused unless `allow_stale`). Raises WorkbookRejected naming every
    problem in every file. Notes (cleared cells, sheets not read) are appended to `notes`."""
    reading = Reading()
    answered: dict[str, Cell] = {}
    for path in paths:
        name = str(path)
        book = _open(Path(path), name, reading)
        if book is None:
            continue
        try:
            if META_SHEET in book.sheetnames:
                table = read_pack(book, name, plan, reading, allow_stale=allow_stale)
                if table is not None:
                    _duplicates(table, answered, reading)
            else:
                table = _read_plain(book, name, reading)
        finally:
            book.close()
        if table is not None:
            reading.tables.append(table)
    if notes is not None:
        notes.extend(reading.notes)
    if reading.problems:
        raise WorkbookRejected(reading.problems)
    return reading.tables


def _duplicates(table: Table, answered: dict[str, Cell], reading: Reading) -> None:
    for row in table.rows:
        first = row.cells[0]
        action_id = first.text.upper()
        if action_id in answered:
            reading.problems.append(
                Problem(
                    first.location,
                    f"also answered in {answered[action_id].location}; keep one",
                    first.text,
                    "duplicate",
                )
            )
        else:
            answered[action_id] = first


# ---------------------------------------------------------------------------------------------
# The sheets `nzcli import` reads


def workbook_sheets(
    paths: Sequence[Path | str],
    plan: Plan,
    *,
    allow_stale: bool = False,
    notes: list[str] | None = None,
) -> list[ImportSheet]:
    """These workbooks as the sheets import checks (`nzcli.storage.sheets.Sheet`), read by
    `read_workbooks` (WorkbookRejected naming every problem in every file). Each cell's
    `where` is `FILE: SHEET!CELL`; a returned pack's period binds it. In a pack, "No change
    since last time" arrives as last time's value (the reader puts it there, and the
    action's fingerprint shows it is still last time's): the officer chose it, so it is an
    answer, as the pack's instructions say. (In a CSV sheet the phrase is `vocab.CARRY`,
    written there by `nzcli sheet`, and carries only into a row that gives an update.)"""
    tables = read_workbooks(paths, plan, allow_stale=allow_stale, notes=notes)
    return [table_sheet(t) for t in tables]


def table_sheet(table: Table) -> ImportSheet:
    """One table as an import sheet: its header read by `read_header` (a plain workbook's
    headers as people write them; a pack's are its own keys), one row per data row."""
    first = table.header[0].location if table.header else location(table.file, table.sheet, "A1")
    header = read_header([c.text.strip() for c in table.header], first, table.file)
    rows: list[SheetRow] = []
    for row in table.rows:
        cells: dict[str, ImportCell] = {}
        for key, index in header.columns.items():
            cell = (
                row.cells[index]
                if index < len(row.cells)
                else Cell(table.file, table.sheet, f"{column_letter(index)}{row.number}", "")
            )
            text = cell.text.strip()
            column = cell.ref.rstrip("0123456789")
            cells[key] = ImportCell(
                text, cell.location, f"{header.names[key]!r} (column {column})"
            )
        rows.append(SheetRow(cells["id"].where, cells, row.number))
    bound = table.pack.period if table.pack is not None else None
    return ImportSheet(table.file, header, rows, bound)


# ---------------------------------------------------------------------------------------------
# Opening a file safely


def _open(path: Path, name: str, reading: Reading) -> Workbook | None:
    """The workbook, read-only, after the checks that bound what reading it costs; None
    (with the problem noted) when it cannot or should not be read."""
    import openpyxl

    def refuse(reason: str) -> None:
        reading.problems.append(Problem(name, reason))

    if not openpyxl.DEFUSEDXML:
        refuse("cannot read workbooks safely: install defusedxml (pip install defusedxml)")
        return None
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        refuse("no such file")
        return None
    except IsADirectoryError:
        refuse("is a folder, not a workbook")
        return None
    except OSError as exc:
        refuse(f"cannot read: {exc.strerror or exc}")
        return None
    if len(data) > MAX_FILE_BYTES:
        refuse(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not read")
        return None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        refuse(
            "an old-style .xls workbook, or one with a password; save it as an Excel "
            "Workbook (.xlsx) without a password and import that"
        )
        return None
    if not data.startswith(b"PK\x03\x04"):
        refuse("not an .xlsx workbook (it is not a zip file); if it is CSV, import it as CSV")
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        refuse(f"not a readable .xlsx workbook (broken zip: {exc})")
        return None
    if len(parts) > MAX_PARTS:
        refuse(f"has {len(parts):,} parts, more than a workbook needs; not read")
        return None
    if sum(p.file_size for p in parts) > MAX_UNZIPPED:
        refuse(
            f"would unpack to more than {MAX_UNZIPPED // (1024 * 1024)} MB (a zip bomb?); not read"
        )
        return None
    if any(p.flag_bits & 0x1 for p in parts):
        refuse("has encrypted parts; save it without a password and import that")
        return None
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # untrusted input: any failure is "cannot read this file"
        refuse(f"not a workbook nzcli can read ({type(exc).__name__}: {exc})")
        return None


# ---------------------------------------------------------------------------------------------
# Plain workbooks


def _read_plain(book: Workbook, name: str, reading: Reading) -> Table | None:
    """The first sheet that has anything in it, as a header row and the rows below."""
    sheets = [s for s in book.worksheets if getattr(s, "sheet_state", "visible") == "visible"]
    for sheet in sheets:
        header: tuple[Cell, ...] | None = None
        rows: list[Row] = []
        for r, cells in rows_of(sheet, name, reading):
            if header is None:
                width = max(cells)
                header = tuple(_cell(name, sheet.title, r, c, cells) for c in range(1, width + 1))
                continue
            width = max(len(header), max(cells))
            rows.append(
                Row(r, tuple(_cell(name, sheet.title, r, c, cells) for c in range(1, width + 1)))
            )
        if header is not None:
            others = [s.title for s in sheets if s is not sheet]
            if others:
                reading.notes.append(
                    f"{name}: read the sheet {sheet.title!r}; not read: "
                    + ", ".join(repr(o) for o in others)
                )
            return Table(name, sheet.title, header, tuple(rows))
    reading.problems.append(
        Problem(name, "the workbook is empty; expected a header row, then one row per action")
    )
    return None


def _cell(name: str, sheet: str, r: int, c: int, cells: dict[int, tuple[str, str, str]]) -> Cell:
    from openpyxl.utils import get_column_letter

    found = cells.get(c)
    ref = found[0] if found else f"{get_column_letter(c)}{r}"
    return Cell(name, sheet, ref, found[1] if found else "")


__all__ = [
    "ERROR_VALUES",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_PARTS",
    "MAX_PROBLEMS",
    "MAX_ROWS",
    "MAX_UNZIPPED",
    "Cell",
    "PackInfo",
    "Problem",
    "Row",
    "Table",
    "WorkbookRejected",
    "cell_text",
    "location",
    "read_workbooks",
    "table_sheet",
    "workbook_sheets",
]
