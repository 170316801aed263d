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
import re
from collections.abc import Sequence
from itertools import pairwise

from rich import box
from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.control import strip_control_codes
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
from .layout import display, display_column, fit, floors, measure, measure_text, sample

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


def column_widths(
    grid: Grid, width: int, shown: Sequence[Sequence[str]] | None = None
) -> list[int]:
    """Each column's width inside a table `width` characters wide (borders and padding
    taken off): short columns on one line, every word whole when that leaves the running
    text PROSE_WIDTH, else the words of most rows (a rare longer one folds); the rest of
    the room where it shortens the rows most. `shown`: each column's displayed cells, when
    the caller has them already (`display`)."""
    inner = width - (3 * len(grid.columns) + 1)
    if shown is None:
        measures = measure(grid, hyphens=False)
    else:
        measures = [
            measure_text(t, c.header, False) for t, c in zip(shown, grid.columns, strict=True)
        ]
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


def _frame(grid: Grid, color: bool, widths: Sequence[int]) -> Table:
    """The grid's table with its title and columns, no rows yet."""
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
    return table


def _is_records(grid: Grid, width: int) -> bool:
    return len(grid.columns) >= WIDE_GRID and width < RECORD_WIDTH and _has_prose(grid)


def grid_table(grid: Grid, color: bool, width: int = RECORD_WIDTH) -> Table:
    """The grid as one Rich table (the reference `print_grid` streams the same bytes)."""
    if _is_records(grid, width):
        return record_table(grid, color)
    table = _frame(grid, color, column_widths(grid, width))
    for row in grid.rows:
        table.add_row(
            *[
                _cell(human(row.get(c.key), c.kind), c.kind, color, display(row.get(c.key), c.kind))
                for c in grid.columns
            ]
        )
    return table


# ---------------------------------------------------------------------------------------------
# Large grids, streamed. Rich's Table lays out every row of a table at once, through its
# segment machinery (about 0.3 ms a row); a grid of 100,000 actions took half a minute. Here
# Rich draws the title, the header and the borders (a table without rows), and each row is
# laid out with Rich's own wrapping function (`divide_line`) and the same steps `Text.wrap`
# takes on plain text; a cell Rich would style (RAG, stage in colour) or that holds a tab is
# drawn by Rich itself, once per distinct value. The bytes are the same as `grid_table`'s
# (tests/test_render_stream.py proves it on generated grids).

_TRAILING_SPACE = re.compile(r"\s+$")
_WORD = re.compile(r"\s*\S+\s*")


def _divide_ascii(text: str, width: int) -> list[int]:
    """`rich._wrap.divide_line(text, width, fold=True)` for printable ASCII text (a cell per
    character): the same words (each with the spaces around it), the same breaks."""
    breaks: list[int] = []
    offset = start = 0
    for word in _WORD.findall(text):  # the words follow each other: no gaps between them
        size = len(word)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += size
        elif length > width:  # folded into pieces of `width` characters
            for piece_start in range(start, start + size, width):
                if piece_start:
                    breaks.append(piece_start)
            offset = size - (size - 1) // width * width
        elif offset and start:
            breaks.append(start)
            offset = size
        start += size
    return breaks


#: Printable ASCII: a terminal cell per character (Rich's `cell_len` agrees).
_PRINTABLE = re.compile(r"[ -~]*\Z").match


def _cells(text: str) -> int:
    return len(text) if _PRINTABLE(text) else cell_len(text)


def _plain_lines(text: str, width: int, right: bool) -> list[str]:
    """A plain cell's lines, `width` cells each, as `Text.wrap` (fold) lays them out."""
    out: list[str] = []
    if _PRINTABLE(text):  # the same steps, a cell per character
        for line in text.split("\n"):
            if len(line) <= width:
                out.append(f" {line.rstrip().rjust(width) if right else line.ljust(width)} ")
                continue
            cuts = [0, *_divide_ascii(line, width), len(line)]
            for a, b in pairwise(cuts):
                piece = line[a:b]
                if len(piece) > width:
                    space = _TRAILING_SPACE.search(piece)
                    if space is not None:
                        piece = piece[: len(piece) - min(len(space.group(0)), len(piece) - width)]
                piece = piece.rstrip()[:width].rjust(width) if right else piece[:width].ljust(width)
                out.append(f" {piece} ")
        return out
    for line in text.split("\n"):
        if _cells(line) <= width:
            pieces = [line]
        else:
            cuts = [0, *divide_line(line, width, fold=True), len(line)]
            pieces = [line[a:b] for a, b in pairwise(cuts)]
        for piece in pieces:
            if len(piece) > width:  # Text.rstrip_end
                space = _TRAILING_SPACE.search(piece)
                if space is not None:
                    piece = piece[: len(piece) - min(len(space.group(0)), len(piece) - width)]
            if right:  # Lines.justify "right"
                piece = piece.rstrip()
                if _cells(piece) > width:
                    piece = set_cell_size(piece, width)
                piece = " " * (width - _cells(piece)) + piece
            else:  # Lines.justify "left"
                length = _cells(piece)
                if length > width:
                    piece = set_cell_size(piece, width)
                elif length < width:
                    piece += " " * (width - length)
            out.append(f" {piece} ")
    return out


#: Cells at most this long are laid out once per distinct text (codes, roles, stages).
SHORT_CELL = 40


class _Rows:
    """Lays out a grid's body rows at fixed column widths (text widths, without padding),
    from each column's displayed cells (`shown`)."""

    def __init__(
        self,
        console: Console,
        grid: Grid,
        color: bool,
        widths: Sequence[int],
        shown: Sequence[Sequence[str]],
    ):
        self.console = console
        self.grid = grid
        self.color = color
        self.widths = list(widths)
        self.shown = shown
        self.right = [c.kind == NUMBER for c in grid.columns]
        self.styled = [color and c.kind in (RAG, STAGE) for c in grid.columns]
        self.blank = [" " * (w + 2) for w in widths]
        self.drawn: list[dict[str, list[str]]] = [{} for _ in widths]

    def _rich_lines(self, value: str, kind: str, shown: str, index: int) -> list[str]:
        """A cell drawn by Rich (a one-cell table without borders)."""
        table = Table(box=None, show_header=False, padding=(0, 1), expand=False)
        table.add_column(
            overflow="fold",
            justify="right" if self.right[index] else "left",
            no_wrap=False,
            width=self.widths[index],
        )
        table.add_row(_cell(value, kind, self.color, shown))
        with self.console.capture() as capture:
            self.console.print(table)
        return capture.get().split("\n")[:-1]

    def _draw(self, r: int, j: int) -> list[str]:
        shown = self.shown[j][r]
        if self.styled[j]:  # Rich styles the cell by its value, and draws it once a value
            column = self.grid.columns[j]
            value = human(self.grid.rows[r].get(column.key), column.kind)
            key = f"{value}\0{shown}"
            lines = self.drawn[j].get(key)
            if lines is None:
                lines = self.drawn[j][key] = self._rich_lines(value, column.kind, shown, j)
            return lines
        short = len(shown) <= SHORT_CELL
        if short:
            lines = self.drawn[j].get(shown)
            if lines is not None:
                return lines
        text = strip_control_codes(escape_controls(shown))
        if "\t" in text:
            column = self.grid.columns[j]
            value = human(self.grid.rows[r].get(column.key), column.kind)
            lines = self._rich_lines(value, column.kind, shown, j)
        else:
            lines = _plain_lines(text, self.widths[j], self.right[j])
        if short:
            self.drawn[j][shown] = lines
        return lines

    def lines(self, r: int, left: str, divider: str, right: str) -> str:
        cells = [self._draw(r, j) for j in range(len(self.widths))]
        height = max(map(len, cells))
        if height == 1:
            return left + divider.join(c[0] for c in cells) + right + "\n"
        cells = [
            c if len(c) == height else c + [b] * (height - len(c))
            for c, b in zip(cells, self.blank, strict=True)
        ]
        return "".join(
            left + divider.join(parts) + right + "\n" for parts in zip(*cells, strict=True)
        )


def print_grid(console: Console, out: io.StringIO, grid: Grid, color: bool, width: int) -> None:
    """Write the grid as `console.print(grid_table(...))` would, streaming its rows."""
    if _is_records(grid, width):
        console.print(record_table(grid, color))
        return
    shown = [display_column([row.get(c.key) for row in grid.rows], c.kind) for c in grid.columns]
    widths = column_widths(grid, width, shown)
    frame = _frame(grid, color, widths)
    if not grid.rows or sum(widths) + 3 * len(widths) + 1 > width:
        console.print(grid_table(grid, color, width))  # Rich may narrow the columns itself
        return
    with console.capture() as capture:
        console.print(frame)
    drawn = capture.get()
    head, bottom = drawn[: drawn.rindex("\n", 0, -1) + 1], drawn[drawn.rindex("\n", 0, -1) + 1 :]
    frame_box = (frame.box or box.ASCII).substitute(console.options, safe=console.safe_box)
    padded = [w + 2 for w in widths]
    separator = frame_box.get_row(padded, "row", edge=True) + "\n"
    rows = _Rows(console, grid, color, widths, shown)
    out.write(head)
    last = len(grid.rows) - 1
    for i in range(len(grid.rows)):
        if i:
            out.write(separator)
        if i == last:
            edges = (frame_box.foot_left, frame_box.foot_vertical, frame_box.foot_right)
        else:
            edges = (frame_box.mid_left, frame_box.mid_vertical, frame_box.mid_right)
        out.write(rows.lines(i, *edges))
    out.write(bottom)


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


def console_for(out: io.StringIO, color: bool, width: int) -> Console:
    """The console every terminal table is printed on."""
    return Console(
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


def render_table(blocks: Sequence[Block], *, color: bool, width: int) -> str:
    out = io.StringIO()
    console = console_for(out, color, width)
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
            print_grid(console, out, block, color, width)
        elif isinstance(block, Trend):
            print_grid(console, out, block.as_grid(), color, width)
        elif isinstance(block, Bars):
            console.print(bars(block, color))
        elif isinstance(block, Lines):
            out.write("".join(escape_controls(line) + "\n" for line in block.lines))
    return out.getvalue()


def render(doc: Document, style: Style) -> str:
    return render_table(doc.blocks, color=style.color, width=style.width)
