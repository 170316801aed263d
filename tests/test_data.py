"""The shipped plan: counts, identities, and fidelity to the source document row by row."""

from __future__ import annotations

import json
import re

import pytest

from conftest import FIXTURES, Run
from nzcli import load_plan
from nzcli.model import Plan, Stage
from nzcli.records import plan_data

SOURCE = FIXTURES / "source-2023-12.txt"
#: Extraction damage in IDs (docs/data-notes.md, "Identifiers").
LOOKALIKES = str.maketrans({"Т": "T", "В": "B", "С": "C"})


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def test_counts(plan: Plan) -> None:
    assert len(plan.actions) == 176
    counts = [sum(1 for a in plan.actions if a.theme == t.key) for t in plan.themes]
    assert [t.key for t in plan.themes] == [
        "transport",
        "buildings-and-energy",
        "business-and-economy",
        "resources-and-waste",
        "communities",
        "nature-and-land-use",
        "cross-cutting",
    ]
    assert counts == [34, 38, 32, 19, 21, 20, 12]
    assert len({a.id for a in plan.actions}) == 176


def test_ids(plan: Plan) -> None:
    expected = (
        [f"T{i}" for i in range(1, 35)]
        + [f"B{i}" for i in range(1, 39)]
        + [f"E{i}" for i in range(1, 33)]
        + [f"R{i}" for i in range(1, 20)]
        + [f"C{i}" for i in range(1, 22)]
        + [f"N{i}" for i in range(1, 21)]
        + [f"X{i}" for i in range(1, 13)]
    )
    assert sorted(a.id for a in plan.actions) == sorted(expected)
    assert all(re.fullmatch(r"[A-Z]\d+", a.id) for a in plan.actions)


def test_t17_has_three_scheme_stages(plan: Plan) -> None:
    update = plan.action("T17").updates["2023-12"]  # type: ignore[union-attr]
    assert update.stage is None
    assert [(s.scheme, s.stage) for s in update.schemes or []] == [
        ("MMLe", Stage.DELIVERY),
        ("Ivanhoe", Stage.DESIGN),
        ("Network North", Stage.DISCOVERY),
    ]


def test_known_repairs(plan: Plan) -> None:
    n6, n7 = plan.action("N6"), plan.action("N7")
    assert n6 is not None and n6.deliverability_score is None
    assert n7 is not None and n7.partners == []
    r19, r3 = plan.action("R19"), plan.action("R3")
    assert r19 is not None and r19.added_in == "2023-12" and r19.objectives is None
    assert r19.action.startswith("Introduce food waste collections by 31 March 2026")
    assert r3 is not None and "Love Food Hate Waste" in r3.action
    assert plan.action("B11") is not None
    assert {a.updates["2023-12"].stage for a in plan.actions if a.id in ("R1", "B7")} == {
        Stage.COMPLETED
    }


def test_every_action_has_a_december_2023_update_and_no_rag(plan: Plan) -> None:
    assert [p.id for p in plan.periods] == ["2023-12"]
    for action in plan.actions:
        update = action.updates["2023-12"]
        assert update.stages, action.id
        assert update.text, action.id
        assert update.rag is None, action.id


def _source_rows() -> dict[str, list[str]]:
    """Each themed row of the source, by its repaired ID (R3 twice: the added one -> R19)."""
    rows: dict[str, list[str]] = {}
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 11:
            continue
        raw = cells[0].translate(LOOKALIKES)
        raw = "B11" if raw == "811" else raw
        if not re.fullmatch(r"[TBERCN]\d+", raw):
            continue
        if raw == "R3" and cells[1] == "ADDED IN":
            raw = "R19"
        rows[raw] = cells
    return rows


def test_texts_match_the_source_verbatim(plan: Plan) -> None:
    rows = _source_rows()
    assert len(rows) == 164
    for action_id, cells in rows.items():
        action = plan.action(action_id)
        assert action is not None, action_id
        assert action.action == cells[2], action_id
        # rows after a page break lost their empty RAG cell: the update is then the 11th cell
        update_text = cells[11] if len(cells) >= 12 else cells[10]
        assert action.updates["2023-12"].text == update_text, action_id
        assert (action.role.value if action.role else None) == cells[3].lower(), action_id
        score = cells[8]
        assert action.deliverability_score == (float(score) if score else None), action_id


def test_cross_cutting_texts_match_the_source(plan: Plan) -> None:
    texts = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) in (3, 4) and cells[1] in ("Delivery", "Design", "Discovery"):
            texts.append((re.sub(r"^\d\. ", "", cells[0]), cells[-1]))
    crosscutting = [a for a in plan.actions if a.theme == "cross-cutting"]
    assert [(a.action, a.updates["2023-12"].text) for a in crosscutting] == texts
    assert [a.section for a in crosscutting] == (
        ["Leadership"] * 3
        + ["Collaboration"] * 3
        + ["Research and Innovation"] * 3
        + ["Funding"] * 3
    )


def test_pound_signs_survive(plan: Plan) -> None:
    source = SOURCE.read_text(encoding="utf-8").count("£")
    text = json.dumps(plan_data(plan), ensure_ascii=False)
    assert source == 8 and text.count("£") == 8


def test_no_cyrillic_left_outside_texts(plan: Plan) -> None:
    for action in plan.actions:
        fields = [action.id, action.timescale or "", action.cost or "", action.carbon_saving or ""]
        assert not any(re.search("[\u0400-\u04ff]", f) for f in fields), action.id


def test_export_json_matches_source_rows(run: Run) -> None:
    result = run("export", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["format_version"] == 1
    assert list(document) == [
        "format_version",
        "plan",
        "keys",
        "periods",
        "themes",
        "partners",
        "actions",
    ]
    assert len(document["actions"]) == 176
    t1 = document["actions"][0]
    assert list(t1) == [
        "id",
        "theme",
        "section",
        "objectives",
        "action",
        "role",
        "partners",
        "owner",
        "timescale",
        "cost",
        "carbon_saving",
        "deliverability_score",
        "score_note",
        "updates",
        "added_in",
    ]
    assert (
        t1["id"],
        t1["timescale"],
        t1["cost"],
        t1["carbon_saving"],
        t1["deliverability_score"],
    ) == ("T1", "S", "M", "M", 18)
    rows = _source_rows()
    for action in document["actions"]:
        if action["id"] in rows:
            assert action["action"] == rows[action["id"]][2]
