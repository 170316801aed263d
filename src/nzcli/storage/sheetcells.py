"""The pieces the workbook readers share (`nzcli.storage.workbook` for any workbook,
`nzcli.storage.packread` for a returned pack): located cells, tables, problems, the limits,
and reading a sheet's rows within them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from nzcli.model import format_number

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
                        f"a formula ({clip(text)}); type the text itself (an apostrophe "
                        "first keeps =, + or - as text)",
                        kind="formula",
                    )
                )
                continue
            if kind == "e" or text in ERROR_VALUES or _LIBREOFFICE_ERROR.match(text):
                reading.problems.append(
                    Problem(
                        location(name, sheet.title, ref),
                        f"a spreadsheet error value ({clip(text)}); type the text itself "
                        "(a cell beginning with =, + or - is taken as a formula)",
                        kind="error",
                    )
                )
                continue
            cells[c] = (ref, text, kind)
        if cells:
            yield r, cells


def clip(text: str, most: int = 60) -> str:
    shown = " ".join(text.split())
    return repr(shown if len(shown) <= most else shown[: most - 1] + "…")
