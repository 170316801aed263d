"""Fuzzing the shipped YAML: whatever the bytes, nzcli answers with 0, 1 or 2, never a crash."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED
from nzcli.check import check_file
from nzcli.errors import DataError
from nzcli.store import load_plan

settings.register_profile(
    "fuzz-ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz-dev", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = "fuzz-ci" if os.environ.get("CI") else "fuzz-dev"

ORIGINAL = SHIPPED.read_bytes()
TOKENS = [
    b"&a ",
    b"*a",
    b"!!python/object/apply:os.system ['true']",
    b"- ",
    b": ",
    b"\t",
    b"[",
    b"]",
    b"{",
    b"}",
    b"\x00",
    b"\xe9",
    b"\xff\xfe",
    b"'",
    b'"',
    b"#",
    b"\n",
    b"    ",
    b"null",
    b"~",
    b"? ",
    b"|",
    b">",
    b"%YAML 1.1\n",
    b"---\n",
    b"...\n",
    b"<<: *a",
    b"123",
    b"-1",
    b"1e9999",
    b"true",
    b"\xef\xbb\xbf",
    b"!include x",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(ORIGINAL)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        if kind == "delete":
            del data[at : at + draw(st.integers(1, 400))]
        elif kind == "insert":
            token = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=8))
            data[at:at] = token
        elif kind == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate":
            chunk = bytes(data[at : at + draw(st.integers(1, 300))])
            data[at:at] = chunk
    return bytes(data)


@settings(settings.get_profile(PROFILE))
@given(mutated())
def test_mutated_plan_never_crashes(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "actions.yaml"
        path.write_bytes(content)
        result = check_file(path)  # must not raise
        for problem in result.problems:
            line = problem.render()
            assert "\n" not in line and line.startswith(str(path))
        try:
            load_plan(path)
        except DataError as exc:
            assert str(exc).startswith(str(path))
            assert "\n" not in str(exc)
        else:
            assert not result.errors


def _both_ways(text: str) -> tuple[object, object]:
    from nzcli.storage.yaml_safe import _guard_nodes, _safe_yaml, build_data

    yaml = _safe_yaml()
    constructor, parser = yaml.get_constructor_parser(io.StringIO(text))
    root = parser.get_single_node()
    _guard_nodes(root, "x")
    mine = build_data(root, constructor, "x")
    constructor2, parser2 = yaml.get_constructor_parser(io.StringIO(text))
    return mine, constructor2.construct_document(parser2.get_single_node())


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.floats(allow_nan=False)
    | st.sampled_from(
        [
            "yes",
            "No",
            "~",
            "0o17",
            "0x1F",
            "1_000",
            ".inf",
            "-.Inf",
            "2023-12",
            "TRUE",
            "null",
            "Null",
            "1e3",
        ]
    )
)
DATA = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(settings.get_profile(PROFILE))
@given(DATA)
def test_fast_builder_equals_ruamel_constructor(value: object) -> None:
    from nzcli.storage.yaml_safe import dump_yaml

    text = dump_yaml({"root": value})
    mine, theirs = _both_ways(text)
    assert mine == theirs
    assert repr(mine) == repr(theirs)  # same types too (1 vs 1.0 vs True)


def test_fast_builder_on_the_shipped_plan() -> None:
    mine, theirs = _both_ways(ORIGINAL.decode("utf-8"))
    assert mine == theirs and repr(mine) == repr(theirs)


def test_plain_scalars_type_like_ruamel() -> None:
    text = "\n".join(
        f"k{i}: {v}"
        for i, v in enumerate(
            [
                "yes",
                "No",
                "~",
                "",
                "0o17",
                "0x1F",
                "1_000",
                ".inf",
                "-.Inf",
                ".NaN",
                "2023-12",
                "TRUE",
                "false",
                "null",
                "Null",
                "1e3",
                "012",
                "+5",
                "-0",
                "'quoted'",
                "1.5",
            ]
        )
    )
    mine, theirs = _both_ways(text)
    assert repr(mine) == repr(theirs)
