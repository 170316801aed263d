"""Large tables are written by faster paths that must give the very bytes of the slow ones:
the streamed terminal grid against Rich's Table, the Markdown pipe table against tabulate.
Generated grids (widths, wrapping, wide and zero-width characters, tabs, controls, empty
cells, colour) and the shipped plan at several widths; the goldens hold the rest."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from nzcli.query import Filters, resolve
from nzcli.render import markdown, table
from nzcli.render.document import NUMBER, RAG, STAGE, TEXT, Column, Grid
from nzcli.store import load_plan, shipped_data_path
from nzcli.views.queries import list_view

#: Characters that wrap, measure and escape differently: ASCII, hyphen and slash (where
#: words may break), tab and newline, Latin-1 and curly quotes, wide CJK and emoji, a
#: combining accent, zero-width and no-break spaces, controls, Markdown and HTML specials.
ALPHABET = [
    *"abcXYZ019 -/.,:;",
    "\t",
    "\n",
    "\u2019",
    "\u2013",
    "\xa3",
    "\xe9",
    "\u4e2d",
    "\U0001f600",
    "\u0301",
    "\u200b",
    "\xa0",
    "\x1b",
    "\r",
    "\x07",
    "|",
    "[",
    "*",
    "<",
    "&",
]

words = st.text(alphabet=ALPHABET, max_size=90)
long_words = st.text(alphabet=list("abcdefgh-/"), min_size=20, max_size=70)
texts = st.one_of(words, long_words, st.just(""), st.none())
values: dict[str, st.SearchStrategy[Any]] = {
    TEXT: texts,
    NUMBER: st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e6, 1e6, width=32), st.none()),
    RAG: st.one_of(st.sampled_from(["red", "amber", "green", "not rated"]), texts),
    STAGE: st.one_of(
        st.sampled_from(["discovery", "design", "delivery", "completed"]),
        st.just("A: delivery; B: design; Scheme C: completed"),
        texts,
    ),
}


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    kinds = draw(st.lists(st.sampled_from(sorted(values)), min_size=1, max_size=7))
    columns = [Column(f"c{i}", draw(words.filter(bool)), kind) for i, kind in enumerate(kinds)]
    rows = draw(
        st.lists(
            st.fixed_dictionaries({c.key: values[c.kind] for c in columns}),
            min_size=0,
            max_size=10,
        )
    )
    title = draw(st.one_of(st.none(), words))
    return Grid(columns, rows, title=title)


def rich_table(grid: Grid, color: bool, width: int) -> str:
    """The reference: the grid as one Rich Table, printed on the same console."""
    out = io.StringIO()
    table.console_for(out, color, width).print(table.grid_table(grid, color, width))
    return out.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids(), color=st.booleans(), width=st.integers(20, 220))
def test_streamed_grid_is_richs_table_byte_for_byte(grid: Grid, color: bool, width: int) -> None:
    assert table.render_table([grid], color=color, width=width) == rich_table(grid, color, width)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(words, long_words), width=st.integers(1, 40), right=st.booleans())
def test_plain_cell_lines_are_rich_wrapping(text: str, width: int, right: bool) -> None:
    """A cell's lines, on their own, against a one-cell Rich table (no tab: Rich draws those)."""
    from rich.control import strip_control_codes
    from rich.table import Table
    from rich.text import Text

    from nzcli.safety import escape_controls

    cell = strip_control_codes(escape_controls(text))
    if "\t" in cell:
        return
    one = Table(box=None, show_header=False, padding=(0, 1), expand=False)
    one.add_column(overflow="fold", justify="right" if right else "left", width=width)
    one.add_row(Text(escape_controls(text)))
    out = io.StringIO()
    table.console_for(out, False, width + 2).print(one)
    assert table._plain_lines(cell, width, right) == out.getvalue().split("\n")[:-1]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=list("ab -c"), max_size=60), width=st.integers(1, 12))
def test_ascii_division_is_richs(text: str, width: int) -> None:
    from rich._wrap import divide_line

    assert table._divide_ascii(text, width) == divide_line(text, width, fold=True)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("width", [60, 80, 100, 160, 200])
@pytest.mark.parametrize("every_column", [False, True])
def test_the_shipped_plan_streams_as_rich_draws_it(
    color: bool, width: int, every_column: bool
) -> None:
    plan = load_plan(shipped_data_path(), env={"NZCLI_NO_CACHE": "1"})
    selection = resolve(plan, Filters())
    doc = list_view(plan, selection, table=not every_column, fmt="csv" if every_column else None)
    (grid,) = doc.blocks
    assert isinstance(grid, Grid) and len(grid.rows) == 176
    assert table.render_table([grid], color=color, width=width) == rich_table(grid, color, width)


# ---------------------------------------------------------------------------------------------
# Markdown pipe tables

narrow_cells = st.text(
    alphabet=[*"ab Z9-|\\&;", "\xa0", "\u2019", "\u2013", "\xe9", "\u20ac"],
    max_size=30,
)
any_cells = st.text(alphabet=ALPHABET, max_size=30)


def tabulated(headers: list[str], rows: list[list[str]], numeric: list[bool]) -> str:
    align = ["right" if n else "left" for n in numeric]
    text: str = tabulate(
        rows, headers, tablefmt="pipe", colalign=align, disable_numparse=True, stralign="left"
    )
    return text


@st.composite
def pipe_tables(draw: st.DrawFn, cells: st.SearchStrategy[str]) -> tuple[Any, ...]:
    n = draw(st.integers(1, 6))
    headers = draw(st.lists(cells, min_size=n, max_size=n))
    rows = draw(st.lists(st.lists(cells, min_size=n, max_size=n), min_size=1, max_size=8))
    numeric = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return headers, rows, numeric


@settings(max_examples=400, deadline=None)
@given(case=pipe_tables(narrow_cells))
def test_narrow_pipe_table_is_tabulates(case: tuple[Any, ...]) -> None:
    headers, rows, numeric = case
    assert markdown._narrow_pipe_table(headers, rows, numeric) == tabulated(*case)


@settings(max_examples=100, deadline=None)
@given(case=pipe_tables(any_cells), copies=st.integers(1, 12))
def test_pipe_table_is_tabulates_at_any_size(case: tuple[Any, ...], copies: int) -> None:
    """Large enough for the narrow path when every cell is narrow; tabulate's otherwise."""
    headers, rows, numeric = case
    many = rows * copies * (markdown.NARROW_ROWS // len(rows) // 4 + 1)
    assert markdown.pipe_table(headers, many, numeric) == tabulated(headers, many, numeric)


def test_narrow_characters_are_one_column_wide_for_tabulate() -> None:
    """The narrow path takes `len` for tabulate's width (wcwidth's, where it is installed):
    true of each character it takes, each laid out beside a wide one."""
    narrow = [chr(c) for c in range(sys.maxunicode + 1) if markdown._NARROW.match(chr(c))]
    assert len(narrow) > 200
    for c in narrow:
        rows = [[c * 3, "x"], ["ab", c]]
        assert markdown._narrow_pipe_table([c, "h"], rows, [False, True]) == tabulated(
            [c, "h"], rows, [False, True]
        )
    assert not markdown._NARROW.match("\xad") and not markdown._NARROW.match("\u4e2d")
