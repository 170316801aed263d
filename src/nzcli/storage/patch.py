"""The line patch a history entry keeps to take a write back (`nzcli undo`), as
`storage.history` records it.

`reverse_patch(before, after)` gives hunks `[line, count, lines]`: replace `count` lines of
the new text from `line` (0-based) by `lines` of the old. The common start and end are found
a block at a time, and the middle is compared between lines found once in each text (a
patience diff's anchors), with difflib between them. `apply_reverse` applies hunks;
`gives_back` checks that they give the old text back, a block at a time, without making it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any


def reverse_patch(before: str, after: str) -> list[list[Any]]:
    """Hunks `[line, count, lines]` that turn `after` back into `before`: replace `count`
    lines of `after` from 0-based `line` on by `lines`. Only the lines that differ are kept
    (a one-field update is a few lines, whatever the size of the plan).

    Near-linear in the file's size: the lines found exactly once in both texts (each
    action's `- id:` line, say) that keep their order anchor the comparison (as patience
    diff does), and only the short stretches between anchors are compared line by line, by
    difflib. difflib alone is far too slow for this: `SequenceMatcher` over the whole of a
    100,000-action plan (1,974,714 lines) with one field edited had not finished after 9
    minutes, where this takes 0.15 s (measured at the merge of issue-store, 2 shared cores);
    and an edit of many actions (an import) leaves no short middle for difflib either."""
    # the common start and end, found a block at a time (a 60 MB plan in milliseconds),
    # then widened to whole lines: only the lines between are compared
    cut = _common_prefix(before, after)
    cut = before.rfind("\n", 0, cut) + 1
    same = min(_common_suffix(before, after), len(before) - cut, len(after) - cut)
    a_end, b_end = len(before) - same, len(after) - same
    starts = (a_end == 0 or before[a_end - 1] == "\n") and (b_end == 0 or after[b_end - 1] == "\n")
    if same and not starts:
        newline = before.find("\n", a_end)
        step = (newline + 1 if newline != -1 else len(before)) - a_end
        a_end, b_end = a_end + step, b_end + step
    head = before.count("\n", 0, cut)
    a_mid, b_mid = text_lines(before[cut:a_end]), text_lines(after[cut:b_end])
    hunks: list[list[Any]] = []
    a_at = b_at = 0
    for a_anchor, b_anchor in [*_anchors(a_mid, b_mid), (len(a_mid), len(b_mid))]:
        _compare(a_mid, b_mid, a_at, a_anchor, b_at, b_anchor, head, hunks)
        a_at, b_at = a_anchor + 1, b_anchor + 1
    return hunks


#: A stretch between anchors longer than this (on either side) is one hunk, not compared
#: line by line (only a file with almost no unique lines has one).
_STRETCH = 5000


def _compare(
    a: list[str],
    b: list[str],
    a_lo: int,
    a_hi: int,
    b_lo: int,
    b_hi: int,
    offset: int,
    hunks: list[list[Any]],
) -> None:
    if a[a_lo:a_hi] == b[b_lo:b_hi]:
        return
    if max(a_hi - a_lo, b_hi - b_lo) > _STRETCH:
        hunks.append([offset + b_lo, b_hi - b_lo, a[a_lo:a_hi]])
        return
    matcher = difflib.SequenceMatcher(None, a[a_lo:a_hi], b[b_lo:b_hi], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            hunks.append([offset + b_lo + j1, j2 - j1, a[a_lo + i1 : a_lo + i2]])


def _anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j), increasing in both, of lines that occur exactly once in `a` and once
    in `b` with a[i] == b[j]: the longest such run in order (patience sorting)."""
    import bisect
    from collections import Counter

    count_a, count_b = Counter(a), Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1}
    pairs = [
        (i, where_b[line]) for i, line in enumerate(a) if count_a[line] == 1 and line in where_b
    ]
    # longest increasing subsequence of the j's
    tops: list[int] = []  # the smallest last j of an increasing run of each length
    ends: list[int] = []  # the index into `pairs` of that run's last pair
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        n = bisect.bisect_left(tops, j)
        if n == len(tops):
            tops.append(j)
            ends.append(k)
        else:
            tops[n] = j
            ends[n] = k
        back[k] = ends[n - 1] if n else -1
    chain = []
    k = ends[-1] if ends else -1
    while k != -1:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def text_lines(text: str) -> list[str]:
    """Lines with their "\\n" (only "\\n" ends a line, as `str.count` counts them)."""
    if not any(char in text for char in _OTHER_BREAKS):
        # the same lines, made once (a split and then "\n" added made each line twice: an
        # import's patch splits most of a 100,000-action plan, before and after)
        return text.splitlines(keepends=True)
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


_BLOCK = 1 << 16

#: What `str.splitlines` ends a line at besides "\n" ("\r\n" is one break there, too).
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    k = 0
    while k < n and a[k : k + _BLOCK] == b[k : k + _BLOCK]:
        k += _BLOCK
    k = min(k, n)
    while k < n and a[k] == b[k]:
        k += 1
    return k


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    k = 0
    while k + _BLOCK <= n and (
        a[len(a) - k - _BLOCK : len(a) - k] == b[len(b) - k - _BLOCK : len(b) - k]
    ):
        k += _BLOCK
    while k < n and a[len(a) - 1 - k] == b[len(b) - 1 - k]:
        k += 1
    return k


def apply_reverse(after: str, hunks: Sequence[Sequence[Any]]) -> str:
    """`after` with `reverse_patch`'s hunks applied: the text before the write.

    Hunks as `reverse_patch` makes them (in order, apart, inside the text) are applied by
    splicing the text at their lines' offsets (`_spliced`): a 66 MB plan is not split into
    its 1.6 million lines for a one-line change. Any others (a history file edited by hand)
    are applied to the list of lines, one after another, as Python's slices do."""
    spliced = _spliced(after, hunks)
    if spliced is not None:
        return spliced
    lines = text_lines(after)
    for line, count, replacement in sorted(hunks, key=lambda h: h[0], reverse=True):
        lines[line : line + count] = list(replacement)
    return "".join(lines)


def _spliced(after: str, hunks: Sequence[Sequence[Any]]) -> str | None:
    """`apply_reverse` for hunks in order of their lines, each after the one before, and
    within the text: the same text, made from slices of `after`; None for any other hunks."""
    pieces = _pieces(after, hunks)
    if pieces is None:
        return None
    return "".join(after[p[0] : p[1]] if isinstance(p, tuple) else p for p in pieces)


#: A piece of a spliced text: a stretch of `after` (start, stop), or a hunk's lines.
_Piece = tuple[int, int] | str


def _pieces(after: str, hunks: Sequence[Sequence[Any]]) -> list[_Piece] | None:
    """The pieces `_spliced` joins, or None for hunks it does not take."""
    total = after.count("\n") + (not after.endswith("\n") and after != "")
    end = 0  # the line the last hunk ended at
    for n, hunk in enumerate(hunks):
        if not isinstance(hunk, (list, tuple)) or len(hunk) != 3:
            return None
        line, count = hunk[0], hunk[1]
        if type(line) is not int or type(count) is not int or count < 0 or line < end:
            return None
        if (n and line == end) or line + count > total:
            return None  # (touching hunks: the lines' way may nest them; not worth proving)
        end = line + count
    starts = _line_starts(after, [line for hunk in hunks for line in (hunk[0], hunk[0] + hunk[1])])
    out: list[_Piece] = []
    done = 0
    for line, count, replacement in hunks:
        out += ((done, starts[line]), "".join(replacement))
        done = starts[line + count]
    out.append((done, len(after)))
    return out


def gives_back(after: str, hunks: Sequence[Sequence[Any]], before: str) -> bool:
    """``apply_reverse(after, hunks) == before``, compared a block at a time where the hunks
    can be spliced, so that a large plan's text is not made a third time to check a patch."""
    pieces = _pieces(after, hunks)
    if pieces is None:
        return apply_reverse(after, hunks) == before
    at = 0  # compared up to here in `before`
    for piece in pieces:
        if isinstance(piece, str):
            if not before.startswith(piece, at):
                return False
            at += len(piece)
            continue
        for start in range(piece[0], piece[1], _BLOCK):
            stop = min(start + _BLOCK, piece[1])
            if after[start:stop] != before[at : at + stop - start]:
                return False
            at += stop - start
    return at == len(before)


#: The stretches `_line_starts` counts newlines in: from this many characters up to 64 KiB.
_FEW, _MANY = 1 << 8, 1 << 16


def _line_starts(text: str, wanted: Sequence[int]) -> dict[int, int]:
    """Where each of the `wanted` lines (0-based, ascending) starts in `text` (`len(text)` for
    the line after the last). Stretches before a line are skipped by counting their newlines,
    each stretch twice the last (up to 64 KiB) while the line is further on, then halving to
    close in, and the last few lines are found one by one: so the cost of a line is the log
    of its distance from the one before, whether 2 lines of a 66 MB text are wanted or 60,000."""
    starts: dict[int, int] = {}
    at = 0  # where the count goes on: `line` newlines stand before it
    line = 0
    end = len(text)
    for target in wanted:
        size = _FEW
        while line < target and at + size < end:  # further on: skip ever larger stretches
            block = text.count("\n", at, at + size)
            if line + block >= target:
                break
            line, at, size = line + block, at + size, min(size * 2, _MANY)
        while size > _FEW and line < target:  # closing in: halve the stretch
            size //= 2
            block = text.count("\n", at, at + size)
            if line + block < target and at + size < end:
                line, at = line + block, at + size
        while line < target:
            newline = text.find("\n", at)
            if newline == -1:
                at, line = end, target
                break
            at, line = newline + 1, line + 1
        starts[target] = at
    return starts
