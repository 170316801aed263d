"""A history entry's patch is applied by splicing the text at its lines' offsets
(`storage.patch.apply_reverse`): the same text as applying it to the list of lines, for
any hunks, and the text before the write for a real change's patch."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from nzcli.storage import patch


def _by_lines(after: str, hunks: list[list[Any]]) -> str:
    """The reference: the hunks applied to the list of lines, one after another."""
    lines = patch.text_lines(after)
    for line, count, replacement in sorted(hunks, key=lambda h: h[0], reverse=True):
        lines[line : line + count] = list(replacement)
    return "".join(lines)


_line_text = st.text(st.sampled_from("ab\n"), max_size=6)
_hunk = st.tuples(
    st.integers(-2, 12),
    st.integers(-1, 4),
    st.lists(_line_text.map(lambda t: t + "\n"), max_size=3),
).map(list)


@settings(max_examples=1500)
@given(st.text(st.sampled_from("ab\n"), max_size=40), st.lists(_hunk, max_size=4))
@example("a\nb", [[1, 1, ["x\n"]]])
@example("a\nb\n", [[2, 0, ["x\n"]]])
@example("", [[0, 0, ["x\n"]]])
def test_splicing_applies_any_hunks_as_the_list_of_lines_does(
    after: str, hunks: list[list[Any]]
) -> None:
    assert patch.apply_reverse(after, hunks) == _by_lines(after, hunks)
    reference = _by_lines(after, hunks)
    assert patch.gives_back(after, hunks, reference)
    for other in (reference + "x", reference[:-1], "x" + reference[1:], reference[::-1]):
        assert patch.gives_back(after, hunks, other) is (other == reference)


@settings(max_examples=300)
@given(st.lists(st.text(st.sampled_from("abc \n"), max_size=30), min_size=2, max_size=2))
def test_a_patch_of_a_real_change_is_spliced_back(texts: list[str]) -> None:
    before, after = texts
    hunks = patch.reverse_patch(before, after)
    assert patch._spliced(after, hunks) is not None
    assert patch.apply_reverse(after, hunks) == before


def test_splicing_a_large_text_finds_lines_past_many_blocks() -> None:
    lines = [f"line {n}\n" for n in range(200_000)]
    after = "".join(lines)
    before = after.replace("line 150000\n", "line 150000 was here\n")
    hunks = patch.reverse_patch(before, after)
    assert hunks == [[150_000, 1, ["line 150000 was here\n"]]]
    assert patch._spliced(after, hunks) == before
    assert patch.gives_back(after, hunks, before)
    assert not patch.gives_back(after, hunks, before.replace("line 199999", "line 199990"))
    assert not patch.gives_back(after, hunks, before.replace("line 3\n", "line 3 \n"))


_BIG = "".join(f"{'x' * (n % 97)}\n" for n in range(60_000)) + "tail without a newline"
_BIG_STARTS = [0] + [i + 1 for i, c in enumerate(_BIG) if c == "\n"] + [len(_BIG)]


@settings(max_examples=200)
@given(st.lists(st.integers(0, len(_BIG_STARTS) - 1), max_size=30).map(sorted))
def test_line_starts_in_a_large_text_are_where_its_lines_start(wanted: list[int]) -> None:
    starts = patch._line_starts(_BIG, wanted)
    assert starts == {line: _BIG_STARTS[line] for line in wanted}
