"""Shared fixtures: a CLI runner with a fixed environment, and copies of fixture plans."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nzcli.cli import app, fast, main
from nzcli.cli.context import Context
from nzcli.store import shipped_data_path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
#: The plan nzcli ships, where the installed package keeps it: the checkout's data/actions.yaml
#: under an editable install, a copy in site-packages under `pip install .` (as CI installs).
SHIPPED = shipped_data_path()
CANONICAL = ROOT / "data" / "actions.yaml"


@pytest.fixture(autouse=True, scope="session")
def _plans_untouched() -> Any:
    """No test may change the shipped plan or the checkout's canonical file (CI once wrote a
    period into the checkout's copy, which every later `shipped_copy` then inherited)."""
    before = {path: path.read_bytes() for path in {SHIPPED, CANONICAL}}
    yield
    changed = [str(path) for path, data in before.items() if path.read_bytes() != data]
    assert not changed, f"the test run changed {changed}"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Deterministic output: no colour, fixed width, the shipped plan unless told otherwise.

    The plan cache goes to a fresh folder of its own, outside the test's `tmp_path`.
    """
    monkeypatch.delenv("NZCLI_DATA", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NZCLI_CACHE_DIR", str(tmp_path_factory.mktemp("nzcli-cache")))


class Result:
    def __init__(
        self, exit_code: int, stdout: str, stderr: str, stdout_bytes: bytes, fast: bool = False
    ) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.stdout_bytes = stdout_bytes
        self.fast = fast  # run by the quick path (nzcli.cli.fast), without typer

    def __repr__(self) -> str:
        return (
            f"Result(exit={self.exit_code}, stderr={self.stderr!r}, stdout={self.stdout[:500]!r})"
        )


Run = Callable[..., Result]


#: "typer" runs every test's command line through the typer app, never through the quick
#: path (`nzcli.cli.fast`) the installed `nzcli` takes for the read commands it understands.
VIA = os.environ.get("NZCLI_TEST_VIA", "auto")
#: How many command lines each way ran in this session (shown at the end of the run).
TAKEN = {"quick path": 0, "typer": 0}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if any(TAKEN.values()):
        counts = ", ".join(f"{count} through {way}" for way, count in TAKEN.items())
        terminalreporter.write_line(f"nzcli command lines run: {counts}")


def invoke(
    *args: str,
    input: str | None = None,
    env: dict[str, str] | None = None,
    via: str = VIA,
    record: Any = None,
) -> Result:
    """A command line run in this process as the `nzcli` command would run it, in a Context
    made for it: through the quick path when it takes the line (via="auto"), else, or with
    via="typer", through the typer app. via="fast" insists on the quick path. `record`, when
    given, receives each command call instead of the command running."""
    runner = CliRunner()
    with runner.isolation(input=input, env=env) as (out, err, _):
        ctx = Context.from_process()
        ctx.record = record
        taken = via != "typer" and fast.parse(list(args), ctx.env) is not None
        assert taken or via != "fast", f"the quick path does not take {list(args)}"
        code = main.run(list(args), ctx) if taken else app.run(list(args), ctx)
        sys.stdout.flush()
        sys.stderr.flush()
        stdout_bytes, stderr_bytes = out.getvalue(), err.getvalue()
    TAKEN["quick path" if taken else "typer"] += 1
    return Result(
        code,
        stdout_bytes.decode("utf-8", "replace").replace("\r\n", "\n"),
        stderr_bytes.decode("utf-8", "replace").replace("\r\n", "\n"),
        stdout_bytes,
        fast=taken,
    )


@pytest.fixture
def run() -> Run:
    """run("list", "--theme", "T") -> Result with exit_code, stdout, stderr."""
    return invoke


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small fixture plan."""
    target = tmp_path / "mini.yaml"
    shutil.copyfile(FIXTURES / "mini.yaml", target)
    return target


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped plan."""
    target = tmp_path / "actions.yaml"
    shutil.copyfile(SHIPPED, target)
    return target


def golden(name: str, actual: str | bytes, update: bool = False) -> None:
    """Compare with tests/golden/NAME; NZCLI_UPDATE_GOLDEN=1 rewrites the file instead."""
    import os

    path = GOLDEN / name
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if update or os.environ.get("NZCLI_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"golden file {path} missing; run with NZCLI_UPDATE_GOLDEN=1"
    assert data == path.read_bytes(), f"output differs from golden file {name}"


def squeeze(markdown: str) -> str:
    """Markdown with its pipe tables' alignment padding taken out: each row as
    `| a | b |`, each rule as `|---|---:|` (right-aligned columns keep their colon), so a
    test can name a row's cells without counting spaces."""
    import re

    out = []
    for line in markdown.split("\n"):
        if not line.startswith("|"):
            out.append(line)
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells and all(re.fullmatch(r":?-+:?", c) for c in cells):
            marks = ["---:" if c.endswith(":") and not c.startswith(":") else "---" for c in cells]
            out.append("|" + "|".join(marks) + "|")
        else:
            out.append("| " + " | ".join(c or " " for c in cells) + " |")
    return "\n".join(out)


def identical(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (a str is not a str enum here), with
    record fields and dict keys in the same order."""
    if type(a) is not type(b):
        return False
    if is_dataclass(a):
        names = [f.name for f in fields(a)]
        return all(identical(getattr(a, n), getattr(b, n)) for n in names)
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            identical(ka, kb) and identical(a[ka], b[kb]) for ka, kb in zip(a, b, strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
