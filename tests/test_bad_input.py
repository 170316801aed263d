"""Bad files get one line naming the file (and line), exit 2, no traceback, quickly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import Run

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)

CASES = {
    "empty": (b"", "the file is empty; expected a plan (plan, periods, themes, actions)"),
    "blank": (b"\n  \n", "the file is empty; expected a plan (plan, periods, themes, actions)"),
    "non-utf8": (
        b"plan:\n  title: Caf\xe9\n",
        "2:13: not valid UTF-8 (byte 0xe9); save the file as UTF-8",
    ),
    "syntax": (
        b"plan: [1, 2\nthemes: 3\n",
        "2:7: YAML syntax error: did not find expected ',' or ']'",
    ),
    "python-tag": (
        b"plan: !!python/object/apply:os.system ['echo owned']\n",
        "1:7: YAML tag '!!python/object/apply:os.system' is not allowed; a plan "
        "holds only plain data",
    ),
    "custom-tag": (
        b"plan: !include other.yaml\n",
        "1:7: YAML tag '!include' is not allowed; a plan holds only plain data",
    ),
    "alias-bomb": (
        BOMB.encode(),
        "1:4: YAML anchors and aliases (&, *) are not allowed; write each value out in full",
    ),
    "deep": (
        b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "1:67: the YAML is nested too deeply (more than 64 levels)",
    ),
    "list": (
        b"- 1\n- 2\n",
        "1:1: the top level must be a mapping (plan, periods, themes, actions), not a list",
    ),
    "string": (
        b"just words\n",
        "1:1: the top level must be a mapping (plan, periods, themes, actions), not a string",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file(run: Run, tmp_path: Path, name: str) -> None:
    content, message = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    started = time.perf_counter()
    result = run("list", "--data", str(path))
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2, result
    sep = ":" if message[0].isdigit() else ": "
    assert result.stderr == f"nzcli: error: {path}{sep}{message}\n"
    assert result.stdout == ""
    assert elapsed < 2.0


def test_directory(run: Run, tmp_path: Path) -> None:
    result = run("list", "--data", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"nzcli: error: {tmp_path}: is a directory, not a data file\n"


def test_missing(run: Run, tmp_path: Path) -> None:
    result = run("list", "--data", str(tmp_path / "gone.yaml"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"nzcli: error: {tmp_path / 'gone.yaml'}: no such file; pass "
        "--data FILE or set NZCLI_DATA\n"
    )


def test_unreadable(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("plan: {}\n", encoding="utf-8")

    import os

    real_open = os.open

    def denied(name: object, *args: object, **kwargs: object) -> int:
        if str(name) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)  # (as root, chmod 000 would not stop a read)
    result = run("list", "--data", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"nzcli: error: {path}: cannot read the file: permission denied\n"


def test_debug_shows_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "x.yaml"
    path.write_text("- 1\n", encoding="utf-8")
    plain = subprocess.run(
        [sys.executable, "-m", "nzcli", "--data", str(path), "list"], capture_output=True, text=True
    )
    assert plain.returncode == 2
    assert "Traceback" not in plain.stderr
    debug = subprocess.run(
        [sys.executable, "-m", "nzcli", "--debug", "--data", str(path), "list"],
        capture_output=True,
        text=True,
    )
    assert "Traceback" in debug.stderr
    assert "DataError" in debug.stderr


MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "nzcli", "--data", sys.argv[1], "check"],
                      capture_output=True, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stderr.write(done.stdout + done.stderr)
"""


@pytest.mark.parametrize("name", ["alias-bomb", "deep"])
def test_bad_files_use_bounded_memory(tmp_path: Path, name: str) -> None:
    import subprocess
    import sys

    path = tmp_path / f"{name}.yaml"
    path.write_bytes(CASES[name][0])
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True,
                          text=True, timeout=60)
    elapsed = time.perf_counter() - started
    code, max_rss_kib = (int(x) for x in done.stdout.split())
    assert code == 1, done.stderr  # check: the file has an error
    assert "Traceback" not in done.stderr
    assert max_rss_kib < 200 * 1024, f"{max_rss_kib} KiB"
    assert elapsed < 5
