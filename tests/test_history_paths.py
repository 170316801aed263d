"""Every write is recorded in the history, whichever way the store edits the file: the quick
path (a trusted cache entry, only the edited lines read) and the slow path (the whole file
parsed) record the same changes, write the same bytes, and `nzcli undo` gives back exactly
the bytes before each write, one write after another, back to the start of the round."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from conftest import SHIPPED, Run
from nzcli.storage import quick_edit as quick_module
from nzcli.storage.history import read_history

ROUND = [
    ("period", "add", "2024-12"),
    ("update", "T1", "--period", "2024-12", "--stage", "delivery", "--rag", "red"),
    ("import", "{sheet}", "--period", "2024-12"),
    ("update", "T1", "--owner", "Transport team"),
    ("period", "publish", "2024-12", "--date", "2025-01-15", "--allow-missing"),
    ("update", "T1", "--period", "2024-12", "--reopen", "--append-text", "Signed off."),
    ("period", "add", "2025-06"),
    ("update", "T2", "--period", "2025-06", "--rag", "green"),
    ("period", "remove", "2025-06"),
]


def _sheet(path: Path) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        [
            ["id", "stage", "rag", "update"],
            ["T2", "design", "amber", "Consultation\u00a0closes in May."],
            ["T3", "", "green", ""],
            ["B1", "", "", "Bids in."],
        ]
    )
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


def _play(run: Run, folder: Path, env: dict[str, str]) -> tuple[Path, list[bytes]]:
    """The round on a fresh copy of the shipped plan: the file's bytes before each write."""
    folder.mkdir()
    plan = folder / "nzcli.yaml"
    plan.write_bytes(SHIPPED.read_bytes())
    sheet = _sheet(folder / "sheet.csv")
    assert run("list", "--data", str(plan), env=env).exit_code == 0  # (a warm cache, if on)
    states = []
    for line in ROUND:
        states.append(plan.read_bytes())
        args = [part.format(sheet=sheet) for part in line]
        result = run(*args, "--data", str(plan), env=env)
        assert result.exit_code == 0, (args, result)
        assert plan.read_bytes() != states[-1], args
    return plan, states


def _stable(entry: dict[str, Any], folder: Path) -> dict[str, Any]:
    out = {k: v for k, v in entry.items() if k not in {"id", "when", "user"}}
    out["command"] = out["command"].replace(str(folder), "FOLDER")
    return out


def test_quick_and_slow_paths_record_the_same_history_and_undo_gives_back_each_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[bool] = []
    real = quick_module.quick_edit

    def spy(*args: Any, **kwargs: Any) -> Any:
        done = real(*args, **kwargs)
        taken.append(done is not None)
        return done

    monkeypatch.setattr(quick_module, "quick_edit", spy)
    quick, quick_states = _play(run, tmp_path / "quick", {})
    assert sum(taken) >= 5, taken  # the updates, the import and the period changes went quick
    taken.clear()
    slow, slow_states = _play(run, tmp_path / "slow", {"NZCLI_NO_CACHE": "1"})
    assert not any(taken)

    assert quick.read_bytes() == slow.read_bytes()
    assert quick_states == slow_states
    quick_history, slow_history = read_history(quick), read_history(slow)
    assert len(quick_history) == len(ROUND)
    assert [_stable(e, quick.parent) for e in quick_history] == [
        _stable(e, slow.parent) for e in slow_history
    ]
    for entry, line in zip(quick_history, ROUND, strict=True):
        assert entry["command"].split()[0] == line[0], entry["command"]
    for entry in quick_history:
        assert entry["changes"], entry["command"]

    # undo, write after write, back to the shipped plan: exactly the bytes before each write
    for plan, env in ((quick, {}), (slow, {"NZCLI_NO_CACHE": "1"})):
        for before in reversed(quick_states):
            result = run("undo", "--data", str(plan), env=env)
            assert result.exit_code == 0, result
            assert plan.read_bytes() == before
        assert plan.read_bytes() == SHIPPED.read_bytes()
        assert run("undo", "--data", str(plan), env=env).exit_code == 2  # nothing left
        assert run("check", "--data", str(plan), env=env).exit_code == 0


def test_a_quick_edit_is_recorded_field_by_field(run: Run, tmp_path: Path) -> None:
    plan = tmp_path / "nzcli.yaml"
    plan.write_bytes(SHIPPED.read_bytes())
    assert run("list", "--data", str(plan)).exit_code == 0
    data = ("--data", str(plan))
    assert run("update", "T1", "--owner", "Ann", "--score", "12", *data).exit_code == 0
    (entry,) = read_history(plan)
    fields = {c["field"]: (c["action"], c["period"], c["after"]) for c in entry["changes"]}
    assert fields == {"owner": ("T1", None, "Ann"), "deliverability_score": ("T1", None, 12)}
    assert run("undo", *data).exit_code == 0
    assert plan.read_bytes() == SHIPPED.read_bytes()


def test_the_history_of_a_linked_plan_is_beside_the_real_file(run: Run, tmp_path: Path) -> None:
    real = tmp_path / "real" / "plan.yaml"
    real.parent.mkdir()
    real.write_bytes(SHIPPED.read_bytes())
    link = tmp_path / "nzcli.yaml"
    link.symlink_to(real)
    assert run("update", "T1", "--owner", "Ann", "--data", str(link)).exit_code == 0
    assert (real.parent / "plan.yaml.history.jsonl").is_file()
    assert not (tmp_path / "nzcli.yaml.history.jsonl").exists()
    assert len(read_history(real)) == len(read_history(link)) == 1
    assert run("undo", "--data", str(real)).exit_code == 0
    assert link.is_symlink() and real.read_bytes() == SHIPPED.read_bytes()


def test_a_working_copy_keeps_both_branches_rules(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The discovered nzcli.yaml is the data file for --output's refusal, and a link to the
    shipped plan is still the shipped plan (read-only)."""
    monkeypatch.chdir(tmp_path)
    assert run("init").exit_code == 0
    before = (tmp_path / "nzcli.yaml").read_bytes()
    result = run("report", "latest", "--format", "md", "--output", "nzcli.yaml")
    assert result.exit_code == 2
    assert "nzcli.yaml" in result.stderr and (tmp_path / "nzcli.yaml").read_bytes() == before
    link = tmp_path / "linked.yaml"
    link.symlink_to(SHIPPED)
    result = run("update", "T1", "--owner", "Ann", "--data", str(link))
    assert result.exit_code == 2
    assert "read-only" in result.stderr
