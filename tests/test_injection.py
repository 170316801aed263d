"""Issue 12, class 5: names and texts never become structure or formulas.

Newlines in theme, section, period or organisation names never become Markdown blocks in
`report` and `diff`; CSV with --excel defuses a formula wherever a spreadsheet could start
reading one (after `;`, `,`, tab, CR or LF, as LibreOffice does when it splits the line
another way), checked in LibreOffice itself; and a person's `'=1+1` keeps its quote through
`report --excel` and `import`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from ruamel.yaml import YAML

from conftest import FIXTURES, Run
from nzcli import load_plan
from nzcli.safety import neutralise, unneutralise

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
#: Token types that only block structure makes.
BLOCKS = {
    "bullet_list_open",
    "ordered_list_open",
    "hr",
    "code_block",
    "fence",
    "blockquote_open",
    "html_block",
}
#: Lines that start a block of their own in Markdown.
MARKERS = [
    "- item",
    "* item",
    "+ item",
    "1. first",
    "2) second",
    "---",
    "***",
    "___",
    "===",
    "# heading",
    "> quote",
    "```",
    "~~~",
    "    indented code",
    "<div>",
    "| a | b |",
    "",
]
HOSTILE_NAME = st.lists(st.sampled_from(MARKERS), min_size=1, max_size=4).map(
    lambda lines: "Name\n" + "\n".join(lines) + "\nend"
)


def write_plan(tmp_path: Path, edit: Any, name: str = "plan.yaml") -> Path:
    yaml = YAML(typ="safe")
    data = yaml.load((FIXTURES / "mini.yaml").read_text(encoding="utf-8"))
    edit(data)
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def structure(markdown: str) -> tuple[int, int, set[str]]:
    """(headings, tables, block-only token types) of a Markdown text."""
    tokens = MD.parse(markdown)
    kinds = {t.type for t in tokens}
    return (
        sum(t.type == "heading_open" for t in tokens),
        sum(t.type == "table_open" for t in tokens),
        kinds & BLOCKS,
    )


def edit_names(name: str) -> Any:
    def edit(data: dict[str, Any]) -> None:
        data["plan"]["organisation"] = name
        data["periods"][1]["name"] = name
        theme = data["themes"][0]
        old = theme["sections"][0]
        theme["sections"][0] = name
        theme["name"] = name
        for action in data["actions"]:
            if action.get("section") == old:
                action["section"] = name

    return edit


@pytest.fixture(scope="module")
def benign(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, int, set[str]]]:
    """The structure of the reports of a plan with plain names."""
    from conftest import invoke

    path = write_plan(tmp_path_factory.mktemp("benign"), edit_names("Plain name"))
    return {
        cmd: structure(invoke("--data", str(path), *args, "--format", "md").stdout)
        for cmd, args in (
            ("report", ["report", "latest"]),
            ("diff", ["diff", "2023-12", "2024-06"]),
            ("summary", ["summary", "--by", "section"]),
        )
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=HOSTILE_NAME)
def test_newlines_in_names_never_become_markdown_blocks(
    run: Run, tmp_path: Path, benign: dict[str, tuple[int, int, set[str]]], name: str
) -> None:
    path = write_plan(tmp_path, edit_names(name))
    for cmd, args in (
        ("report", ["report", "latest"]),
        ("diff", ["diff", "2023-12", "2024-06"]),
        ("summary", ["summary", "--by", "section"]),
    ):
        result = run("--data", str(path), *args, "--format", "md")
        assert result.exit_code == 0, result
        assert structure(result.stdout) == benign[cmd], (cmd, name, result.stdout[:600])


def test_a_heading_keeps_its_words_on_one_line(run: Run, tmp_path: Path) -> None:
    path = write_plan(tmp_path, edit_names("Roads\n- and rail\n---"))
    text = run("--data", str(path), "report", "latest", "--format", "md").stdout
    assert "\n## Roads - and rail ---\n" in text  # one line: the dashes are words in it
    tokens = MD.parse(text)
    inline = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "Roads - and rail ---" in inline


# ---------------------------------------------------------------------------------------------
# Formulas in CSV for spreadsheets

SEPARATORS = ";,\t\r\n"


def cell_starts(text: str) -> list[str]:
    """What follows each place a spreadsheet may start reading a cell, spaces trimmed."""
    return [part.lstrip(" ") for part in re.split(f"[{SEPARATORS}]", text)]


@given(st.text(st.sampled_from(list("=+-@'; ,\t\r\nab1")), max_size=30))
def test_no_cell_start_is_a_formula_after_neutralise(value: str) -> None:
    out = neutralise(value)
    for start in cell_starts(out):
        assert not start.startswith(("=", "+", "-", "@")), (value, out)
    assert unneutralise(out) == value


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_neutralise_round_trips_any_text(value: str) -> None:
    assert unneutralise(neutralise(value)) == value
    if not re.search(f"(^|[{SEPARATORS}]) *'*[=+\\-@\t\r]", value):
        assert neutralise(value) == value  # ordinary text is left exactly as it is


def test_a_persons_quote_survives_excel_csv_and_import(run: Run, tmp_path: Path) -> None:
    # (one line each: import makes a line break in a cell a space, as documented)
    texts = {"T1": "'=1+1", "T2": "=2+2", "N1": "costs; =SUM(A1),@cmd"}

    def edit(data: dict[str, Any]) -> None:
        for action in data["actions"]:
            if action["id"] in texts:
                action["updates"]["2024-06"]["text"] = texts[action["id"]]

    plan = write_plan(tmp_path, edit)
    sheet = tmp_path / "june.csv"
    made = run("--data", str(plan), "report", "latest", "-f", "csv", "--excel", "-o", str(sheet))
    assert made.exit_code == 0, made
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(sheet.read_text("utf-8-sig")))}
    assert rows["T1"]["update"] == "''=1+1"
    assert rows["T2"]["update"] == "'=2+2"
    assert rows["N1"]["update"] == "costs; '=SUM(A1),'@cmd"
    before = plan.read_bytes()
    done = run("--data", str(plan), "import", str(sheet), "--period", "latest", "--reopen")
    assert done.exit_code == 0, done
    assert plan.read_bytes() == before  # nothing changed: every text read back as it was
    june = {a.id: a.updates.get("2024-06") for a in load_plan(plan).actions}
    assert {k: june[k].text for k in texts} == texts  # type: ignore[union-attr]


SOFFICE = shutil.which("soffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice (soffice)")
@pytest.mark.parametrize(
    ("separator", "trim"), [(",", False), (";", False), (";", True), ("\t", True)]
)
def test_libreoffice_evaluates_no_formula_however_it_splits_the_csv(
    run: Run, tmp_path: Path, separator: str, trim: bool
) -> None:
    hostile = {
        "T1": "a;=1+1",
        "T2": "x\n=2+2",
        "T10": "y\r=3+3",
        "N1": "b; =4+4",
        "X1": "c,@SUM(A1:A2)",
    }

    def edit(data: dict[str, Any]) -> None:
        for action in data["actions"]:
            text = hostile.get(action["id"])
            if text is not None:
                action["updates"].setdefault("2024-06", {"stage": None, "rag": None})
                action["updates"]["2024-06"]["text"] = text

    plan = write_plan(tmp_path, edit)
    sheet = tmp_path / "sheet.csv"
    made = run("--data", str(plan), "list", "-f", "csv", "--excel", "-o", str(sheet))
    assert made.exit_code == 0, made
    # the unescaped sheet, to show the test can fail: the same cells without --excel's defusing
    raw = tmp_path / "raw.csv"
    plain = run("--data", str(plan), "list", "-f", "csv", "-o", str(raw))
    assert plain.exit_code == 0
    code = ord(separator)
    options = f"CSV:{code},34,76,1,,1033,false,false,false,false,{'true' if trim else 'false'}"
    formulas = {}
    for name in ("sheet", "raw"):
        profile = tmp_path / f"profile-{name}"
        done = subprocess.run(
            [
                str(SOFFICE),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                f"--infilter={options}",
                "--convert-to",
                "fods",
                "--outdir",
                str(tmp_path),
                str(tmp_path / f"{name}.csv"),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            env={**os.environ, "HOME": str(tmp_path)},
        )
        assert done.returncode == 0, done.stderr
        flat = (tmp_path / f"{name}.fods").read_text("utf-8")
        formulas[name] = re.findall(r'table:formula="([^"]*)"', flat)
    assert formulas["sheet"] == []
    if separator == ";":
        assert formulas["raw"], "the undefused CSV should have live formulas here"
