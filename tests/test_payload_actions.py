"""An edit's trusted plan makes its actions from the cache payload as they are read
(`storage.payload`): the same records, in the same places, as a full load, and an edit of
one action makes only the records it reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHIPPED, Run
from nzcli.records import action_from_data
from nzcli.storage import payload as payload_module
from nzcli.storage.cache import encode_payload
from nzcli.storage.payload import PayloadActions, replaced_actions, trusted_plan
from nzcli.store import load_plan

PLAN = load_plan(SHIPPED, env={"NZCLI_NO_CACHE": "1"})
PAYLOAD = encode_payload(PLAN)


def lazy() -> PayloadActions:
    actions = trusted_plan(PAYLOAD, 176).actions
    assert isinstance(actions, PayloadActions)
    return actions


def test_the_plan_is_the_full_loads_plan() -> None:
    plan = trusted_plan(PAYLOAD, 176)
    assert [a.id for a in plan.actions] == [a.id for a in PLAN.actions]
    assert list(plan.actions) == PLAN.actions
    for name in ("plan", "keys", "periods", "themes", "partners"):
        assert getattr(plan, name) == getattr(PLAN, name)
    assert len(plan.actions) == len(PLAN.actions) == 176


def test_actions_are_made_as_they_are_read_and_kept() -> None:
    actions = lazy()
    assert actions._made == {}
    first = actions[5]
    assert actions[5] is first and actions[-171] is first
    assert set(actions._made) == {5}


def test_finding_an_action_by_id_reads_only_that_action() -> None:
    plan = trusted_plan(PAYLOAD, 176)
    actions = plan.actions
    assert isinstance(actions, PayloadActions)
    for wanted in ("T17", "t17", " b12 ", "X3"):
        found = plan.action(wanted)
        assert found is not None and found == PLAN.action(wanted)
    assert plan.action("T999") is None
    assert actions.index(plan.action("T17")) == PLAN.actions.index(PLAN.action("T17"))
    assert len(actions._made) == 3  # T17, B12, X3
    assert dict(plan._actions_by_id) == PLAN._actions_by_id


def test_an_action_not_in_the_plan_is_not_found() -> None:
    actions = lazy()
    stranger = action_from_data(json.loads(json.dumps(_data(PLAN.actions[0], id="T999"))))
    assert stranger not in actions
    with pytest.raises(ValueError):
        actions.index(stranger)
    assert PLAN.actions[3] in actions


def _data(action: Any, **changes: Any) -> dict[str, Any]:
    from nzcli.records import record_data

    return {**record_data(action), **changes}


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(
            st.integers(-200, 200),
            st.tuples(
                st.none() | st.integers(-200, 200),
                st.none() | st.integers(-200, 200),
                st.none() | st.integers(-3, 3).filter(bool),
            ).map(lambda t: slice(*t)),
        ),
        max_size=8,
    )
)
def test_indexing_and_slicing_as_the_list(keys: list[Any]) -> None:
    actions = lazy()
    for key in keys:
        try:
            expected: Any = PLAN.actions[key]
        except IndexError:
            with pytest.raises(IndexError):
                actions[key]
            continue
        assert actions[key] == expected


@settings(max_examples=100)
@given(st.dictionaries(st.integers(0, 175), st.integers(0, 175), max_size=5))
def test_replacing_actions_as_the_list(moves: dict[int, int]) -> None:
    new = {i: PLAN.actions[j] for i, j in moves.items()}
    assert list(replaced_actions(lazy(), new)) == replaced_actions(PLAN.actions, new)


def test_a_payload_not_laid_out_one_action_a_line_is_refused() -> None:
    with pytest.raises(ValueError):
        trusted_plan(PAYLOAD.replace(b',\n{"id":"T2"', b',{"id":"T2"', 1), 176)
    with pytest.raises(ValueError):  # not as many as the file has
        trusted_plan(PAYLOAD, 175)
    with pytest.raises(ValueError):  # two actions with one id
        trusted_plan(PAYLOAD.replace(b'\n{"id":"T2",', b'\n{"id":"T1",', 1), 176)


def test_an_update_makes_only_the_records_it_reads(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "nzcli.yaml"
    plan.write_bytes(SHIPPED.read_bytes())
    assert run("list", "--data", str(plan)).exit_code == 0  # the cache holds this file
    made: list[str] = []

    def counted(values: Any) -> Any:
        action = action_from_data(values)
        made.append(action.id)
        return action

    monkeypatch.setattr(payload_module, "action_from_data", counted)
    result = run("update", "T17", "--period", "2023-12", "--reopen", "--rag", "green",
                 "--data", str(plan))
    assert result.exit_code == 0, result.output
    assert made == ["T17"]
    assert load_plan(plan).action("T17").updates["2023-12"].rag.value == "green"


def test_once_the_payload_is_let_go_only_the_actions_read_remain() -> None:
    plan = trusted_plan(PAYLOAD, 176)
    kept = plan.actions[2]
    payload_module.release_payload(plan)
    assert plan.actions[2] is kept
    with pytest.raises(payload_module.CorruptPayload):
        plan.actions[3]
