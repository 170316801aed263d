"""Issue 3, the query commands, tested through the CLI.

Expected ID sets are computed independently of nzcli: hand-listed where small, otherwise
read straight from data/actions.yaml with ruamel's safe loader and a few lines of Python.
RAG behaviour across periods uses tests/fixtures/mini.yaml (the shipped plan has one
period, December 2023, in which no action has a RAG rating).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from ruamel.yaml import YAML

from conftest import FIXTURES, SHIPPED, Run, golden, squeeze
from nzcli.query import stage_text

MINI = str(FIXTURES / "mini.yaml")

# ---------------------------------------------------------------------------------------------
# The shipped plan, read without nzcli

RAW: dict[str, Any] = YAML(typ="safe").load(SHIPPED.read_text(encoding="utf-8"))
ACTIONS: list[dict[str, Any]] = RAW["actions"]
THEME_KEYS: list[str] = [t["key"] for t in RAW["themes"]]
ALL_IDS: set[str] = {a["id"] for a in ACTIONS}
PERIOD = "2023-12"

STAGES = ["discovery", "design", "delivery", "completed"]


def doc_order(action_id: str) -> tuple[int, int]:
    """Themes in document order, then the ID's number (every shipped ID is letters+digits)."""
    action = next(a for a in ACTIONS if a["id"] == action_id)
    return THEME_KEYS.index(action["theme"]), int(re.sub(r"\D", "", action_id))


#: Every shipped ID in the order `nzcli list` gives by default.
DEFAULT_ORDER: list[str] = sorted(ALL_IDS, key=doc_order)


def where(pred: Callable[[dict[str, Any]], bool]) -> set[str]:
    return {a["id"] for a in ACTIONS if pred(a)}


def update(action: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = action["updates"].get(PERIOD) or {}
    return result


def stages_of(action: dict[str, Any]) -> list[str]:
    u = update(action)
    if u.get("schemes"):
        return [s["stage"] for s in u["schemes"]]
    return [u["stage"]] if u.get("stage") else []


def members(value: str | None) -> list[str]:
    return value.split("/") if value else []


Pred = Callable[[dict[str, Any]], bool]


def holds(field: str, level: str) -> Pred:
    """The action's range field (timescale, cost, carbon_saving) contains `level`."""
    return lambda a: level in members(a.get(field))


def equals(field: str, value: Any) -> Pred:
    return lambda a: a.get(field) == value


def involves(partner: str) -> Pred:
    return lambda a: partner in a["partners"]


# ---------------------------------------------------------------------------------------------
# Helpers


def ids(run: Run, *args: str) -> list[str]:
    """IDs `nzcli list ARGS` prints, in order (JSON output)."""
    result = run("list", *args, "--format", "json")
    assert result.exit_code == 0, result
    found = [r["id"] for r in json.loads(result.stdout)["actions"]]
    if found:
        assert result.stderr == "", result  # only an empty result has something to say
    return found


def id_set(run: Run, *args: str) -> set[str]:
    listed = ids(run, *args)
    assert len(listed) == len(set(listed)), "an action is listed twice"
    return set(listed)


def in_default_order(found: list[str]) -> bool:
    return found == sorted(found, key=doc_order)


EMPTY_NO_RAG = (
    "No actions match: no action has a RAG rating for December 2023 (2023-12). "
    "Use --rag unrated to list them, or --period for another period.\n"
)
NO_MATCH = "No actions match these filters.\n"

# ---------------------------------------------------------------------------------------------
# Every filter on the shipped plan


@pytest.mark.parametrize("value", ["transport", "Transport", "T", "t", "TRANSPORT", " transport "])
def test_theme_by_key_name_or_prefix(run: Run, value: str) -> None:
    assert ids(run, "--theme", value) == [f"T{n}" for n in range(1, 35)]


@pytest.mark.parametrize("key", THEME_KEYS)
def test_every_theme(run: Run, key: str) -> None:
    expected = where(lambda a: a["theme"] == key)
    assert id_set(run, "--theme", key) == expected
    theme = next(t for t in RAW["themes"] if t["key"] == key)
    assert id_set(run, "--theme", theme["name"]) == expected
    assert id_set(run, "-t", theme["prefix"].lower()) == expected


def test_theme_or(run: Run) -> None:
    found = ids(run, "--theme", "T", "--theme", "cross cutting actions")
    assert found == [f"T{n}" for n in range(1, 35)] + [f"X{n}" for n in range(1, 13)]


def test_section(run: Run) -> None:
    assert ids(run, "--section", "Public Transport") == ["T15", "T16", "T17"]
    assert ids(run, "--section", "public transport") == ["T15", "T16", "T17"]
    assert ids(run, "--section", "none") == [f"N{n}" for n in range(1, 16)]
    # one heading used by three themes
    policy = where(lambda a: a.get("section") == "Policy and Strategy")
    assert len(policy) == 35
    assert id_set(run, "--section", "POLICY AND STRATEGY") == policy
    assert id_set(run, "--section", "Policy and Strategy", "--theme", "B") == {
        a for a in policy if a.startswith("B")
    }
    assert id_set(run, "--section", "Retrofit", "--section", "Waste") == where(
        lambda a: a.get("section") in ("Retrofit", "Waste")
    )


@pytest.mark.parametrize("role", ["lead", "ask", "influence"])
def test_role(run: Run, role: str) -> None:
    assert id_set(run, "--role", role.upper()) == where(lambda a: a.get("role") == role)


def test_role_or_and_counts(run: Run) -> None:
    assert len(id_set(run, "--role", "lead")) == 63
    assert len(id_set(run, "--role", "ask")) == 75
    assert len(id_set(run, "--role", "influence")) == 26
    assert id_set(run, "--role", "lead", "--role", "Influence") == where(
        lambda a: a.get("role") in ("lead", "influence")
    )


@pytest.mark.parametrize("stage", STAGES)
def test_stage(run: Run, stage: str) -> None:
    assert id_set(run, "--stage", stage) == where(lambda a: stage in stages_of(a))


def test_stage_literal_sets(run: Run) -> None:
    assert ids(run, "--theme", "transport", "--stage", "discovery") == [
        "T13", "T17", "T19", "T23", "T25", "T27", "T30", "T31", "T33", "T34",
    ]  # fmt: skip
    assert ids(run, "--theme", "transport", "--stage", "design") == [
        "T1", "T3", "T4", "T6", "T9", "T15", "T17", "T18", "T20", "T28",
    ]  # fmt: skip
    assert ids(run, "--stage", "completed") == ["B7", "R1"]
    assert ids(run, "--stage", "complete") == ["B7", "R1"]  # accepted spelling
    assert ids(run, "--stage", "In Design", "--theme", "T") == ids(
        run, "--stage", "design", "--theme", "T"
    )


@pytest.mark.parametrize("stage", ["discovery", "design", "delivery"])
def test_t17_matches_each_of_its_schemes_stages(run: Run, stage: str) -> None:
    assert "T17" in id_set(run, "--stage", stage)
    assert ids(run, "--stage", stage, "--section", "Public Transport", "--id", "T17") == ["T17"]


def test_t17_is_not_completed(run: Run) -> None:
    assert "T17" not in id_set(run, "--stage", "completed")


def test_stage_or(run: Run) -> None:
    assert id_set(run, "--stage", "completed", "--stage", "DESIGN") == where(
        lambda a: bool({"completed", "design"} & set(stages_of(a)))
    )


def test_timescale_range_semantics(run: Run) -> None:
    long = [
        "T4", "T13", "T30", "T31", "T34", "B12", "B15", "B27", "B36", "B37", "E17", "E20",
        "E22", "E24", "E27", "R16", "R17", "R18", "R19", "C21", "N4", "N15",
    ]  # fmt: skip
    assert ids(run, "--timescale", "L") == long
    assert id_set(run, "--timescale", "l") == where(lambda a: "L" in members(a.get("timescale")))
    # every range holding L is matched: L, M/L and S/M/L
    by_value = Counter(
        next(a for a in ACTIONS if a["id"] == i)["timescale"] for i in ids(run, "--timescale", "L")
    )
    assert by_value == {"L": 9, "M/L": 12, "S/M/L": 1}


@pytest.mark.parametrize("value", ["S", "M", "L"])
def test_timescale_each(run: Run, value: str) -> None:
    assert id_set(run, "--timescale", value) == where(lambda a: value in members(a["timescale"]))


def test_timescale_given_as_range_matches_any_member(run: Run) -> None:
    expected = where(lambda a: bool({"S", "L"} & set(members(a["timescale"]))))
    assert id_set(run, "--timescale", "S/L") == expected
    assert id_set(run, "--timescale", "S", "--timescale", "L") == expected


def test_cost_and_carbon(run: Run) -> None:
    assert ids(run, "--cost", "H") == [
        "T4", "T8", "T9", "T13", "T15", "T16", "T17", "T19", "T24", "T25", "T29", "T33",
        "B12", "B13", "B15", "B21", "B23", "B33", "E7", "E10", "E22", "E26", "E27", "R1",
        "R11", "R19", "N5", "N9", "N10",
    ]  # fmt: skip
    for level in ("L", "M", "H"):
        assert id_set(run, "--cost", level.lower()) == where(holds("cost", level))
        assert id_set(run, "--carbon", level) == where(holds("carbon_saving", level))
    # carbon L/H (one action) is matched by L and by H, not by M
    lh = where(lambda a: a["carbon_saving"] == "L/H")
    assert len(lh) == 1
    assert lh <= id_set(run, "--carbon", "L")
    assert lh <= id_set(run, "--carbon", "H")
    assert not lh & id_set(run, "--carbon", "M")


def test_partner_canonical_and_alias(run: Run) -> None:
    ofgem = ["T26", "B30", "B31", "B36", "B37", "B38"]
    assert ids(run, "--partner", "Ofgem") == ofgem
    assert ids(run, "--partner", "OFGEM") == ofgem
    assert ids(run, "--partner", "ofgem") == ofgem
    districts = where(lambda a: "Districts" in a["partners"])
    assert len(districts) == 73
    assert id_set(run, "--partner", "District Councils") == districts
    assert id_set(run, "-p", "districts") == districts
    water = where(lambda a: "Water Companies" in a["partners"])
    assert id_set(run, "--partner", "water companies i.e. STW/AW") == water


def test_partner_or_and(run: Run) -> None:
    mc = ["T3", "T4", "T7", "T17", "T18", "T19", "T22", "T32", "E25"]
    assert ids(run, "--partner", "Midlands Connect") == mc
    assert ids(run, "--partner", "midlands connect", "--partner", "OFGEM") == sorted(
        [*mc, "T26", "B30", "B31", "B36", "B37", "B38"], key=doc_order
    )
    assert ids(run, "--partner", "Midlands Connect", "--partner", "Ofgem", "--theme", "B") == [
        "B30", "B31", "B36", "B37", "B38",
    ]  # fmt: skip


def test_objective(run: Run) -> None:
    every = where(lambda a: a.get("objectives") == "all")
    assert len(every) == 25
    assert id_set(run, "--objective", "all") == every
    # an action for "All" objectives matches any objective number
    assert id_set(run, "--objective", "9") == every | {"E26"}
    four = where(lambda a: a.get("objectives") == "all" or 4 in (a.get("objectives") or []))
    assert len(four) == 53
    assert id_set(run, "--objective", "4") == four
    assert id_set(run, "--objective", "4", "--objective", "9") == four | {"E26"}
    # no objective (the cross-cutting actions, R19) matches nothing
    assert not id_set(run, "--objective", "1") & {"R19", "X1", "X12"}


def test_score_range(run: Run) -> None:
    assert ids(run, "--min-score", "22.5") == ["T7", "T32", "B6", "B18", "B34"]
    assert ids(run, "--max-score", "2") == ["E14", "E17", "E22", "E27", "R19"]
    assert id_set(run, "--min-score", "6", "--max-score", "6") == where(
        lambda a: a.get("deliverability_score") == 6
    )
    scored = where(lambda a: a.get("deliverability_score") is not None)
    assert len(scored) == 163
    assert id_set(run, "--min-score", "0") == scored  # unscored actions never match
    assert ids(run, "--min-score", "7.5", "--max-score", "7.5", "--theme", "T") == [
        a
        for a in DEFAULT_ORDER
        if a.startswith("T") and a in where(lambda x: x.get("deliverability_score") == 7.5)
    ]


def test_search(run: Run) -> None:
    assert ids(run, "--search", "Ivanhoe") == ["T17"]
    assert ids(run, "--search", "cargo BIKES") == ["T34"]
    assert ids(run, "--search", "hydrogen") == ["T32", "T33", "B15", "B27", "E22", "E25"]
    # partner names are searched: Ofgem appears in no action or update text
    assert ids(run, "-s", "ofgem") == ["T26", "B30", "B31", "B36", "B37", "B38"]
    # update text is searched (this phrase is only in T1's December 2023 update)
    assert ids(run, "--search", "now classified as medium") == ["T1"]
    # repeated --search is OR
    assert ids(run, "--search", "ivanhoe", "--search", "cargo bike") == ["T17", "T34"]


def test_search_matches_independent_scan(run: Run) -> None:
    def hay(a: dict[str, Any]) -> str:
        return "\n".join([a["action"], *a["partners"], update(a).get("text") or ""]).casefold()

    for needle in ("solar", "heat pump", "Schools", "EV"):
        assert id_set(run, "--search", needle) == where(
            lambda a: needle.casefold() in hay(a)  # noqa: B023 (used at once)
        ), needle


def test_id_pattern(run: Run) -> None:
    assert ids(run, "--id", "T1*") == ["T1", *[f"T{n}" for n in range(10, 20)]]
    assert ids(run, "--id", "t1?") == [f"T{n}" for n in range(10, 20)]
    assert ids(run, "--id", "r19") == ["R19"]
    assert ids(run, "--id", "X1", "--id", "B3?") == [*[f"B{n}" for n in range(30, 39)], "X1"]


def test_and_across_flags(run: Run) -> None:
    assert ids(run, "--theme", "transport", "--role", "lead", "--timescale", "S") == [
        "T1", "T2", "T8", "T9", "T10", "T15", "T18", "T20", "T21",
    ]  # fmt: skip
    expected = where(
        lambda a: (
            a["theme"] == "buildings-and-energy"
            and a.get("role") == "ask"
            and "discovery" in stages_of(a)
            and "L" in members(a["cost"])
        )
    )
    assert id_set(run, "-t", "B", "--role", "ask", "--stage", "discovery", "--cost", "L") == (
        expected
    )
    assert ids(run, "--partner", "Ofgem", "--role", "influence", "--stage", "design") == ["B31"]


# ---------------------------------------------------------------------------------------------
# RAG, unrated and periods


def test_rag_unrated_is_every_action_in_december_2023(run: Run) -> None:
    assert ids(run, "--rag", "unrated") == DEFAULT_ORDER
    assert len(DEFAULT_ORDER) == 176
    assert ids(run, "--rag", "UNRATED", "--rag", "red") == DEFAULT_ORDER


@pytest.mark.parametrize("rag", ["red", "amber", "orange", "green", "G"])
def test_rag_rated_is_empty_and_says_why(run: Run, rag: str) -> None:
    result = run("list", "--rag", rag)
    assert result.exit_code == 0
    assert result.stderr == EMPTY_NO_RAG


def test_empty_result_keeps_each_format_valid(run: Run) -> None:
    header = (
        "id,theme,section,objectives,action,role,partners,owner,timescale,cost,carbon_saving,"
        "deliverability_score,period,stage,rag,update\n"
    )
    csv_result = run("list", "--rag", "red", "--format", "csv")
    assert (csv_result.exit_code, csv_result.stdout, csv_result.stderr) == (
        0,
        header,
        EMPTY_NO_RAG,
    )
    json_result = run("list", "--rag", "red", "--format", "json")
    assert (json_result.exit_code, json_result.stderr) == (0, EMPTY_NO_RAG)
    assert json.loads(json_result.stdout)["actions"] == []
    md = run("list", "--rag", "red", "--format", "md", "--columns", "id,rag")
    assert (md.exit_code, squeeze(md.stdout), md.stderr) == (
        0,
        "| ID | RAG |\n|---|---|\n",
        EMPTY_NO_RAG,
    )
    table = run("list", "--rag", "red", "--columns", "id,rag")
    assert table.exit_code == 0
    assert table.stdout == "+----------+\n| ID | RAG |\n|----+-----|\n+----------+\n"
    assert table.stderr == EMPTY_NO_RAG


def test_empty_for_another_reason(run: Run) -> None:
    result = run("list", "--theme", "T", "--stage", "completed", "--format", "csv", "-c", "id")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "id\n", NO_MATCH)
    summary = run("summary", "--id", "Z*", "--format", "json")
    assert summary.exit_code == 0
    assert summary.stderr == NO_MATCH
    data = json.loads(summary.stdout)
    assert (data["total"], data["groups"]) == (0, [])


def test_limit_zero_is_not_reported_as_no_match(run: Run) -> None:
    result = run("list", "--limit", "0", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert (data["count"], data["actions"]) == (176, [])


@pytest.mark.parametrize(
    "form", ["2023-12", "december-2023", "December 2023", "dec-2023", "2023 dec", "latest"]
)
def test_period_forms(run: Run, form: str) -> None:
    result = run("list", "--period", form, "--id", "T17", "--format", "json")
    assert result.exit_code == 0, result
    (row,) = json.loads(result.stdout)["actions"]
    assert row["period"] == "2023-12"
    assert row["stage"] == [
        {"scheme": "MMLe", "stage": "delivery"},
        {"scheme": "Ivanhoe", "stage": "design"},
        {"scheme": "Network North", "stage": "discovery"},
    ]


def test_mini_rag_reads_the_latest_period(run: Run) -> None:
    assert ids(run, "--data", MINI, "--rag", "red") == ["T2"]
    assert ids(run, "--data", MINI, "--rag", "amber") == ["N1", "X1"]
    assert ids(run, "--data", MINI, "--rag", "orange") == ["N1", "X1"]
    assert ids(run, "--data", MINI, "--rag", "GREEN") == ["T1"]
    assert ids(run, "--data", MINI, "--rag", "r", "--rag", "g") == ["T1", "T2"]
    # T10 has no June 2024 update, so no rating
    assert ids(run, "--data", MINI, "--rag", "unrated") == ["T10"]
    assert ids(run, "--data", MINI, "--rag", "amber", "--theme", "X") == ["X1"]


def test_mini_rag_in_an_earlier_period(run: Run) -> None:
    assert ids(run, "--data", MINI, "--period", "2023-12", "--rag", "unrated") == [
        "T1", "T2", "T10", "N1", "X1",
    ]  # fmt: skip
    result = run("list", "--data", MINI, "--period", "December 2023", "--rag", "red", "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "id,theme,section,objectives,action,role,partners,owner,timescale,cost,carbon_saving,"
        "deliverability_score,period,stage,rag,update"
    ]
    assert result.stderr == EMPTY_NO_RAG


def test_mini_empty_when_ratings_exist_says_no_match(run: Run) -> None:
    result = run("list", "--data", MINI, "--rag", "red", "--theme", "N", "-f", "json")
    assert (result.exit_code, result.stderr) == (0, NO_MATCH)
    assert json.loads(result.stdout)["actions"] == []


def test_mini_stage_depends_on_period(run: Run) -> None:
    assert ids(run, "--data", MINI, "--stage", "design") == []
    # T2's Line B was in design in December 2023
    assert ids(run, "--data", MINI, "--period", "dec-2023", "--stage", "design") == ["T1", "T2"]
    assert ids(run, "--data", MINI, "--period", "2023-12", "--stage", "delivery") == ["T2"]
    assert ids(run, "--data", MINI, "--stage", "delivery") == ["T1", "T2", "X1"]


def test_mini_search_reads_the_periods_update(run: Run) -> None:
    assert ids(run, "--data", MINI, "--search", "slipped") == ["T2"]
    assert ids(run, "--data", MINI, "--search", "slipped", "--period", "2023-12") == []
    assert ids(run, "--data", MINI, "--search", "schemes under way", "--period", "2023-12") == [
        "T2"
    ]


def test_mini_rows_carry_the_period(run: Run) -> None:
    result = run("list", "--data", MINI, "-f", "csv", "-c", "id,period,stage,rag,update")
    assert result.stdout == (
        "id,period,stage,rag,update\n"
        "T1,2024-06,delivery,green,Now delivering.\n"
        "T2,2024-06,delivery,red,Line B has slipped.\n"
        "T10,2024-06,,,\n"
        "N1,2024-06,completed,amber,Monitoring.\n"
        "X1,2024-06,delivery,amber,Behind target.\n"
    )
    early = run("list", "--data", MINI, "--period", "2023-12", "-f", "json", "-c", "id,stage,rag")
    assert json.loads(early.stdout)["actions"] == [
        {"id": "T1", "stage": [{"scheme": None, "stage": "design"}], "rag": None},
        {
            "id": "T2",
            "stage": [
                {"scheme": "Line A", "stage": "delivery"},
                {"scheme": "Line B", "stage": "design"},
            ],
            "rag": None,
        },
        {"id": "T10", "stage": [{"scheme": None, "stage": "discovery"}], "rag": None},
        {"id": "N1", "stage": [{"scheme": None, "stage": "completed"}], "rag": None},
        {"id": "X1", "stage": [], "rag": None},
    ]


# ---------------------------------------------------------------------------------------------
# Ordering


def test_natural_order(run: Run) -> None:
    found = ids(run)
    assert found == DEFAULT_ORDER
    assert found[:11] == [f"T{n}" for n in range(1, 12)]  # T2 before T10
    assert found.index("T2") < found.index("T10")
    # R19 sits between R2 and R3 in the file; listed after R18
    r = [i for i in found if i.startswith("R")]
    assert r == [f"R{n}" for n in range(1, 20)]
    # themes in document order, not alphabetical
    assert [i[0] for i in dict.fromkeys(i[0] for i in found)] == list("TBERCNX")


def test_sort_by_id_is_natural_across_themes(run: Run) -> None:
    found = ids(run, "--sort", "id")
    assert found == sorted(ALL_IDS, key=lambda i: (i[0], int(i[1:])))
    assert found.index("R18") + 1 == found.index("R19")


def test_sort_by_score(run: Run) -> None:
    def score(i: str) -> float | None:
        result: float | None = next(a for a in ACTIONS if a["id"] == i)["deliverability_score"]
        return result

    found = ids(run, "--sort", "deliverability_score")
    # stable: ties keep the default order; unscored last
    assert found == sorted(DEFAULT_ORDER, key=lambda i: (score(i) is None, score(i) or 0))
    assert ids(run, "--sort", "score") == found
    # reversed, but the unscored stay last (issue 17: blanks sort last both ways)
    backwards = found[::-1]
    assert ids(run, "--sort", "score", "--reverse") == [
        *(i for i in backwards if score(i) is not None),
        *(i for i in backwards if score(i) is None),
    ]
    assert found[:5] == ["E27", "E14", "E17", "E22", "R19"]  # 1, then the 2s in natural order
    assert score("E27") == 1


def test_sort_stage_then_timescale(run: Run) -> None:
    def key(i: str) -> tuple[Any, ...]:
        a = next(x for x in ACTIONS if x["id"] == i)
        stage = min(STAGES.index(s) for s in stages_of(a))
        ts = a["timescale"]
        return (stage, (1, ()) if ts is None else (0, tuple("SML".index(m) for m in members(ts))))

    found = ids(run, "--sort", "stage", "--sort", "timescale")
    assert found == sorted(DEFAULT_ORDER, key=key)
    # T17 ranks by its earliest scheme stage (discovery)
    assert found.index("T17") < len(where(lambda a: "discovery" in stages_of(a)))


def test_sort_rag_mini(run: Run) -> None:
    assert ids(run, "--data", MINI, "--sort", "rag") == ["T2", "N1", "X1", "T1", "T10"]
    # reversed, but T10 (no update, so not rated) stays last
    assert ids(run, "--data", MINI, "--sort", "RAG", "--reverse") == [
        "T1", "X1", "N1", "T2", "T10",
    ]  # fmt: skip


def test_sort_theme_keeps_document_order(run: Run) -> None:
    assert ids(run, "--sort", "theme") == DEFAULT_ORDER
    assert ids(run, "--reverse") == DEFAULT_ORDER[::-1]


# ---------------------------------------------------------------------------------------------
# --columns, --limit, formats, --output


def test_columns(run: Run) -> None:
    result = run("list", "--id", "T17", "--columns", "rag,id,score", "--format", "json")
    rows = json.loads(result.stdout)["actions"]
    assert rows == [{"rag": None, "id": "T17", "deliverability_score": 6}]
    assert list(rows[0]) == ["rag", "id", "deliverability_score"]
    csv_result = run("list", "--id", "T1?", "-c", "id,carbon", "-f", "csv", "--limit", "2")
    assert csv_result.stdout == "id,carbon_saving\nT10,M\nT11,L\n"
    table = run("list", "--id", "T1", "--columns", "id,role,timescale")
    assert table.stdout.splitlines()[1] == "| ID | Role | Timescale |"


def test_default_columns(run: Run) -> None:
    full = json.loads(run("list", "--id", "T1", "-f", "json").stdout)["actions"]
    assert list(full[0]) == [
        "id", "theme", "section", "objectives", "action", "role", "partners", "owner",
        "timescale", "cost", "carbon_saving", "deliverability_score", "period", "stage", "rag",
        "update",
    ]  # fmt: skip
    table = run("list", "--id", "T1").stdout
    assert re.sub(r"\s+", " ", table.splitlines()[1]) == (
        "| ID | Action | Role | Timescale | Stage | RAG |"
    )


def test_limit(run: Run) -> None:
    assert ids(run, "--limit", "3") == ["T1", "T2", "T3"]
    assert ids(run, "-n", "2", "--sort", "score") == ["E27", "E14"]
    assert ids(run, "--limit", "500") == DEFAULT_ORDER


def test_json_row(run: Run) -> None:
    (row,) = json.loads(run("list", "--id", "X1", "-f", "json").stdout)["actions"]
    action = next(a for a in ACTIONS if a["id"] == "X1")
    assert row == {
        "id": "X1",
        "theme": "cross-cutting",
        "section": action.get("section"),
        "objectives": None,
        "action": action["action"],
        "role": None,
        "partners": action["partners"],
        "owner": None,
        "timescale": None,
        "cost": None,
        "carbon_saving": None,
        "deliverability_score": None,
        "period": "2023-12",
        "stage": [{"scheme": None, "stage": update(action)["stage"]}],
        "rag": None,
        "update": update(action)["text"],
    }


def test_csv_numbers_and_lists(run: Run) -> None:
    text = run("list", "--id", "T3", "--id", "T17", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == ["T3", "T17"]
    assert rows[0]["deliverability_score"] == "7.5"
    assert rows[1]["deliverability_score"] == "6"
    assert rows[1]["partners"] == (
        "DfT; Districts; Neighbouring Authorities; LLEP; Midlands Connect; "
        "Transport for East Midlands; Great British Rail"
    )
    assert rows[1]["objectives"] == "2; 4"


def test_excel_csv(run: Run, tmp_path: Path) -> None:
    plan = tmp_path / "formula.yaml"
    plan.write_text(
        (FIXTURES / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace("Develop a vision for transport.", "=HYPERLINK(1)")
        .replace("Now delivering.", "-5 tonnes"),
        encoding="utf-8",
    )
    result = run(
        "list", "--data", str(plan), "--id", "T1", "-f", "csv", "--excel",
        "-c", "id,action,deliverability_score,update",
    )  # fmt: skip
    assert result.exit_code == 0, result
    assert result.stdout_bytes == (
        b"\xef\xbb\xbfid,action,deliverability_score,update\r\nT1,'=HYPERLINK(1),12,'-5 tonnes\r\n"
    )


def test_output_file_takes_format_from_extension(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    checks: list[tuple[str, Callable[[str], bool]]] = [
        ("out.csv", lambda t: t.startswith("id,theme,")),
        ("out.json", lambda t: json.loads(t)["actions"][0]["id"] == "T1"),
        ("out.md", lambda t: squeeze(t).startswith("| ID | Theme |")),
        ("out.txt", lambda t: t.startswith("+---")),
    ]
    for name, check in checks:
        target = out / name
        result = run("list", "--theme", "T", "--output", str(target))
        assert (result.exit_code, result.stdout) == (0, ""), result
        assert check(target.read_text(encoding="utf-8")), name
    # atomic writes leave no temporary files behind
    assert sorted(p.name for p in out.iterdir()) == [
        "out.csv",
        "out.json",
        "out.md",
        "out.txt",
    ]
    forced = out / "data.out"
    assert run("list", "--format", "json", "-o", str(forced)).exit_code == 0
    assert len(json.loads(forced.read_text(encoding="utf-8"))["actions"]) == 176


# ---------------------------------------------------------------------------------------------
# show, partners, themes, periods, summary


def test_show_is_case_insensitive(run: Run) -> None:
    lower = run("show", "t17")
    upper = run("show", "T17")
    assert lower.exit_code == upper.exit_code == 0
    assert lower.stdout == upper.stdout
    assert lower.stdout.startswith("T17: Subject to appropriate mitigation, facilitate new rail")
    flat = " ".join(lower.stdout.split())
    assert "Progress by period" in flat
    assert "MMLe:" in flat and "Ivanhoe:" in flat  # the schemes, as the plan labels them
    data = json.loads(run("show", "t17", "-f", "json").stdout)
    assert data["id"] == "T17"
    assert [s["stage"] for s in data["updates"]["2023-12"]["schemes"]] == [
        "delivery", "design", "discovery",
    ]  # fmt: skip


def test_show_unknown_id(run: Run) -> None:
    result = run("show", "t99")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "nzcli: error: no action with ID 't99'; did you mean T9 or T29 or T19? "
        "Run `nzcli list` to see all IDs.\n"
    )
    far = run("show", "ZZZ")
    assert far.exit_code == 2
    assert far.stderr == "nzcli: error: no action with ID 'ZZZ'. Run `nzcli list` to see all IDs.\n"


def test_partners_index(run: Run) -> None:
    result = run("partners", "-f", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert (document["format_version"], document["period"]["id"]) == (1, "2023-12")
    index = document["partners"]
    assert len(index) == len(RAW["partners"]) == 78  # WPD and NGED are one (issue 17)
    expected = {
        p["name"]: sorted(where(involves(p["name"])), key=doc_order) for p in RAW["partners"]
    }
    for entry in index:
        assert entry["ids"] == expected[entry["partner"]], entry["partner"]
        assert entry["count"] == len(entry["ids"])
    # most involved first, then by name
    assert [e["partner"] for e in index] == sorted(
        expected, key=lambda n: (-len(expected[n]), n.casefold())
    )
    assert index[0] == {
        "partner": "Districts",
        "aliases": ["District Councils"],
        "count": 73,
        "ids": expected["Districts"],
    }
    table = run("partners").stdout
    assert (
        table.splitlines()[1]
        == "| Partner             | Also written     | Actions | IDs                       |"
    )


def test_partners_name(run: Run) -> None:
    result = run("partners", "OFGEM")
    assert result.exit_code == 0
    assert result.stdout.startswith("Ofgem (also written OFGEM): 6 actions\n")
    data = json.loads(run("partners", "ofgem", "-f", "json").stdout)
    assert data["partner"] == "Ofgem"
    assert data["aliases"] == ["OFGEM"]
    assert [a["id"] for a in data["actions"]] == ["T26", "B30", "B31", "B36", "B37", "B38"]
    mc = json.loads(run("partners", "Midlands Connect", "-f", "json").stdout)
    assert [a["id"] for a in mc["actions"]] == [
        "T3", "T4", "T7", "T17", "T18", "T19", "T22", "T32", "E25",
    ]  # fmt: skip


def test_partners_unknown_name(run: Run) -> None:
    result = run("partners", "Midlands Conect")
    assert result.exit_code == 2
    assert result.stderr == (
        "nzcli: error: unknown partner 'Midlands Conect'; did you mean 'Midlands Connect' or "
        "'Midlands Net Zero Hub'? Run `nzcli partners` to list all 78 partners.\n"
    )


def test_themes(run: Run) -> None:
    data = json.loads(run("themes", "-f", "json").stdout)["themes"]
    assert [t["key"] for t in data] == THEME_KEYS
    assert [t["prefix"] for t in data] == list("TBERCNX")
    for theme in data:
        assert theme["actions"] == len(where(equals("theme", theme["key"])))
        assert sum(s["actions"] for s in theme["sections"]) == theme["actions"]
    nature = next(t for t in data if t["key"] == "nature-and-land-use")
    assert nature["sections"] == [
        {"name": None, "actions": 15},
        {"name": "Land Management and Use", "actions": 5},
    ]
    table = run("themes").stdout
    assert re.search(r"^\| +\| Total +\| +\| +176 \| +\|$", table, re.M)


def test_periods(run: Run) -> None:
    data = json.loads(run("periods", "-f", "json").stdout)
    published = {"status": "published", "published": None}
    assert data == {
        "format_version": 1,
        "periods": [
            {"id": "2023-12", "name": "December 2023", **published, "updates": 176, "latest": True}
        ],
    }
    mini = json.loads(run("periods", "--data", MINI, "-f", "json").stdout)["periods"]
    assert mini == [
        {"id": "2023-12", "name": "December 2023", **published, "updates": 4, "latest": False},
        {"id": "2024-06", "name": "June 2024", **published, "updates": 4, "latest": True},
    ]
    assert run("periods").stdout.splitlines()[3] == (
        "| 2023-12 | December 2023 | published |           |     176 | latest |"
    )


def test_summary_one_by(run: Run) -> None:
    data = json.loads(run("summary", "--by", "theme", "-f", "json").stdout)
    counts = Counter(a["theme"] for a in ACTIONS)
    names = {t["key"]: t["name"] for t in RAW["themes"]}
    assert data == {
        "format_version": 1,
        "period": {"id": "2023-12", "name": "December 2023"},
        "filters": {},
        "by": ["theme"],
        "total": 176,
        "groups": [
            {
                "value": k,
                "label": names[k],
                "count": counts[k],
                "percent": round(100 * counts[k] / 176, 1),
            }
            for k in THEME_KEYS
        ],
    }
    assert json.loads(run("summary", "-f", "json").stdout) == data  # --by theme is the default


def test_summary_with_filters_and_percentages(run: Run) -> None:
    data = json.loads(run("summary", "--by", "stage", "--role", "lead", "-f", "json").stdout)
    lead = [a for a in ACTIONS if a.get("role") == "lead"]
    counts = Counter(stages_of(a)[0] for a in lead)
    expected = [
        {
            "value": s,
            "label": s.capitalize(),
            "count": counts[s],
            "percent": round(100 * counts[s] / 63, 1),
        }
        for s in STAGES
        if counts[s]
    ]
    assert data["groups"] == expected
    assert (data["total"], data["filters"]) == (63, {"role": ["lead"]})


def test_summary_terminal_rows_get_a_bar(run: Run) -> None:
    out = run("summary", "--by", "theme").stdout
    lines = out.splitlines()
    assert lines[0] == "176 actions, December 2023 (2023-12)"
    bar_line = re.compile(r"^(\S.*?\S) +(\d+) +(\d+)% +(#+) *$", re.M)
    bars = {m[1]: (int(m[2]), len(m[4])) for m in bar_line.finditer(out)}
    assert set(bars) == {t["name"] for t in RAW["themes"]}
    assert bars["Buildings and Energy"] == (38, 30)  # the largest group gets the full bar
    assert bars["Cross Cutting Actions"] == (12, round(30 * 12 / 38))
    assert "| Total                 |     176 |  100 |" in out
    # a group too small to round to one '#' still gets one (T17, the one mixed-stage action)
    stage = run("summary", "--by", "stage").stdout
    assert re.search(r"^Mixed \(by scheme\) +1 +1% +# *$", stage, re.M)


def test_summary_cross_tab(run: Run) -> None:
    data = json.loads(run("summary", "--by", "theme", "--by", "stage", "-f", "json").stdout)

    def stage_group(a: dict[str, Any]) -> str:
        s = set(stages_of(a))
        return "mixed" if len(s) > 1 else next(iter(s))

    cells = Counter((a["theme"], stage_group(a)) for a in ACTIONS)
    columns = ["discovery", "design", "delivery", "completed", "mixed"]
    labels = ["Discovery", "Design", "Delivery", "Completed", "Mixed (by scheme)"]
    names = {t["key"]: t["name"] for t in RAW["themes"]}
    expected = []
    for key in THEME_KEYS:
        n = sum(cells[(key, c)] for c in columns)
        expected.append(
            {
                "value": key,
                "label": names[key],
                "count": n,
                "percent": round(100 * n / 176, 1),
                "groups": [
                    {"value": c, "label": label, "count": cells[(key, c)]}
                    for c, label in zip(columns, labels, strict=True)
                ],
            }
        )
    assert data["groups"] == expected
    assert data["columns"] == [
        {"value": c, "label": label, "count": sum(cells[(k, c)] for k in THEME_KEYS)}
        for c, label in zip(columns, labels, strict=True)
    ]
    assert (data["by"], data["total"]) == (["theme", "stage"], 176)
    transport = data["groups"][0]
    assert [(g["value"], g["count"]) for g in transport["groups"]] == [
        ("discovery", 9), ("design", 9), ("delivery", 15), ("completed", 0), ("mixed", 1),
    ]  # fmt: skip
    csv_text = run("summary", "--by", "theme", "--by", "stage", "-f", "csv").stdout
    assert csv_text.splitlines()[0] == (
        "theme,Discovery,Design,Delivery,Completed,Mixed (by scheme),Total"
    )
    assert csv_text.splitlines()[-1] == "Total,66,48,59,2,1,176"


def test_summary_rag_mini(run: Run) -> None:
    data = json.loads(run("summary", "--data", MINI, "--by", "rag", "-f", "json").stdout)
    assert data["groups"] == [
        {"value": "red", "label": "Red", "count": 1, "percent": 20.0},
        {"value": "amber", "label": "Amber", "count": 2, "percent": 40.0},
        {"value": "green", "label": "Green", "count": 1, "percent": 20.0},
        {"value": "not_rated", "label": "Not rated", "count": 1, "percent": 20.0},
    ]
    cross = json.loads(
        run("summary", "--data", MINI, "--by", "rag", "--by", "theme", "-f", "json").stdout
    )
    assert cross["columns"] == [
        {"value": "transport", "label": "Transport", "count": 3},
        {"value": "nature-and-land-use", "label": "Nature and Land Use", "count": 1},
        {"value": "cross-cutting", "label": "Cross Cutting Actions", "count": 1},
    ]


# ---------------------------------------------------------------------------------------------
# Bad values: exit 2, one exact line on stderr, nothing on stdout

THEMES_LIST = (
    "transport, buildings-and-energy, business-and-economy, resources-and-waste, "
    "communities, nature-and-land-use, cross-cutting"
)
COLUMNS_LIST = (
    "id, theme, section, objectives, action, role, partners, owner, timescale, cost, "
    "carbon_saving, deliverability_score, period, stage, rag, update"
)

BAD = [
    (
        ["list", "--rag", "purple"],
        "--rag: unknown RAG rating 'purple'. Valid RAG ratings: red, amber, green, unrated.",
    ),
    (
        ["list", "--rag", "ambr"],
        "--rag: unknown RAG rating 'ambr'; did you mean 'amber'? Valid RAG ratings: red, "
        "amber, green, unrated.",
    ),
    (
        ["list", "--theme", "transprt"],
        f"--theme: unknown theme 'transprt'; did you mean 'transport'? Valid themes: "
        f"{THEMES_LIST}.",
    ),
    (["list", "--theme", "Z"], f"--theme: unknown theme 'Z'. Valid themes: {THEMES_LIST}."),
    (
        ["list", "--stage", "desing"],
        "--stage: unknown stage 'desing'; did you mean 'design'? Valid stages: discovery, "
        "design, delivery, completed.",
    ),
    (
        ["list", "--role", "leed"],
        "--role: unknown role 'leed'; did you mean 'lead'? Valid roles: lead, ask, influence.",
    ),
    (
        ["list", "--timescale", "X"],
        "--timescale: 'X' is not a timescale; valid values: S, M, L (or a range such as S/M)",
    ),
    (
        ["list", "--cost", "Z"],
        "--cost: 'Z' is not a cost; valid values: L, M, H (or a range such as L/M)",
    ),
    (
        ["list", "--carbon", "huge"],
        "--carbon: 'huge' is not a carbon saving; valid values: L, M, H (or a range such as L/M)",
    ),
    (
        ["list", "--partner", "Midlands Conect"],
        "--partner: unknown partner 'Midlands Conect'; did you mean 'Midlands Connect' or "
        "'Midlands Net Zero Hub'? Run `nzcli partners` to list all 78 partners.",
    ),
    (
        ["list", "--period", "2025-01"],
        "unknown period '2025-01'; did you mean '2023-12'? Known periods: 2023-12 "
        "(December 2023), or latest.",
    ),
    (
        ["list", "--period", "decmber-2023"],
        "unknown period 'decmber-2023'; did you mean 'December 2023'? Known periods: 2023-12 "
        "(December 2023), or latest.",
    ),
    (
        ["list", "--columns", "id,actoin"],
        "--columns: unknown column 'actoin'; did you mean 'action' or 'section'? Valid "
        f"columns: {COLUMNS_LIST}.",
    ),
    (
        ["list", "--sort", "stagee"],
        f"--sort: unknown column 'stagee'; did you mean 'stage'? Valid columns: {COLUMNS_LIST}.",
    ),
    (
        ["summary", "--by", "colour"],
        "--by: unknown field 'colour'. Valid fields: theme, section, role, stage, rag, "
        "timescale, cost, carbon, partner.",
    ),
    (
        ["summary", "--by", "theme", "--by", "stag"],
        "--by: unknown field 'stag'; did you mean 'stage'? Valid fields: theme, section, role, "
        "stage, rag, timescale, cost, carbon, partner.",
    ),
    (
        ["list", "--objective", "x"],
        "--objective: 'x' is not an objective; use a number such as 2, or 'all'",
    ),
    (
        ["list", "--objective", "0"],
        "--objective: '0' is not an objective; use a number such as 2, or 'all'",
    ),
    (
        ["list", "--section", "Retrofitt"],
        "--section: unknown section 'Retrofitt'; did you mean 'Retrofit'? Valid sections: "
        "Policy and Strategy, Public Transport, Ultra Low Emission Vehicles, Engagement, "
        "Retrofit, Renewable Energy and Infrastructure, Business Support, Supply Chain, Skills, "
        "Waste, Materials, Food, Water, Enabling Action, Land Management and Use, Leadership, "
        "Collaboration, Research and Innovation, Funding, none.",
    ),
    (
        ["summary", "--rag", "purple"],
        "--rag: unknown RAG rating 'purple'. Valid RAG ratings: red, amber, green, unrated.",
    ),
    (
        ["partners", "--period", "2099-01"],
        "unknown period '2099-01'. Known periods: 2023-12 (December 2023), or latest.",
    ),
    (
        ["list", "--format", "xml"],
        "--format: 'xml' is not available here; use one of table, md, csv, json, docx, ndjson, "
        "xlsx",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_value(run: Run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"nzcli: error: {message}\n"


def test_bad_value_among_good_ones(run: Run) -> None:
    # one bad value among several fails the whole command, naming the bad one
    result = run("list", "--rag", "red", "--rag", "purple", "--theme", "T")
    assert result.exit_code == 2
    assert "'purple'" in result.stderr and result.stdout == ""


def test_mini_valid_values_come_from_the_file(run: Run) -> None:
    result = run("list", "--data", MINI, "--theme", "buildings")
    assert result.exit_code == 2
    assert result.stderr == (
        "nzcli: error: --theme: unknown theme 'buildings'. Valid themes: transport, "
        "nature-and-land-use, cross-cutting.\n"
    )
    period = run("list", "--data", MINI, "--period", "jun-2025")
    assert period.stderr == (
        "nzcli: error: unknown period 'jun-2025'; did you mean 'June 2024'? Known periods: "
        "2023-12 (December 2023), 2024-06 (June 2024), or latest.\n"
    )


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["summary", "--by", "theme", "--by", "stage", "--by", "rag"],
            "nzcli: error: --by: give --by once or twice\n",
        ),
        (
            ["list", "--excel", "-f", "json"],
            "nzcli: error: --excel: --excel goes with --format csv\n",
        ),
    ],
)
def test_bad_combination_is_a_usage_error(run: Run, args: list[str], message: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


# ---------------------------------------------------------------------------------------------
# Property: filters combine as AND of ORs

THEME_SPELLINGS = ["transport", "Transport", "t", "B", "buildings-and-energy", "Communities", "x"]
STAGE_SPELLINGS = ["discovery", "Design", "DELIVERY", "completed", "in design"]
ROLE_SPELLINGS = ["lead", "ASK", "influence"]
TIMESCALE_SPELLINGS = ["S", "m", "L", "S/M"]

_single: dict[tuple[str, str], frozenset[str]] = {}


def single(run: Run, flag: str, value: str) -> frozenset[str]:
    if (flag, value) not in _single:
        _single[(flag, value)] = frozenset(id_set(run, flag, value))
    return _single[(flag, value)]


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    themes=st.lists(st.sampled_from(THEME_SPELLINGS), max_size=2, unique=True),
    stages=st.lists(st.sampled_from(STAGE_SPELLINGS), max_size=2, unique=True),
    roles=st.lists(st.sampled_from(ROLE_SPELLINGS), max_size=2, unique=True),
    timescales=st.lists(st.sampled_from(TIMESCALE_SPELLINGS), max_size=1),
)
def test_combined_filters_are_and_of_ors(
    run: Run, themes: list[str], stages: list[str], roles: list[str], timescales: list[str]
) -> None:
    args: list[str] = []
    expected = set(ALL_IDS)
    for flag, values in [
        ("--theme", themes),
        ("--stage", stages),
        ("--role", roles),
        ("--timescale", timescales),
    ]:
        if not values:
            continue
        union: set[str] = set()
        for value in values:
            args += [flag, value]
            union |= single(run, flag, value)
        expected &= union
    found = ids(run, *args)
    assert set(found) == expected
    assert in_default_order(found)


# ---------------------------------------------------------------------------------------------
# Golden files: `list --theme transport` in every format, a cross-tab table

GOLDEN_LIST = [
    ("table", "list-transport.txt"),
    ("md", "list-transport.md"),
    ("csv", "list-transport.csv"),
    ("json", "list-transport.json"),
]


@pytest.mark.parametrize(("fmt", "name"), GOLDEN_LIST)
def test_golden_list(run: Run, fmt: str, name: str) -> None:
    result = run("list", "--theme", "transport", "--format", fmt)
    assert result.exit_code == 0
    assert result.stderr == ""
    golden(name, result.stdout_bytes)


def test_golden_summary_cross_tab(run: Run) -> None:
    result = run("summary", "--by", "theme", "--by", "stage")
    assert result.exit_code == 0
    golden("summary-theme-stage.txt", result.stdout_bytes)


def test_formats_agree(run: Run) -> None:
    """The csv and md goldens hold the same rows as the json one."""
    rows = json.loads(run("list", "--theme", "transport", "-f", "json").stdout)["actions"]
    assert [r["id"] for r in rows] == [f"T{n}" for n in range(1, 35)]
    parsed = list(csv.DictReader(io.StringIO(run("list", "-t", "T", "-f", "csv").stdout)))
    assert len(parsed) == len(rows)
    for r, c in zip(rows, parsed, strict=True):
        for key, value in r.items():
            if key == "stage":  # a list of schemes in JSON, text in CSV
                want = stage_text(value) or ""
            elif value is None:
                want = ""
            elif isinstance(value, list):
                want = "; ".join(str(v) for v in value)
            elif isinstance(value, float) and value.is_integer():
                want = str(int(value))
            else:
                want = str(value)
            assert c[key] == want, (r["id"], key)


def _md_table(text: str) -> list[list[str]]:
    """Rows of a rendered Markdown table, each a list of cell texts."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    rows: list[list[str]] = []
    cells: list[str] | None = None
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            cells = []
        elif token.type == "tr_close":
            assert cells is not None
            rows.append(cells)
            cells = None
        elif token.type in ("th_open", "td_open"):
            inline = tokens[i + 1]
            text_ = "".join(
                c.content for c in (inline.children or []) if c.type in ("text", "text_special")
            )
            assert cells is not None
            cells.append(text_)
    return rows


def test_markdown_renders_as_one_table(run: Run) -> None:
    text = run("list", "--theme", "transport", "-f", "md").stdout
    assert text.endswith("|\n")
    rows = _md_table(text)
    assert len(rows) == 35  # header + 34 actions
    assert all(len(r) == 16 for r in rows)
    assert rows[0][:5] == ["ID", "Theme", "Section", "Objective", "Action"]
    data = json.loads(run("list", "--theme", "transport", "-f", "json").stdout)["actions"]
    # every action and update renders back to exactly its text
    for cells, r in zip(rows[1:], data, strict=True):
        assert cells[0] == r["id"]
        assert cells[4] == r["action"]
        assert cells[15] == r["update"]


def test_markdown_escapes_pipes_and_newlines(run: Run, tmp_path: Path) -> None:
    plan = tmp_path / "pipes.yaml"
    plan.write_text(
        (FIXTURES / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace("action: Develop a vision for transport.", 'action: "a | b *c* <i>"')
        .replace("text: Now delivering.", 'text: "line one\\nline two"'),
        encoding="utf-8",
    )
    text = run("list", "--data", str(plan), "--id", "T1", "-c", "id,action,update", "-f", "md")
    assert text.stdout.endswith("\n")
    tokens = MarkdownIt("commonmark").enable("table").parse(text.stdout)
    assert sum(1 for t in tokens if t.type == "td_open") == 3
    rows = _md_table(text.stdout)
    assert rows[1][:2] == ["T1", "a | b *c* <i>"]
    assert "line one<br>line two" in text.stdout


# ---------------------------------------------------------------------------------------------
# The terminal table: nothing cut short at 80 columns, no ANSI


def _table_cells(out: str) -> list[list[str]]:
    """Parse an ASCII Rich table (box.ASCII, show_lines) into rows of cell texts.

    Wrapped lines of a cell are joined with a space; a word Rich folded mid-word comes back
    with a space inside it, which the callers ignore by comparing without whitespace.
    """
    lines = out.splitlines()
    assert lines[0].startswith("+") and lines[-1].startswith("+")
    rows: list[list[str]] = []
    current: list[list[str]] = []
    for line in lines[1:-1]:
        if re.fullmatch(r"\|[-+|]+\|", line):
            if current:
                rows.append([" ".join(part.strip() for part in col).strip() for col in current])
            current = []
            continue
        parts = line[1:-1].split("|")
        if not current:
            current = [[] for _ in parts]
        assert len(parts) == len(current), line
        for col, part in zip(current, parts, strict=True):
            col.append(part)
    if current:
        rows.append([" ".join(part.strip() for part in col).strip() for col in current])
    return rows


def _squash(text: str) -> str:
    return "".join(text.split())


def test_table_holds_every_word_at_80_columns(run: Run) -> None:
    result = run("list", "--theme", "transport", "--columns", "id,action,update")
    out = result.stdout
    assert "\x1b" not in out
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    data = json.loads(run("list", "--theme", "transport", "-f", "json").stdout)["actions"]
    rows = _table_cells(out)
    assert rows[0] == ["ID", "Action", "Update"]
    assert len(rows) == 1 + len(data) == 35
    for cells, r in zip(rows[1:], data, strict=True):
        assert cells[0] == r["id"]
        assert _squash(cells[1]) == _squash(r["action"]), r["id"]
        assert _squash(cells[2]) == _squash(r["update"]), r["id"]
        # and, more loosely, each cell's characters in order somewhere in the output
        for text in (r["action"], r["update"]):
            assert _is_subsequence(_squash(text), _squash(out)), r["id"]


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def test_table_holds_every_cell_of_the_whole_plan(run: Run) -> None:
    result = run("list", "--columns", "id,action,partners,stage,update")
    out = result.stdout
    assert "\x1b" not in out and "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    data = json.loads(run("list", "-f", "json").stdout)["actions"]
    rows = _table_cells(out)
    assert len(rows) == 177
    for cells, r in zip(rows[1:], data, strict=True):
        assert cells[0] == r["id"]
        assert _squash(cells[1]) == _squash(r["action"]), r["id"]
        assert _squash(cells[2]) == _squash("; ".join(r["partners"])), r["id"]
        assert _squash(cells[4]) == _squash(r["update"]), r["id"]


def test_default_table_at_80_columns(run: Run) -> None:
    out = run("list").stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    rows = _table_cells(out)
    assert rows[0] == ["ID", "Action", "Role", "Timescale", "Stage", "RAG"]
    assert [r[0] for r in rows[1:]] == DEFAULT_ORDER
    assert {r[5] for r in rows[1:]} == {"Not rated"}
    t17 = next(r for r in rows if r[0] == "T17")
    assert _squash(t17[4]) == _squash(
        "MMLe: Delivery; Ivanhoe: Design; "
        "Network North: Discovery"
    )


def test_no_colour_without_a_terminal(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b" not in run("list", "--theme", "T").stdout  # not a terminal
    assert "\x1b" not in run("--color", "never", "list", "--theme", "T").stdout
    assert "\x1b" not in run("summary", "--by", "rag").stdout
    assert "\x1b" in run("--color", "always", "list", "--theme", "T").stdout  # sanity


def test_data_is_never_markup_or_control(run: Run, tmp_path: Path) -> None:
    plan = tmp_path / "evil.yaml"
    plan.write_text(
        (FIXTURES / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "action: Develop a vision for transport.",
            'action: "[bold red]Loud[/] \\e[31mred \\x07bell"',
        ),
        encoding="utf-8",
    )
    for color in ("never", "always"):
        out = run("--color", color, "list", "--data", str(plan), "--id", "T1", "-c", "id,action")
        assert out.exit_code == 0, out
        assert "[bold red]Loud[/]" in out.stdout
        assert "\\x1b[31mred \\x07bell" in out.stdout
        assert "\x07" not in out.stdout
        assert "\x1b[31m" not in out.stdout
    md = run("list", "--data", str(plan), "--id", "T1", "-c", "action", "-f", "md").stdout
    assert "\x1b" not in md and "\x07" not in md


# ---------------------------------------------------------------------------------------------
# docs/querying.md: every example's output is what nzcli prints

DOC = Path(__file__).resolve().parent.parent / "docs" / "querying.md"


def _doc_examples() -> list[tuple[str, str]]:
    """(command line, expected output) for each `$ nzcli ...` in a ```console block."""
    examples: list[tuple[str, str]] = []
    for block in re.findall(
        r"^```console\n(.*?)^```$", DOC.read_text(encoding="utf-8"), re.S | re.M
    ):
        command: str | None = None
        output: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "\n".join(output)))
                command, output = line[2:], []
            else:
                output.append(line)
        assert command is not None
        examples.append((command, "\n".join(output)))
    return examples


DOC_EXAMPLES = _doc_examples()


def test_doc_has_examples() -> None:
    assert len(DOC_EXAMPLES) >= 12


@pytest.mark.parametrize(("command", "expected"), DOC_EXAMPLES, ids=[c for c, _ in DOC_EXAMPLES])
def test_doc_example(
    run: Run, monkeypatch: pytest.MonkeyPatch, command: str, expected: str
) -> None:
    import shlex

    monkeypatch.chdir(DOC.parent.parent)  # the examples name tests/fixtures/mini.yaml
    args = shlex.split(command)
    assert args[0] == "nzcli"
    result = run(*args[1:])
    # as a terminal shows it: the message on stderr comes before the output
    shown = "\n".join(line.rstrip() for line in (result.stderr + result.stdout).splitlines())
    assert shown == expected
    assert result.exit_code == (2 if "error:" in result.stderr else 0)
