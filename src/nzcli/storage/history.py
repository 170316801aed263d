"""The plan's history: one JSON line per write, in a file beside the plan.

`nzcli.yaml` has its history in `nzcli.yaml.history.jsonl`. Each line is one write: when,
who, which command, what changed (action, period, field, before, after), the SHA-256 of the
file before and after, and the line-level patch that turns the file back into what it was
(what `nzcli undo` applies; `storage.patch` makes and applies it). Lines are only ever appended.

A write is recorded under the plan's lock, before the plan itself is replaced: the line is
appended and flushed to disk first, so a write whose history cannot be recorded does not
happen; if replacing the plan then fails, the line is taken back off. `Journal.recording` is
the hook `nzcli.store.edit_file` calls around its atomic write.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from nzcli.errors import DataError, MissingFile, WriteError
from nzcli.model import Update
from nzcli.records import field_names

from .patch import gives_back, reverse_patch, text_lines

#: What the history file of `PLAN` is called: `PLAN.history.jsonl`, beside it.
HISTORY_SUFFIX: Final = ".history.jsonl"
#: Version of a history line's keys. Bump on any incompatible change.
HISTORY_FORMAT_VERSION: Final = 1
#: The fields of an update, in the data file's order.
UPDATE_FIELDS: Final = field_names(Update)
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

    @functools.cached_property
    def sha_after(self) -> str:
        """The SHA-256 of the bytes after, worked out once (the history entry and the key of
        the new cache entry both need it)."""
        return digest(self.after)

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
            hunks = [[0, len(text_lines(write.after_text)), text_lines(write.before_text)]]
        before, after = write.sha_before, write.sha_after
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
