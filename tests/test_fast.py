"""The quick path (`nzcli.cli.fast`): it reads a command line exactly as the typer app does,
or leaves it to typer; either way the output, messages and exit code are the same.

- both are made from one declaration of every command and option (`nzcli.cli.spec`);
- whenever it takes a command line (hand-picked ones, and ones hypothesis makes up from the
  declarations), the command function is called with the very values typer gives it, and the
  global options are set the same way;
- it leaves every form it cannot be sure of to typer;
- the installed `nzcli` answers `list --format csv` without importing typer or click.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SHIPPED, invoke
from nzcli.cli import fast
from nzcli.cli.spec import COMMANDS, FILTER_DESTS, GLOBAL_OPTIONS, OUT_DESTS, Argument, Option

MINI = str(FIXTURES / "mini.yaml")


def parse(argv: list[str], env: dict[str, str] | None = None) -> Any:
    return fast.parse(argv, {} if env is None else env)


def test_every_command_is_served() -> None:
    assert set(COMMANDS) == {
        "check",
        "export",
        "list",
        "show",
        "partners",
        "themes",
        "periods",
        "summary",
        "report",
        "diff",
        "schema",
        "sheet",
        "status",
        "history",
        "update",
        "import",
        "undo",
        "init",
        "pack",
        "period add",
        "period publish",
        "period remove",
    }
    for name in COMMANDS:
        assert parse([*name.split(), *["x"] * _required(name)]) is not None, name


def _required(name: str) -> int:
    return sum(1 for p in COMMANDS[name].params if isinstance(p, Argument) and p.required)


def test_each_function_takes_what_its_declaration_gives() -> None:
    """A command function's keyword parameters are its declared parameters, with the
    filters gathered as `filters` and --format/--output/... as `out`."""
    for command in COMMANDS.values():
        dests = [p.dest for p in command.params if p.dest not in ("data", "color")]
        filtered = set(FILTER_DESTS) <= set(dests)
        # --format/--output/... become `out` for a command that writes a document; one that
        # writes files of its own (`pack`) takes --output as it is (--quiet is applied to any
        # command's result by `run_command`)
        gathered = OUT_DESTS if command.formats else ("quiet",)
        expected = {d for d in dests if not (filtered and d in FILTER_DESTS) and d not in gathered}
        if filtered:
            expected.add("filters")
        if command.formats:
            expected.add("out")
        taken = set(inspect.signature(command.function).parameters) - {"ctx"}
        assert taken == expected, command.name


# ---------------------------------------------------------------------------------------------
# The same values as typer

Call = tuple[str, dict[str, Any], tuple[Any, ...]]


def both_ways(argv: list[str]) -> tuple[Any, Any] | None:
    """(typer's, the quick path's) (calls, exit code, stdout, stderr) for `argv`, or None
    when the quick path leaves it to typer."""
    if parse(argv) is None:
        return None
    outcomes = []
    for via in ("typer", "fast"):
        calls: list[Call] = []

        def record(name: str, ctx: Any, kwargs: dict[str, Any], calls: list[Call] = calls) -> None:
            calls.append((name, kwargs, (ctx.data, ctx.debug, ctx.color)))

        try:
            result = invoke(*argv, via=via, record=record)
        except Exception as exc:  # --debug: a traceback, the same both ways
            outcomes.append((calls, type(exc), str(exc), ""))
            continue
        outcomes.append((calls, result.exit_code, result.stdout, result.stderr))
    return outcomes[0], outcomes[1]


ACCEPTED = [
    ["list"],
    ["list", "--theme", "transport", "--format", "csv"],
    ["list", "-t", "T", "-t", "B", "--theme=transport"],
    ["list", "--limit", "0"],
    ["list", "-n", "5", "--limit", "7"],
    ["list", "--limit=12", "--columns", "id,rag", "-c", "id"],
    ["list", "--min-score", "12.5", "--max-score", "20", "--min-score=3"],
    ["list", "--sort", "rag", "--sort", "id", "--reverse", "--reverse"],
    ["list", "--columns", "", "--theme="],
    ["list", "--section", "Public Transport", "--search", "bus lane", "-s", "EV"],
    ["list", "--role", "lead", "--rag", "red", "--stage", "design", "--timescale", "S"],
    ["list", "--partner", "Midlands Connect", "-p", "x", "--objective", "3", "--cost", "L"],
    ["list", "--carbon", "H", "--id", "T*", "--period", "2023-12", "--excel", "-f", "csv"],
    ["list", "--output", "out.csv", "-o", "other.json", "--data", MINI],
    ["list", "--data", "/nonexistent.yaml"],
    ["list", "--"],
    ["list", "--color", "always"],
    ["list", "--color", "purple"],
    ["list", "--color=never", "--color", "auto"],
    ["--data", MINI, "list", "--data", str(SHIPPED)],
    ["--data", MINI, "--data=/x.yaml", "list"],
    ["--color", "never", "list", "--color", "always"],
    ["--color=always", "--debug", "--debug", "list"],
    ["--debug", "--data", MINI, "--color", "auto", "summary"],
    ["show", "T17"],
    ["show", "--format", "json", "t17"],
    ["show", "T17", "-f", "json", "--output=t.md"],
    ["show", "--", "T17"],
    ["show", "--", "-T17"],
    ["show", ""],
    ["show", "T 17 é"],
    ["partners"],
    ["partners", "Midlands Connect", "--period", "2023-12"],
    ["partners", "--period", "latest", "--", "Midlands Connect"],
    ["themes", "-f", "md", "-o", "x.md"],
    ["periods", "--output=p.json", "--color", "never"],
    ["summary", "--by", "stage", "-b", "theme", "--role", "lead"],
    ["summary", "--by", "a", "--by", "b", "--by", "c"],
    ["report", "latest"],
    ["report", "latest", "--format", "md", "--title", "T", "--quiet", "--stamp", "--excel"],
    ["report", "--theme", "transport", "december-2023", "-q"],
    ["report", "latest", "--period", "2023-12"],
    ["--color", "purple", "list"],
    ["list", "--limit", "007"],
    ["list", "--limit", "1.0"],
    ["list", "--limit", " 1"],
    ["list", "--limit", "\uff11"],
    ["list", "--limit", "1" * 30],
    ["list", "--min-score", "1e3"],
    ["list", "--min-score", ".5"],
    ["list", "--min-score", "5."],
    ["list", "--min-score", "nan"],
    ["list", "--min-score", "inf"],
    ["list", "--data", ""],
    ["list", "--output="],
    ["check"],
    ["export"],
    ["schema"],
    ["diff", "a", "b"],
    ["check", "--strict", "-f", "json", "--data", MINI],
    ["export", "--format", "yaml", "-o", "plan.yaml"],
    ["diff", "2023-12", "latest", "--theme", "transport", "-f", "md"],
    ["schema", "--output", "s.json"],
    ["update", "T1"],
    ["update", "T1", "--period", "2023-12", "--stage", "delivery", "--rag", "green"],
    ["update", "--text", "Done.", "T1", "--period=latest", "--reopen", "--dry-run", "-q"],
    ["update", "T17", "--scheme", "A", "--stage", "design", "--append-text", "x y"],
    ["update", "T1", "--add-partner", "A", "--add-partner", "B", "--remove-partner", "C"],
    ["update", "T1", "--clear", "rag", "--clear", "text", "--text-file", "u.txt"],
    ["update", "T1", "--timescale", "S", "--cost", "L", "--carbon", "H", "--score", "12"],
    ["update", "T1", "--role", "lead", "--owner", "Ann", "--data", MINI],
    ["update", "--", "T1"],
    ["import", "a.csv"],
    ["import", "a.csv", "b.xlsx", "--period", "latest", "--force", "--reopen", "--dry-run"],
    ["import", "--", "-a.csv", "b.csv"],
    ["undo"],
    ["undo", "--data", MINI, "--quiet"],
    ["init"],
    ["init", "plans", "--empty", "--title", "T", "--organisation", "O", "--period", "2024-06"],
    ["pack", "latest", "--by", "theme", "-o", "packs", "--force", "--theme", "transport"],
    ["period", "add", "2024-06", "--name", "June 2024", "--dry-run"],
    ["--debug", "period", "publish", "2024-06", "--allow-missing", "--date", "2024-07-01"],
    ["period", "remove", "2024-06", "-q", "--data", MINI],
]


@pytest.mark.parametrize("argv", ACCEPTED, ids=" ".join)
def test_the_quick_path_gives_what_typer_gives(argv: list[str]) -> None:
    outcome = both_ways(argv)
    assert outcome is not None, "the quick path should take this command line"
    typer, fast = outcome
    assert fast == typer
    # the command ran, or its options were refused before it did, in one line
    assert typer[0] or typer[3].startswith("nzcli: error: "), "typer did not run the command"


REJECTED = [
    [],
    ["--help"],
    ["-h"],
    ["list", "--help"],
    ["list", "-h"],
    ["show", "T1", "--help"],
    ["report", "latest", "-h"],
    ["--version"],
    ["--version", "list"],
    ["--install-completion"],
    ["--show-completion"],
    ["--debug"],
    ["--data", MINI],
    ["--", "list"],
    ["--bogus", "list"],
    ["--color", "list"],
    ["list", "--theme"],
    ["list", "--limit"],
    ["list", "-tT"],
    ["list", "-t=T"],
    ["list", "-nx"],
    ["report", "latest", "-qf", "md"],
    ["list", "--reverse=1"],
    ["list", "--excel="],
    ["list", "--theme", "-x"],
    ["list", "--theme=-x"],
    ["list", "--theme", "--"],
    ["list", "-"],
    ["show", "-"],
    ["show", "--", "-"],
    ["list", "--limit", "-1"],
    ["list", "--min-score", "-1"],
    ["show"],
    ["show", "a", "b"],
    ["show", "--", "a", "b"],
    ["themes", "x"],
    ["report"],
    ["report", "--", "latest", "--theme", "x"],
    ["partners", "a", "b"],
    ["update"],
    ["update", "T1", "--help"],
    ["update", "T1", "--text"],
    ["import"],
    ["import", "--period", "latest"],
    ["period"],
    ["period", "--help"],
    ["period", "add"],
    ["period", "add", "--help"],
    ["period", "bogus", "2024-06"],
    ["period add", "2024-06"],
    ["period", "--data", MINI, "add", "2024-06"],
    ["init", "a", "b"],
    ["bogus"],
    ["List"],
    ["list", "--bogus"],
    ["list", "--them", "x"],
    ["list", "--debug"],
    ["list", "--version"],
    ["list", "--theme", "a\udcff"],
    ["list", "--theme", "a\x00"],
]


@pytest.mark.parametrize("argv", REJECTED, ids=repr)
def test_left_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def test_completion_is_left_to_typer() -> None:
    assert parse(["list"], {}) is not None
    assert parse(["list"], {"_NZCLI_COMPLETE": "complete_bash"}) is None
    assert parse(["list"], {"_NZCLI_COMPLETE": ""}) is None


def test_an_unreadable_data_file_is_one_line_both_ways(tmp_path: Path) -> None:
    locked = tmp_path / "locked.yaml"
    locked.write_text("x")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
        for via in ("fast", "typer"):
            result = invoke("list", "--data", str(locked), via=via)
            assert (result.exit_code, result.stderr) == (
                2,
                f"nzcli: error: {locked}: cannot read the file: permission denied\n",
            )
    finally:
        locked.chmod(0o600)


# ---------------------------------------------------------------------------------------------
# Made-up command lines

OTHER_WORDS = ["period", "period add", "bogus", "List", "--", "-", "-h", "--help"]
ODD_VALUES = [
    "",
    "007",
    "2.",
    ".5",
    "1e3",
    " 2",
    "-1",
    "-",
    "--",
    "nan",
    "-h",
    "--help",
    "purple",
    "99999999999999999999",
    "\uff11",
]
TEXT = st.one_of(
    st.sampled_from(["transport", "T*", "latest", "x y", "é", "csv", "id,rag", "always"]),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=5),
)
GOOD_VALUES = {
    "limit": st.integers(0, 10**6).map(str),
    "min_score": st.one_of(
        st.integers(0, 100).map(str),
        st.decimals(0, 1000, places=2, allow_nan=False).map(str),
    ),
    "data": st.sampled_from([MINI, str(SHIPPED), "/nonexistent.yaml", "/"]),
    "output": st.sampled_from(["out.csv", "x.md", "/", "é.json", "x.weird"]),
    "color": st.sampled_from(["auto", "always", "never"]),
}
CHOICE_OF_ODD = st.integers(0, 19).map(lambda n: n == 0)  # about one time in twenty


@st.composite
def value(draw: Any, dest: str) -> str:
    if draw(CHOICE_OF_ODD):
        return draw(st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=4)))
    text: str = draw(GOOD_VALUES.get(dest, TEXT))
    return text


@st.composite
def option(draw: Any, options: tuple[Option, ...]) -> list[str]:
    if draw(CHOICE_OF_ODD):
        name = draw(st.sampled_from(["--bogus", "-x", "--debug", "--version", "-h", "--help"]))
        dest, flag = "", draw(st.booleans())
    else:
        chosen = draw(st.sampled_from(options))
        name, dest, flag = draw(st.sampled_from(chosen.flags)), chosen.dest, chosen.flag
    form = draw(st.sampled_from(["split"] * 8 + ["equals"] * 4 + ["attached", "bare"]))
    text = draw(value(dest))
    if form == "equals" and name.startswith("--"):
        return [f"{name}={text}"]
    if flag or form == "bare":
        return [name]
    if form == "attached":
        return [f"{name}{text}"]
    return [name, text]


NAMES = sorted(COMMANDS)


@st.composite
def command_lines(draw: Any) -> list[str]:
    argv: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        argv += draw(option(GLOBAL_OPTIONS))
    if draw(CHOICE_OF_ODD):
        name = draw(st.sampled_from(OTHER_WORDS))
        argv.append(name)  # "period add" as one word, too
    else:
        name = draw(st.sampled_from(NAMES))
        argv += name.split()  # "period add": two words
    command = COMMANDS.get(name, COMMANDS["list"])
    options = tuple(p for p in command.params if isinstance(p, Option))
    items = [draw(option(options)) for _ in range(draw(st.integers(0, 6)))]
    arguments = sum(1 for p in command.params if isinstance(p, Argument))
    if draw(CHOICE_OF_ODD):
        arguments = draw(st.integers(0, 3))
    if any(isinstance(p, Argument) and p.multiple for p in command.params):
        arguments += draw(st.integers(0, 2))  # `import FILE...`: one or more
    items += [[draw(value("argument"))] for _ in range(arguments)]
    items = draw(st.permutations(items))
    if items and draw(st.integers(0, 3).map(lambda n: n == 0)):
        items.insert(draw(st.integers(0, len(items))), ["--"])
    for item in items:
        argv += item
    return argv


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(command_lines())
def test_made_up_command_lines(argv: list[str]) -> None:
    outcome = both_ways(argv)
    if outcome is not None:
        typer, fast = outcome
        assert fast == typer


def test_made_up_command_lines_are_often_taken() -> None:
    """The property above would hold vacuously if the quick path took nothing."""
    taken = 0
    seen = 0

    @settings(max_examples=300, deadline=None, database=None)
    @given(command_lines())
    def count(argv: list[str]) -> None:
        nonlocal taken, seen
        seen += 1
        taken += parse(argv) is not None

    count()
    assert taken >= seen // 5, (taken, seen)


# ---------------------------------------------------------------------------------------------
# Whole outputs, both ways


SAMPLE = [
    ["list", "--theme", "transport", "--format", "csv"],
    ["list", "--format", "json", "--data", MINI],
    ["list", "--id", "T1", "--columns", "id,rag", "--color", "always"],
    ["list", "--theme", "transport", "--rag", "green", "--rag", "red", "--sort", "stage"],
    ["list", "--theme", "nope"],
    ["list", "--excel"],
    ["list", "--format", "xml"],
    ["list", "-o", "x.weird"],
    ["list", "--color", "purple"],
    ["list", "--data", "/nonexistent.yaml"],
    ["list", "--limit", "3", "--format", "md", "--reverse"],
    ["list", "--search", "zzzz-no-such-text"],
    ["show", "T17"],
    ["show", "t17", "-f", "json"],
    ["show", "nope"],
    ["partners"],
    ["partners", "Midlands Connect", "-f", "csv"],
    ["partners", "nobody"],
    ["themes", "-f", "md"],
    ["periods", "-f", "json"],
    ["summary", "--by", "theme", "--by", "stage", "--role", "lead"],
    ["summary", "--by", "a", "--by", "b", "--by", "c"],
    ["summary", "--by", "nope"],
    ["report", "december-2023", "--format", "md"],
    ["report", "latest", "--theme", "transport", "--format", "html"],
    ["report", "latest", "--period", "2023-12"],
    ["report", "2099-01"],
    ["--data", MINI, "--color", "never", "summary", "-f", "csv", "--excel"],
    ["check", "--data", MINI],
    ["check", "--format", "json", "--strict"],
    ["export", "--format", "json", "--data", MINI],
    ["diff", "2023-12", "latest"],
    ["schema"],
]


@pytest.mark.parametrize("argv", SAMPLE, ids=" ".join)
def test_same_bytes_both_ways(argv: list[str], tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    fast = invoke(*argv, via="fast")
    typer = invoke(*argv, via="typer")
    assert (fast.exit_code, fast.stdout_bytes, fast.stderr) == (
        typer.exit_code,
        typer.stdout_bytes,
        typer.stderr,
    )


def test_files_written_both_ways(tmp_path: Path) -> None:
    for via in ("fast", "typer"):
        out = tmp_path / f"{via}.csv"
        result = invoke("report", "latest", "-f", "csv", "--excel", "-o", str(out), via=via)
        assert result.exit_code == 0
        assert result.stderr.startswith("wrote the ")
    fast, typer = (tmp_path / "fast.csv").read_bytes(), (tmp_path / "typer.csv").read_bytes()
    assert fast == typer and fast.startswith(b"\xef\xbb\xbf")


def test_debug_shows_the_traceback_both_ways() -> None:
    for via in ("fast", "typer"):
        with pytest.raises(Exception, match="unknown theme"):
            invoke("--debug", "list", "--theme", "nope", via=via)
        # a usage error is never a traceback
        three = ["--by", "theme", "--by", "stage", "--by", "rag"]
        result = invoke("--debug", "summary", *three, via=via)
        assert (result.exit_code, result.stderr) == (
            2,
            "nzcli: error: --by: give --by once or twice\n",
        )


# ---------------------------------------------------------------------------------------------
# As a process


def imported(args: list[str], cache: Path, *, script: bool = False) -> tuple[int, set[str]]:
    """(exit code, top-level modules imported) of `python -m nzcli ARGS` (or the installed
    `nzcli` script), from Python's -X importtime report."""
    env = dict(os.environ, NZCLI_CACHE_DIR=str(cache), NO_COLOR="1", PYTHONPROFILEIMPORTTIME="1")
    env.pop("_NZCLI_COMPLETE", None)
    if script:
        command = [str(Path(sys.executable).with_name("nzcli")), *args]
    else:
        command = [sys.executable, "-m", "nzcli", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    modules = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return done.returncode, modules


def test_a_read_command_imports_no_typer(tmp_path: Path) -> None:
    args = ["list", "--theme", "transport", "--format", "csv"]
    imported(args, tmp_path)  # fill the plan cache
    code, modules = imported(args, tmp_path)
    assert code == 0
    assert "nzcli" in modules
    assert not modules & {"typer", "click", "rich", "pydantic", "pydantic_core", "ruamel"}
    script = Path(sys.executable).with_name("nzcli")
    if script.exists():
        code, modules = imported(args, tmp_path, script=True)
        assert code == 0
        assert not modules & {"typer", "click", "rich", "pydantic", "pydantic_core", "ruamel"}


def test_a_terminal_table_imports_rich_but_no_typer(tmp_path: Path) -> None:
    code, modules = imported(["list", "--id", "T1"], tmp_path)
    assert code == 0
    assert "rich" in modules
    assert not modules & {"typer", "click"}


def test_an_edit_imports_no_typer(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(Path(MINI).read_bytes())
    args = ["update", "T1", "--period", "latest", "--reopen", "--rag", "red", "--data", str(plan)]
    code, modules = imported([*args, "--quiet"], tmp_path / "cache")
    assert code == 0
    assert not modules & {"typer", "click"}
    assert "rag: red" in plan.read_text(encoding="utf-8")


def test_what_the_quick_path_leaves_goes_to_typer(tmp_path: Path) -> None:
    code, modules = imported(["list", "--bogus"], tmp_path)
    assert code == 2
    assert "typer" in modules


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--theme", "transport", "--format", "csv"],
        ["show", "nope"],
        ["list", "--color", "purple"],
        ["--color", "purple", "list"],
        ["list", "--theme"],
        ["summary", "--by", "stage", "-f", "md"],
    ],
    ids=" ".join,
)
def test_same_process_output_as_the_typer_entry_point(args: list[str], tmp_path: Path) -> None:
    env = dict(os.environ, NZCLI_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1", COLUMNS="80")
    env.pop("_NZCLI_COMPLETE", None)
    quick = subprocess.run([sys.executable, "-m", "nzcli", *args], env=env, capture_output=True)
    typer_only = (
        "import sys; from nzcli.cli.app import run; from nzcli.cli.context import Context; "
        "sys.argv[0] = 'nzcli'; sys.exit(run(sys.argv[1:], Context.from_process()))"
    )
    typer = subprocess.run([sys.executable, "-c", typer_only, *args], env=env, capture_output=True)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        typer.returncode,
        typer.stdout,
        typer.stderr,
    )
