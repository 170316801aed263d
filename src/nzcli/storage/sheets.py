"""Reading the spreadsheets officers send back, as rows of cells that know where they came
from.

Whatever the file type, a sheet becomes a `Sheet`: its header read by `read_header` (the
headers people use: the export's own `id, stage, rag, update`, the council's document's
"Action ID", "Project stage", "Project Status", "RAG", "December 2023 Update", and
"Progress update", "Owner"..., any case and spacing), then one `SheetRow` per data row whose
cells each carry their location: `june.csv:12` in a CSV, `june.xlsx: Updates!O12` in a
workbook. `nzcli.imports` checks the rows against the plan; nothing here knows the plan.
`parse_csv` reads a CSV; `nzcli.storage.workbook.workbook_sheets` makes the same `Sheet`
from a workbook's cells. `is_workbook` is the one place a file's type is decided.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from nzcli.errors import UsageError
from nzcli.safety import unneutralise

#: The columns import reads, by key: "id", then the update's "stage", "rag" and "update"
#: (its words), the action's "owner", and the "period" the sheet was made for.
KEYS: Final = ("id", "stage", "rag", "update", "owner", "period")

#: Headers (compared casefolded, with `_`, `-` and runs of spaces as one space) -> key.
HEADERS: Final = {
    "id": "id",
    "action id": "id",
    "action ref": "id",
    "ref": "id",
    "reference": "id",
    "stage": "stage",
    "project stage": "stage",
    "project status": "stage",
    "current project stage": "stage",
    "current stage": "stage",
    "rag": "rag",
    "rag rating": "rag",
    "rag status": "rag",
    "update": "update",
    "text": "update",
    "progress update": "update",
    "progress": "update",
    "update text": "update",
    "latest update": "update",
    "owner": "owner",
    "action owner": "owner",
    "officer": "owner",
    "lead officer": "owner",
    "responsible officer": "owner",
    "period": "period",
    "reporting period": "period",
}
#: Headers the export writes beside the editable cells, read by no one (last time's values).
IGNORED: Final = frozenset({"previous period", "previous stage", "previous rag", "previous update"})
#: "December 2023 Update", "June 2024 progress update", "Update 2024-06": an update column
#: named for its period.
_DATED_UPDATE = re.compile(r"(?:(.+?) )?(?:progress )?update(?: (.+))?")

#: Spreadsheet error values (Excel's, in English and some other languages, and
#: LibreOffice's `Err:NNN`): what a cell shows when a formula failed. The words behind
#: them are lost, so a cell holding one is refused, never imported as text.
_ERROR_VALUE = re.compile(
    r"#(?:NAME\?|REF!|VALUE!|N/A|DIV/0!|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA|FIELD!|"
    r"BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|EXTERNAL!|PYTHON!|NV|WERT!|BEZUG!|ZAHL!|NOM\?|"
    r"VALEUR!|NOMBRE!|NUL!|NOMBRE\?|VALOR!|NOMBRE|REF|N/D|DIV/0|NUM)|Err:\d{3}",
    re.IGNORECASE,
)


def is_error_value(text: str) -> bool:
    """True for a cell showing a spreadsheet error (`#NAME?`, `#REF!`, `Err:509`, ...)."""
    return _ERROR_VALUE.fullmatch(text.strip()) is not None


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA" (a spreadsheet's name for a column)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    """One cell import reads: its text (a `'` that defused a formula taken off, spaces
    stripped; "" when blank), where it is, and how to name its column in a message."""

    text: str
    #: Where a person finds it: "june.csv:12", "june.xlsx: Updates!O12".
    where: str
    #: Its column as a message names it: "'Progress update' (column O)".
    column: str


@dataclass(frozen=True)
class SheetRow:
    """A data row: where it is, and its cells by key (`KEYS`; a key whose column the sheet
    lacks is absent)."""

    where: str
    cells: dict[str, Cell]
    #: The row's line (CSV) or row number (workbook), for ordering and "also on line N".
    line: int = 0

    def text(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell.text if cell is not None else ""

    @property
    def id(self) -> str:
        return self.text("id")


@dataclass(frozen=True)
class Header:
    """A sheet's header read: the column of each key, the headers as written (by key, for
    messages), and the period an update column's name gives ("December 2023 Update")."""

    columns: dict[str, int]
    names: dict[str, str]
    period: str | None = None


@dataclass
class Sheet:
    """A sheet to import: its name (the file, as given), its header and its rows."""

    name: str
    header: Header
    rows: list[SheetRow] = field(default_factory=list)
    #: The period a returned update pack was made for: its answers and "last time" belong
    #: to it, so it imports into that period only (--force cannot move it).
    bound_period: str | None = None

    def periods(self) -> dict[str, str]:
        """The periods this sheet says it was made for -> where it says so."""
        found: dict[str, str] = {}
        if self.bound_period is not None:
            found[self.bound_period] = "the pack's metadata"
        if self.header.period is not None:
            found[self.header.period] = f"its {self.header.names['update']!r} column"
        for row in self.rows:
            text = row.text("period")
            if text:
                found.setdefault(normalise_header_period(text) or text, row.cells["period"].where)
        return found


def _key(cell: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", cell).split()).casefold()


def normalise_header_period(text: str) -> str | None:
    """ "December 2023", "dec 2023", "2023-12" -> "2023-12"; None for anything else."""
    from nzcli.vocab import parse_period_id

    cleaned = text.strip()
    if re.fullmatch(r"\d{4}[ /_]\d{2}", cleaned):
        cleaned = f"{cleaned[:4]}-{cleaned[5:]}"
    return parse_period_id(cleaned)


def read_header(cells: Sequence[str], where: str, name: str) -> Header:
    """Which column holds which key. UsageError, naming the columns found, when a key's
    column appears twice, or there is no id column or no update column (its words)."""
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    period: str | None = None
    for index, cell in enumerate(cells):
        key = _key(cell)
        found = HEADERS.get(key)
        dated = None
        if found is None and key not in IGNORED:
            match = _DATED_UPDATE.fullmatch(key)
            when = match and (match.group(1) or match.group(2))
            if match and when and not (match.group(1) and match.group(2)):
                dated = normalise_header_period(when)
                found = "update" if dated is not None else None
        if found is None:
            continue
        if found in columns:
            raise UsageError(
                f"{where}: the {found!r} column appears twice ({names[found]!r} and "
                f"{cell.strip()!r}); keep one"
            )
        columns[found] = index
        names[found] = cell.strip()
        if dated is not None:
            period = dated
    listed = ", ".join(repr(c.strip()) for c in cells if c.strip()) or "none"
    if "id" not in columns:
        hint = (
            "; the cells seem to be separated by ';': save the file with commas"
            if len(cells) == 1 and ";" in cells[0]
            else ""
        )
        raise UsageError(
            f"{where}: no action ID column (found: {listed}){hint}; the first row must name "
            "the columns, as `nzcli sheet` writes them: id, …, stage, rag, update"
        )
    if "update" not in columns:
        raise UsageError(
            f"{where}: no update column (found: {listed}); nothing was imported. Name the "
            "column of progress updates 'update' (or 'Progress update', 'December 2023 "
            "Update'), so that no one's words are dropped"
        )
    return Header(columns, names, period)


def parse_csv(data: bytes, name: str) -> Sheet:
    """A CSV sheet (as `nzcli sheet`, `list` or `report --format csv` write it, with or
    without --excel; or any with recognised headers): BOM and CRLF accepted, `'`-defused
    cells restored. UsageError for a file that is not such a CSV (not UTF-8, no id or update
    column, broken quoting)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); in the spreadsheet, "
            "save as 'CSV UTF-8 (Comma delimited)' and import that file"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    sheet: Sheet | None = None
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            cells = [unneutralise(c).strip() for c in record]
            if not any(cells):
                continue
            if sheet is None:
                sheet = Sheet(name, read_header(cells, f"{name}:{start}", name))
                continue
            where = f"{name}:{start}"
            sheet.rows.append(
                SheetRow(
                    where,
                    {
                        key: Cell(
                            cells[i] if i < len(cells) else "",
                            where,
                            f"{sheet.header.names[key]!r} (column {column_letter(i)})",
                        )
                        for key, i in sheet.header.columns.items()
                    },
                    start,
                )
            )
    except csv.Error as exc:
        raise UsageError(f"{name}:{line}: not valid CSV: {exc}") from None
    if sheet is None:
        raise UsageError(
            f"{name}: the file is empty; expected a header row, then one row per action"
        )
    return sheet


#: The endings of files read as Excel workbooks; any other file is read as CSV.
WORKBOOK_SUFFIXES: Final = (".xlsx", ".xlsm")


def is_workbook(name: str) -> bool:
    """True for a file `nzcli import` reads as a workbook (by its ending, any case)."""
    return name.casefold().endswith(WORKBOOK_SUFFIXES)
