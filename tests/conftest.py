"""Shared fixtures: a CLI runner with a fixed environment, and copies of fixture plans."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nzcli.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHIPPED = ROOT / "data" / "actions.yaml"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Deterministic output: no colour, fixed width, the shipped plan unless told otherwise.

    The plan cache goes to a fresh folder of its own, outside the test's `tmp_path`.
    """
    monkeypatch.delenv("NZCLI_DATA", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NZCLI_CACHE_DIR", str(tmp_path_factory.mktemp("nzcli-cache")))
    from nzcli import cli

    monkeypatch.setattr(cli.STATE, "data", None)
    monkeypatch.setattr(cli.STATE, "debug", False)
    monkeypatch.setattr(cli.STATE, "color", "auto")


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str, stdout_bytes: bytes) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.stdout_bytes = stdout_bytes

    def __repr__(self) -> str:
        return (
            f"Result(exit={self.exit_code}, stderr={self.stderr!r}, stdout={self.stdout[:500]!r})"
        )


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """run("list", "--theme", "T") -> Result with exit_code, stdout, stderr."""

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        result = runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr, result.stdout_bytes)

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
