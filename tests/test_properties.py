"""Property tests for each sanitiser: what a reader gets back is what the data said."""

from __future__ import annotations

import csv
import html
import io
import os

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from nzcli.render import escape_controls
from nzcli.render.csv import FORMULA_START, neutralise, unneutralise
from nzcli.render.html import text as html_text
from nzcli.render.markdown import escape_cell

settings.register_profile("ci", max_examples=1000, deadline=None)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# Any text, including controls, markup and non-ASCII; surrogates cannot be encoded.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@given(ANY_TEXT)
def test_escape_controls_leaves_nothing_a_terminal_acts_on(value: str) -> None:
    out = escape_controls(value)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in out)
    assert not any(0x7F <= ord(c) <= 0x9F for c in out)


@given(
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=80)
    .map(str.strip)
    .filter(bool)
)
def test_markdown_cell_reads_back_as_the_input(value: str) -> None:
    cell = escape_cell(value)
    assert "|" not in cell.replace("\\|", "")
    document = f"| a | b |\n|---|---|\n| {cell} | x |\n"
    tokens = MD.parse(document)
    cells = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "td_open"]
    assert len(cells) == 2  # still exactly two cells
    rendered = "".join(c.content for c in cells[0].children or [] if c.type == "text")
    assert all(c.type in ("text", "softbreak") for c in cells[0].children or [])
    assert rendered == " ".join(value.split()) or rendered == value


@given(ANY_TEXT)
def test_csv_cell_reads_back_as_the_input(value: str) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([neutralise(value), "x"])
    back = next(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert back[1] == "x"
    assert not back[0].startswith(FORMULA_START)
    assert unneutralise(back[0]) == value


@given(ANY_TEXT)
def test_html_text_reads_back_as_the_input(value: str) -> None:
    out = html_text(value)
    assert "<" not in out and ">" not in out and '"' not in out
    assert html.unescape(out) == escape_controls(value)


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\t"), max_size=60))
def test_terminal_text_reads_back(value: str) -> None:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=10_000,
        color_system=None,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=True,
    )
    console.print(Text(escape_controls(value)), end="")
    shown = buffer.getvalue()
    assert "\x1b" not in shown
    expected = escape_controls(value)
    assert (
        shown.rstrip() == expected.rstrip()
        or shown.replace("\n", "") == expected.replace("\n", "").rstrip()
    )
