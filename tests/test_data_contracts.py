"""Issue 17's data: partner aliases, T17's scheme labels as printed, accepted score
differences (`score_note`), `check --id`, and `show` explaining the score."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, SHIPPED, Run
from nzcli import load_plan

#: The source document's extracted text (a copy kept with the tests).
SOURCE = FIXTURES / "source-2023-12.txt"
MISMATCHED = [
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
]


def ids(run: Run, *args: str) -> list[str]:
    result = run("list", *args, "--format", "json")
    assert result.exit_code == 0, result
    return [r["id"] for r in json.loads(result.stdout)["actions"]]


# ---------------------------------------------------------------------------------------------
# Partners


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("WPD", "NGED"),
        ("Western Power Distribution", "NGED"),
        ("national grid electricity distribution", "NGED"),
        ("Leicester and Leicestershire Enterprise Partnership", "LLEP"),
        ("charge point operators", "Business - charge point operators"),
        ("MNZH", "Midlands Net Zero Hub"),
        ("Environmental Action Volunteers", "EAVs"),
        ("Great British Railways", "Great British Rail"),
        ("GBR", "Great British Rail"),
    ],
)
def test_partner_aliases_find_the_partner(run: Run, spelling: str, canonical: str) -> None:
    assert ids(run, "--partner", spelling) == ids(run, "--partner", canonical)
    assert ids(run, "--partner", spelling)
    shown = run("partners", spelling, "--format", "json")
    assert json.loads(shown.stdout)["partner"] == canonical


def test_wpd_and_nged_are_one_partner(run: Run) -> None:
    assert ids(run, "--partner", "NGED") == ["T22", "T26", "B23", "B36", "B37"]
    plan = load_plan(SHIPPED)
    names = [p.name for p in plan.partners]
    assert "WPD" not in names and "NGED" in names and "National Grid" in names
    index = json.loads(run("partners", "--format", "json").stdout)["partners"]
    nged = next(e for e in index if e["partner"] == "NGED")
    assert (nged["count"], nged["ids"]) == (5, ["T22", "T26", "B23", "B36", "B37"])
    assert "WPD" in nged["aliases"]


# ---------------------------------------------------------------------------------------------
# T17


def test_t17_scheme_labels_are_as_printed(run: Run) -> None:
    update = load_plan(SHIPPED).action("T17").updates["2023-12"]  # type: ignore[union-attr]
    labels = [s.scheme for s in update.schemes or []]
    assert labels == ["MMLe", "Ivanhoe", "Network North"]
    row = next(line for line in SOURCE.read_text("utf-8").splitlines() if "| T17 |" in line)
    assert "MMLe - Delivery Ivanhoe - Design Network North - Discovery" in row
    row = json.loads(run("list", "--id", "T17", "-f", "json").stdout)["actions"][0]
    assert [s["scheme"] for s in row["stage"]] == labels


# ---------------------------------------------------------------------------------------------
# Score notes


def test_strict_check_passes_on_the_shipped_plan(run: Run) -> None:
    result = run("check", "--strict")
    assert result.exit_code == 0, result
    assert result.stdout == f"{SHIPPED}: 176 actions, 0 errors, 0 warnings\n"


def test_every_accepted_difference_has_a_note_and_no_other_does() -> None:
    from nzcli.rules import expected_score

    plan = load_plan(SHIPPED)
    noted = {a.id for a in plan.actions if a.score_note}
    assert noted == {*MISMATCHED, "N6"}
    for action in plan.actions:
        rule = expected_score(action)
        if action.id in MISMATCHED:
            assert rule is not None and action.deliverability_score is not None
            assert abs(rule - action.deliverability_score) > 1e-9, action.id


@pytest.mark.parametrize(
    ("old", "new", "who", "message"),
    [
        # T3 agrees with the rule (7.5): a changed score is a new disagreement
        (
            "deliverability_score: 7.5\n",
            "deliverability_score: 8\n",
            "T3",
            "deliverability score 8 disagrees with the rule: timescale S/M x cost L x carbon "
            "saving L gives 7.5",
        ),
    ],
)
def test_a_new_disagreement_still_fails_strict(
    run: Run, shipped_copy: Path, old: str, new: str, who: str, message: str
) -> None:
    text = shipped_copy.read_text("utf-8")
    start = text.index(f"  - id: {who}\n")
    at = text.index(old, start)
    shipped_copy.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    result = run("--data", str(shipped_copy), "check", "--strict")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(rf".*:\d+:5: {who}: warning: {re.escape(message)}", lines[0])
    assert lines[1].endswith(": 176 actions, 0 errors, 1 warning")
    assert run("--data", str(shipped_copy), "check").exit_code == 0  # a warning, not an error


def test_removing_a_note_brings_the_warning_back(run: Run, shipped_copy: Path) -> None:
    text = shipped_copy.read_text("utf-8")
    start = text.index("  - id: B21\n")
    note = re.compile(r"    score_note: [^\n]*\n")
    found = note.search(text, start)
    assert found is not None
    shipped_copy.write_text(text[: found.start()] + text[found.end() :], encoding="utf-8")
    result = run("--data", str(shipped_copy), "check", "--strict", "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["id"], p["code"]) for p in problems] == [("B21", "score-mismatch")]


# ---------------------------------------------------------------------------------------------
# check --id


def test_check_id_narrows_the_problems(run: Run, shipped_copy: Path) -> None:
    text = shipped_copy.read_text("utf-8")
    for who in ("B21", "N6"):
        start = text.index(f"  - id: {who}\n")
        found = re.compile(r"    score_note: [^\n]*\n").search(text, start)
        assert found is not None
        text = text[: found.start()] + text[found.end() :]
    shipped_copy.write_text(text, encoding="utf-8")
    data = ("--data", str(shipped_copy))
    both = json.loads(run(*data, "check", "--format", "json").stdout)
    assert sorted(p["id"] for p in both["problems"]) == ["B21", "N6"]
    one = run(*data, "check", "--id", "b21", "--strict")
    assert one.exit_code == 1
    assert one.stdout.splitlines()[-1] == f"{shipped_copy}: 1 action, 0 errors, 1 warning"
    assert " B21: warning: " in one.stdout and "N6" not in one.stdout
    pattern = run(*data, "check", "--id", "N*", "--id", "T1", "--format", "json")
    document = json.loads(pattern.stdout)
    assert [p["id"] for p in document["problems"]] == ["N6"]
    assert document["actions"] == 21
    clean = run(*data, "check", "--id", "T17", "--strict")
    assert (clean.exit_code, clean.stdout) == (
        0,
        f"{shipped_copy}: 1 action, 0 errors, 0 warnings\n",
    )


def test_check_id_unknown(run: Run) -> None:
    result = run("check", "--id", "Z9")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "nzcli: error: --id: no action matches 'Z9'; run `nzcli list` to see all IDs\n"
    )


def test_check_id_keeps_errors_of_the_whole_file(run: Run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("plan: [\n", encoding="utf-8")
    result = run("--data", str(broken), "check", "--id", "T1")
    assert result.exit_code == 1
    assert ": error: " in result.stdout


# ---------------------------------------------------------------------------------------------
# show


def test_show_explains_a_disagreeing_score(run: Run) -> None:
    document = json.loads(run("show", "B21", "-f", "json").stdout)
    assert document["score"] == {
        "printed": 6,
        "rule": 7.5,
        "working": "timescale S/M (2.5) x cost M/H (1.5) x carbon saving L/H (2) = 7.5",
        "agrees": False,
        "note": "Kept as printed; the document does not explain the difference from the rule.",
        "why": "Kept as printed; the document does not explain the difference from the rule.",
    }
    table = run("show", "B21").stdout
    flat = " ".join(table.split())
    assert "Score by the rule | timescale S/M (2.5) x cost M/H (1.5) x carbon" in flat
    assert "Why they differ | Kept as printed;" in flat


def test_show_of_an_agreeing_score_gives_the_working_only(run: Run) -> None:
    document = json.loads(run("show", "T3", "-f", "json").stdout)
    assert document["score"]["agrees"] is True and document["score"]["why"] is None
    assert "Why they differ" not in run("show", "T3").stdout
    assert "Score by the rule" in run("show", "T3").stdout
    cross = json.loads(run("show", "X1", "-f", "json").stdout)["score"]
    assert cross == {
        "printed": None,
        "rule": None,
        "working": None,
        "agrees": None,
        "note": None,
        "why": None,
    }


def test_show_explains_an_unnoted_difference(run: Run, shipped_copy: Path) -> None:
    text = shipped_copy.read_text("utf-8")
    start = text.index("  - id: T3\n")
    at = text.index("deliverability_score: 7.5\n", start)
    shipped_copy.write_text(
        text[:at] + "deliverability_score: 8\n" + text[at + 26 :], encoding="utf-8"
    )
    score = json.loads(run("--data", str(shipped_copy), "show", "T3", "-f", "json").stdout)["score"]
    assert score["why"] == "the printed score differs from the rule and the plan does not say why"
