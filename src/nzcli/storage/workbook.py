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
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nzcli.errors import UsageError
from nzcli.model import format_number

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

    from nzcli.model import Plan

#: The largest workbook read, what its parts may unpack to, and how many parts it may have.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED = 256 * 1024 * 1024
MAX_PARTS = 2_000
#: The most rows and columns read from a sheet.
MAX_ROWS = 200_000
MAX_COLUMNS = 500
#: The most problems listed for a set of workbooks (then a count of the rest).
MAX_PROBLEMS = 200

#: Spreadsheet error values, refused wherever they appear (also as typed text).
ERROR_VALUES = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)
_LIBREOFFICE_ERROR = re.compile(r"^Err:\d{3}$")


@dataclass(frozen=True)
class Cell:
    """One cell: where it is and its value as text ("" for blank)."""

    file: str
    sheet: str
    ref: str
    text: str

    @property
    def location(self) -> str:
        return location(self.file, self.sheet, self.ref)


@dataclass(frozen=True)
class Row:
    """One data row: its number in the sheet, and a cell for each header cell, in order."""

    number: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class PackInfo:
    """What a returned pack says about itself (its hidden metadata)."""

    plan: str
    organisation: str
    period: str
    period_name: str
    last_period: str | None
    group: str | None
    #: Every action the pack holds, answered or not.
    actions: tuple[str, ...]
    #: (action id, "stage" or "rag") where the officer chose "No change since last time";
    #: the row's cell then holds last time's value.
    carried: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Table:
    """A sheet's rows under its header. For a returned pack (`pack` set), the header is
    `id`, `stage`, `rag`, `update` (located at the pack's own header cells) and the rows
    are the actions with something filled in; blank means unchanged, and a pack with
    nothing filled in has no rows."""

    file: str
    sheet: str
    header: tuple[Cell, ...]
    rows: tuple[Row, ...]
    pack: PackInfo | None = None


@dataclass(frozen=True)
class Problem:
    """One reason a workbook is refused: `FILE: SHEET!CELL: ID: reason`."""

    where: str
    reason: str
    action_id: str | None = None
    #: file, formula, error, locked, outside, value, stale, duplicate
    kind: str = "file"

    def __str__(self) -> str:
        who = f"{self.action_id}: " if self.action_id else ""
        return f"{self.where}: {who}{self.reason}"


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


@dataclass
class Reading:
    """What reading gathers: tables, problems and notes (for stderr), across files."""

    tables: list[Table] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def location(file: str, sheet: str, ref: str) -> str:
    """`FILE: SHEET!CELL`, the sheet quoted as a spreadsheet quotes it when it needs to be."""
    shown = sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{file}: {shown}!{ref}"


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
    from .packread import read_pack

    reading = Reading()
    answered: dict[str, Cell] = {}
    for path in paths:
        name = str(path)
        book = _open(Path(path), name, reading)
        if book is None:
            continue
        try:
            from nzcli.packs import META_SHEET

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
# Cells


def cell_text(value: Any) -> str:
    """A cell's value as text: numbers as written ("18", "7.5"), dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def rows_of(
    sheet: Any, name: str, reading: Reading
) -> Iterator[tuple[int, dict[int, tuple[str, str, str]]]]:
    """(row number, {column number: (ref, text, data type)}) for each row with a value,
    within the limits; formulas and error values are problems (and left out)."""
    from openpyxl.utils import get_column_letter

    sheet.reset_dimensions()  # trust the cells, not the size the file claims
    for r, row in enumerate(sheet.iter_rows(), start=1):
        if r > MAX_ROWS:
            reading.problems.append(
                Problem(location(name, sheet.title, f"A{r}"), f"more than {MAX_ROWS:,} rows")
            )
            return
        if len(row) > MAX_COLUMNS:
            ref = f"{get_column_letter(len(row))}{r}"
            reading.problems.append(
                Problem(
                    location(name, sheet.title, ref),
                    f"a cell beyond the {MAX_COLUMNS}th column; delete what is there",
                    kind="outside",
                )
            )
            return
        cells: dict[int, tuple[str, str, str]] = {}
        for c, cell in enumerate(row, start=1):
            value = getattr(cell, "value", None)
            if value is None:
                continue
            ref = f"{get_column_letter(c)}{r}"
            kind = getattr(cell, "data_type", "s")
            text = cell_text(value)
            if kind == "f":
                reading.problems.append(
                    Problem(
                        location(name, sheet.title, ref),
                        f"a formula ({_clip(text)}); type the text itself (an apostrophe "
                        "first keeps =, + or - as text)",
                        kind="formula",
                    )
                )
                continue
            if kind == "e" or text in ERROR_VALUES or _LIBREOFFICE_ERROR.match(text):
                reading.problems.append(
                    Problem(
                        location(name, sheet.title, ref),
                        f"a spreadsheet error value ({_clip(text)}); type the text itself "
                        "(a cell beginning with =, + or - is taken as a formula)",
                        kind="error",
                    )
                )
                continue
            cells[c] = (ref, text, kind)
        if cells:
            yield r, cells


def _clip(text: str, most: int = 60) -> str:
    shown = " ".join(text.split())
    return repr(shown if len(shown) <= most else shown[: most - 1] + "…")


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
