"""An edit of an action's updates made line by line (`storage.line_edit`) gives the text the
round trip (ruamel.yaml: load, change, dump) gives, and scalars are written as ruamel.yaml
writes them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED
from nzcli.edits import KEEP, UpdateFields, apply_update
from nzcli.model import Rag, Stage
from nzcli.storage import line_edit, yaml_rt
from nzcli.storage.spans import fragment, scan_spans
from nzcli.storage.yaml_rt import CANONICAL_LAYOUT, edit_fragment, rt_dump
from nzcli.storage.yaml_safe import parse_yaml
from nzcli.store import load_plan

TEXT = SHIPPED.read_text(encoding="utf-8")
PLAN = load_plan(SHIPPED, env={"NZCLI_NO_CACHE": "1"})
SPANS = scan_spans(TEXT, parse_yaml(TEXT, "plan").data)
assert SPANS is not None

#: Characters that decide a scalar's style, and some that do not.
_CHARS = st.sampled_from(
    [
        *"aZ09 :#-?'\"!&*|>%@`,[]{}.=~_/()\\",
        *("\u00a0", "\u00e9", "\u2014", "\u00a3", "\u2028", "\x85", "\t", "\n", "\x07"),
        *("\ufeff", "\U0001f600", "\ud7ff", "\ue000"),
    ]
)
texts = st.text(_CHARS, max_size=12)


@settings(max_examples=3000)
@given(st.one_of(texts, st.sampled_from(["null", "No", "yes", "True", "y", "n", "on", "Off"])))
@example("Phase 1: done")
@example("'quoted' first")
@example("ends with a colon:")
@example("see #3")
@example("a # b")
@example("2024")
@example("Bids in.")
def test_a_scalar_is_written_as_ruamel_writes_it(value: str) -> None:
    written = line_edit.yaml_scalar(value)
    if written is not None:
        assert rt_dump({"k": value}) == f"k: {written}\n"


@settings(max_examples=2000)
@given(texts, st.sampled_from(['"', "'"]))
@example("Bids in.", '"')
@example("a\u00a0b", '"')
@example("it's", "'")
def test_new_text_in_a_quoted_value_is_written_as_ruamel_writes_it(value: str, style: str) -> None:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    kind = DoubleQuotedScalarString if style == '"' else SingleQuotedScalarString
    mapping = CommentedMap([("k", kind("old"))])
    mapping["k"] = value  # (keeps the old value's quoting)
    written = line_edit.yaml_scalar(value, style)
    if written is not None:
        assert rt_dump(mapping) == f"k: {written}\n"


def test_common_texts_are_written_line_by_line() -> None:
    common = ("Bids in.", "Phase 1: done", "Consultation\u00a0closes in May.", None, "delivery")
    for value in common:
        assert line_edit.yaml_scalar(value) is not None


def _change(period: str, fields: UpdateFields, index: int) -> Any:
    def change(node: Any) -> None:
        apply_update(node, PLAN.actions[index], period, fields, [])

    return change


def _both(index: int, period: str, fields: UpdateFields) -> tuple[str | None, str | None]:
    source, _ = fragment(TEXT, SPANS, ("actions", index))
    frame = "actions:\n"
    slot = ("actions", index)
    lined = line_edit.edit_updates(source, frame, _change(period, fields, index), 2)
    saved = line_edit.edit_updates
    try:
        line_edit.edit_updates = lambda *_args: None  # type: ignore[assignment]
        change = _change(period, fields, index)
        tripped = edit_fragment(source, frame, slot, change, CANONICAL_LAYOUT)
    finally:
        line_edit.edit_updates = saved  # type: ignore[assignment]
    return lined, tripped


stages = st.sampled_from([KEEP, None, *Stage])
rags = st.sampled_from([KEEP, None, *Rag])
words = st.one_of(st.just(KEEP), st.none(), texts.filter(lambda t: t.strip() == t and t != ""))


@settings(max_examples=400, deadline=None)
@given(
    st.integers(0, len(PLAN.actions) - 1),
    st.sampled_from(["2023-12", "2024-06", "2022-12", "2099-12"]),
    stages,
    rags,
    words,
)
def test_line_by_line_gives_the_round_trips_text(
    index: int, period: str, stage: Any, rag: Any, text: Any
) -> None:
    fields = UpdateFields(stage=stage, rag=rag, text=text)
    lined, tripped = _both(index, period, fields)
    if lined is not None:
        assert lined == tripped


@pytest.mark.parametrize("period", ["2023-12", "2024-06"])
def test_an_import_rows_edit_is_made_line_by_line(period: str) -> None:
    fields = UpdateFields(rag=Rag.AMBER, text="Imported for the bench (T2).")
    made = 0
    for index in range(len(PLAN.actions)):
        if PLAN.actions[index].id == "T17":  # (schemes: the round trip writes them)
            continue
        lined, tripped = _both(index, period, fields)
        assert lined == tripped
        made += lined is not None
    assert made == len(PLAN.actions) - 1


def test_an_edit_of_more_than_the_updates_takes_the_round_trip() -> None:
    source, _ = fragment(TEXT, SPANS, ("actions", 0))

    def change(node: Any) -> None:
        node["owner"] = "Someone"

    assert line_edit.edit_updates(source, "actions:\n", change, 2) is None
    changed = edit_fragment(source, "actions:\n", ("actions", 0), change, CANONICAL_LAYOUT)
    assert changed is not None and "owner: Someone" in changed
    assert yaml_rt is not None
