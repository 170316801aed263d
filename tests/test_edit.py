"""Recording progress: `period add`, `update`, `import`, `diff`, and the safe round-trip write
under them (byte-identical no-op, only the changed lines differ, refusals leave the file
untouched, locking, 20 concurrent writers)."""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, SHIPPED, Run, squeeze
from nzcli import load_plan
from nzcli.diff import DIFF_COLUMNS, compare
from nzcli.errors import UsageError
from nzcli.model import Action, Period, Rag, Stage, Update
from nzcli.storage.files import lock_timeout, locked
from nzcli.storage.sheets import parse_csv
from nzcli.storage.yaml_rt import guess_layout, rt_dump, rt_load
from nzcli.storage.yaml_safe import read_document
from nzcli.store import edit_file
from nzcli.vocab import (
    clean_text,
    default_period_name,
    normalise_period_id,
    parse_rag,
    parse_stage,
)


def action_of(path: Path, action_id: str) -> Action:
    action = load_plan(path).action(action_id)
    assert action is not None, action_id
    return action


def update_of(path: Path, action_id: str, period_id: str) -> Update:
    return action_of(path, action_id).updates[period_id]


def changed_lines(before: str, after: str) -> list[str]:
    """The +/- lines of a unified diff (no headers, no context)."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def refused(result: Any, path: Path, before: bytes, *needles: str) -> None:
    """Exit 2, one `nzcli: error:` line naming the problem, and the file byte-identical."""
    assert result.exit_code == 2, result
    assert result.stderr.startswith("nzcli: error: "), result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert path.read_bytes() == before


def write_csv(path: Path, rows: list[list[str]], *, excel: bool = True) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if excel else "\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if excel else b"") + out.getvalue().encode("utf-8"))


def read_csv(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture
def run(run: Run) -> Run:
    """`run`, correcting published periods: the fixture plans' periods are published, and
    these tests exercise the edit itself, so each `update` or `import` given a --period
    also gets --reopen (the draft/published rules are tested in tests/test_cycle.py)."""

    def reopening(*args: str, **kwargs: Any) -> Any:
        if args[:1] in (("update",), ("import",)) and "--period" in args:
            args = (*args, "--reopen")
        return run(*args, **kwargs)

    return reopening


@pytest.fixture
def commented(tmp_path: Path) -> Path:
    """The mini plan with comments and blank lines where people put them."""
    text = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("periods:\n", "periods:  # reporting periods\n")
    text = text.replace(
        "    name: June 2024\n", "    name: June 2024  # latest\n\n# Themes, in document order\n"
    )
    text = text.replace("  - id: T10\n", "\n  # Demand responsive transport\n  - id: T10\n")
    text = text.replace(
        "        text: Monitoring.\n", "        text: Monitoring.  # from the PDF\n"
    )
    target = tmp_path / "commented.yaml"
    target.write_text(text, encoding="utf-8")
    return target


# ---------------------------------------------------------------------------------------------
# The round trip


@pytest.mark.parametrize("path", [SHIPPED, FIXTURES / "mini.yaml"], ids=["shipped", "mini"])
def test_noop_round_trip_is_byte_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert rt_dump(rt_load(text)) == text


def test_none_is_written_as_null() -> None:
    assert rt_dump(rt_load("a: 1\nb: x\n") | {"a": None}) == "a: null\nb: x\n"


def test_noop_edit_writes_nothing(mini: Path) -> None:
    before = mini.read_bytes()
    stamp = mini.stat().st_mtime_ns
    edit = edit_file(mini, lambda doc, plan: {("actions", 0): lambda node: None})
    assert not edit.changed and not edit.written
    assert mini.read_bytes() == before
    assert mini.stat().st_mtime_ns == stamp


def test_update_diff_is_only_the_added_lines(run: Run, shipped_copy: Path) -> None:
    before = shipped_copy.read_text(encoding="utf-8")
    assert run("period", "add", "2024-06", "--data", str(shipped_copy)).exit_code == 0
    middle = shipped_copy.read_text(encoding="utf-8")
    assert changed_lines(before, middle) == [
        '+  - id: "2024-06"',
        "+    name: June 2024",
        "+    status: draft",
    ]
    result = run(
        "update",
        "T1",
        "--period",
        "2024-06",
        "--stage",
        "delivery",
        "--rag",
        "amber",
        "--text",
        "LTP4 consultation has closed.",
        "--data",
        str(shipped_copy),
    )
    assert result.exit_code == 0, result
    after = shipped_copy.read_text(encoding="utf-8")
    assert changed_lines(middle, after) == [
        '+      "2024-06":',
        "+        stage: delivery",
        "+        rag: amber",
        "+        text: LTP4 consultation has closed.",
    ]
    # the new update sits after T1's December 2023 update, before T2
    lines = after.splitlines()
    assert lines[lines.index('      "2024-06":') + 4] == "  - id: T2"


def test_changing_a_value_changes_only_its_line(run: Run, shipped_copy: Path) -> None:
    before = shipped_copy.read_text(encoding="utf-8")
    result = run(
        "update",
        "T3",
        "--period",
        "2023-12",
        "--rag",
        "green",
        "--timescale",
        "m",
        "--data",
        str(shipped_copy),
    )
    assert result.exit_code == 0, result
    assert changed_lines(before, shipped_copy.read_text(encoding="utf-8")) == [
        "-    timescale: S/M",
        "+    timescale: M",
        "-        rag: null",
        "+        rag: green",
    ]


def test_comments_and_blank_lines_survive(run: Run, commented: Path) -> None:
    before = commented.read_text(encoding="utf-8")
    data = ("--data", str(commented))
    assert run("period", "add", "2024-12", *data).exit_code == 0
    assert run("update", "T2", "--period", "2024-12", "--rag", "green", *data).exit_code == 0
    assert run("update", "N1", "--period", "2024-12", "--stage", "completed", *data).exit_code == 0
    assert run("update", "T1", "--add-partner", "ofgem", *data).exit_code == 0
    after = commented.read_text(encoding="utf-8")
    assert all(line.startswith("+") for line in changed_lines(before, after))
    for line in before.splitlines():
        if "#" in line or not line.strip():
            assert line in after.splitlines()
    # nothing lands after a comment that belongs to the next item
    assert (
        '      "2024-12":\n        stage: null\n        rag: green\n        text: null\n\n'
        "  # Demand responsive transport\n" in after
    )
    assert '        text: Monitoring.  # from the PDF\n      "2024-12":\n' in after
    assert update_of(commented, "N1", "2024-12").stage is Stage.COMPLETED
    assert action_of(commented, "T1").partners == ["Districts", "Ofgem"]


def test_crlf_and_bom_are_kept(run: Run, mini: Path) -> None:
    text = mini.read_text(encoding="utf-8")
    mini.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = run("update", "T10", "--period", "2024-06", "--rag", "red", "--data", str(mini))
    assert result.exit_code == 0, result
    raw = mini.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\n") == raw.count(b"\r\n")
    after = raw[3:].decode("utf-8").replace("\r\n", "\n")
    assert changed_lines(text, after) == [
        '+      "2024-06":',
        "+        stage: null",
        "+        rag: red",
        "+        text: null",
    ]


def test_other_layouts_are_kept(run: Run, tmp_path: Path) -> None:
    """A hand-made file with dashes flush under their key and `rag:` for null."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 100_000
    yaml.preserve_quotes = True
    target = tmp_path / "flush.yaml"
    with open(FIXTURES / "mini.yaml", encoding="utf-8") as handle:
        data = yaml.load(handle)
    with open(target, "w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    assert guess_layout(read_document(target)) == (2, 2, 0)
    before = target.read_text(encoding="utf-8")
    assert "      rag:\n" in before
    result = run("update", "T1", "--period", "2023-12", "--rag", "red", "--data", str(target))
    assert result.exit_code == 0, result
    assert changed_lines(before, target.read_text(encoding="utf-8")) == [
        "-      rag:",
        "+      rag: red",
    ]
    result = run("update", "N1", "--add-partner", "Ofgem", "--data", str(target))
    assert result.exit_code == 0, result
    assert action_of(target, "N1").partners == ["Ofgem"]


def test_a_change_that_would_break_the_file_is_refused(mini: Path) -> None:
    before = mini.read_bytes()

    def bad(node: Any) -> None:
        node["timescale"] = "X"

    with pytest.raises(UsageError, match=r"refused: .*T1: .*timescale.*mini\.yaml is unchanged"):
        edit_file(mini, lambda doc, plan: {("actions", 0): bad})
    assert mini.read_bytes() == before


def test_an_invalid_file_is_not_edited(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    shutil.copyfile(FIXTURES / "bad" / "schema.yaml", target)
    before = target.read_bytes()
    result = run("update", "T1", "--timescale", "S", "--data", str(target))
    refused(result, target, before, "must be valid before nzcli edits it", "nzcli check")


def test_write_keeps_mode_and_clears_stale_temporaries(run: Run, mini: Path) -> None:
    mini.chmod(0o640)
    stale = mini.with_name(".mini.yaml.abc123.nzcli-tmp")
    stale.write_text("half a file")
    result = run("update", "T1", "--period", "latest", "--rag", "amber", "--data", str(mini))
    assert result.exit_code == 0, result
    assert mini.stat().st_mode & 0o777 == 0o640
    assert not stale.exists()
    assert not list(mini.parent.glob("*.nzcli-tmp"))


def test_dry_run_prints_the_diff_and_writes_nothing(run: Run, mini: Path) -> None:
    before = mini.read_bytes()
    result = run(
        "update", "T1", "--period", "2024-06", "--rag", "red", "--dry-run", "--data", str(mini)
    )
    assert result.exit_code == 0, result
    assert mini.read_bytes() == before
    assert result.stdout.startswith(f"--- {mini}\n+++ {mini}\n@@ ")
    assert "-        rag: green\n+        rag: red\n" in result.stdout
    assert result.stderr == (
        f"dry run: would update T1 for 2024-06 (rag) in {mini}; nothing was written\n"
    )


# ---------------------------------------------------------------------------------------------
# Locking


def test_lock_timeout_is_reported(run: Run, mini: Path) -> None:
    before = mini.read_bytes()
    with locked(mini, timeout=1):
        result = run(
            "update",
            "T1",
            "--period",
            "2024-06",
            "--rag",
            "red",
            "--data",
            str(mini),
            env={"NZCLI_LOCK_TIMEOUT": "0.2"},
        )
    refused(result, mini, before, "another nzcli process is still writing", "waited 0.2s")


def test_lock_timeout_setting() -> None:
    assert lock_timeout({}) == 10
    assert lock_timeout({"NZCLI_LOCK_TIMEOUT": "2.5"}) == 2.5
    for bad in ("soon", "-1", "nan", "inf"):
        with pytest.raises(UsageError, match="NZCLI_LOCK_TIMEOUT"):
            lock_timeout({"NZCLI_LOCK_TIMEOUT": bad})


def test_bad_lock_timeout_is_a_usage_error(run: Run, mini: Path) -> None:
    before = mini.read_bytes()
    result = run(
        "update",
        "T1",
        "--period",
        "2024-06",
        "--rag",
        "red",
        "--data",
        str(mini),
        env={"NZCLI_LOCK_TIMEOUT": "soon"},
    )
    refused(result, mini, before, "NZCLI_LOCK_TIMEOUT='soon' is not a number of seconds")


@pytest.mark.slow
def test_twenty_concurrent_writers_all_land(shipped_copy: Path, tmp_path: Path) -> None:
    plan = load_plan(shipped_copy)
    ids = [a.id for a in plan.actions[:20]]
    # Each writer holds the lock for about 0.3s, so the default 10s wait is plenty (measured);
    # the generous timeout here only keeps a slow, busy CI machine from failing the test.
    env = dict(os.environ, NZCLI_DATA=str(shipped_copy), NZCLI_LOCK_TIMEOUT="120")
    procs = []
    for i, action_id in enumerate(ids):
        text_file = tmp_path / f"text-{i}.txt"
        text_file.write_text(f"Concurrent update number {i} for {action_id}.\n", encoding="utf-8")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "nzcli",
                    "update",
                    action_id,
                    "--period",
                    "2023-12",
                    "--text-file",
                    str(text_file),
                    "--reopen",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    results = [(p.wait(timeout=300), p.stderr.read().decode() if p.stderr else "") for p in procs]
    for proc in procs:
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert all(code == 0 for code, _ in results), results
    for i, action_id in enumerate(ids):
        text = update_of(shipped_copy, action_id, "2023-12").text
        assert text == f"Concurrent update number {i} for {action_id}."
    assert len(load_plan(shipped_copy).actions) == len(plan.actions)
    assert not list(shipped_copy.parent.glob("*.nzcli-tmp"))
    history = shipped_copy.with_name("actions.yaml.history.jsonl").read_text("utf-8")
    assert len(history.splitlines()) == 20  # every write recorded, none torn


# ---------------------------------------------------------------------------------------------
# period add


def test_period_add(run: Run, mini: Path) -> None:
    result = run("period", "add", "2024-12", "--data", str(mini))
    assert result.exit_code == 0, result
    assert result.stderr == (
        "note: 2024-12 is a draft: `latest` still means 2024-06 (June 2024) until "
        "`nzcli period publish 2024-12`\n"
        f"added draft period 2024-12 (December 2024) to {mini}\n"
    )
    plan = load_plan(mini)
    assert plan.newest_period == Period(id="2024-12", name="December 2024", status="draft")
    assert plan.latest_period.id == "2024-06"  # a draft is not the latest period
    assert '  - id: "2024-12"\n    name: December 2024\n    status: draft\nthemes:\n' in (
        mini.read_text("utf-8")
    )


def test_period_add_with_name_and_month_form(run: Run, mini: Path) -> None:
    result = run("period", "add", "march-2025", "--name", "Spring 2025", "--data", str(mini))
    assert result.exit_code == 0, result
    assert load_plan(mini).newest_period == Period(
        id="2025-03", name="Spring 2025", status="draft"
    )


def test_period_add_earlier_goes_in_date_order(run: Run, mini: Path) -> None:
    result = run("period", "add", "2023-06", "--data", str(mini))
    assert result.exit_code == 0, result
    assert "note: 2023-06 is earlier than 2024-06 (June 2024)" in result.stderr
    plan = load_plan(mini)
    assert [p.id for p in plan.periods] == ["2023-06", "2023-12", "2024-06"]
    assert plan.latest_period.id == "2024-06"


@pytest.mark.parametrize(
    "args,needle",
    [
        (["2024-06"], "period 2024-06 (June 2024) already exists"),
        (["june-2024"], "period 2024-06 (June 2024) already exists"),
        (["2024-12", "--name", "June 2024"], "period 2024-06 is already named 'June 2024'"),
        (["2024-13"], "'2024-13' is not a period id; use YYYY-MM"),
        (["soon"], "'soon' is not a period id"),
        (["2024-12", "--name", "  "], "--name is empty"),
    ],
)
def test_period_add_refusals(run: Run, mini: Path, args: list[str], needle: str) -> None:
    before = mini.read_bytes()
    refused(run("period", "add", *args, "--data", str(mini)), mini, before, needle)


def test_period_add_dry_run(run: Run, mini: Path) -> None:
    before = mini.read_bytes()
    result = run("period", "add", "2024-12", "--dry-run", "--data", str(mini))
    assert result.exit_code == 0, result
    assert '+  - id: "2024-12"\n+    name: December 2024\n' in result.stdout
    assert mini.read_bytes() == before


def test_period_helpers() -> None:
    assert default_period_name("2024-06") == "June 2024"
    assert normalise_period_id("December 2024") == "2024-12"
    assert normalise_period_id("2025-01") == "2025-01"


# ---------------------------------------------------------------------------------------------
# update


def test_update_creates_an_update_with_every_key(run: Run, mini: Path) -> None:
    result = run(
        "update", "x1", "--period", "december-2023", "--stage", "design", "--data", str(mini)
    )
    assert result.exit_code == 0, result
    assert result.stderr == (
        "note: 2023-12 (December 2023) is published: reopened (--reopen)\n"
        f"updated X1 for 2023-12 (stage) in {mini}\n"
    )
    text = mini.read_text("utf-8")
    assert (
        '    updates:\n      "2023-12":\n        stage: design\n        rag: null\n'
        '        text: null\n      "2024-06":\n'
    ) in text


def test_update_changes_only_the_fields_given(run: Run, mini: Path) -> None:
    result = run("update", "T1", "--period", "June 2024", "--rag", "orange", "--data", str(mini))
    assert result.exit_code == 0, result
    update = update_of(mini, "T1", "2024-06")
    assert (update.stage, update.rag, update.text) == (Stage.DELIVERY, Rag.AMBER, "Now delivering.")


def test_update_rag_unrated_writes_null(run: Run, mini: Path) -> None:
    result = run("update", "T1", "--period", "2024-06", "--rag", "unrated", "--data", str(mini))
    assert result.exit_code == 0, result
    assert update_of(mini, "T1", "2024-06").rag is None


def test_update_text_file(run: Run, mini: Path, tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_bytes(b"\xef\xbb\xbfFirst line of the update,\r\n  and its second line.\r\n\r\n")
    result = run(
        "update", "T10", "--period", "2024-06", "--text-file", str(words), "--data", str(mini)
    )
    assert result.exit_code == 0, result
    update = update_of(mini, "T10", "2024-06")
    assert update.text == "First line of the update, and its second line."


def test_update_text_from_stdin(run: Run, mini: Path) -> None:
    result = run(
        "update",
        "T10",
        "--period",
        "2024-06",
        "--text-file",
        "-",
        "--data",
        str(mini),
        input="From a pipe: it works.\n",
    )
    assert result.exit_code == 0, result
    update = update_of(mini, "T10", "2024-06")
    assert update.text == "From a pipe: it works."


def test_update_nothing_changed(run: Run, mini: Path) -> None:
    before = mini.read_bytes()
    result = run("update", "T1", "--period", "2024-06", "--stage", "delivery", "--data", str(mini))
    assert result.exit_code == 0, result
    assert result.stderr == (
        f"no change: T1 for 2024-06 already has these values; {mini} is unchanged\n"
    )
    assert mini.read_bytes() == before


def test_update_one_scheme(run: Run, mini: Path) -> None:
    result = run(
        "update",
        "T2",
        "--period",
        "2023-12",
        "--scheme",
        "line b",
        "--stage",
        "delivery",
        "--data",
        str(mini),
    )
    assert result.exit_code == 0, result
    schemes = update_of(mini, "T2", "2023-12").schemes
    assert [(s.scheme, s.stage) for s in schemes or []] == [
        ("Line A", Stage.DELIVERY),
        ("Line B", Stage.DELIVERY),
    ]


def test_update_one_scheme_in_a_new_period_carries_the_others(run: Run, shipped_copy: Path) -> None:
    data = ("--data", str(shipped_copy))
    assert run("period", "add", "2024-06", *data).exit_code == 0
    result = run(
        "update",
        "T17",
        "--period",
        "2024-06",
        "--scheme",
        "Ivanhoe",
        "--stage",
        "delivery",
        *data,
    )
    assert result.exit_code == 0, result
    assert (
        "note: T17: the other schemes' stages for 2024-06 are carried forward from 2023-12 ("
        "MMLe: delivery; Network North: discovery)" in result.stderr
    )
    update = update_of(shipped_copy, "T17", "2024-06")
    assert update.stage_label == (
        "MMLe: Delivery; Ivanhoe: Delivery; "
        "Network North: Discovery"
    )
    assert (update.rag, update.text) == (None, None)


def test_update_every_scheme_from_stage_text(run: Run, mini: Path) -> None:
    result = run(
        "update",
        "T2",
        "--period",
        "2024-06",
        "--stage",
        "Line A: completed; Line B: Delivery",
        "--data",
        str(mini),
    )
    assert result.exit_code == 0, result
    text = mini.read_text("utf-8")
    assert (
        '      "2024-06":\n        schemes:\n          - scheme: Line A\n'
        "            stage: completed\n          - scheme: Line B\n"
        "            stage: delivery\n        rag: red\n"
    ) in text


def test_update_single_stage_replaces_schemes(run: Run, mini: Path) -> None:
    result = run("update", "T2", "--period", "2023-12", "--stage", "completed", "--data", str(mini))
    assert result.exit_code == 0, result
    assert "note: T2: its schemes for 2023-12 are replaced by one stage, completed" in result.stderr
    update = update_of(mini, "T2", "2023-12")
    assert (update.stage, update.schemes) == (Stage.COMPLETED, None)


def test_update_stage_where_a_null_stage_sits_beside_schemes(run: Run, mini: Path) -> None:
    text = mini.read_text("utf-8").replace(
        '      "2023-12":\n        schemes:\n',
        '      "2023-12":\n        stage: null\n        schemes:\n',
    )
    mini.write_text(text, encoding="utf-8")
    result = run("update", "T2", "--period", "2023-12", "--stage", "design", "--data", str(mini))
    assert result.exit_code == 0, result
    update = update_of(mini, "T2", "2023-12")
    assert (update.stage, update.schemes) == (Stage.DESIGN, None)


def test_update_action_fields(run: Run, mini: Path) -> None:
    result = run(
        "update",
        "T10",
        "--timescale",
        "m / s",
        "--cost",
        "m",
        "--carbon",
        "M-H",
        "--score",
        "7.5",
        "--role",
        "Lead",
        "--add-partner",
        "district councils",
        "--remove-partner",
        "OFGEM",
        "--data",
        str(mini),
    )
    assert result.exit_code == 0, result
    assert result.stderr == (
        f"updated T10 (timescale, cost, carbon_saving, deliverability_score, role, partners) "
        f"in {mini}\n"
    )
    action = load_plan(mini).action("T10")
    assert action is not None
    assert (action.timescale, action.cost, action.carbon_saving) == ("S/M", "M", "M/H")
    assert action.deliverability_score == 7.5
    assert action.role is not None and action.role.value == "lead"
    assert action.partners == ["Districts"]
    result = run(
        "update", "T10", "--score", "12", "--remove-partner", "Districts", "--data", str(mini)
    )
    assert result.exit_code == 0, result
    assert "    partners: []\n    timescale: S/M\n" in mini.read_text("utf-8")
    assert "    deliverability_score: 12\n" in mini.read_text("utf-8")


def test_update_partner_already_listed_is_a_note(run: Run, mini: Path) -> None:
    before = mini.read_bytes()
    result = run("update", "T1", "--add-partner", "Districts", "--data", str(mini))
    assert result.exit_code == 0, result
    assert "note: T1 already lists 'Districts'" in result.stderr
    assert mini.read_bytes() == before


@pytest.mark.parametrize(
    "args,needles",
    [
        (
            ["T1", "--period", "2024-06", "--rag", "purple"],
            ["--rag: unknown RAG rating 'purple'", "red, amber, green, unrated"],
        ),
        (
            ["T1", "--period", "2024-06", "--stage", "finished"],
            ["--stage: unknown stage 'finished'", "discovery, design, delivery, completed"],
        ),
        (["T99", "--period", "2024-06", "--rag", "red"], ["no action with ID 'T99'"]),
        (
            ["T1", "--period", "2025-06", "--rag", "red"],
            ["unknown period '2025-06'", "2023-12 (December 2023), 2024-06 (June 2024)"],
        ),
        (["T1", "--score", "abc"], ["--score: 'abc' is not a deliverability score"]),
        (["T1", "--score", "-3"], ["--score: '-3' is not a deliverability score"]),
        (["T1", "--timescale", "X"], ["--timescale: 'X' is not a timescale", "S, M, L"]),
        (["T1", "--cost", "huge"], ["--cost: 'huge' is not a cost", "L, M, H"]),
        (["T1", "--role", "boss"], ["--role: unknown role 'boss'", "lead, ask, influence"]),
        (["T1", "--add-partner", "Nobody Ltd"], ["--add-partner: unknown partner 'Nobody Ltd'"]),
        (["T1", "--remove-partner", "Nobody"], ["--remove-partner: unknown partner 'Nobody'"]),
        (
            ["T1", "--add-partner", "Ofgem", "--remove-partner", "OFGEM"],
            ["Ofgem: both added and removed"],
        ),
        (["T1"], ["nothing to change"]),
        (["T1", "--rag", "red"], ["--period is required with --stage, --rag, --text and --clear"]),
        (["T1", "--period", "2024-06", "--scheme", "Line A"], ["--scheme goes with --stage"]),
        (
            ["T1", "--period", "2024-06", "--scheme", "X", "--stage", "A: design"],
            ["--scheme takes one stage"],
        ),
        (
            ["T1", "--period", "2024-06", "--scheme", "Line A", "--stage", "design"],
            ["--scheme: T1 has no schemes"],
        ),
        (
            ["T2", "--period", "2023-12", "--scheme", "Line C", "--stage", "design"],
            ["--scheme: T2 has no scheme 'Line C'", "Its schemes: Line A; Line B"],
        ),
        (
            ["T2", "--period", "2024-06", "--scheme", "Line A", "--stage", "design"],
            ["--scheme: T2's update for 2024-06 has one stage (delivery)"],
        ),
        (
            ["T2", "--period", "2024-06", "--stage", "Line A: design; line a: delivery"],
            ["--stage: scheme 'line a' is given twice"],
        ),
        (["T1", "--period", "2024-06", "--text", "  \n "], ["--text is empty"]),
        (
            ["T1", "--period", "2024-06", "--text", "a", "--text-file", "f"],
            ["give --text or --text-file, not both"],
        ),
        (
            ["T1", "--period", "2024-06", "--text-file", "/no/such/file"],
            ["--text-file: /no/such/file: no such file"],
        ),
    ],
)
def test_update_refusals(run: Run, mini: Path, args: list[str], needles: list[str]) -> None:
    before = mini.read_bytes()
    refused(run("update", *args, "--data", str(mini)), mini, before, *needles)


def test_update_goes_to_the_resolved_data_file(run: Run, mini: Path) -> None:
    result = run(
        "update", "T1", "--period", "2024-06", "--rag", "red", env={"NZCLI_DATA": str(mini)}
    )
    assert result.exit_code == 0, result
    assert update_of(mini, "T1", "2024-06").rag is Rag.RED


def test_value_parsers() -> None:
    assert parse_stage("In Delivery") is Stage.DELIVERY
    assert parse_stage("A: design; B:c: Complete;") == [
        ("A", Stage.DESIGN),
        ("B:c", Stage.COMPLETED),
    ]
    assert parse_rag("Orange") is Rag.AMBER
    assert parse_rag("Not rated") is None
    assert clean_text("  one\n\n two  \r\n") == "one two"
    with pytest.raises(UsageError, match="has no scheme name"):
        parse_stage(": design")


# ---------------------------------------------------------------------------------------------
# import


def export(run: Run, path: Path, target: Path, *args: str) -> list[list[str]]:
    result = run(*args, "--format", "csv", "--excel", "--output", str(target), "--data", str(path))
    assert result.exit_code == 0, result
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    return read_csv(target)


def set_cells(rows: list[list[str]], action_id: str, **cells: str) -> None:
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == action_id)
    for column, value in cells.items():
        row[header.index(column)] = value


@pytest.mark.parametrize(
    "command", [["list", "--period", "2024-06"], ["report", "2024-06"]], ids=["list", "report"]
)
def test_import_a_filled_in_export(
    run: Run, shipped_copy: Path, tmp_path: Path, command: list[str]
) -> None:
    data = ("--data", str(shipped_copy))
    assert run("period", "add", "2024-06", *data).exit_code == 0
    sheet = tmp_path / "june-2024.csv"
    rows = export(run, shipped_copy, sheet, *command)
    set_cells(rows, "T1", stage="Delivery", rag="Green", update="LTP4 was adopted in May.")
    set_cells(rows, "T2", rag="amber")
    set_cells(
        rows,
        "T17",
        stage="MMLe: completed; Ivanhoe: delivery; Network North: design",
        rag="red",
    )
    set_cells(rows, "B1", stage="design", update="'=formula-looking text, kept as text")
    write_csv(sheet, rows)
    before = shipped_copy.read_text("utf-8")
    result = run("import", str(sheet), "--period", "2024-06", *data)
    assert result.exit_code == 0, result
    assert result.stderr == (
        "note: 1 new update for 2024-06 has no stage (blank stage cell): T2; to carry the "
        "last stage forward, write 'no change since last time' in the cell\n"
        f"imported 4 updates for 2024-06 from {sheet} (172 of 176 rows unchanged) "
        f"into {shipped_copy}\n"
    )
    plan = load_plan(shipped_copy)

    def update(action_id: str) -> Any:
        found = plan.action(action_id)
        assert found is not None
        return found.updates["2024-06"]

    assert (update("T1").stage, update("T1").rag, update("T1").text) == (
        Stage.DELIVERY,
        Rag.GREEN,
        "LTP4 was adopted in May.",
    )
    assert (update("T2").stage, update("T2").rag, update("T2").text) == (None, Rag.AMBER, None)
    assert update("T17").stage_label == (
        "MMLe: Completed; Ivanhoe: Delivery; "
        "Network North: Design"
    )
    assert update("B1").text == "=formula-looking text, kept as text"
    assert sum(1 for a in plan.actions if "2024-06" in a.updates) == 4
    assert all(line.startswith("+") for line in changed_lines(before, shipped_copy.read_text()))


def test_import_blank_cells_leave_fields_unchanged(run: Run, mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    write_csv(sheet, [["id", "stage", "rag", "update"], ["T1", "", "red", ""], ["T2", "", "", ""]])
    result = run("import", str(sheet), "--period", "2024-06", "--data", str(mini))
    assert result.exit_code == 0, result
    update = update_of(mini, "T1", "2024-06")
    assert (update.stage, update.rag, update.text) == (Stage.DELIVERY, Rag.RED, "Now delivering.")


def test_import_rejects_every_bad_row_and_changes_nothing(
    run: Run, mini: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "bad.csv"
    write_csv(
        sheet,
        [
            ["id", "action", "stage", "rag", "update"],
            ["T1", "a cell\nover two lines", "design", "red", "fine"],
            ["T99", "", "design", "", ""],
            ["T2", "", "", "purple", ""],
            ["t1", "", "", "green", ""],
            ["", "", "design", "", ""],
            ["N1", "", "Line A: designing", "", ""],
            ["X1", "", "", "", "fine too"],
        ],
    )
    before = mini.read_bytes()
    result = run("import", str(sheet), "--period", "2024-06", "--data", str(mini))
    assert result.exit_code == 2, result
    assert result.stderr.splitlines() == [
        f"{sheet}:4: T99: unknown action ID",
        f"{sheet}:5: T2: 'rag' (column D): unknown RAG rating 'purple'. Valid RAG ratings: red, "
        "amber, green, unrated.",
        f"{sheet}:6: T1: also at {sheet}:2; give each action once",
        f"{sheet}:7: no action ID in the 'id' (column A) column",
        f"{sheet}:8: N1: 'stage' (column C): unknown stage 'designing'; did you mean 'design'? "
        "Valid stages: discovery, design, delivery, completed.",
        f"nzcli: error: {sheet}: 5 problems (listed above); nothing was imported and the data "
        "file is unchanged",
    ]
    assert mini.read_bytes() == before


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"", "the file is empty"),
        (b"name,stage\r\nT1,design\r\n", "bad.csv:1: no action ID column (found: 'name', 'stage')"),
        (b"id;stage;rag\r\nT1;design;red\r\n", "seem to be separated by ';'"),
        (b"id,action\r\nT1,x\r\n", "bad.csv:1: no update column (found: 'id', 'action')"),
        (b"id,stage,Stage\r\n", "the 'stage' column appears twice"),
        (b"id,stage\r\nT1,d\xe9sign\r\n", "bad.csv:2: not UTF-8 (byte 0xe9)"),
        (b'id,stage,update\r\nT1,"design\r\n', "bad.csv:2: not valid CSV: unexpected end of data"),
        (b'id,stage,update\r\nT1,"de"sign\r\n', "bad.csv:2: not valid CSV"),
    ],
)
def test_import_refuses_files_that_are_not_an_export(
    run: Run, mini: Path, tmp_path: Path, content: bytes, needle: str
) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(content)
    before = mini.read_bytes()
    refused(
        run("import", str(sheet), "--period", "2024-06", "--data", str(mini)), mini, before, needle
    )


def test_import_needs_a_period_and_a_file(run: Run, mini: Path, tmp_path: Path) -> None:
    before = mini.read_bytes()
    sheet = tmp_path / "s.csv"
    write_csv(sheet, [["id", "rag", "update"], ["T1", "red", ""]])
    refused(
        run("import", str(sheet), "--data", str(mini)),
        mini,
        before,
        "--period is required: the sheet does not say which period it is for",
    )
    refused(
        run("import", str(tmp_path / "missing.csv"), "--period", "2024-06", "--data", str(mini)),
        mini,
        before,
        "missing.csv: no such file",
    )
    refused(
        run("import", str(sheet), "--period", "2031-01", "--data", str(mini)),
        mini,
        before,
        "unknown period '2031-01'",
    )


def test_import_dry_run_and_period_note(run: Run, mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    rows = export(run, mini, sheet, "list", "--period", "2023-12")
    set_cells(rows, "T10", stage="design", update="Now designing.")
    write_csv(sheet, rows)
    before = mini.read_bytes()
    result = run("import", str(sheet), "--period", "2024-06", "--dry-run", "--data", str(mini))
    assert result.exit_code == 2, result  # a sheet made for another period: refused
    assert f"{sheet}: made for 2023-12 ({sheet}:2 says so), not 2024-06" in result.stderr
    result = run(
        "import", str(sheet), "--period", "2024-06", "--force", "--dry-run", "--data", str(mini)
    )
    assert result.exit_code == 0, result
    assert mini.read_bytes() == before
    assert '+      "2024-06":\n+        stage: design\n' in result.stdout
    assert f"note: {sheet} was made for 2023-12; its values are recorded for 2024-06" in (
        result.stderr
    )
    assert "dry run: would import" in result.stderr


def test_import_nothing_to_change(run: Run, mini: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    export(run, mini, sheet, "list")
    before = mini.read_bytes()
    result = run("import", str(sheet), "--period", "2024-06", "--data", str(mini))
    assert result.exit_code == 0, result
    assert result.stderr.startswith("no change: every row of")
    assert mini.read_bytes() == before


def test_parse_csv_lines_and_unneutralise() -> None:
    data = b"\xef\xbb\xbfid,update,stage\r\nT1,\"two\r\nlines\",design\r\n\r\nT2,'=1+1,'-design\r\n"
    rows = parse_csv(data, "x.csv").rows
    assert [(r.line, r.id, r.text("update"), r.text("stage")) for r in rows] == [
        (2, "T1", "two\r\nlines", "design"),
        (5, "T2", "=1+1", "-design"),
    ]


# ---------------------------------------------------------------------------------------------
# diff


@pytest.fixture
def history(run: Run, mini: Path) -> Path:
    """mini with a RAG that worsens (T1 amber -> red), a stage moving back (N1) and a new
    action (X1, added in 2024-06)."""
    data = ("--data", str(mini))
    assert run("update", "T1", "--period", "2023-12", "--rag", "amber", *data).exit_code == 0
    assert run("update", "T1", "--period", "2024-06", "--rag", "red", *data).exit_code == 0
    assert run("update", "N1", "--period", "2024-06", "--stage", "delivery", *data).exit_code == 0
    text = mini.read_text("utf-8").replace(
        "        text: Behind target.\n", '        text: Behind target.\n    added_in: "2024-06"\n'
    )
    mini.write_text(text, encoding="utf-8")
    return mini


def test_diff_json(run: Run, history: Path) -> None:
    result = run("diff", "2023-12", "latest", "--format", "json", "--data", str(history))
    assert result.exit_code == 0, result
    doc = json.loads(result.stdout)
    assert doc["period_a"] == {"id": "2023-12", "name": "December 2023"}
    assert doc["period_b"] == {"id": "2024-06", "name": "June 2024"}
    assert (doc["actions"], doc["changed"]) == (5, 5)
    changes = [(c["id"], c["kinds"], c["change"]) for c in doc["changes"]]
    # newly red first, then stage back, then the rest; "not updated" last
    assert changes == [
        ("T1", ["stage_forward", "newly_red"], "stage design → delivery; RAG amber → red"),
        (
            "T2",
            ["stage_forward", "newly_red"],
            "stage Line A: delivery; Line B: design → delivery; RAG not rated → red",
        ),
        ("N1", ["stage_back", "rag_rated"], "stage completed → delivery; RAG not rated → amber"),
        ("X1", ["new_action"], "new action (added in 2024-06)"),
        ("T10", ["not_updated"], "updated in 2023-12 but not in 2024-06"),
    ]
    assert doc["format_version"] == 1
    assert doc["counts"] == {
        "newly_red": 2,
        "stage_back": 1,
        "rag_rated": 1,
        "new_action": 1,
        "stage_forward": 2,
        "not_updated": 1,
    }
    first = doc["changes"][0]
    assert {k: first[k] for k in DIFF_COLUMNS} == {
        "id": "T1",
        "theme": "transport",
        "action": "Develop a vision for transport.",
        "change": "stage design → delivery; RAG amber → red",
        "stage_a": [{"scheme": None, "stage": "design"}],
        "stage_b": [{"scheme": None, "stage": "delivery"}],
        "rag_a": "amber",
        "rag_b": "red",
    }
    assert doc["changes"][4]["stage_b"] == [] and doc["changes"][4]["rag_b"] is None


def test_diff_csv(run: Run, history: Path) -> None:
    result = run("diff", "2023-12", "2024-06", "--format", "csv", "--data", str(history))
    assert result.exit_code == 0, result
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == list(DIFF_COLUMNS)
    assert rows[1] == [
        "T1",
        "transport",
        "Develop a vision for transport.",
        "stage design → delivery; RAG amber → red",
        "design",
        "delivery",
        "amber",
        "red",
    ]
    assert [r[0] for r in rows[1:]] == ["T1", "T2", "N1", "X1", "T10"]


def test_diff_markdown_and_table(run: Run, history: Path) -> None:
    summary = (
        "December 2023 (2023-12) → June 2024 (2024-06): 5 of 5 actions changed: 2 newly red, "
        "1 stage back, 1 RAG rated, 1 new action, 2 stage forward, 1 not updated."
    )
    md = run("diff", "2023-12", "2024-06", "--format", "md", "--data", str(history))
    assert md.exit_code == 0, md
    assert md.stdout.startswith("# Changes from December 2023 to June 2024\n\n" + summary + "\n")
    tables = squeeze(md.stdout)
    assert "| ID | Theme | Action | Change | Stage 2023-12 | Stage 2024-06 |" in tables
    assert "| T10 | transport | Trial demand responsive transport. |" in tables
    assert "| Discovery | No update | Not rated | No update |" in tables
    table = run("diff", "2023-12", "2024-06", "--data", str(history), env={"COLUMNS": "200"})
    assert table.exit_code == 0, table
    assert "Changes from December 2023 to June 2024" in table.stdout
    assert " ".join(summary.split()) in " ".join(table.stdout.split())
    assert "T10" in table.stdout


def test_diff_filters_and_order(run: Run, history: Path) -> None:
    result = run(
        "diff",
        "2023-12",
        "2024-06",
        "--theme",
        "transport",
        "--rag",
        "red",
        "--format",
        "json",
        "--data",
        str(history),
    )
    assert result.exit_code == 0, result
    doc = json.loads(result.stdout)
    assert [c["id"] for c in doc["changes"]] == ["T1", "T2"]
    assert doc["actions"] == 2


def test_diff_no_changes_and_not_updated(run: Run, mini: Path) -> None:
    assert run("period", "add", "2024-12", "--data", str(mini)).exit_code == 0
    assert run("period", "add", "2025-06", "--data", str(mini)).exit_code == 0
    result = run("diff", "2024-12", "2025-06", "--format", "md", "--data", str(mini))
    assert result.exit_code == 0, result
    assert result.stdout == (
        "# Changes from December 2024 to June 2025\n\n"
        "December 2024 (2024-12) → June 2025 (2025-06): 0 of 5 actions changed.\n"
    )
    result = run("diff", "2024-06", "2024-12", "--format", "json", "--data", str(mini))
    assert json.loads(result.stdout)["counts"] == {"not_updated": 4}


@pytest.mark.parametrize(
    "args,needle",
    [
        (["2023-12", "december-2023"], "PERIOD_A and PERIOD_B are both 2023-12"),
        (["2023-12", "2031-06"], "unknown period '2031-06'"),
        (["2023-12", "2024-06", "--format", "html"], "'html' is not available here"),
    ],
)
def test_diff_refusals(run: Run, args: list[str], needle: str) -> None:
    result = run("diff", *args, "--data", str(FIXTURES / "mini.yaml"))
    assert result.exit_code == 2, result
    assert needle in result.stderr


def test_compare_schemes() -> None:
    plan = load_plan(FIXTURES / "mini.yaml")
    a, b = plan.periods
    t2 = plan.action("T2")
    assert t2 is not None
    change = compare(t2, a, b)
    assert change is not None and change.kinds == ["stage forward", "newly red"]
    assert compare(t2, b, b) is None
