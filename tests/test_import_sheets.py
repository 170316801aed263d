"""Import that never drops words: the headers people use, refusals naming the columns found,
error values, sheets made for another period, several files in one step, carry-forward and
owners."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run
from nzcli import load_plan
from nzcli.model import Rag, Stage
from nzcli.storage.sheets import is_error_value, parse_csv, read_header


def sheet(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return path


@pytest.fixture
def draft(run: Run, mini: Path) -> Path:
    """mini with a draft period, 2024-12, to import into."""
    assert run("period", "add", "2024-12", "--data", str(mini)).exit_code == 0
    return mini


def refused(result: object, path: Path, before: bytes) -> list[str]:
    assert result.exit_code == 2, result  # type: ignore[attr-defined]
    assert path.read_bytes() == before
    return result.stderr.splitlines()  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(
    "header",
    [
        ["id", "stage", "rag", "update"],
        ["Action ID", "Project stage", "RAG", "Progress update"],
        ["ACTION  ID", "Project Status", "rag rating", "progress_update"],
        ["Ref", "current stage", "RAG status", "December 2024 Update"],
        ["id", "stage", "rag", "Update 2024-12"],
    ],
)
def test_headers_people_use(run: Run, draft: Path, tmp_path: Path, header: list[str]) -> None:
    path = sheet(tmp_path / "s.csv", [header, ["T1", "delivery", "green", "Going well."]])
    result = run("import", str(path), "--period", "2024-12", "--data", str(draft))
    assert result.exit_code == 0, result
    update = load_plan(draft).action("T1").updates["2024-12"]  # type: ignore[union-attr]
    assert (update.stage, update.rag, update.text) == (Stage.DELIVERY, Rag.GREEN, "Going well.")


@given(
    st.sampled_from(["progress update", "Progress Update", "PROGRESS  UPDATE", "progress_update"]),
    st.sampled_from(["", " ", "  "]),
)
def test_header_case_and_spacing(update: str, pad: str) -> None:
    header = read_header([f"{pad}Action ID{pad}", pad + update], "s.csv:1", "s.csv")
    assert header.columns == {"id": 0, "update": 1}


@pytest.mark.parametrize(
    "header,found",
    [
        (["id", "stage", "rag", "Progress notes"], "'id', 'stage', 'rag', 'Progress notes'"),
        (["id", "stage", "rag"], "'id', 'stage', 'rag'"),
        (["id", "stage", "rag", "Update (June)"], "'id', 'stage', 'rag', 'Update (June)'"),
    ],
)
def test_a_renamed_or_missing_update_column_is_refused(
    run: Run, draft: Path, tmp_path: Path, header: list[str], found: str
) -> None:
    path = sheet(tmp_path / "s.csv", [header, ["T1", "delivery", "green", "Words."][: len(header)]])
    before = draft.read_bytes()
    lines = refused(
        run("import", str(path), "--period", "2024-12", "--data", str(draft)), draft, before
    )
    assert lines == [
        f"nzcli: error: {path}:1: no update column (found: {found}); nothing was imported. "
        "Name the column of progress updates 'update' (or 'Progress update', 'December 2023 "
        "Update'), so that no one's words are dropped"
    ]


def test_no_id_column_is_refused_naming_the_columns(run: Run, draft: Path, tmp_path: Path) -> None:
    path = sheet(tmp_path / "s.csv", [["Action", "Progress update"], ["Buses", "Words."]])
    before = draft.read_bytes()
    lines = refused(
        run("import", str(path), "--period", "2024-12", "--data", str(draft)), draft, before
    )
    assert lines[-1].startswith(
        f"nzcli: error: {path}:1: no action ID column (found: 'Action', 'Progress update')"
    )


@pytest.mark.parametrize(
    "value",
    ["#NAME?", "#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NUM!", "#NULL!", "Err:509", "#name?"],
)
@pytest.mark.parametrize("column", ["stage", "rag", "update"])
def test_error_values_are_refused_with_row_and_column(
    run: Run, draft: Path, tmp_path: Path, value: str, column: str
) -> None:
    header = ["id", "action", "stage", "rag", "update"]
    good = ["T2", "", "design", "red", "Fine."]
    bad = ["T1", "", "delivery", "green", "Words."]
    bad[header.index(column)] = value
    path = sheet(tmp_path / "s.csv", [header, good, bad])
    before = draft.read_bytes()
    lines = refused(
        run("import", str(path), "--period", "2024-12", "--data", str(draft)), draft, before
    )
    letter = "ABCDE"[header.index(column)]
    assert lines == [
        f"{path}:3: T1: {column!r} (column {letter}): {value!r} is a spreadsheet error value, "
        "not a value to import (the words that were there are lost): retype the cell as text "
        "(start it with ' to keep a leading =, + or -)",
        f"nzcli: error: {path}: 1 problem (listed above); nothing was imported and the data "
        "file is unchanged",
    ]


def test_error_value_words() -> None:
    assert is_error_value(" #DIV/0! ") and is_error_value("err:502") and is_error_value("#WERT!")
    assert not is_error_value("#1 priority") and not is_error_value("Error: none")
    assert not is_error_value("#N/A here")


def test_a_sheet_for_another_period_is_refused(run: Run, draft: Path, tmp_path: Path) -> None:
    data = ("--data", str(draft))
    exported = tmp_path / "dec.csv"
    assert run("sheet", "2023-12", "--output", str(exported), *data).exit_code == 0
    text = exported.read_text("utf-8").replace("Work has started.", "Work has started well.")
    exported.write_text(text, encoding="utf-8")
    before = draft.read_bytes()
    lines = refused(run("import", str(exported), "--period", "2024-12", *data), draft, before)
    assert lines[0] == (
        f"{exported}: made for 2023-12 ({exported}:2 says so), not 2024-12: import it with "
        "--period 2023-12, or give --force to record its values for 2024-12"
    )
    # the header can say so too
    dated = sheet(tmp_path / "dated.csv", [["Action ID", "June 2024 Update"], ["T1", "Words."]])
    lines = refused(run("import", str(dated), "--period", "2024-12", *data), draft, before)
    assert lines[0].startswith(
        f"{dated}: made for 2024-06 (its 'June 2024 Update' column says so), not 2024-12"
    )
    # with --period matching the sheet (a published period: --reopen), or --force
    result = run("import", str(exported), "--period", "2023-12", "--reopen", *data)
    assert result.exit_code == 0, result
    result = run("import", str(dated), "--period", "2024-12", "--force", *data)
    assert result.exit_code == 0, result
    assert f"note: {dated} was made for 2024-06; its values are recorded for 2024-12" in (
        result.stderr
    )


def test_the_period_comes_from_the_sheet(run: Run, draft: Path, tmp_path: Path) -> None:
    data = ("--data", str(draft))
    path = tmp_path / "s.csv"
    assert run("sheet", "2024-12", "--output", str(path), *data).exit_code == 0
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    rows[1][rows[0].index("update")] = "New words."
    sheet(path, rows)
    result = run("import", str(path), *data)
    assert result.exit_code == 0, result
    assert "imported 1 update for 2024-12" in result.stderr


def test_several_files_are_one_step(run: Run, draft: Path, tmp_path: Path) -> None:
    data = ("--data", str(draft))
    header = ["id", "stage", "rag", "update"]
    a = sheet(tmp_path / "a.csv", [header, ["T1", "delivery", "green", "A's words."]])
    b = sheet(tmp_path / "b.csv", [header, ["T2", "", "purple", "B's words."]])
    before = draft.read_bytes()
    lines = refused(run("import", str(a), str(b), "--period", "2024-12", *data), draft, before)
    assert lines[0].startswith(f"{b}:2: T2: 'rag' (column C): unknown RAG rating 'purple'")
    assert lines[-1] == (
        f"nzcli: error: {a}, {b}: 1 problem (listed above); nothing was imported and the data "
        "file is unchanged"
    )
    twice = sheet(tmp_path / "c.csv", [header, ["t1", "", "", "Again."]])
    lines = refused(run("import", str(a), str(twice), "--period", "2024-12", *data), draft, before)
    assert lines[0] == f"{twice}:2: T1: also at {a}:2; give each action once"
    sheet(b, [header, ["T2", "", "amber", "B's words."]])
    result = run("import", str(a), str(b), "--period", "2024-12", *data)
    assert result.exit_code == 0, result
    assert result.stderr.splitlines()[-1] == (
        f"imported 2 updates for 2024-12 from {a}, {b} (0 of 2 rows unchanged) into {draft}"
    )
    entries = json.loads(run("history", "--format", "json", *data).stdout)["entries"]
    assert entries[0]["command"] == f"import {a} {b} --period 2024-12"
    assert {c["action"] for c in entries[0]["changes"]} == {"T1", "T2"}


def test_blank_is_unchanged_and_carry_is_explicit(run: Run, draft: Path, tmp_path: Path) -> None:
    data = ("--data", str(draft))
    header = ["id", "stage", "rag", "update", "owner"]
    path = sheet(
        tmp_path / "s.csv",
        [
            header,
            ["T1", "no change since last time", "unchanged", "Still delivering.", ""],
            ["T2", "", "", "No stage given.", "Bus team"],
            ["T10", "As before", "", "", ""],  # no update given: nothing to carry into
            ["N1", "", "", "", "Nature team"],
        ],
    )
    result = run("import", str(path), "--period", "2024-12", *data)
    assert result.exit_code == 0, result
    assert result.stderr.splitlines() == [
        "note: 1 new update for 2024-12 has no stage (blank stage cell): T2; to carry the last "
        "stage forward, write 'no change since last time' in the cell",
        f"imported 3 updates for 2024-12 from {path} (1 of 4 rows unchanged) into {draft}",
    ]
    plan = load_plan(draft)
    t1 = plan.action("T1").updates["2024-12"]  # type: ignore[union-attr]
    assert (t1.stage, t1.rag, t1.text) == (Stage.DELIVERY, Rag.GREEN, "Still delivering.")
    t2 = plan.action("T2")
    assert t2 is not None and t2.owner == "Bus team"
    assert (t2.updates["2024-12"].stage, t2.updates["2024-12"].rag) == (None, None)
    assert "2024-12" not in plan.action("T10").updates  # type: ignore[union-attr]
    n1 = plan.action("N1")
    assert n1 is not None and n1.owner == "Nature team" and "2024-12" not in n1.updates
    # schemes carry forward as schemes
    path = sheet(tmp_path / "t.csv", [header, ["T2", "same as last time", "", "", ""]])
    assert run("import", str(path), "--period", "2024-12", *data).exit_code == 0
    schemes = load_plan(draft).action("T2").updates["2024-12"]  # type: ignore[union-attr]
    assert schemes.stage is None  # T2 already had an update for 2024-12: carry leaves it


def test_carry_without_an_earlier_stage_is_refused(run: Run, mini: Path, tmp_path: Path) -> None:
    data = ("--data", str(mini))
    assert run("period", "add", "2023-06", *data).exit_code == 0  # before every update
    path = sheet(
        tmp_path / "s.csv", [["id", "stage", "update"], ["X1", "no change", "First words."]]
    )
    before = mini.read_bytes()
    lines = refused(run("import", str(path), "--period", "2023-06", *data), mini, before)
    assert lines[0] == (
        f"{path}:2: X1: 'stage' (column B): no earlier stage to carry forward; write the "
        "stage (discovery, design, delivery or completed)"
    )


def test_sheet_rows_know_where_they_came_from() -> None:
    parsed = parse_csv(b'Action ID,Notes,Progress update\r\nT1,x,"a\r\nb"\r\nT2,,c\r\n', "s.csv")
    assert [(r.where, r.id, r.cells["update"].column) for r in parsed.rows] == [
        ("s.csv:2", "T1", "'Progress update' (column C)"),
        ("s.csv:4", "T2", "'Progress update' (column C)"),
    ]
    assert parsed.header.names == {"id": "Action ID", "update": "Progress update"}
