"""Data path resolution, --version, python -m nzcli, export and help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CANONICAL, FIXTURES, Run
from nzcli import __version__, load_plan
from nzcli.store import resolve_data_path, shipped_data_path

MINI = str(FIXTURES / "mini.yaml")


def ids(result_stdout: str) -> list[str]:
    return [row["id"] for row in json.loads(result_stdout)["actions"]]


def test_data_before_and_after_the_command(run: Run) -> None:
    before = run("--data", MINI, "list", "--format", "json")
    after = run("list", "--format", "json", "--data", MINI)
    assert before.exit_code == after.exit_code == 0
    assert ids(before.stdout) == ids(after.stdout) == ["T1", "T2", "T10", "N1", "X1"]


def test_data_after_the_command_wins(run: Run) -> None:
    result = run("--data", "/nonexistent.yaml", "list", "-f", "json", "--data", MINI)
    assert result.exit_code == 0
    assert len(ids(result.stdout)) == 5


def test_environment_variable(run: Run) -> None:
    result = run("list", "--format", "json", env={"NZCLI_DATA": MINI})
    assert ids(result.stdout) == ["T1", "T2", "T10", "N1", "X1"]


def test_resolution_order(tmp_path: Path) -> None:
    assert resolve_data_path("a.yaml", {"NZCLI_DATA": "b.yaml"}) == Path("a.yaml")
    assert resolve_data_path(None, {"NZCLI_DATA": "b.yaml"}) == Path("b.yaml")
    assert resolve_data_path(None, {}) == shipped_data_path()
    # The package ships the canonical file as it is in the checkout (setup.py copies it in).
    assert shipped_data_path().read_bytes() == CANONICAL.read_bytes()


def test_default_is_the_shipped_plan(run: Run) -> None:
    assert len(ids(run("list", "-f", "json").stdout)) == 176


def test_load_plan_api() -> None:
    plan = load_plan(MINI)
    assert plan.source_path == MINI
    assert [a.id for a in plan.actions] == ["T1", "T2", "T10", "N1", "X1"]
    assert plan.latest_period.id == "2024-06"


def test_version(run: Run) -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"nzcli {__version__}\n")


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nzcli", "--version"], capture_output=True, text=True, cwd=tmp_path
    )
    assert (done.returncode, done.stdout) == (0, f"nzcli {__version__}\n")


def test_installed_command_works_from_any_folder(tmp_path: Path) -> None:
    """The console script finds the shipped plan from outside the checkout."""
    script = Path(sys.executable).with_name("nzcli")
    if not script.exists():
        pytest.skip("nzcli console script not installed next to this Python")
    done = subprocess.run(
        [str(script), "check"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith(": 176 actions, 0 errors, 0 warnings")


def test_help_lists_commands(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("check", "export", "list", "show", "partners", "themes", "periods", "summary"):
        assert f"  {command} " in result.stdout


def test_no_arguments_shows_help(run: Run) -> None:
    result = run()
    assert "Usage: nzcli" in result.stdout + result.stderr


def test_export_yaml_round_trips(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = run("export", "--format", "yaml", "--output", str(out), "--data", MINI)
    assert (result.exit_code, result.stdout) == (0, "")
    again = load_plan(out)
    assert again == load_plan(MINI)
    assert "&" not in out.read_text(encoding="utf-8")


def test_export_output_is_atomic_and_complete(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run("export", "--output", str(out))
    assert result.exit_code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["actions"]) == 176
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_export_bad_format(run: Run) -> None:
    result = run("export", "--format", "xml")
    assert result.exit_code == 2
    # one message for every command's formats (it was worded differently for export)
    assert result.stderr == (
        "nzcli: error: --format: 'xml' is not available here; use one of json, yaml, ndjson, "
        "xlsx, datapackage, sqlite\n"
    )


def test_schema_describes_the_data_file(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    result = run("schema", "--output", str(out))
    assert (result.exit_code, result.stdout) == (0, "")
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["plan", "periods", "themes"]
    assert list(schema["properties"]) == [
        "plan",
        "keys",
        "periods",
        "themes",
        "partners",
        "actions",
    ]
    action = schema["$defs"]["Action"]
    assert action["additionalProperties"] is False
    assert set(action["properties"]) == {
        "id",
        "theme",
        "section",
        "objectives",
        "action",
        "role",
        "partners",
        "owner",
        "timescale",
        "cost",
        "carbon_saving",
        "deliverability_score",
        "score_note",
        "updates",
        "added_in",
    }
    assert schema["$defs"]["Role"]["enum"] == ["lead", "ask", "influence"]


@pytest.mark.parametrize(
    "kind,typed,expected",
    [
        ("theme", "tra", ["transport"]),
        ("partner", "midlands c", ["Midlands Connect"]),
        ("period", "", ["latest", "2023-12"]),
        ("id", "t1", ["T1", "T10", "T11", "T12", "T13", "T14", "T15", "T16", "T17", "T18", "T19"]),
    ],
)
def test_completion_offers_values_from_the_data(kind: str, typed: str, expected: list[str]) -> None:
    import os

    from nzcli.cli.complete import values

    assert values(kind, typed, None, os.environ) == expected


@pytest.mark.parametrize("where", ["before", "after"])
def test_color_before_or_after_the_command(run: Run, where: str) -> None:
    args = ["list", "--id", "T1", "--columns", "id,rag"]
    always = ["--color", "always", *args] if where == "before" else [*args, "--color", "always"]
    assert "\x1b[" in run(*always).stdout
    never = ["--color", "never", *args] if where == "before" else [*args, "--color", "never"]
    assert "\x1b" not in run(*never, env={"NO_COLOR": ""}).stdout


def test_bad_color_value(run: Run) -> None:
    result = run("list", "--color", "purple")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "nzcli: error: --color: use auto, always or never\n"
