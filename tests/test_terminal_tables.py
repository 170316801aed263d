"""Terminal tables: columns sized from their content, T17's schemes wrapped one per line,
and colours that read on dark and light backgrounds alike (and never stand alone)."""

from __future__ import annotations

import re

import pytest

from conftest import Run
from nzcli.render.table import BAR_STYLE, RAG_STYLE, STAGE_STYLE

ANSI = re.compile(r"\x1b\[([0-9;]*)m")


def test_list_at_80_columns_is_sized_from_content(run: Run) -> None:
    out = run("list", "--theme", "transport").stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) < 300  # 417 when Stage was sized for T17's three schemes
    header = lines[1]
    widths = [len(cell) - 2 for cell in header.strip("|").split("|")]
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "ID",
        "Action",
        "Role",
        "Timescale",
        "Stage",
        "RAG",
    ]
    action, stage = widths[1], widths[4]
    assert action >= 2 * stage  # the running text has the room, not the stage
    assert stage == len("Discovery")  # the longest word: T17's schemes fold within their lines


@pytest.mark.parametrize("columns", ["100", "120", "160"])
def test_t17_stage_wraps_one_scheme_per_line(run: Run, columns: str) -> None:
    out = run("list", "--theme", "transport", env={"COLUMNS": columns}).stdout
    rows = out.split("\n|-")
    t17 = next(r for r in rows if r.lstrip("-+|\n ").startswith("T17 "))
    stage = [line.split("|")[5].strip() for line in t17.splitlines() if line.startswith("|")]
    text = " ".join(s for s in stage if s)
    assert text == "MMLe: Delivery; Ivanhoe: Design; Network North: Discovery"
    assert len(stage) >= 3  # at least a line for each scheme
    width = len(out.splitlines()[1].split("|")[5]) - 2
    assert width < len(text)  # sized by a scheme a line, not by T17's whole stage


def _colours(style: str) -> tuple[bool, bool]:
    words = style.split()
    fg = any(w not in ("bold", "italic", "dim", "on") for w in words[: words.index("on")])
    return fg, "on" in words


@pytest.mark.parametrize("style", [*RAG_STYLE.values(), *STAGE_STYLE.values()])
def test_cell_colours_set_ink_and_paper_together(style: str) -> None:
    """A coloured word sets its own text and background colour, so it is neither blue
    on black nor yellow on white: the same on a dark terminal as on a light one."""
    assert "on" in style.split(), style
    assert _colours(style) == (True, True)


def test_colour_adds_to_the_words_and_never_replaces_them(run: Run) -> None:
    plain = run("--color", "never", "list", "--theme", "transport").stdout
    coloured = run("--color", "always", "list", "--theme", "transport").stdout
    assert ANSI.search(coloured) and not ANSI.search(plain)
    assert "Delivery" in ANSI.sub("", coloured) and "Not rated" in ANSI.sub("", coloured)
    assert "\x1b[34m" not in coloured  # the old plain blue, unreadable on black
    for code in ANSI.findall(coloured):
        parts = code.split(";")
        if "48" in parts:  # a background: then a foreground too
            assert "30" in parts or "97" in parts or "37" in parts or "38" in parts, code


def test_bars_are_mid_tones_with_counts(run: Run) -> None:
    assert set(BAR_STYLE) >= {"Red", "Amber", "Green", "Not rated", "No update", "Mixed"}
    assert len(set(BAR_STYLE.values())) >= len(BAR_STYLE) - 1  # completed and green share
    out = run("--color", "always", "report", "latest", "--theme", "transport").stdout
    assert re.search(r"Not rated\s+34\s+100%", ANSI.sub("", out))
