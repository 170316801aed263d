"""Terminal renderer (Rich): tables that wrap, never truncate, and never interpret data.

Data text is passed as `rich.text.Text`, so `[bold]` or `[/]` in the plan is shown literally;
control characters are shown as visible escapes. Columns are sized from their content
(`nzcli.render.layout`): codes stay on one line, running text gets the room, a stage of
several schemes is one scheme per line. RAG and stage are coloured *and* worded, each as
dark text on a light background of its own (readable on dark and light terminals alike).
Without colour (not a terminal, NO_COLOR, --color never) no ANSI code is written at all.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from nzcli.safety import escape_controls

from . import Style
from .cells import human
from .document import (
    NUMBER,
    RAG,
    STAGE,
    Bars,
    Block,
    Document,
    Grid,
    Heading,
    Lines,
    Notice,
    Paragraph,
    Trend,
)
from .layout import display, fit, floors, measure, sample

#: Cell styles: set foreground and background together, so each reads the same on a dark
#: or a light terminal. The words are always there too; colour only adds to them.
RAG_STYLE = {
    "Red": "bold white on red3",
    "Amber": "bold black on orange1",
    "Green": "bold white on dark_green",
    "Not rated": "italic black on grey82",
    "No update": "italic black on white",
}
STAGE_STYLE = {
    "Discovery": "black on plum1",
    "Design": "black on pale_turquoise1",
    "Delivery": "black on light_sky_blue1",
    "Completed": "black on dark_sea_green2",
}
#: Bar colours: mid tones, visible on either background (the counts are written beside).
BAR_STYLE = {
    "Red": "red3",
    "Amber": "orange1",
    "Green": "green3",
    "Not rated": "grey58",
    "No update": "grey42",
    "Discovery": "medium_orchid",
    "Design": "dark_cyan",
    "Delivery": "dodger_blue2",
    "Completed": "green3",
    "Mixed": "tan",
}
BAR_WIDTH = 30


def _cell(value: str, kind: str, color: bool, shown: str | None = None) -> Text:
    """A cell: `shown` (the value as laid out; default the value), styled by its value."""
    text = Text(escape_controls(value if shown is None else shown))
    if not color:
        return text
    if kind == RAG:
        text.stylize(RAG_STYLE.get(value, ""))
    elif kind == STAGE and value in STAGE_STYLE:
        text.stylize(STAGE_STYLE[value])
    return text


#: A column whose longest line is at most this long is kept on one line (a code, a RAG).
SHORT_LINE = 12


#: The running text keeps at least this many characters before a rare long word elsewhere
#: (a long scheme name or web address) is kept whole rather than folded.
PROSE_WIDTH = 30


def column_widths(grid: Grid, width: int) -> list[int]:
    """Each column's width inside a table `width` characters wide (borders and padding
    taken off): short columns on one line, every word whole when that leaves the running
    text PROSE_WIDTH, else the words of most rows (a rare longer one folds); the rest of
    the room where it shortens the rows most."""
    inner = width - (3 * len(grid.columns) + 1)
    measures = measure(grid, hyphens=False)
    whole = floors(measures, short=SHORT_LINE)
    prose = max(range(len(measures)), key=lambda i: measures[i].mass)
    room = inner - sum(whole) + whole[prose]
    usual = room < min(PROSE_WIDTH, measures[prose].line)
    start = floors(measures, usual=True, short=SHORT_LINE) if usual else whole
    return fit(measures, sample(grid), inner, start)


#: A grid with this many columns or more is shown as records when the terminal is narrow.
WIDE_GRID = 8
#: Narrower than this, wide grids are shown as records (ID, then the other fields).
RECORD_WIDTH = 160
#: Values at most this long share one line in a record; longer ones get a line each.
SHORT_VALUE = 24


def record_table(grid: Grid, color: bool) -> Table:
    """A wide grid in a narrow terminal: one row per record, the first column as its key
    and the other fields as labelled lines underneath (short ones share a line). Every
    value is shown in full."""
    table = Table(
        title=Text(escape_controls(grid.title)) if grid.title else None,
        title_justify="left",
        box=box.SQUARE if color else box.ASCII,
        show_lines=True,
        show_header=True,
        header_style="bold" if color else "",
    )
    key, *rest = grid.columns
    table.add_column(Text(key.header), overflow="fold", no_wrap=False)
    table.add_column(Text("Details"), overflow="fold", ratio=1)
    for row in grid.rows:
        short: list[Text] = []
        long: list[Text] = []
        for column in rest:
            value = human(row.get(column.key), column.kind)
            if not value:
                continue
            label = Text(f"{column.header}: ", style="bold" if color else "")
            cell = label + _cell(value, column.kind, color)
            (short if len(value) <= SHORT_VALUE and "\n" not in value else long).append(cell)
        details = Text(" · ").join(short) if short else Text("")
        for part in long:
            details = details + Text("\n") + part if details.plain else part
        table.add_row(_cell(human(row.get(key.key), key.kind), key.kind, color), details)
    return table


def _has_prose(grid: Grid) -> bool:
    """True when some cell holds running text (numbers-only grids stay grids)."""
    return any(
        len(human(row.get(c.key), c.kind)) > 2 * SHORT_VALUE
        for row in grid.rows
        for c in grid.columns
    )


def grid_table(grid: Grid, color: bool, width: int = RECORD_WIDTH) -> Table:
    if len(grid.columns) >= WIDE_GRID and width < RECORD_WIDTH and _has_prose(grid):
        return record_table(grid, color)
    widths = column_widths(grid, width)
    table = Table(
        title=Text(escape_controls(grid.title)) if grid.title else None,
        title_justify="left",
        box=box.SQUARE if color else box.ASCII,
        show_lines=True,
        header_style="bold" if color else "",
        title_style="bold" if color else "",
        expand=False,
    )
    for column, column_width in zip(grid.columns, widths, strict=True):
        table.add_column(
            Text(column.header),
            overflow="fold",
            justify="right" if column.kind == NUMBER else "left",
            no_wrap=False,
            width=column_width,
        )
    for row in grid.rows:
        table.add_row(
            *[
                _cell(human(row.get(c.key), c.kind), c.kind, color, display(row.get(c.key), c.kind))
                for c in grid.columns
            ]
        )
    return table


def bars(block: Bars, color: bool) -> Table:
    table = Table(
        title=Text(block.title),
        title_justify="left",
        box=None,
        show_header=False,
        title_style="bold" if color else "",
        pad_edge=False,
    )
    table.add_column(overflow="fold")
    table.add_column(justify="right")
    table.add_column(justify="right")
    table.add_column(no_wrap=True)
    total = sum(n for _, n in block.items) or 1
    peak = max((n for _, n in block.items), default=0) or 1
    for label, n in block.items:
        length = max(round(BAR_WIDTH * n / peak), 1 if n else 0)  # every non-zero row shows
        bar = Text(
            "█" * length if color else "#" * length, style=BAR_STYLE.get(label, "") if color else ""
        )
        table.add_row(Text(escape_controls(label)), str(n), f"{100 * n / total:.0f}%", bar)
    return table


def render_table(blocks: Sequence[Block], *, color: bool, width: int) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        color_system="truecolor" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        soft_wrap=False,
    )
    first = True
    for block in blocks:
        if not first:
            console.print()
        first = False
        if isinstance(block, Heading):
            style = "bold underline" if color and block.level == 1 else "bold" if color else ""
            console.print(Text(escape_controls(block.text), style=style))
        elif isinstance(block, Paragraph):
            console.print(Text(escape_controls(block.text)))
        elif isinstance(block, Notice):
            panel_box = box.HEAVY if color else box.ASCII
            style = "bold black on yellow" if color else ""
            console.print(Panel(Text(escape_controls(block.text), style=style), box=panel_box))
        elif isinstance(block, Grid):
            console.print(grid_table(block, color, width))
        elif isinstance(block, Trend):
            console.print(grid_table(block.as_grid(), color, width))
        elif isinstance(block, Bars):
            console.print(bars(block, color))
        elif isinstance(block, Lines):
            out.write("".join(escape_controls(line) + "\n" for line in block.lines))
    return out.getvalue()


def render(doc: Document, style: Style) -> str:
    return render_table(doc.blocks, color=style.color, width=style.width)
