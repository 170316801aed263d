"""The plan's history: one JSON line per write, in a file beside the plan.

`nzcli.yaml` has its history in `nzcli.yaml.history.jsonl`. Each line is one write: when,
who, which command, what changed (action, period, field, before, after), the SHA-256 of the
file before and after, and the line-level patch that turns the file back into what it was
(what `nzcli undo` applies). Lines are only ever appended.

A write is recorded under the plan's lock, before the plan itself is replaced: the line is
appended and flushed to disk first, so a write whose history cannot be recorded does not
happen; if replacing the plan then fails, the line is taken back off. `Journal.recording` is
the hook `nzcli.store.edit_file` calls around its atomic write.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from nzcli.errors import DataError, MissingFile, WriteError

#: What the history file of `PLAN` is called: `PLAN.history.jsonl`, beside it.
HISTORY_SUFFIX: Final = ".history.jsonl"
#: Version of a history line's keys. Bump on any incompatible change.
HISTORY_FORMAT_VERSION: Final = 1
#: The fields of an update, in the data file's order.
UPDATE_FIELDS: Final = ("stage", "schemes", "rag", "text")
#: Largest history file nzcli reads: years of rounds of a large plan (an entry holds only
#: the lines a write changed), while a runaway file is refused rather than read for ever.
MAX_HISTORY_BYTES: Final = 1024 * 2**20

Slot = tuple[str] | tuple[str, int]


def history_path(plan: Path) -> Path:
    """Where the history of the plan file `plan` is kept: beside the real file, through any
    symbolic links (as the store writes and locks the real file), so a plan's history is one
    file whichever name it is edited by."""
    real = Path(os.path.realpath(plan))
    return real.with_name(real.name + HISTORY_SUFFIX)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
# What changed


def changes_between(old: Any, new: Any) -> list[dict[str, Any]]:
    """Every field that differs between two versions of a plan's data (plain, as parsed):
    `{"action", "period", "field", "before", "after"}` each, in file order."""
    old = old if isinstance(old, dict) else {}
    new = new if isinstance(new, dict) else {}
    keys = list(dict.fromkeys([*old, *new]))
    slots: list[Slot] = [(k,) for k in keys]
    return slot_changes(slots, {(k,): old.get(k) for k in keys}, {(k,): new.get(k) for k in keys})


def slot_changes(
    slots: Sequence[Slot], old: Mapping[Slot, Any], new: Mapping[Slot, Any]
) -> list[dict[str, Any]]:
    """What an edit changed, from the edited slots' values before and after (plain, as
    parsed; the rest of the plan is unchanged by construction), in the order of `slots`:
    a top-level key (`("periods",)`) or one action (`("actions", 3)`). Both of the store's
    paths have these values: the slow one from the whole file's data, the quick one from
    the slots' own lines (`storage.quick_edit`)."""
    out: list[dict[str, Any]] = []
    for slot in slots:
        before, after = old.get(slot), new.get(slot)
        if len(slot) == 2:
            out.extend(_action_changes([before], [after], [0]))
        elif slot[0] == "periods":
            out.extend(_period_changes(before or [], after or []))
        elif slot[0] == "actions":
            out.extend(_action_changes(before or [], after or [], None))
        elif before != after:
            out.append(_change(None, None, slot[0], before, after))
    return out


def _change(
    action: str | None, period: str | None, name: str, before: Any, after: Any
) -> dict[str, Any]:
    return {"action": action, "period": period, "field": name, "before": before, "after": after}


def _by_id(items: Sequence[Any]) -> dict[str, Any]:
    return {str(i.get("id")): i for i in items if isinstance(i, dict)}


def _period_changes(old: Sequence[Any], new: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    before, after = _by_id(old), _by_id(new)
    for pid in sorted({*before, *after}):
        a, b = before.get(pid), after.get(pid)
        if a is None or b is None:
            out.append(_change(None, pid, "period", a, b))
            continue
        for name in dict.fromkeys([*a, *b]):
            if a.get(name) != b.get(name):
                out.append(_change(None, pid, name, a.get(name), b.get(name)))
    return out


def _action_changes(
    old: Sequence[Any], new: Sequence[Any], indexes: Sequence[int] | None
) -> list[dict[str, Any]]:
    if indexes is not None:
        pairs = [
            (old[i] if i < len(old) else None, new[i] if i < len(new) else None) for i in indexes
        ]
    else:
        before, after = _by_id(old), _by_id(new)
        pairs = [(before.get(k), after.get(k)) for k in dict.fromkeys([*before, *after])]
    out = []
    for a, b in pairs:
        if a == b:
            continue
        action_id = str((b or a or {}).get("id"))
        if a is None or b is None:
            out.append(_change(action_id, None, "action", a, b))
            continue
        for name in dict.fromkeys([*a, *b]):
            if name == "updates" or a.get(name) == b.get(name):
                continue
            out.append(_change(action_id, None, name, a.get(name), b.get(name)))
        out.extend(_update_changes(action_id, a.get("updates") or {}, b.get("updates") or {}))
    return out


def _update_changes(
    action_id: str, old: dict[str, Any], new: dict[str, Any]
) -> list[dict[str, Any]]:
    out = []
    for pid in sorted({*old, *new}):
        a, b = old.get(pid), new.get(pid)
        if a == b:
            continue
        if a is None or b is None:
            out.append(_change(action_id, pid, "update", a, b))
            continue
        for name in dict.fromkeys([*UPDATE_FIELDS, *a, *b]):
            if a.get(name) != b.get(name):
                out.append(_change(action_id, pid, name, a.get(name), b.get(name)))
    return out


# ---------------------------------------------------------------------------------------------
# The patch that takes a write back


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
    a_mid, b_mid = _lines(before[cut:a_end]), _lines(after[cut:b_end])
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


def _lines(text: str) -> list[str]:
    """Lines with their "\\n" (only "\\n" ends a line, as `str.count` counts them)."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


_BLOCK = 1 << 16


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
    lines = _lines(after)
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


# ---------------------------------------------------------------------------------------------
# Recording a write


@dataclass(frozen=True)
class Write:
    """A write about to happen: the SHA-256 of the plan file's bytes before, its bytes
    after, its (normalised) text before and after, and what changed: with `slots`, each
    edited slot's value before and after (`old`, `new`: slot -> plain data), else the whole
    plan's data before and after (`nzcli undo`)."""

    path: Path
    sha_before: str
    after: bytes
    before_text: str
    after_text: str
    old: Any
    new: Any
    slots: Sequence[Slot] | None = None

    def changes(self) -> list[dict[str, Any]]:
        if self.slots is None:
            return changes_between(self.old, self.new)
        return slot_changes(self.slots, self.old, self.new)


@dataclass
class Journal:
    """How a command's writes are recorded: the command line, and what the operation notes
    while it runs (periods reopened, the entry an undo reverts)."""

    command: str
    #: Published periods this write changes (`--reopen`).
    reopened: list[str] = field(default_factory=list)
    #: The id of the entry this write reverts (`nzcli undo`).
    undoes: str | None = None
    #: The entry recorded by the last write (set by `recording`).
    entry: dict[str, Any] | None = None

    def make_entry(self, write: Write, when: str, user: str) -> dict[str, Any]:
        hunks = reverse_patch(write.before_text, write.after_text)
        if not gives_back(write.after_text, hunks, write.before_text):  # pragma: no cover
            hunks = [[0, len(_lines(write.after_text)), _lines(write.before_text)]]
        before, after = write.sha_before, digest(write.after)
        entry: dict[str, Any] = {
            "format_version": HISTORY_FORMAT_VERSION,
            "id": digest(f"{when}\n{before}\n{after}\n{self.command}".encode())[:12],
            "when": when,
            "user": user,
            "command": self.command,
            "changes": write.changes(),
        }
        if self.reopened:
            entry["reopened"] = sorted(set(self.reopened))
        if self.undoes is not None:
            entry["undoes"] = self.undoes
        entry.update(sha_before=before, sha_after=after, undo=hunks)
        return entry

    @contextlib.contextmanager
    def recording(self, write: Write) -> Iterator[dict[str, Any]]:
        """Append this write's entry to the history (flushed to disk), then let the plan be
        written; if writing the plan fails, take the entry back off. WriteError, and nothing
        written, when the history cannot be appended to."""
        entry = self.make_entry(write, _now(), _user())
        with appended(history_path(write.path), entry):
            yield entry
        self.entry = entry

    @contextlib.contextmanager
    def creating(self, path: Path, data: bytes, what: str) -> Iterator[dict[str, Any]]:
        """Record that the plan file `path` is being created (`nzcli init`): no patch, as
        there is no earlier file to go back to."""
        when = _now()
        after = digest(data)
        entry: dict[str, Any] = {
            "format_version": HISTORY_FORMAT_VERSION,
            "id": digest(f"{when}\n\n{after}\n{self.command}".encode())[:12],
            "when": when,
            "user": _user(),
            "command": self.command,
            "changes": [_change(None, None, "plan", None, what)],
            "sha_before": None,
            "sha_after": after,
        }
        with appended(history_path(path), entry):
            yield entry
        self.entry = entry


@contextlib.contextmanager
def appended(target: Path, entry: dict[str, Any]) -> Iterator[None]:
    """Append one entry as a line to the history file `target`, flushed to disk; take it
    back off if the block fails. WriteError when it cannot be appended."""
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        handle = open(target, "a+b")  # noqa: SIM115 (closed below, after the block)
    except OSError as exc:
        raise WriteError(_cannot(target, exc)) from None
    with handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        try:
            if size:
                handle.seek(size - 1)
                if handle.read(1) != b"\n":  # a line torn by a crash: close it off
                    line = b"\n" + line
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        except OSError as exc:
            _take_back(handle, size)
            raise WriteError(_cannot(target, exc)) from None
        try:
            yield
        except BaseException:
            _take_back(handle, size)
            raise


def _take_back(handle: Any, size: int) -> None:
    with contextlib.suppress(OSError):
        handle.truncate(size)
        handle.flush()
        os.fsync(handle.fileno())


def _cannot(target: Path, exc: OSError) -> str:
    return (
        f"{target}: cannot record the change in the plan's history "
        f"({exc.strerror or exc}); nothing was written"
    )


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return ""


# ---------------------------------------------------------------------------------------------
# Reading it back


def read_history(plan: Path) -> list[dict[str, Any]]:
    """The plan's history entries, oldest first ([] when it has none). A line torn by a
    crash (unfinished) is skipped; any other unreadable line is a DataError."""
    target = history_path(plan)
    from .files import read_file  # the one reader: regular files only, bounded

    try:
        raw = read_file(target, MAX_HISTORY_BYTES)[0]
    except MissingFile:
        return []
    entries = []
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            if not line.rstrip().endswith(b"}"):  # torn by a crash mid-append: never happened
                continue
            raise DataError(
                target, "not a history line (JSON); the history is kept as nzcli wrote it", number
            ) from None
        if not isinstance(entry, dict) or "id" not in entry:
            raise DataError(target, "not a history entry", number)
        entries.append(entry)
    return entries
