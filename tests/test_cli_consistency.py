"""One consistent command line: the same options, named the same, on every command that can
take them; every error one line; --output's extension decides the format everywhere;
--quiet means the same everywhere; blanks sort last both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, Run
from nzcli.cli.spec import (
    COLOR,
    COMMANDS,
    DATA,
    EXCEL,
    FILTERS,
    FORMAT,
    OUTPUT,
    QUIET,
    Option,
    declare_commands,
)

declare_commands()
MINI = str(FIXTURES / "mini.yaml")
FILTERED = {"list", "summary", "report", "diff", "partners", "sheet", "status", "pack"}


def options(name: str) -> list[Option]:
    return [p for p in COMMANDS[name].params if isinstance(p, Option)]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_takes_the_shared_options(name: str) -> None:
    command = COMMANDS[name]
    taken = options(name)
    assert DATA in taken and QUIET in taken
    if command.formats:
        for option in (FORMAT, OUTPUT, COLOR):
            assert option in taken, option.flags
        assert (EXCEL in taken) == ("csv" in command.formats)
    assert all(f in taken for f in FILTERS) == (name in FILTERED)


def test_an_option_means_one_thing_everywhere() -> None:
    """A flag is the same option (destination, metavar, kind) on every command; the shared
    ones are the same declaration."""
    seen: dict[str, Option] = {}
    for name in COMMANDS:
        for option in options(name):
            for flag in option.flags:
                first = seen.setdefault(flag, option)
                assert (first.dest, first.metavar, first.flag) == (
                    option.dest,
                    option.metavar,
                    option.flag,
                ), (name, flag)
    for shared in (DATA, FORMAT, OUTPUT, EXCEL, QUIET, COLOR):
        for name in COMMANDS:
            same = [o for o in options(name) if o.flags == shared.flags]
            assert same in ([], [shared]), (name, shared.flags)
    # the filters are one declaration wherever they filter (update's --role sets a role)
    for name in FILTERED:
        for option in FILTERS:
            assert [o for o in options(name) if o.flags == option.flags] == [option], name


@pytest.mark.parametrize(
    "args",
    [
        ["lst"],
        ["list", "--bogus"],
        ["list", "--theme"],
        ["list", "--min-score", "high"],
        ["list", "--limit", "x"],
        ["list", "--color", "purple"],
        ["list", "--format", "xml"],
        ["list", "--output", "out.xyz"],
        ["list", "--excel"],
        ["show"],
        ["show", "T99"],
        ["report"],
        ["report", "someday"],
        ["diff", "2023-12"],
        ["diff", "2023-12", "2023-12"],
        ["summary", "--by", "colour"],
        ["summary", "--by", "a", "--by", "b", "--by", "c"],
        ["partners", "Nobody"],
        ["check", "--id", "Z9"],
        ["schema", "--output-of", "nothing"],
        ["export", "--format", "datapackage"],
        ["--data", "/no/such/plan.yaml", "list"],
        ["--data", "", "list"],
        ["update", "T1", "--rag", "red"],
        ["import", "no-such.csv", "--period", "latest"],
        ["period", "add", "someday"],
        ["period", "nothing"],
    ],
    ids=lambda a: " ".join(a) or "(none)",
)
@pytest.mark.parametrize("via", ["auto", "typer"])
def test_every_error_is_one_line(run: Run, args: list[str], via: str) -> None:
    result = run(*args, via=via)
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert result.stderr.startswith("nzcli: error: "), result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr


def test_a_missing_value_points_at_the_commands_help(run: Run) -> None:
    result = run("list", "--theme")
    assert result.stderr == (
        "nzcli: error: Option '--theme' requires an argument. (see `nzcli list --help`)\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "T1"],
        ["partners"],
        ["themes"],
        ["periods"],
        ["summary"],
        ["diff", "2023-12", "2024-06"],
        ["report", "latest"],
        ["export"],
        ["check"],
        ["schema"],
    ],
    ids=lambda a: a[0],
)
def test_output_extension_decides_the_format(run: Run, tmp_path: Path, args: list[str]) -> None:
    command = COMMANDS[args[0]]
    for fmt, ending in (("json", ".json"), ("md", ".md"), ("csv", ".csv"), ("yaml", ".yaml")):
        if fmt not in command.formats:
            continue
        target = tmp_path / f"out{ending}"
        result = run("--data", MINI, *args, "--output", str(target))
        assert result.exit_code in (0, 1), result
        forced = run("--data", MINI, *args, "--format", fmt)
        assert target.read_bytes() == forced.stdout_bytes, (args, fmt)
        if fmt == "json":
            assert "format_version" in json.loads(target.read_text("utf-8")) or args == ["schema"]


def test_quiet_means_no_messages_on_success_for_any_command(run: Run, mini: Path) -> None:
    quiet = [
        ["list", "--theme", "N", "--rag", "red", "--quiet"],
        ["summary", "--id", "Z*", "-q"],
        ["partners", "--id", "Z*", "--quiet"],
        ["report", "latest", "-o", str(mini.parent / "r.md"), "--quiet"],
        ["period", "add", "2024-12", "--quiet"],
        ["update", "T1", "--period", "2024-12", "--rag", "red", "--quiet"],
        ["sheet", "2024-12", "-o", str(mini.parent / "s.csv"), "--quiet"],
        ["status", "2024-12", "--quiet"],
        ["period", "publish", "2024-12", "--allow-missing", "--quiet"],
        ["history", "--quiet"],
        ["undo", "--quiet"],
    ]
    for args in quiet:
        result = run("--data", str(mini), *args)
        assert (result.exit_code, result.stderr) == (0, ""), (args, result)
        loud = run("--data", str(mini), *[a for a in args if a not in ("--quiet", "-q")])
        if args[0] in ("list", "summary", "partners", "report"):
            assert loud.stderr, args  # there was something to silence
    failing = run("--data", str(mini), "show", "T99", "--quiet")
    assert failing.exit_code == 2 and failing.stderr.startswith("nzcli: error:")  # errors stay


SORTABLE = ["section", "role", "stage", "rag", "timescale", "cost", "carbon", "score", "update"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(column=st.sampled_from(SORTABLE), reverse=st.booleans(), data=st.sampled_from(["", MINI]))
def test_blanks_sort_last_both_ways(run: Run, column: str, reverse: bool, data: str) -> None:
    args = [*(["--data", data] if data else []), "list", "--sort", column, "--format", "json"]
    if reverse:
        args.append("--reverse")
    rows = json.loads(run(*args).stdout)["actions"]
    key = {"carbon": "carbon_saving", "score": "deliverability_score"}.get(column, column)
    blank = [r[key] in (None, [], "") for r in rows]
    assert blank == sorted(blank), f"a blank {key} before a value"  # all blanks at the end
    filled = [r for r, b in zip(rows, blank, strict=True) if not b]
    if key == "deliverability_score" and filled:
        scores = [r[key] for r in filled]
        assert scores == sorted(scores, reverse=reverse)


def test_init_refuses_data_rather_than_ignoring_it(run: Run, tmp_path: Path) -> None:
    target = str(tmp_path / "plan.yaml")
    for args in (["init", "--data", target], ["--data", target, "init", str(tmp_path)]):
        result = run(*args)
        assert (result.exit_code, result.stderr) == (
            2,
            "nzcli: error: --data: init makes DIR/nzcli.yaml and reads no plan file: give the "
            "folder as DIR\n",
        ), args
    assert list(tmp_path.iterdir()) == []
