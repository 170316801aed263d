"""What keeps nzcli quick, checked as whole processes: lazy imports and `main`'s quick exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHIPPED, Run


def nzcli(*args: str, cache: Path) -> subprocess.CompletedProcess[bytes]:
    """`python -m nzcli ARGS` as a process of its own (through `nzcli.cli.main.main`)."""
    env = dict(os.environ, NZCLI_CACHE_DIR=str(cache), NO_COLOR="1", COLUMNS="80")
    return subprocess.run(
        [sys.executable, "-m", "nzcli", *args], env=env, capture_output=True, check=False
    )


def loaded_modules(code: str, cache: Path) -> set[str]:
    env = dict(os.environ, NZCLI_CACHE_DIR=str(cache))
    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {name.split(".")[0] for name in done.stdout.split()}


def test_defining_the_commands_imports_no_heavy_library(tmp_path: Path) -> None:
    """`nzcli --help` pays for typer only, not for pydantic, ruamel.yaml or rich."""
    modules = loaded_modules("import nzcli.cli.app", tmp_path)
    assert "typer" in modules
    assert not modules & {"pydantic", "pydantic_core", "ruamel", "rich", "yaml"}


def test_a_cache_hit_imports_no_yaml_code(tmp_path: Path) -> None:
    code = f"from nzcli.store import load_plan\nload_plan({str(SHIPPED)!r})"
    yaml_code = {"ruamel", "yaml_rs", "_ruamel_yaml"}
    assert loaded_modules(code, tmp_path) & yaml_code  # the first load parses (yaml-rs)
    assert not loaded_modules(code, tmp_path) & yaml_code  # the second does not


def test_output_is_complete_through_a_pipe(run: Run, tmp_path: Path) -> None:
    expected = run("list", "--format", "csv").stdout_bytes
    done = nzcli("list", "--format", "csv", cache=tmp_path / "cache")
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == expected
    again = nzcli("list", "--format", "csv", cache=tmp_path / "cache")  # from the cache
    assert again.stdout == expected


def test_output_file_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    done = nzcli("export", "--output", str(out), cache=tmp_path / "cache")
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert out.read_bytes().endswith(b"}\n")


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["list", "--theme", "nope"], 2, b"nzcli: error: --theme: unknown theme 'nope'"),
        (["list", "--bogus"], 2, b"No such option: --bogus"),
        (["--version"], 0, b""),
        (["check", "--data", str(SHIPPED)], 0, b""),
    ],
)
def test_exit_codes_and_messages(args: list[str], code: int, stderr: bytes, tmp_path: Path) -> None:
    done = nzcli(*args, cache=tmp_path / "cache")
    assert done.returncode == code
    assert stderr in done.stderr
    if not stderr:
        assert done.stderr == b""
        assert done.stdout.endswith(b"\n")


def test_a_reader_that_goes_away_is_no_error(tmp_path: Path) -> None:
    env = dict(os.environ, NZCLI_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "nzcli", "list", "--format", "json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # like `nzcli list | head -c 10`
    stderr = proc.stderr.read()
    assert proc.wait() == 0
    assert stderr == b""
