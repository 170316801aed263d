"""What every workbook nzcli writes has in common.

XlsxWriter is set up so that text is only ever text (no formulas, numbers or links made from
strings), the document properties are fixed so that the same input gives the same bytes, and
sheet names are ones Excel accepts. The shading of stage and RAG cells is defined once here,
for the report workbook and the update packs alike.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from nzcli.errors import UsageError
from nzcli.model import Rag, Stage
from nzcli.safety import escape_controls

#: The time every workbook says it was created and modified (the zip entries XlsxWriter
#: writes carry 1980-01-01 too): identical input, identical bytes.
FIXED_TIME = datetime(1980, 1, 1, tzinfo=timezone.utc)
#: The most characters a cell holds, and the most rows a sheet has.
MAX_CELL = 32_767
MAX_ROWS = 1_048_576
#: Above this many cells, write row by row through temporary files (constant memory).
BIG = 200_000

#: Options that make every string a string: XlsxWriter's `write_string` is used throughout,
#: and these make sure nothing else would ever turn text into a formula, number or link.
OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}

#: Fill and text colours: light fills with dark text (readable printed in grey, too).
RAG_COLOURS: dict[str | None, tuple[str, str]] = {
    Rag.RED.value: ("#F4C7C3", "#7A1F1A"),
    Rag.AMBER.value: ("#FCE8B2", "#6B4500"),
    Rag.GREEN.value: ("#C8E6C9", "#1B5E20"),
    None: ("#E6E6E6", "#333333"),
}
STAGE_COLOURS: dict[str | None, tuple[str, str]] = {
    Stage.DISCOVERY.value: ("#EDE7F6", "#311B92"),
    Stage.DESIGN.value: ("#E3F2FD", "#0D47A1"),
    Stage.DELIVERY.value: ("#B3E5FC", "#01579B"),
    Stage.COMPLETED.value: ("#B2DFDB", "#004D40"),
    None: ("#F2F2F2", "#333333"),
}


def new_workbook(cells: int = 0) -> tuple[Workbook, io.BytesIO]:
    """A workbook writing into memory; with more than `BIG` cells, one that keeps only the
    current row in memory (rows must then be written in order)."""
    buffer = io.BytesIO()
    big = cells > BIG
    options = dict(OPTIONS, in_memory=not big, constant_memory=big)
    return xlsxwriter.Workbook(buffer, options), buffer


def finish(workbook: Workbook, buffer: io.BytesIO, title: str, author: str) -> bytes:
    """Close the workbook with fixed properties; its bytes."""
    workbook.set_properties(
        {
            "title": title[:255],
            "author": author[:255],
            "created": FIXED_TIME,
            "comments": "Written by nzcli",
        }
    )
    workbook.close()
    return buffer.getvalue()


def text(value: str, where: str) -> str:
    """Text as a cell holds it: control characters made visible (as in every human format),
    and refused, naming `where`, when longer than a cell can hold."""
    shown = escape_controls(value)
    if len(shown) > MAX_CELL:
        raise UsageError(
            f"{where} is {len(shown):,} characters, more than a spreadsheet cell holds "
            f"({MAX_CELL:,}); use another format (csv, json) for it"
        )
    return shown


_BAD_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_names(wanted: list[str]) -> list[str]:
    """Names Excel accepts for these sheets, in order: at most 31 characters, none of
    []:*?/\\, no apostrophe at either end, not "History", unique ignoring case."""
    out: list[str] = []
    seen: set[str] = set()
    for name in wanted:
        base = _BAD_NAME.sub("-", " ".join(name.split())).strip("'") or "Sheet"
        if base.casefold() == "history":
            base = "History (plan)"
        candidate, n = base[:31], 1
        while candidate.casefold() in seen:
            n += 1
            suffix = f" ({n})"
            candidate = base[: 31 - len(suffix)] + suffix
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


#: Points per line of 10-point text, and the characters a column of width 1 holds.
LINE_HEIGHT = 12.75
#: Characters of 10-point Arial in one unit of column width (a unit is one "0" of the
#: default 11-point font); on the low side, so that a row is never too short for its text.
CHARACTERS_PER_WIDTH = 1.15


def lines_needed(value: str, width: float) -> int:
    """How many lines `value` takes wrapped in a column `width` characters wide (a
    spreadsheet sizes rows itself only as a file is edited, so nzcli sets them)."""
    per_line = max(int(width * CHARACTERS_PER_WIDTH) - 1, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def header_footer_text(value: str) -> str:
    """Text for a print header or footer, where `&` starts a code."""
    return escape_controls(value).replace("&", "&&").replace("\n", " ")


@dataclass
class Styles:
    """The formats a workbook uses, made once per workbook."""

    header: Format
    body: Format
    number: Format
    title: Format
    subtitle: Format
    caption: Format
    note: Format
    rag: dict[str | None, Format]
    stage: dict[str | None, Format]

    @classmethod
    def make(cls, workbook: Workbook) -> Styles:
        base = {"valign": "top", "text_wrap": True, "font_name": "Arial", "font_size": 10}

        def fmt(**extra: Any) -> Format:
            return workbook.add_format({**base, **extra})

        def shaded(colours: dict[str | None, tuple[str, str]]) -> dict[str | None, Format]:
            return {
                key: fmt(bg_color=fill, font_color=ink, bold=True, border=1, border_color="#BFBFBF")
                for key, (fill, ink) in colours.items()
            }

        return cls(
            header=fmt(bold=True, bg_color="#D9D9D9", bottom=2),
            body=fmt(),
            number=fmt(align="right"),
            title=fmt(bold=True, font_size=14, text_wrap=False),
            subtitle=fmt(bold=True, font_size=12, text_wrap=False),
            caption=fmt(italic=True, text_wrap=False),
            note=fmt(italic=True),
            rag=shaded(RAG_COLOURS),
            stage=shaded(STAGE_COLOURS),
        )


def print_setup(sheet: Worksheet, left: str, right: str, *, repeat_header: bool) -> None:
    """A4 landscape, one page wide, the header row repeated on every page, `left` and
    `right` in the page header, page numbers in the footer."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    if repeat_header:
        sheet.repeat_rows(0)
    sheet.set_header(
        f"&L{header_footer_text(left[:120])}&R{header_footer_text(right[:120])}", {"margin": 0.3}
    )
    sheet.set_footer("&CPage &P of &N", {"margin": 0.3})
