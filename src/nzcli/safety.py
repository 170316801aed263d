"""Making text safe to show: control characters neutralised, formulas defused.

Data text reaches terminals, pages, spreadsheets and other programs; these are the functions
every renderer and message uses so that none of it is taken as an instruction there.

`escape_controls` is the one function that decides which characters are never written raw
and how each is written instead: as a visible escape (`\\x1b`) in messages, terminal tables,
Markdown, HTML and CSV, and as a JSON escape (`\\u001b`, which a JSON reader turns back into
the same text) in JSON and NDJSON.
"""

from __future__ import annotations

import re
from typing import Literal

#: The characters nzcli never writes raw: C0 controls (tab and newline are kept unless a
#: single line is wanted), DEL, C1 controls (NEL, CSI, OSC among them), the bidi marks,
#: embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069), and the Unicode line
#: and paragraph separators (U+2028, U+2029).
UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{UNSAFE}]")
_CONTROL_LINE = re.compile(f"[\t\n{UNSAFE}]")
_NAMED = {"\n": "\\n", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_controls(
    text: str, *, line: bool = False, form: Literal["visible", "json"] = "visible"
) -> str:
    """`text` with every character in `UNSAFE` escaped, so none reaches a terminal, page or
    program raw.

    `form="visible"` writes an escape a person can read (`\\x1b`, `\\u202e`, `\\x0d`);
    `form="json"` writes a JSON string escape (`\\u009b`), for text that is already JSON
    (the characters can only stand inside its strings, so the JSON means the same). Newline
    and tab are kept, unless `line` asks for one line: then they are escaped too (`\\n`),
    so a message can never be split into two, or forge a second one.
    """
    pattern = _CONTROL_LINE if line else _CONTROL
    if pattern.search(text) is None:  # the common case: nothing to do, no copy
        return text
    return pattern.sub(_json if form == "json" else _visible, text)


def one_line(text: str) -> str:
    """A message for stderr: one line, every control character escaped."""
    return escape_controls(text, line=True)


#: A text cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Where a spreadsheet may start reading a cell: at the start of the text, and, when it
#: splits the line with a separator other than the one the file was written with (`;` in
#: many European locales, or a tab), or breaks it at a CR or LF inside the cell, after any of
#: those (and the spaces a "trim spaces" import removes).
_CELL_START = r"(?:^|(?<=[;,\t\r\n]))( *)"
_FORMULA_AHEAD = r"(?='*[=+\-@\t\r])"
_DEFUSE = re.compile(_CELL_START + _FORMULA_AHEAD)
_RESTORE = re.compile(_CELL_START + "'" + _FORMULA_AHEAD)


def neutralise(text: str) -> str:
    """Text for a spreadsheet cell that no spreadsheet evaluates: a `'` before every place a
    formula could start (`=`, `+`, `-`, `@`, tab, CR, after any `'` already there) at the
    start of the text and after a `;`, `,`, tab, CR or LF. `unneutralise` undoes it exactly,
    so a person's own `'=1+1` keeps its quote through a spreadsheet and `nzcli import`."""
    return _DEFUSE.sub(r"\1'", text)


def unneutralise(text: str) -> str:
    """Undo `neutralise` (used by `nzcli import`)."""
    return _RESTORE.sub(r"\1", text)
