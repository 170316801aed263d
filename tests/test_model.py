"""The records (nzcli.model) and the rules (nzcli.schema) describe the same plan."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SHIPPED, identical
from nzcli import model, records, schema
from nzcli.storage.files import read_text
from nzcli.storage.yaml_safe import parse_yaml
from test_fuzz import PROFILE

RECORDS = [
    "PlanInfo",
    "Keys",
    "Period",
    "Theme",
    "Partner",
    "SchemeStage",
    "Update",
    "Action",
    "Plan",
]


@pytest.mark.parametrize("name", RECORDS)
def test_records_have_the_schemas_fields_in_order(name: str) -> None:
    record: Any = getattr(model, name)
    rules: Any = getattr(schema, name)
    assert records.field_names(record) == tuple(rules.model_fields)
    for f in dataclasses.fields(record):
        info = rules.model_fields[f.name]
        assert f.kw_only
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        assert required == info.is_required(), f.name
        if not required:
            default = f.default_factory() if f.default is dataclasses.MISSING else f.default
            assert default == info.get_default(call_default_factory=True), f.name


def validated_data(path: Path) -> dict[str, Any]:
    doc = parse_yaml(read_text(path), str(path))
    return schema.Plan.model_validate(doc.data).model_dump(mode="json")


@pytest.mark.parametrize("path", [SHIPPED, FIXTURES / "mini.yaml", FIXTURES / "hostile.yaml"])
def test_records_round_trip_the_validated_data(path: Path) -> None:
    data = validated_data(path)
    plan = records.plan_from_data(validated_data(path))
    assert records.plan_data(plan) == data
    again = records.plan_from_data(records.plan_data(plan))
    assert identical(again, plan)
    assert isinstance(plan.actions[0], model.Action)
    first_update = next(u for a in plan.actions for u in a.updates.values() if u.stage)
    assert isinstance(first_update.stage, model.Stage)


def test_plan_from_data_refuses_other_shapes() -> None:
    data = validated_data(FIXTURES / "mini.yaml")
    with pytest.raises(TypeError, match="Plan: expected an object with keys"):
        records.plan_from_data({**data, "surprise": 1})
    missing = validated_data(FIXTURES / "mini.yaml")
    del missing["actions"][0]["updates"]
    with pytest.raises(TypeError, match="Action: expected an object with keys"):
        records.plan_from_data(missing)
    reordered = validated_data(FIXTURES / "mini.yaml")
    reordered["plan"] = dict(reversed(reordered["plan"].items()))
    with pytest.raises(TypeError, match="PlanInfo"):
        records.plan_from_data(reordered)
    bad_stage = validated_data(FIXTURES / "mini.yaml")
    update = next(u for a in bad_stage["actions"] for u in a["updates"].values() if u["stage"])
    update["stage"] = "finished"
    with pytest.raises(KeyError):
        records.plan_from_data(bad_stage)


def test_records_are_read_only() -> None:
    plan = records.plan_from_data(validated_data(FIXTURES / "mini.yaml"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.actions[0].role = None  # type: ignore[misc]


STAGES = st.sampled_from([s.value for s in model.Stage])
UPDATES = st.fixed_dictionaries(
    {},
    optional={
        "stage": STAGES | st.none(),
        "schemes": st.none()
        | st.lists(
            st.fixed_dictionaries({"scheme": st.text(min_size=1, max_size=5), "stage": STAGES}),
            max_size=3,
        ),
        "rag": st.sampled_from(["red", "amber", "green"]) | st.none(),
        "text": st.text(max_size=20) | st.none(),
    },
)
ACTIONS = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"\AT[0-9]{1,3}[a-z]?\Z"),
        "theme": st.just("transport"),
        "action": st.text(min_size=1, max_size=20),
    },
    optional={
        "section": st.text(max_size=8) | st.none(),
        "objectives": st.none() | st.just("all") | st.lists(st.integers(1, 9), max_size=3),
        "role": st.sampled_from(["lead", "ask", "influence"]) | st.none(),
        "partners": st.lists(st.text(max_size=8), max_size=3),
        "timescale": st.sampled_from(["S", "M", "L", "S/M", "M/L", "S/M/L"]) | st.none(),
        "cost": st.sampled_from(["L", "M", "H", "L/M"]) | st.none(),
        "carbon_saving": st.sampled_from(["L", "M", "H", "M/H"]) | st.none(),
        "deliverability_score": st.none() | st.integers(0, 27) | st.floats(0, 27, allow_nan=False),
        "updates": st.dictionaries(st.sampled_from(["2023-12", "2024-06"]), UPDATES, max_size=2),
        "added_in": st.none() | st.just("2024-06"),
    },
)
PLANS = st.fixed_dictionaries(
    {
        "plan": st.fixed_dictionaries({"title": st.text(max_size=9), "organisation": st.text()}),
        "periods": st.just([{"id": "2023-12", "name": "December 2023"}]),
        "themes": st.just([{"key": "transport", "name": "Transport", "prefix": "T"}]),
        "actions": st.lists(ACTIONS, max_size=4),
    },
    optional={
        "keys": st.none()
        | st.just({"stage": {"design": "Design"}, "rag": {"red": "Red", "amber": "Orange"}}),
        "partners": st.lists(
            st.fixed_dictionaries(
                {"name": st.text(min_size=1, max_size=6)},
                optional={"aliases": st.lists(st.text(max_size=5), max_size=2)},
            ),
            max_size=3,
        ),
    },
)


@settings(settings.get_profile(PROFILE))
@given(PLANS)
def test_any_valid_plan_becomes_records_and_back(raw: dict[str, Any]) -> None:
    from pydantic import ValidationError

    try:
        validated = schema.Plan.model_validate(raw)
    except ValidationError:
        return  # (two kinds of stage in one update, say): the schema's business
    data = validated.model_dump(mode="json")
    plan = records.plan_from_data(validated.model_dump(mode="json"))
    assert records.plan_data(plan) == data
    assert identical(records.plan_from_data(records.plan_data(plan)), plan)
    for rules, record in zip(validated.actions, plan.actions, strict=True):
        assert record.role == rules.role and type(record.role) is type(rules.role)
        for period, update in rules.updates.items():
            expected = [s.stage for s in update.schemes] if update.schemes else [update.stage]
            assert record.updates[period].stages == [s for s in expected if s is not None]


def test_reading_a_plan_imports_no_pydantic() -> None:
    """The model is plain Python: pydantic is paid for only when a file is validated."""
    code = (
        "import sys, nzcli.model, nzcli.query, nzcli.views.queries, nzcli.views.report, "
        "nzcli.storage.cache, nzcli.cli.fast;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pydantic', 'pydantic_core', 'ruamel', 'typer', 'click', 'rich'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("path", [SHIPPED, FIXTURES / "mini.yaml", FIXTURES / "hostile.yaml"])
def test_plan_json_is_the_plans_data(path: Path) -> None:
    import json

    plan = records.plan_from_data(validated_data(path))
    plan.with_source(str(path))
    plan.action("T1")  # fills a cached index: not a field, not written
    assert records.plan_json(plan) == json.dumps(
        records.plan_data(plan), ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    with pytest.raises(TypeError, match="not a plan record"):
        records.plan_json(object())  # type: ignore[arg-type]
