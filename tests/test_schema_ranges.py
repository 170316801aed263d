"""The range rule (timescale, cost, carbon saving) accepts a valid range by a set lookup
(`nzcli.schema._range_validator`): exactly the values the rule itself accepts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nzcli import schema
from nzcli.model import RATING_LEVELS, TIMESCALE_LEVELS


def rule(value: str, levels: tuple[str, ...]) -> bool:
    """The rule as written: every member a level, the members in order, none twice."""
    ranks = [levels.index(m) if m in levels else -1 for m in value.split("/")]
    return -1 not in ranks and ranks == sorted(set(ranks))


def accepts(value: str, levels: tuple[str, ...]) -> bool:
    check = schema._range_validator(levels, "range").func
    try:
        assert check(value) == value
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("levels", [TIMESCALE_LEVELS, RATING_LEVELS])
@settings(max_examples=500)
@given(st.text(st.sampled_from("SMLH/ x"), max_size=9))
def test_the_lookup_accepts_what_the_rule_accepts(levels: tuple[str, ...], value: str) -> None:
    assert accepts(value, levels) is rule(value, levels)


def test_every_range_and_some_that_are_not() -> None:
    valid = ["S", "M", "L", "S/M", "M/L", "S/L", "S/M/L"]
    assert [v for v in valid if accepts(v, TIMESCALE_LEVELS)] == valid
    invalid = ["M/S", "S/S", "S/M/L/L", "", "/", "S/", "s"]
    assert [v for v in invalid if accepts(v, TIMESCALE_LEVELS)] == []
