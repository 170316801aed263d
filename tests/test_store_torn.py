"""Torn reads (issue 12, class 3): a file rewritten in place while nzcli reads it is never
taken for the whole plan, and an edit never writes back a plan it read torn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nzcli.errors import DataError
from nzcli.storage import files
from nzcli.store import load_plan


def test_a_file_that_changes_while_read_is_read_again(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"a: 1\n" * 1000)
    real_read = os.read
    calls = {"n": 0}

    def read(fd: int, size: int) -> bytes:
        chunk = real_read(fd, min(size, 100))
        calls["n"] += 1
        if calls["n"] == 2:  # an editor saves mid-read, once
            with open(path, "ab") as handle:
                handle.write(b"b: 2\n")
        return chunk

    monkeypatch.setattr(files.os, "read", read)
    raw, state = files.read_file(path)
    assert raw == path.read_bytes() == b"a: 1\n" * 1000 + b"b: 2\n"
    assert state.size == len(raw)


def test_a_file_that_never_holds_still_is_refused(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"a: 1\n" * 100)
    real_read = os.read

    def read(fd: int, size: int) -> bytes:
        chunk = real_read(fd, size)
        if chunk and len(chunk) > 2:  # the first read of each try: an editor writes meanwhile
            with open(path, "ab") as handle:
                handle.write(b"#\n")
        return chunk

    monkeypatch.setattr(files.os, "read", read)
    monkeypatch.setattr(files, "READ_PAUSE", 0.001)
    with pytest.raises(DataError, match="the file kept changing while nzcli read it"):
        files.read_file(path)


def test_an_edit_never_writes_over_a_file_changed_since_it_was_read(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program writes the file between nzcli's read and its write: nzcli reads again
    and applies its change to what is there now."""
    from nzcli.record import UpdateRequest, update_action

    real_chmod = os.chmod
    edits = {"n": 0}

    def chmod(name: str, mode: int) -> None:  # the step before the rename
        if edits["n"] == 0 and ".mini.yaml." in str(name):
            edits["n"] += 1
            text = mini.read_text(encoding="utf-8")
            mini.write_text(text.replace("Work has started.", "An editor's words."),
                            encoding="utf-8")
        real_chmod(name, mode)

    monkeypatch.setattr(files.os, "chmod", chmod)
    update_action(mini, UpdateRequest("T2", period="2024-06", text="Fresh words.", reopen=True))
    plan = load_plan(mini, env={"NZCLI_NO_CACHE": "1"})
    assert plan.action("T2").updates["2024-06"].text == "Fresh words."  # type: ignore[union-attr]
    assert plan.action("T1").updates["2023-12"].text == "An editor's words."  # type: ignore[union-attr]


EDITOR = r"""
import os, sys, time
path, rounds = sys.argv[1], int(sys.argv[2])
data = open(path, 'rb').read()
chunk = 4096
for _ in range(rounds):
    with open(path, 'r+b') as handle:   # as an editor saves: truncate, then write in pieces
        handle.truncate(0)
        for at in range(0, len(data), chunk):
            handle.write(data[at:at + chunk])
            handle.flush()
            time.sleep(0.0005)
    time.sleep(0.01)
"""


@pytest.mark.slow
def test_an_editor_rewriting_in_place_never_loses_an_action(tmp_path: Path) -> None:
    """While an editor rewrites a 2,000-action file in place, again and again, `nzcli update`
    runs; every action is still there at the end, whatever each update did."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import run as bench

    plan = bench.generate(2000, tmp_path)
    count = plan.read_text(encoding="utf-8").count("\n  - id: ") - 1  # (one is a period)
    env = dict(os.environ, NZCLI_LOCK_TIMEOUT="60")
    editor = subprocess.Popen([sys.executable, "-c", EDITOR, str(plan), "40"])
    outcomes: list[int] = []
    messages: list[str] = []
    try:
        for i in range(12):
            done = subprocess.run(
                [sys.executable, "-m", "nzcli", "--data", str(plan), "update", f"T{i + 1}",
                 "--period", "latest", "--reopen", "--rag", "red"],
                env=env, capture_output=True, text=True, timeout=300,
            )
            outcomes.append(done.returncode)
            if done.returncode:
                messages.append(done.stderr)
    finally:
        editor.wait(timeout=600)
    for message in messages:  # a refusal is one clear line, never a torn plan
        assert message.count("\n") == 1 and message.startswith("nzcli: error: "), message
    final = load_plan(plan, env={"NZCLI_NO_CACHE": "1"})
    assert len(final.actions) == count == 2000
