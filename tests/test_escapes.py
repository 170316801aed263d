"""Issue 12, class 4: control characters in data never reach a terminal or a program raw.

Every message (errors, `check`'s lines, import's details) and every machine format (JSON,
NDJSON, CSV) neutralises them with one function, `nzcli.safety.escape_controls`; a newline
in an ID can never forge a second `nzcli: error:` line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from conftest import FIXTURES, Run
from nzcli.render.json import render_json, render_ndjson
from nzcli.safety import UNSAFE, escape_controls, one_line

RAW = re.compile(f"[{UNSAFE}]")
#: The characters a terminal or a bidi-aware viewer acts on, one of each kind.
NASTY = [
    "\x1b]0;owned\x07",  # OSC: retitle the terminal
    "\x1b[2J",  # clear the screen
    "\x9b31m",  # C1 CSI
    "\x85",  # NEL
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\x7f",  # DEL
    "\x00",
    "\r",
]
FORGED = "T1\nnzcli: error: forged"

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
UNSAFE_TEXT = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from([c for s in NASTY for c in s] + ["\n", "\t"]),
    ),
    max_size=60,
)


def plan_file(tmp_path: Path, edit: Callable[[dict[str, Any]], None], name: str = "p.yaml") -> Path:
    """The mini fixture plan with `edit` applied to its data, written as YAML (control
    characters as YAML escapes)."""
    yaml = YAML(typ="safe")
    data = yaml.load((FIXTURES / "mini.yaml").read_text(encoding="utf-8"))
    edit(data)
    target = tmp_path / name
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


def assert_clean(text: str) -> None:
    """Nothing in `text` but newlines and tabs from the unsafe set."""
    found = RAW.findall(text)
    assert not found, found


# ---------------------------------------------------------------------------------------------
# The one function


@given(UNSAFE_TEXT)
def test_escape_controls_leaves_no_unsafe_character(value: str) -> None:
    assert_clean(escape_controls(value))
    line = one_line(value)
    assert_clean(line)
    assert "\n" not in line and "\t" not in line


@given(UNSAFE_TEXT)
def test_json_keeps_the_text_without_carrying_the_characters(value: str) -> None:
    text = render_json({"text": value})
    assert_clean(text.replace("\n", ""))
    assert json.loads(text) == {"text": value}
    line = render_ndjson([{"text": value}], 1)
    assert line.count("\n") == 1 and line.endswith("\n")
    assert_clean(line[:-1])
    assert json.loads(line) == {"format_version": 1, "text": value}


@given(UNSAFE_TEXT)
def test_one_line_never_splits(value: str) -> None:
    assert len(one_line(value + "\n" + value).splitlines() or [""]) == 1


def test_escapes_are_visible_and_named() -> None:
    assert escape_controls("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert escape_controls("\u202eevil") == "\\u202eevil"
    assert escape_controls("x\x85y\u2028z") == "x\\x85y\\u2028z"
    assert escape_controls("keep\nthe\tlines") == "keep\nthe\tlines"
    assert one_line("two\nlines\tand\rCR") == "two\\nlines\\tand\\x0dCR"
    assert escape_controls("\x9b", form="json") == "\\u009b"


# ---------------------------------------------------------------------------------------------
# Messages


def test_an_id_with_a_newline_cannot_forge_an_error_line(run: Run) -> None:
    result = run("show", FORGED)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("nzcli: error: ")
    assert "T1\\nnzcli: error: forged" in result.stderr


@pytest.mark.parametrize("via", ["auto", "typer"])
def test_a_bad_option_value_is_one_clean_line(run: Run, via: str) -> None:
    for nasty in NASTY:
        result = run("list", "--theme", f"x{nasty}y", via=via)
        assert result.exit_code == 2, result
        assert result.stderr.startswith("nzcli: error: --theme: unknown theme")
        assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result
        assert_clean(result.stderr[:-1])


def test_period_names_reach_messages_escaped(run: Run, tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["periods"][0]["name"] = "Dec\x1b]0;owned\x07 2023\u202e\nnzcli: error: forged"

    path = plan_file(tmp_path, edit)
    result = run("--data", str(path), "list", "--period", "bogus")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert_clean(result.stderr[:-1])
    assert "Dec\\x1b]0;owned\\x07 2023\\u202e\\nnzcli: error: forged" in result.stderr


def test_check_lines_stay_one_problem_each(run: Run, tmp_path: Path) -> None:
    def bad_id(data: dict[str, Any]) -> None:
        data["actions"][0]["id"] = FORGED

    def bad_section(data: dict[str, Any]) -> None:
        data["actions"][1]["section"] = "Bad\x1b[2J\nsection"

    for edit, shown, kept in (
        (bad_id, "T1\\nnzcli: error: forged", ("id", FORGED)),
        # (the message quotes the value with repr: its escapes are in the text itself)
        (bad_section, "Bad\\x1b[2J\\nsection", ("message", "Bad\\x1b[2J\\nsection")),
    ):
        path = plan_file(tmp_path, edit)
        result = run("--data", str(path), "check")
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert len(lines) == 2 and all(line.startswith(str(path)) for line in lines), lines
        assert_clean(result.stdout.replace("\n", ""))
        assert shown in lines[0]
        raw = run("--data", str(path), "check", "--format", "json").stdout
        assert_clean(raw.replace("\n", ""))
        key, text = kept
        assert any(text in (p[key] or "") for p in json.loads(raw)["problems"])


def test_import_details_are_one_line_each(run: Run, mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "back.csv"
    sheet.write_text(
        'id,stage,rag,update\n"T1\x1b[2J\nnzcli: error: forged",design,red,x\n', encoding="utf-8"
    )
    result = run("--data", str(mini), "import", str(sheet), "--period", "2024-06")
    assert result.exit_code == 2
    assert_clean(result.stderr.replace("\n", ""))
    assert not any(line.startswith("nzcli: error: forged") for line in result.stderr.splitlines())


# ---------------------------------------------------------------------------------------------
# Machine formats


@pytest.fixture
def nasty_plan(tmp_path: Path) -> Path:
    def edit(data: dict[str, Any]) -> None:
        data["actions"][0]["action"] = "Act " + "|".join(NASTY)
        data["actions"][0]["updates"]["2024-06"]["text"] = "Upd " + "".join(NASTY)

    return plan_file(tmp_path, edit)


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--format", "json"),
        ("list", "--format", "ndjson"),
        ("export", "--format", "json"),
        ("export", "--format", "ndjson"),
        ("show", "T1", "--format", "json"),
        ("report", "latest", "--format", "json"),
    ],
)
def test_json_outputs_carry_no_raw_controls_and_keep_the_text(
    run: Run, nasty_plan: Path, args: tuple[str, ...]
) -> None:
    result = run("--data", str(nasty_plan), *args)
    assert result.exit_code == 0, result
    assert_clean(result.stdout.replace("\n", ""))
    lines = result.stdout.splitlines() if "ndjson" in args else [result.stdout]
    found = set(strings([json.loads(line) for line in lines]))
    assert "Act " + "|".join(NASTY) in found
    if args[0] != "show":
        assert "Upd " + "".join(NASTY) in found


def strings(value: Any) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    return []


@pytest.mark.parametrize("excel", [False, True])
def test_csv_cells_carry_visible_escapes(run: Run, nasty_plan: Path, excel: bool) -> None:
    args = ["--data", str(nasty_plan), "list", "--format", "csv", *(["--excel"] if excel else [])]
    result = run(*args)
    assert result.exit_code == 0, result
    text = result.stdout_bytes.decode("utf-8-sig")
    assert_clean(text.replace("\r\n", "").replace("\n", ""))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    t1 = next(r for r in rows if r["id"] == "T1")
    assert t1["action"] == escape_controls("Act " + "|".join(NASTY))
