"""Values that passed `check` and then broke output (issue 12, class 6), and import that grew
faster than its rows (class 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, Run

MINI = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")


def plan_with(tmp_path: Path, old: str, new: str, name: str = "plan.yaml") -> Path:
    assert old in MINI
    path = tmp_path / name
    path.write_text(MINI.replace(old, new, 1), encoding="utf-8")
    return path


def errors(run: Run, path: Path) -> list[str]:
    result = run("check", "--data", str(path))
    assert result.exit_code == 1, result
    return [line for line in result.stdout.splitlines() if ": error: " in line]


@pytest.mark.parametrize("score", [".inf", "-.inf", "1e400", ".nan", "9" * 5000, "1e30"])
def test_a_score_that_is_not_a_sensible_number_is_refused(run: Run, tmp_path: Path,
                                                          score: str) -> None:
    path = plan_with(tmp_path, "deliverability_score: 12", f"deliverability_score: {score}")
    (line,) = errors(run, path)
    assert line.startswith(f"{path}:") and "T1: error: actions[0].deliverability_score: " in line
    assert len(line) < 300
    for command in (["list"], ["export", "--format", "json"], ["report", "latest",
                                                                 "--format", "json"]):
        result = run(*command, "--data", str(path))
        assert result.exit_code == 2
        assert "Infinity" not in result.stdout and "NaN" not in result.stdout
        assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr


def test_a_huge_objective_is_refused(run: Run, tmp_path: Path) -> None:
    path = plan_with(tmp_path, "objectives: all", "objectives: [" + "7" * 5000 + "]")
    lines = errors(run, path)
    assert any("actions[0].objectives[0]: Input should be less than or equal to 1000000 (got a "
               "number of about 5,00" in line for line in lines), lines
    assert all(len(line) < 300 for line in lines)


def test_an_id_of_thousands_of_digits_is_refused(run: Run, tmp_path: Path) -> None:
    path = plan_with(tmp_path, "id: T1\n", "id: T" + "1" * 5000 + "\n")
    lines = errors(run, path)
    assert any("actions[0].id: String should match pattern" in line for line in lines), lines
    assert all(len(line) < 400 for line in lines)
    result = run("list", "--data", str(path))
    assert result.exit_code == 2 and "internal error" not in result.stderr


def test_a_scalar_alias_is_refused(run: Run, tmp_path: Path) -> None:
    path = plan_with(tmp_path, "title: Test Net Zero Plan", "title: &t Test Net Zero Plan")
    result = run("update", "T1", "--period", "latest", "--reopen", "--rag", "red",
                 "--data", str(path))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "YAML anchors and aliases (&, *) are not allowed" in result.stderr


def test_a_cr_only_file_can_be_edited(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "cr.yaml"
    path.write_bytes(MINI.replace("\n", "\r").encode("utf-8"))
    result = run("update", "T1", "--period", "latest", "--reopen", "--rag", "red",
                 "--data", str(path))
    assert result.exit_code == 0, result
    raw = path.read_bytes()
    assert b"\n" not in raw and b"rag: red\r" in raw  # its own line ends, kept
    assert run("check", "--data", str(path)).exit_code == 0


def test_lines_after_a_nel_are_counted_as_an_editor_counts_them(run: Run,
                                                                tmp_path: Path) -> None:
    path = plan_with(tmp_path, "title: Test Net Zero Plan", 'title: "Test\x85Net Zero Plan"')
    path.write_text(path.read_text(encoding="utf-8").replace("role: lead", "role: boss", 1),
                    encoding="utf-8")
    expected = next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
                    if "role: boss" in line)
    (line,) = errors(run, path)
    assert line.startswith(f"{path}:{expected}:"), line


def test_an_unreadable_data_file_is_one_line(run: Run, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    path = plan_with(tmp_path, "title: ", "title: ")
    real_open = os.open

    def denied(name: object, *args: object, **kwargs: object) -> int:
        if str(name) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    for via in ("auto", "typer"):
        result = run("update", "T1", "--period", "latest", "--reopen", "--rag", "red",
                     "--data", str(path), via=via)
        assert result.exit_code == 2
        assert result.stderr == f"nzcli: error: {path}: cannot read the file: permission denied\n"


def test_import_looks_each_action_up_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          shipped_copy: Path) -> None:
    """32,000 rows took 290 s: every row searched the list of actions (and the notes)."""
    from nzcli import model
    from nzcli.imports import import_sheets
    from nzcli.storage.sheets import parse_csv

    rows = "id,rag,update\n" + "".join(f"{a},amber,\n" for a in ids(shipped_copy))
    compared = {"n": 0}
    real_eq = model.Action.__eq__

    def counting(self: object, other: object) -> bool:
        compared["n"] += 1
        return real_eq(self, other)  # type: ignore[arg-type]

    monkeypatch.setattr(model.Action, "__eq__", counting)
    sheets = [parse_csv(rows.encode(), "rows.csv")]
    outcome = import_sheets(shipped_copy, sheets, "latest", reopen=True, dry_run=True)
    assert outcome.changed
    assert compared["n"] < 2 * len(ids(shipped_copy))  # not 176 x 176 / 2


def ids(path: Path) -> list[str]:
    from nzcli.store import load_plan

    return [a.id for a in load_plan(path).actions]


def test_json_output_never_holds_a_non_finite_number(run: Run) -> None:
    result = run("export", "--format", "json")
    json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
