"""Peak memory at 100,000 actions: what a cold read and an edit let go of, and that the
leaner ways give exactly what the old ones gave (docs/performance.md, issue 16)."""

from __future__ import annotations

import dataclasses
import os
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHIPPED
from nzcli import schema
from nzcli.records import plan_json, records_json
from nzcli.storage.cache import encode_payload
from nzcli.storage.files import read_file, unchanged_since
from nzcli.storage.quick_edit import shared
from nzcli.storage.validate import _records, _records_by_action, validate_document
from nzcli.storage.yaml_safe import parse_yaml
from nzcli.store import _gc_paused, load_plan, release


class Probe:
    """A value that can be watched with a weak reference (lists and dicts cannot)."""


@pytest.fixture
def no_gc() -> Iterator[None]:
    """As in the `nzcli` process: no cyclic garbage collection."""
    with _gc_paused():
        yield


def test_a_parsed_document_is_freed_without_the_collector(no_gc: None) -> None:
    doc = parse_yaml(SHIPPED.read_text(encoding="utf-8"), str(SHIPPED))
    assert doc.locator is not None and doc.root is None  # (the optimistic route)
    assert doc.locate(("actions", 3, "theme"))[0] is not None
    gone = weakref.ref(doc)
    probe = Probe()
    doc.data["probe"] = probe
    data = weakref.ref(probe)
    del doc, probe
    assert gone() is None and data() is None  # no cycle between it and its locator


def test_release_lets_the_text_and_data_go(no_gc: None) -> None:
    doc = parse_yaml(SHIPPED.read_text(encoding="utf-8"), str(SHIPPED))
    probe = Probe()
    doc.data["probe"] = probe
    data = weakref.ref(probe)
    del probe
    release(doc)
    assert data() is None and doc.text == "" and doc.locator is None


def test_load_plan_keeps_no_document(no_gc: None, tmp_path: Path) -> None:
    seen: list[weakref.ref[Any]] = []
    import nzcli.store as store

    original = store.parse_yaml

    def spy(*args: Any, **kwargs: Any) -> Any:
        doc = original(*args, **kwargs)
        seen.append(weakref.ref(doc))
        return doc

    store.parse_yaml = spy  # type: ignore[assignment]
    try:
        env = {**os.environ, "NZCLI_CACHE_DIR": str(tmp_path / "cache")}
        plan = load_plan(SHIPPED, env)
    finally:
        store.parse_yaml = original  # type: ignore[assignment]
    assert len(plan.actions) == 176 and len(seen) == 1
    assert seen[0]() is None  # the parsed document is gone once the plan is made


def test_actions_validated_one_by_one_give_the_whole_plans_records() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    one_by_one = _records_by_action(parse_yaml(text, "x").data)
    whole = _records(schema.Plan.model_validate(parse_yaml(text, "x").data))
    assert one_by_one is not None
    assert plan_json(one_by_one) == plan_json(whole)
    assert one_by_one == whole


def test_the_plan_model_checks_nothing_beyond_its_fields() -> None:
    """Validating the actions one by one is validating the whole plan only while
    `schema.Plan` has no validator or serializer of its own and its actions are a plain
    list of `schema.Action`: one added there must be applied by `_records_by_action` too."""
    decorators = schema.Plan.__pydantic_decorators__
    assert not (
        decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.model_validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.computed_fields
    )
    actions = schema.Plan.model_fields["actions"]
    assert actions.annotation == list[schema.Action]
    assert actions.metadata == []


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["actions"][5].update(rag="purple"),
        lambda d: d["actions"][0].pop("theme"),
        lambda d: d.update(actions={"T1": {}}),
        lambda d: d.update(actions=None),
        lambda d: d["actions"].append("not an action"),
        lambda d: d.update(periods=[]),
        lambda d: d.update(extra=1),
    ],
)
def test_invalid_data_is_left_to_the_whole_plans_validation(change: Any) -> None:
    data = parse_yaml(SHIPPED.read_text(encoding="utf-8"), "x").data
    change(data)
    assert _records_by_action(data) is None


def test_an_invalid_file_gets_the_whole_validations_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    bad = text.replace("rag: null", "rag: purple", 1).replace("theme: transport", "theme: [7]", 1)
    plan, problems = validate_document(parse_yaml(bad, "bad.yaml"))
    import nzcli.storage.validate as validate

    monkeypatch.setattr(validate, "_records_by_action", lambda data: None)
    whole_plan, whole = validate_document(parse_yaml(bad, "bad.yaml"))
    assert plan is None and whole_plan is None
    assert len(problems) == 2 and all(p.line is not None for p in problems)
    assert problems == whole


def test_payload_is_the_joined_lines() -> None:
    plan = load_plan(SHIPPED, {"NZCLI_NO_CACHE": "1"})
    head = plan_json(dataclasses.replace(plan, actions=[]))
    old = head[:-2] + b"\n" + b",\n".join(records_json(plan.actions)) + b"\n]}"
    assert encode_payload(plan) == old
    empty = dataclasses.replace(plan, actions=[])
    assert encode_payload(empty) == head[:-2] + b"\n" + b"\n]}"


def test_unchanged_since_hashes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"x" * (3 * 2**20 + 5))
    _, state = read_file(path, digest=True)
    assert unchanged_since(path, state)
    with open(path, "r+b") as handle:  # same size, same times kept: only the content differs
        handle.seek(2**20 + 7)
        handle.write(b"y")
    os.utime(path, ns=(state.mtime_ns, state.mtime_ns))
    st_now = os.stat(path)
    if st_now.st_ctime_ns == state.ctime_ns:  # (ctime moves on most systems)
        assert not unchanged_since(path, state)
    assert not unchanged_since(path, dataclasses.replace(state, ctime_ns=st_now.st_ctime_ns))
    path.unlink()
    assert not unchanged_since(path, state)


texts = st.text(max_size=6)
values = st.recursive(
    st.none() | st.integers() | st.floats(allow_nan=False) | texts | st.booleans(),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(texts | st.integers(), inner, max_size=4),
    max_leaves=20,
)


@given(values, values)
def test_shared_data_is_equal_data(new: Any, old: Any) -> None:
    import copy

    expected = copy.deepcopy(new)
    out = shared(new, old)
    assert out == expected
    assert repr(out) == repr(expected)  # same types, same order, -0.0 kept


def test_shared_strings_are_the_old_ones() -> None:
    old = {"id": "T1" + "", "action": "x" * 50, "updates": {"2023-12": {"text": "a" * 40}}}
    new = {"id": "T1", "action": "x" * 50, "updates": {"2023-12": {"text": "b" * 40}}, "z": "c"}
    out = shared(new, old)
    assert out["action"] is old["action"]
    assert [k for k in out] == ["id", "action", "updates", "z"]
    assert next(iter(out["updates"])) is next(iter(old["updates"]))
    assert out["updates"]["2023-12"]["text"] == "b" * 40


def _split_lines(text: str) -> list[str]:
    """`patch.text_lines` as it was: split at "\\n", then each "\\n" added back."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@given(st.text(alphabet=st.sampled_from("ab \n\r—" + BREAKS), max_size=40))
def test_text_lines_are_the_split_lines(text: str) -> None:
    from nzcli.storage.patch import text_lines

    assert text_lines(text) == _split_lines(text)
    plain = text.replace("\r", "").translate({ord(c): None for c in BREAKS})
    assert text_lines(plain) == _split_lines(plain)
