"""Chasing a round: `status` (who still owes an update, by theme and owner), owners
(`update --owner`, `--owner` filters), explicit clearing (`update --clear`), and `diff`'s
order and `--only`/`--hide`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Run, squeeze
from nzcli import load_plan


@pytest.fixture
def round_(run: Run, mini: Path) -> Path:
    """mini with a draft, 2024-12: T1 and N1 updated, owners on T1, T2 and T10."""
    data = ("--data", str(mini))
    for args in (
        ["period", "add", "2024-12"],
        ["update", "T1", "--owner", "Transport team"],
        ["update", "T2", "--owner", "transport  TEAM"],
        ["update", "T10", "--owner", "Rural team"],
        ["update", "T1", "--period", "2024-12", "--rag", "green", "--text", "On track."],
        ["update", "N1", "--period", "2024-12", "--stage", "completed"],
    ):
        result = run(*args, *data)
        assert result.exit_code == 0, (args, result)
    return mini


def test_status_by_theme_and_owner(run: Run, round_: Path) -> None:
    doc = json.loads(run("status", "2024-12", "--format", "json", "--data", str(round_)).stdout)
    assert doc["period"] == {"id": "2024-12", "name": "December 2024", "status": "draft"}
    assert (doc["actions"], doc["owing"]) == (5, 3)
    assert [(t["theme"], t["actions"], t["owing"], t["ids"]) for t in doc["by_theme"]] == [
        ("transport", 3, 2, ["T2", "T10"]),
        ("nature-and-land-use", 1, 0, []),
        ("cross-cutting", 1, 1, ["X1"]),
    ]
    assert [(o["owner"], o["owing"], o["ids"]) for o in doc["by_owner"]] == [
        ("Rural team", 1, ["T10"]),
        ("transport  TEAM", 1, ["T2"]),
        ("Transport team", 0, []),
        (None, 1, ["X1"]),
    ]
    rows = list(
        csv.DictReader(
            io.StringIO(run("status", "2024-12", "-f", "csv", "--data", str(round_)).stdout)
        )
    )
    assert [(r["id"], r["owner"]) for r in rows] == [
        ("T2", "transport  TEAM"),
        ("T10", "Rural team"),
        ("X1", ""),
    ]
    md = squeeze(run("status", "2024-12", "-f", "md", "--data", str(round_)).stdout)
    assert md.startswith(
        "# Updates still owed for December 2024 (2024-12, draft)\n\n3 of 5 actions"
    )
    assert "| (no owner) | 2 | 1 | X1 |" in md
    table = run("status", "2024-12", "--data", str(round_), env={"COLUMNS": "120"})
    assert table.exit_code == 0 and "Rural team" in table.stdout


def test_status_filters_and_a_complete_period(run: Run, round_: Path) -> None:
    data = ("--data", str(round_))
    doc = json.loads(run("status", "2024-12", "--owner", "rural team", "-f", "json", *data).stdout)
    assert [a["id"] for a in doc["owing_actions"]] == ["T10"]
    doc = json.loads(run("status", "2024-06", "-f", "json", *data).stdout)
    assert doc["owing"] == 1  # T10 has no June update in mini
    md = run("status", "2024-12", "--id", "T1", "-f", "md", *data).stdout
    assert "Every one of the 1 actions has an update for December 2024." in md
    result = run("status", "2024-12", "--period", "2024-06", *data)
    assert result.exit_code == 2
    assert "--period: give the period as the PERIOD argument" in result.stderr


def test_owner_filter_and_column(run: Run, round_: Path) -> None:
    data = ("--data", str(round_))
    listed = run("list", "--owner", "TRANSPORT TEAM", "-f", "json", *data).stdout
    rows = json.loads(listed)["actions"]
    assert [(r["id"], r["owner"]) for r in rows] == [("T1", "Transport team")]
    rows = json.loads(run("list", "--owner", "none", "-f", "json", *data).stdout)["actions"]
    assert [r["id"] for r in rows] == ["N1", "X1"]
    result = run("list", "--owner", "Transprt team", *data)
    assert result.exit_code == 2
    assert "unknown owner 'Transprt team'; did you mean 'Transport team'" in result.stderr
    result = run(
        "list", "--owner", "x", "--data", str(Path(__file__).parent / "fixtures" / "mini.yaml")
    )
    assert "no action has an owner yet" in result.stderr
    shown = run("show", "T10", *data).stdout
    assert "Rural team" in shown
    assert json.loads(run("show", "T10", "-f", "json", *data).stdout)["owner"] == "Rural team"


def test_clear_is_explicit(run: Run, round_: Path) -> None:
    data = ("--data", str(round_))
    result = run("update", "T1", "--period", "2024-12", "--clear", "rag", *data)
    assert result.exit_code == 0, result
    t1 = load_plan(round_).action("T1").updates["2024-12"]  # type: ignore[union-attr]
    assert (t1.rag, t1.text) == (None, "On track.")
    result = run("update", "T1", "--period", "2024-12", "--clear", "text", *data)
    assert result.exit_code == 0, result
    assert result.stderr.splitlines()[0] == (
        "note: T1: its update for 2024-12 is now empty and is removed"
    )
    assert "2024-12" not in load_plan(round_).action("T1").updates  # type: ignore[union-attr]
    assert run("update", "T2", "--clear", "owner", *data).exit_code == 0
    assert load_plan(round_).action("T2").owner is None  # type: ignore[union-attr]
    assert run("update", "N1", "--period", "2024-12", "--clear", "STAGE", *data).exit_code == 0
    assert "2024-12" not in load_plan(round_).action("N1").updates  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["T1", "--period", "2024-12", "--clear", "colour"], "--clear: unknown field 'colour'"),
        (["T1", "--clear", "rag"], "--period is required with --stage, --rag, --text and --clear"),
        (
            ["T1", "--period", "2024-12", "--clear", "rag", "--rag", "red"],
            "--clear rag and --rag both given; give one",
        ),
        (["T1", "--owner", "  "], "--owner is empty"),
    ],
)
def test_clear_and_owner_refusals(run: Run, round_: Path, args: list[str], needle: str) -> None:
    before = round_.read_bytes()
    result = run("update", *args, "--data", str(round_))
    assert result.exit_code == 2, result
    assert needle in result.stderr
    assert round_.read_bytes() == before


def test_diff_only_and_hide(run: Run, round_: Path) -> None:
    data = ("--data", str(round_))
    assert run("update", "T2", "--period", "2024-12", "--rag", "red", *data).exit_code == 0

    def ids(*args: str) -> list[str]:
        doc = json.loads(run("diff", "2023-12", "2024-12", "-f", "json", *args, *data).stdout)
        return [c["id"] for c in doc["changes"]]

    assert ids() == ["T2", "T1", "T10"]  # newly red first; not updated last
    assert ids("--hide", "not-updated") == ["T2", "T1"]
    assert ids("--only", "Newly Red") == ["T2"]
    assert ids("--only", "not_updated", "--only", "newly-red") == ["T2", "T10"]
    md = run("diff", "2023-12", "2024-12", "--hide", "not-updated", "-f", "md", *data).stdout
    assert "(1 more left out by --only/--hide.)" in md
    result = run("diff", "2023-12", "2024-12", "--only", "worse", *data)
    assert result.exit_code == 2
    assert "--only: unknown kind of change 'worse'" in result.stderr
