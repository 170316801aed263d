"""Hostile text in the data reaches terminals, spreadsheets, pages and papers harmlessly."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from markdown_it import MarkdownIt

from conftest import FIXTURES, Run
from nzcli import load_plan
from nzcli.render import escape_controls
from nzcli.render.csv import FORMULA_START, unneutralise

HOSTILE = str(FIXTURES / "hostile.yaml")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def texts() -> dict[str, tuple[str, str]]:
    """id -> (action text, 2023-12 update text)."""
    out = {}
    for action in load_plan(HOSTILE).actions:
        update = action.updates.get("2023-12")
        out[action.id] = (action.action, (update.text or "") if update else "")
    return out


def test_fixture_holds_the_hostile_strings() -> None:
    blob = "\n".join(a + "\n" + u for a, u in texts().values())
    for needle in (
        "[bold]",
        "[/]",
        "[link=https://example.invalid]",
        "|",
        "\n",
        "<script>",
        "onerror=",
        "=HYPERLINK(",
        "+44",
        "-minus",
        "@SUM",
        "\t",
        "\r",
        "\\",
        "\x1b",
        "\x9b",
        "£",
        "é",
    ):
        assert needle in blob, repr(needle)


@pytest.mark.parametrize("color", ["never", "always"])
def test_terminal_shows_text_literally(run: Run, color: str) -> None:
    out = ""
    for column in ("action", "update"):  # one text column at a time: no interleaving
        result = run(
            "--color", color, "--data", HOSTILE, "list", "--period", "2023-12", "--columns", column
        )
        assert result.exit_code == 0, result
        out += result.stdout
    if color == "never":
        assert "\x1b" not in out
    else:
        assert SGR.search(out)  # Rich's own styling only
    plain = SGR.sub("", out)
    assert "\x1b" not in plain and "\x9b" not in plain and "\r" not in plain
    flat = re.sub(r"[\s│|┃┆+\-─━┼┤├┬┴┌┐└┘]", "", plain)
    for fragment in (
        "[bold]Bold?[/][/]",
        "[link=https://example.invalid]click[/link]",
        "<script>alert(1)</script>",
        "\\x1b[31mred\\x1b[0m",
        "\\x9b31m",
        "£5café\\",
        '=HYPERLINK("https://example.invalid","click")',
        "\\x0dCRand",
    ):
        assert re.sub(r"[\s|\-]", "", fragment) in flat, fragment


def test_terminal_never_crashes_on_stray_markup(run: Run) -> None:
    for command in (
        ["show", "T1"],
        ["report", "2023-12"],
        ["summary", "--by", "stage"],
        ["partners"],
    ):
        result = run("--color", "always", "--data", HOSTILE, *command)
        assert result.exit_code == 0, (command, result)


def test_markdown_keeps_every_cell_a_cell(run: Run) -> None:
    md = run(
        "--data",
        HOSTILE,
        "list",
        "--period",
        "2023-12",
        "--format",
        "md",
        "--columns",
        "id,action,update",
    ).stdout
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(md)
    rows: list[list[str]] = []
    current: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            current = []
        elif token.type in ("td_open", "th_open"):
            inline = tokens[i + 1]
            current.append(_plain(inline))
        elif token.type == "tr_close":
            rows.append(current)
    assert [len(r) for r in rows] == [3] * 6
    by_id = {r[0]: r for r in rows[1:]}
    for action_id, (action, update) in texts().items():
        assert by_id[action_id][1] == _expected(action), action_id
        assert by_id[action_id][2] == _expected(update), action_id
    assert "<script" not in md and "<img" not in md


def _plain(inline: object) -> str:
    """The text a reader sees in a rendered inline token (softbreak/<br> as newline)."""
    out = []
    for child in getattr(inline, "children", []) or []:
        if child.type == "text" or child.type == "code_inline":
            out.append(child.content)
        elif child.type == "html_inline" and child.content == "<br>":
            out.append("\n")
        elif child.type == "html_inline":
            raise AssertionError(f"raw HTML reached the page: {child.content!r}")
    return "".join(out)


def _expected(text: str) -> str:
    # controls become visible escapes; line breaks are kept; each line is trimmed
    lines = escape_controls(text.replace("\r\n", "\n")).split("\n")
    return "\n".join(line.strip() for line in lines)


def test_excel_csv_defuses_formulas_and_keeps_accents(run: Run) -> None:
    result = run("--data", HOSTILE, "list", "--period", "2023-12", "--format", "csv", "--excel")
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    for record in records:
        action, update = texts()[record["id"]]
        # control characters are visible escapes in every format (issue 12, class 4)
        assert unneutralise(record["action"]) == escape_controls(action)
        assert unneutralise(record["update"]) == escape_controls(update)
    assert "£" in text and "é" in text
    assert next(r for r in records if r["id"] == "T1")["update"].startswith("'=HYPERLINK(")
    # numbers stay numbers
    assert next(r for r in records if r["id"] == "T10")["deliverability_score"] == "4.5"


def test_plain_csv_is_verbatim_but_for_controls(run: Run) -> None:
    text = run("--data", HOSTILE, "list", "--period", "2023-12", "--format", "csv").stdout
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    for record in records:
        action, update = texts()[record["id"]]
        assert (record["action"], record["update"]) == (
            escape_controls(action),
            escape_controls(update),
        )


def test_json_round_trips(run: Run) -> None:
    listed = run("--data", HOSTILE, "list", "--period", "2023-12", "-f", "json").stdout
    rows = json.loads(listed)["actions"]
    assert {r["id"]: (r["action"], r["update"] or "") for r in rows} == texts()


def test_html_escapes_every_string(run: Run) -> None:
    page = run("--data", HOSTILE, "report", "2023-12", "--format", "html").stdout
    body = page.split("<body>", 1)[1]
    assert "<script" not in body and "<img" not in body and "\x1b" not in body
    assert "\x9b" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "[bold]Bold?[/]" in body
    assert "=HYPERLINK(&quot;https://example.invalid&quot;,&quot;click&quot;)" in body
