"""Terminal renderer (Rich): tables that wrap, never truncate, and never interpret data.

Data text is passed as `rich.text.Text`, so `[bold]` or `[/]` in the plan is shown literally;
control characters are shown as visible escapes. RAG and stage are coloured *and* worded.
Without colour (not a terminal, NO_COLOR, --color never) no ANSI code is written at all.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import NUMBER, RAG, STAGE, Bars, Block, Grid, Heading, Paragraph, escape_controls, human

RAG_STYLE = {
    "Red": "bold white on red",
    "Amber": "bold black on dark_orange",
    "Green": "bold white on green4",
    "Not rated": "dim",
}
STAGE_STYLE = {"Discovery": "magenta", "Design": "cyan", "Delivery": "blue", "Completed": "green"}
BAR_WIDTH = 30


def _cell(value: str, kind: str, color: bool) -> Text:
    text = Text(escape_controls(value))
    if not color:
        return text
    if kind == RAG:
        text.stylize(RAG_STYLE.get(value, ""))
    elif kind == STAGE and value in STAGE_STYLE:
        text.stylize(STAGE_STYLE[value])
    return text


def grid_table(grid: Grid, color: bool) -> Table:
    table = Table(
        title=Text(escape_controls(grid.title)) if grid.title else None,
        title_justify="left",
        box=box.SQUARE if color else box.ASCII,
        show_lines=True,
        header_style="bold" if color else "",
        title_style="bold" if color else "",
        expand=False,
    )
    for column in grid.columns:
        table.add_column(
            Text(column.header),
            overflow="fold",
            justify="right" if column.kind == NUMBER else "left",
            no_wrap=False,
        )
    for row in grid.rows:
        table.add_row(*[_cell(human(row.get(c.key), c.kind), c.kind, color) for c in grid.columns])
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
        length = round(BAR_WIDTH * n / peak)
        bar = Text(
            "█" * length if color else "#" * length,
            style=RAG_STYLE.get(label, STAGE_STYLE.get(label, "")) if color else "",
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
        elif isinstance(block, Grid):
            console.print(grid_table(block, color))
        elif isinstance(block, Bars):
            console.print(bars(block, color))
    return out.getvalue()
