"""The optimistic parse (yaml-rs, no positions) and the positioned parse (ruamel.yaml's node
tree) give the same plans, the same errors and the same lines, whatever the file."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SHIPPED, identical
from nzcli.check import consistency_warnings
from nzcli.errors import DataError
from nzcli.storage import yaml_safe
from nzcli.storage.validate import validate_document
from nzcli.storage.yaml_safe import parse_yaml
from test_fuzz import PROFILE, mutated


def outcome(text: str, route: str) -> tuple[Any, ...]:
    """What reading `text` by `route` gives: its error, or its data, problems and warnings."""
    try:
        doc = parse_yaml(text, "plan.yaml", route=route)
        plan, problems = validate_document(doc)
    except DataError as exc:
        return ("refused", str(exc))
    warnings = consistency_warnings(plan, doc) if plan is not None else []
    return ("read", doc.data, [p.render() for p in problems + warnings], plan)


def assert_same(text: str) -> None:
    optimistic, positioned = outcome(text, "auto"), outcome(text, "positioned")
    assert optimistic[0] == positioned[0], (optimistic[:2], positioned[:2])
    if optimistic[0] == "refused":
        assert optimistic[1] == positioned[1]
        return
    # the same values, type for type (NaN, never equal to itself, by its repr)
    assert identical(optimistic[1], positioned[1]) or repr(optimistic[1]) == repr(positioned[1])
    assert optimistic[2] == positioned[2]  # the same messages at the same lines
    assert optimistic[3] == positioned[3]


@settings(settings.get_profile(PROFILE))
@given(mutated())
def test_both_routes_agree_on_mutated_plans(content: bytes) -> None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return  # refused before either parse (tests/test_bad_input.py)
    assert_same(text)


@pytest.mark.parametrize("name", ["mini.yaml", "hostile.yaml", "bad/duplicate-id.yaml",
                                  "bad/references.yaml", "bad/schema.yaml", "bad/syntax.yaml",
                                  "bad/duplicate-key.yaml", "bad/unknown-key.yaml"])
def test_both_routes_agree_on_the_fixtures(name: str) -> None:
    assert_same((FIXTURES / name).read_text(encoding="utf-8"))


def test_both_routes_agree_on_the_shipped_plan() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert_same(text)
    doc = parse_yaml(text, "plan.yaml")
    assert doc.root is None  # it took the optimistic route


SCALARS = ["yes", "no", "null", "~", "Null", "true", "True", "FALSE", "1_000", "0x1F", "0o17",
           ".inf", "-.Inf", ".nan", "1e3", "1.", "+1", "01", "-0", "'2023-12'", "2023-12",
           "2023-12-01", "1.5", "3.0e-2", "''", '"x"', "0b101", "12:30", "010", '"a\\tb"',
           '"\\u00e9\\x41"', "'it''s'", "a: b", "|\n  block\n", ">-\n  folded\n  text\n",
           "plain\n  continued", "'single\n  continued'", '"x\\N y"', "[1, 2]", "{a: 1}", "[]"]


@settings(settings.get_profile(PROFILE))
@given(st.lists(st.sampled_from(SCALARS) | st.text(max_size=12), min_size=1, max_size=6))
def test_both_routes_type_scalars_alike(values: list[str]) -> None:
    text = "".join(f"k{i}: {v}\n" for i, v in enumerate(values))
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!str 12\nb: !!int '7'\n",  # explicit plain-data tags: the positioned route reads them
        "a:\tb\n",  # a tab after the colon
        "a: x\x85y\n",  # NEL: a line break for libyaml only
        "? [a, b]\n: 1\n",  # a complex key
        "[a, b]: 1\n",
        "a: 1\n---\nb: 2\n",  # two documents
        "%YAML 1.1\n---\na: yes\n",
        "a: 1\na: 2\nb: [1, 2]\nb: 3\n",  # repeated keys: every one reported, the last wins
        "a: &x 1\n",
        "a: " + "9" * 5000 + "\n",
        "a: " + "[" * 70 + "]" * 70 + "\n",
    ],
)
def test_both_routes_agree_on_rare_constructs(text: str) -> None:
    assert_same(text)


def test_the_optimistic_route_is_not_taken_where_it_may_differ() -> None:
    for text in ("a: !!str 12\n", "a:\tb\n", "a: x\u2028y\n", "? [a]\n: 1\n", "[a]: 1\n"):
        try:
            doc = parse_yaml(text, "p.yaml")
        except DataError:
            continue
        assert doc.root is not None, text


def test_problems_are_located_without_a_node_tree(tmp_path: Any) -> None:
    """A problem deep inside a large plan is located by parsing only its action's lines."""
    text = SHIPPED.read_text(encoding="utf-8").replace("rag: null", "rag: purple", 1)
    calls: list[int] = []
    real = yaml_safe._positioned

    def counting(fragment: str, path: str) -> Any:
        calls.append(len(fragment))
        return real(fragment, path)

    doc = parse_yaml(text, "plan.yaml")
    yaml_safe._positioned = counting  # type: ignore[assignment]
    try:
        _plan, problems = validate_document(doc)
    finally:
        yaml_safe._positioned = real  # type: ignore[assignment]
    assert [p.render() for p in problems] == [
        p.render() for p in validate_document(parse_yaml(text, "plan.yaml", route="positioned"))[1]
    ]
    assert calls and max(calls) < 2000  # one action's lines, not the file (124 KB)
