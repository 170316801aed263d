"""The plan's history and undo: one line per write, before and after; newest first in every
format; undo only while the plan is as the change left it; a write whose history cannot be
recorded does not happen."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run, squeeze
from nzcli import load_plan
from nzcli.storage.history import history_path, read_history
from nzcli.storage.patch import apply_reverse, reverse_patch


def entries(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return read_history(path)


def test_each_write_is_one_line_with_before_and_after(run: Run, mini: Path) -> None:
    data = ("--data", str(mini))
    assert run("period", "add", "2024-12", *data).exit_code == 0
    assert run("update", "T1", "--period", "2024-12", "--stage", "delivery", *data).exit_code == 0
    assert run("update", "T1", "--period", "2024-12", "--rag", "red", *data).exit_code == 0
    assert run("update", "T1", "--period", "2024-12", "--rag", "red", *data).exit_code == 0  # none
    lines = history_path(mini).read_text("utf-8").splitlines()
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert first["command"] == "period add 2024-12"
    assert first["changes"] == [
        {
            "action": None,
            "period": "2024-12",
            "field": "period",
            "before": None,
            "after": {"id": "2024-12", "name": "December 2024", "status": "draft"},
        }
    ]
    assert second["changes"] == [
        {
            "action": "T1",
            "period": "2024-12",
            "field": "update",
            "before": None,
            "after": {"stage": "delivery", "rag": None, "text": None},
        }
    ]
    assert third["changes"] == [
        {"action": "T1", "period": "2024-12", "field": "rag", "before": None, "after": "red"}
    ]
    assert third["sha_before"] == second["sha_after"]
    assert set(third) >= {"id", "when", "user", "command", "changes", "undo", "format_version"}
    assert third["when"].endswith("Z") and len(third["when"]) == 20


def test_dry_runs_and_refusals_are_not_recorded(run: Run, mini: Path) -> None:
    data = ("--data", str(mini))
    assert run("period", "add", "2024-12", "--dry-run", *data).exit_code == 0
    assert run("update", "T1", "--period", "2024-12", "--rag", "red", *data).exit_code == 2
    assert not history_path(mini).exists()


def test_history_command_newest_first_in_every_format(run: Run, mini: Path) -> None:
    data = ("--data", str(mini))
    assert run("period", "add", "2024-12", *data).exit_code == 0
    assert run("update", "T1", "--period", "2024-12", "--rag", "red", *data).exit_code == 0
    assert run("update", "T2", "--owner", "Bus team", *data).exit_code == 0
    doc = json.loads(run("history", "--format", "json", *data).stdout)
    assert doc["format_version"] == 1 and doc["plan"] == str(mini)
    assert [e["command"] for e in doc["entries"]] == [
        "update T2 --owner 'Bus team'",
        "update T1 --period 2024-12 --rag red",
        "period add 2024-12",
    ]
    assert "undo" not in doc["entries"][0]  # the patch is for `nzcli undo`, not for readers
    rows = list(csv.DictReader(io.StringIO(run("history", "--format", "csv", *data).stdout)))
    assert [(r["command"], r["action"], r["field"], r["before"], r["after"]) for r in rows] == [
        ("update T2 --owner 'Bus team'", "T2", "owner", "", "Bus team"),
        ("update T1 --period 2024-12 --rag red", "T1", "update", "", "rag: red"),
        ("period add 2024-12", "", "period", "", "id: 2024-12; name: December 2024; status: draft"),
    ]
    md = squeeze(run("history", "--format", "md", *data).stdout)
    assert "| When | Command | Action | Period | Field | Before | After |" in md
    table = run("history", *data, env={"COLUMNS": "200"}).stdout
    assert "Bus team" in table
    only_t1 = json.loads(run("history", "t1", "--format", "json", *data).stdout)["entries"]
    assert [e["command"] for e in only_t1] == ["update T1 --period 2024-12 --rag red"]
    by_period = json.loads(
        run("history", "--period", "december-2024", "--format", "json", *data).stdout
    )["entries"]
    assert [e["command"] for e in by_period] == [
        "update T1 --period 2024-12 --rag red",
        "period add 2024-12",
    ]


def test_history_of_a_plan_without_one(run: Run, mini: Path) -> None:
    result = run("history", "--data", str(mini))
    assert result.exit_code == 0, result
    assert "No changes recorded." in result.stdout


def test_undo_reverts_the_last_change_byte_for_byte(run: Run, mini: Path) -> None:
    data = ("--data", str(mini))
    original = mini.read_bytes()
    assert run("period", "add", "2024-12", *data).exit_code == 0
    after_add = mini.read_bytes()
    assert run("update", "T1", "--period", "2024-12", "--text", "New.", *data).exit_code == 0
    result = run("undo", *data)
    assert result.exit_code == 0, result
    assert result.stderr.startswith("undid `update T1 --period 2024-12 --text New.` of ")
    assert mini.read_bytes() == after_add
    assert run("undo", *data).exit_code == 0  # one more back
    assert mini.read_bytes() == original
    result = run("undo", *data)
    assert result.exit_code == 2
    assert result.stderr == (
        f"nzcli: error: nothing to undo: {history_path(mini)} records no change to take back\n"
    )
    commands = [e["command"] for e in entries(mini)]
    assert commands == [
        "period add 2024-12",
        "update T1 --period 2024-12 --text New.",
        "undo",
        "undo",
    ]


def test_undo_keeps_crlf_and_bom(run: Run, mini: Path) -> None:
    data = ("--data", str(mini))
    text = mini.read_text("utf-8").replace("\n", "\r\n")
    mini.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    original = mini.read_bytes()
    assert run("update", "T1", "--owner", "Ann", *data).exit_code == 0
    assert mini.read_bytes().count(b"\r\n") > 10
    assert run("undo", *data).exit_code == 0
    assert mini.read_bytes() == original


def test_undo_refuses_when_the_plan_changed_since(run: Run, mini: Path) -> None:
    data = ("--data", str(mini))
    assert run("update", "T1", "--owner", "Ann", *data).exit_code == 0
    hand_edited = mini.read_text("utf-8").replace("Work has started.", "Work has begun.")
    mini.write_text(hand_edited, encoding="utf-8")
    result = run("undo", *data)
    assert result.exit_code == 2
    assert result.stderr == (
        "nzcli: error: cannot undo `update T1 --owner Ann` of "
        f"{entries(mini)[-1]['when']}: {mini} has changed since (edited by hand or by another "
        "program); undoing would lose that change, so nothing was changed. Compare the file "
        "with its previous version (e.g. `git diff`), or see `nzcli history`\n"
    )
    assert mini.read_text("utf-8") == hand_edited


def test_nothing_to_undo_without_a_history(run: Run, mini: Path) -> None:
    result = run("undo", "--data", str(mini))
    assert result.exit_code == 2
    assert result.stderr == (
        f"nzcli: error: nothing to undo: {mini} has no history yet ({history_path(mini)})\n"
    )


def test_a_write_whose_history_cannot_be_recorded_does_not_happen(run: Run, mini: Path) -> None:
    history_path(mini).mkdir()  # a folder where the history file should be
    before = mini.read_bytes()
    result = run("update", "T1", "--owner", "Ann", "--data", str(mini))
    assert result.exit_code == 2, result
    assert result.stderr.startswith(
        f"nzcli: error: {history_path(mini)}: cannot record the change in the plan's history ("
    )
    assert result.stderr.endswith("); nothing was written\n")
    assert mini.read_bytes() == before


def test_a_failed_plan_write_takes_its_history_line_back(
    run: Run, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nzcli.store
    from nzcli.errors import WriteError

    assert run("update", "T1", "--owner", "Ann", "--data", str(mini)).exit_code == 0
    recorded = history_path(mini).read_bytes()

    def failing(path: Path, data: bytes, **_: object) -> None:
        raise WriteError(f"{path}: cannot write: disk full; the file is unchanged")

    monkeypatch.setattr(nzcli.store, "atomic_write", failing)
    result = run("update", "T1", "--owner", "Bo", "--data", str(mini))
    assert result.exit_code == 2
    assert history_path(mini).read_bytes() == recorded


def test_a_torn_last_line_is_skipped(run: Run, mini: Path) -> None:
    data = ("--data", str(mini))
    assert run("update", "T1", "--owner", "Ann", *data).exit_code == 0
    with history_path(mini).open("ab") as handle:
        handle.write(b'{"format_version": 1, "id": "abc", "wh')  # a crash mid-append
    assert len(entries(mini)) == 1
    assert run("update", "T1", "--owner", "Bo", *data).exit_code == 0
    assert [e["command"] for e in entries(mini)] == [
        "update T1 --owner Ann",
        "update T1 --owner Bo",
    ]
    assert run("undo", *data).exit_code == 0
    assert load_plan(mini).action("T1").owner == "Ann"  # type: ignore[union-attr]


lines = st.lists(
    st.sampled_from(["a\n", "b\n", "  c: 1\n", "\n", "- d\n", "é\n", "x\u2028y\n", "e\r\n", "f"]),
    max_size=40,
)


@given(lines, lines)
def test_the_undo_patch_gives_back_the_text(before: list[str], after: list[str]) -> None:
    old, new = "".join(before), "".join(after)
    hunks = reverse_patch(old, new)
    assert apply_reverse(new, hunks) == old


def test_the_undo_patch_keeps_only_what_changed() -> None:
    before = "".join(f"  - id: T{i}\n    rag: null\n" for i in range(3000))
    after = before.replace("  - id: T7\n    rag: null\n", "  - id: T7\n    rag: red\n")
    after = after.replace("  - id: T2900\n", "  - id: T2900\n    owner: Ann\n")
    hunks = reverse_patch(before, after)
    assert hunks == [[15, 1, ["    rag: null\n"]], [5801, 1, []]]
    assert apply_reverse(after, hunks) == before
