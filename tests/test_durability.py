"""Interrupted and concurrent writes: the data file is always whole, and nothing is lost."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Run
from nzcli import load_plan
from nzcli.check import check_file

KILLS = int(os.environ.get("NZCLI_KILLS", "100"))


def update_cmd(path: Path, text: str) -> list[str]:
    return [sys.executable, "-m", "nzcli", "--data", str(path), "update", "T1", "--period",
            "2023-12", "--text", text, "--reopen"]  # (mini's periods are published)


def leftovers(folder: Path, name: str) -> list[str]:
    kept = (name, f"{name}.lock", f"{name}.history.jsonl")
    return sorted(p.name for p in folder.iterdir() if p.name not in kept)


@pytest.mark.slow
def test_sigkill_at_random_moments_never_damages_the_file(mini: Path) -> None:
    """Kill `nzcli update` with SIGKILL at random moments, KILLS times: the file is always
    the state before or the state after, passes check, and temporaries do not pile up."""
    env = dict(os.environ, NZCLI_LOCK_TIMEOUT="30")
    # How long one update takes here, to spread the kills over its whole life.
    started = time.perf_counter()
    subprocess.run(update_cmd(mini, "Warm-up text."), check=True, env=env, capture_output=True)
    duration = time.perf_counter() - started
    rng = random.Random(20231201)
    outcomes = {"before": 0, "after": 0}
    for i in range(KILLS):
        before = mini.read_bytes()
        text = f"Text number {i} after a kill."
        proc = subprocess.Popen(update_cmd(mini, text), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration * 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = mini.read_bytes()
        if now == before:
            outcomes["before"] += 1
        else:
            outcomes["after"] += 1
            action = load_plan(mini).action("T1")
            assert action is not None and action.updates["2023-12"].text == text
            assert now == before.replace(
                before[before.index(b"        text: ", before.index(b"- id: T1")):].split(
                    b"\n", 1)[0], f"        text: {text}".encode(), 1)
        assert not check_file(mini).errors
        assert len(leftovers(mini.parent, mini.name)) <= 1  # at most the one just killed
    # the next successful write sweeps up what a killed writer left behind
    subprocess.run(update_cmd(mini, "Final text."), check=True, env=env, capture_output=True)
    assert leftovers(mini.parent, mini.name) == []
    print(f"\n{KILLS} kills: {outcomes}")  # quoted in docs/security.md
    assert outcomes["before"] > 0 and outcomes["after"] > 0, outcomes


@pytest.mark.slow
def test_fifty_concurrent_appends_to_one_action_all_survive(mini: Path) -> None:
    env = dict(os.environ, NZCLI_LOCK_TIMEOUT="300")
    words = [f"w{i:02d}" for i in range(50)]
    procs = [
        subprocess.Popen([sys.executable, "-m", "nzcli", "--data", str(mini), "update", "T1",
                          "--period", "2023-12", "--append-text", word, "--reopen"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for word in words
    ]
    errors = []
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            errors.append(err.decode())
    assert errors == []
    action = load_plan(mini).action("T1")
    assert action is not None
    text = action.updates["2023-12"].text or ""
    assert text.startswith("Work has started. ")
    tokens = text.split()[3:]
    assert sorted(tokens) == words  # every append landed exactly once
    assert leftovers(mini.parent, mini.name) == []


def refused_unchanged(result: object, path: Path, before: bytes, message: str) -> None:
    assert result.exit_code == 2, result
    stderr = result.stderr
    assert stderr.startswith("nzcli: error: ") and stderr.count("\n") == 1, stderr
    assert message in stderr, stderr
    assert path.read_bytes() == before
    assert leftovers(path.parent, path.name) == []


def test_read_only_data_file_is_refused(run: Run, mini: Path) -> None:
    before = mini.read_bytes()
    mini.chmod(0o444)
    try:
        result = run("update", "T1", "--period", "2023-12", "--text", "x", "--reopen",
                 "--data", str(mini))
    finally:
        mini.chmod(0o644)
    refused_unchanged(result, mini, before, f"{mini}: the file is read-only")


def test_read_only_folder(run: Run, mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    before = mini.read_bytes()
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    result = run("update", "T1", "--period", "2023-12", "--text", "x", "--reopen",
                 "--data", str(mini))
    refused_unchanged(result, mini, before,
                      f"{mini}: cannot write: Permission denied; the file is unchanged")


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_full_disk(run: Run, mini: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    before = mini.read_bytes()
    if where == "write":
        real_fdopen = os.fdopen

        class FullFile:
            def __init__(self, fd: int, mode: str) -> None:
                self.handle = real_fdopen(fd, mode)

            def __enter__(self) -> FullFile:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            def write(self, data: bytes) -> None:
                full()

        monkeypatch.setattr(os, "fdopen", FullFile)
    else:
        monkeypatch.setattr(os, where, full)
    result = run("update", "T1", "--period", "2023-12", "--text", "x", "--reopen",
                 "--data", str(mini))
    monkeypatch.undo()
    # the history is appended (and fsynced) first: a full disk there stops the write too
    message = (f"{mini}.history.jsonl: cannot record the change in the plan's history (No "
               "space left on device); nothing was written") if where == "fsync" else (
               f"{mini}: cannot write: No space left on device; the file is unchanged")
    refused_unchanged(result, mini, before, message)
    history = mini.with_name(mini.name + ".history.jsonl")
    assert not history.exists() or history.read_bytes() == b""  # taken back off


def test_report_output_on_a_full_disk_keeps_the_old_page(run: Run, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "progress.html"
    page.write_text("yesterday's page", encoding="utf-8")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = run("report", "latest", "--output", str(page), "--quiet")
    monkeypatch.undo()
    refused_unchanged(result, page, b"yesterday's page",
                      "cannot write: No space left on device; the file is unchanged")
