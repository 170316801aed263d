"""`nzcli check`: every problem with its line, the summary, and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, SHIPPED, Run

BAD = FIXTURES / "bad"


def lines(text: str) -> list[str]:
    return text.strip().splitlines()


def test_shipped_plan_without_its_score_notes_warns(run: Run, tmp_path: Path) -> None:
    # the shipped plan's score_note lines accept these 18 (tests/test_data_contracts.py);
    # without them, each is a warning naming the rule's score
    import re

    bare = tmp_path / "bare.yaml"
    text = SHIPPED.read_text(encoding="utf-8")
    bare.write_text(re.sub(r"(?m)^    score_note: .*\n", "", text), encoding="utf-8")
    result = run("--data", str(bare), "check")
    assert result.exit_code == 0, result
    out = lines(result.stdout)
    assert out[-1].endswith(": 176 actions, 0 errors, 18 warnings")
    warned = {line.split(": ")[1] for line in out[:-1]}
    assert warned == {
        "T1",
        "T23",
        "T25",
        "T28",
        "T30",
        "B12",
        "B16",
        "B18",
        "B21",
        "B34",
        "E13",
        "E14",
        "R13",
        "R16",
        "R17",
        "C6",
        "C15",
        "N6",
    }
    n6 = next(line for line in out if ": N6: " in line)
    assert n6.endswith("N6: warning: deliverability score is missing; the rule gives 6")
    t1 = next(line for line in out if ": T1: " in line)
    assert t1.endswith(
        "T1: warning: deliverability score 18 disagrees with the rule: "
        "timescale S x cost M x carbon saving M gives 12"
    )


def test_strict_fails_on_warnings(run: Run) -> None:
    assert run("--data", str(FIXTURES / "mini.yaml"), "check", "--strict").exit_code == 1


def test_mini_plan_warnings(run: Run) -> None:
    result = run("--data", str(FIXTURES / "mini.yaml"), "check")
    assert result.exit_code == 0, result
    assert lines(result.stdout) == [
        f"{FIXTURES / 'mini.yaml'}:110:5: T10: warning: no update for the latest period, "
        "2024-06 (June 2024)",
        f"{FIXTURES / 'mini.yaml'}:115:5: N1: warning: deliverability score is missing; "
        "the rule gives 2",
        f"{FIXTURES / 'mini.yaml'}: 5 actions, 0 errors, 2 warnings",
    ]


def check_lines(run: Run, name: str) -> list[str]:
    path = BAD / name
    result = run("check", "--data", str(path))
    assert result.exit_code == 1, result
    return [line.replace(str(path), "F") for line in lines(result.stdout)]


def test_schema_errors_all_reported_with_lines(run: Run) -> None:
    assert check_lines(run, "schema.yaml") == [
        "F:76:5: T2: error: actions[1].role: Input should be 'lead', 'ask' or 'influence' "
        "(got 'boss')",
        "F:106:5: T10: error: actions[2].timescale: 'L/M' is not a timescale; use one of S, M, "
        "L, or a range in that order joined by '/', such as S/M (did you mean 'M/L'?)",
        "F: 5 actions, 2 errors, 0 warnings",
    ]


def test_duplicate_id(run: Run) -> None:
    assert check_lines(run, "duplicate-id.yaml") == [
        "F:97:5: T2: error: actions[2].id: duplicate action id 'T2' (first used by actions[1])",
        "F: 5 actions, 1 error, 0 warnings",
    ]


def test_duplicate_key(run: Run) -> None:
    assert check_lines(run, "duplicate-key.yaml") == [
        "F:54:5: error: duplicate key 'role': the same key appears twice in one mapping; keep one",
        "F: 5 actions, 1 error, 0 warnings",
    ]


def test_unknown_references(run: Run) -> None:
    assert check_lines(run, "references.yaml") == [
        "F:78:9: T2: error: actions[1].partners[0]: unknown partner 'Midland Connect'; add it "
        "to the partners list first",
        "F:79:9: T2: error: actions[1].partners[1]: unknown partner 'District Councils'; "
        "'District Councils' is an alias of 'Districts', use the canonical name",
        "F:93:7: T2: error: actions[1].updates.2024-07: unknown period '2024-07'; known "
        "periods: 2023-12, 2024-06",
        "F:99:5: T10: error: actions[2].section: unknown section 'Buses' for theme "
        "'transport'; known sections: Policy and Strategy, Public Transport",
        "F:116:5: N1: error: actions[3].theme: unknown theme 'nature'; known themes: "
        "cross-cutting, nature-and-land-use, transport",
        "F: 5 actions, 5 errors, 0 warnings",
    ]


def test_unknown_key(run: Run) -> None:
    assert check_lines(run, "unknown-key.yaml") == [
        "F:104:5: T10: error: actions[2].lead_officer: unknown key; remove it or check its "
        "spelling (see docs/data-format.md)",
        "F: 5 actions, 1 error, 0 warnings",
    ]


def test_syntax_error(run: Run) -> None:
    assert check_lines(run, "syntax.yaml") == [
        "F:108:18: error: YAML syntax error: did not find expected ',' or ']'",
        "F: 0 actions, 1 error, 0 warnings",
    ]


def test_json_format(run: Run) -> None:
    result = run("check", "--format", "json", "--data", str(BAD / "schema.yaml"))
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["format_version"] == 1
    assert (payload["errors"], payload["warnings"], payload["ok"]) == (2, 0, False)
    assert [(p["line"], p["id"], p["severity"]) for p in payload["problems"]] == [
        (76, "T2", "error"),
        (106, "T10", "error"),
    ]


def test_other_commands_refuse_invalid_data(run: Run) -> None:
    path = BAD / "schema.yaml"
    result = run("list", "--data", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"nzcli: error: {path}:76:5: T2: actions[1].role: Input should be 'lead', 'ask' or "
        "'influence' (got 'boss') (and 1 more; run `nzcli check` for all)\n"
    )


def test_missing_file(run: Run, tmp_path: Path) -> None:
    result = run("check", "--data", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{tmp_path / 'nope.yaml'}: error: no such file")
