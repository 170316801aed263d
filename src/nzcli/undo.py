"""`nzcli undo`: take the last recorded change back, if the plan is still as it left it.

The history (`storage.history`) holds, for each write, the patch that turns the file back
into what it was and the SHA-256 of the file after the write. Undo applies the patch of the
newest change not already undone, under the lock, only while the file's bytes are still
those the change wrote; otherwise it says what is in the way and changes nothing. Undo is a
write like any other: validated, atomic, and recorded (as undoing that entry), so undoing
again goes one change further back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import UsageError
from .record import Outcome
from .storage.files import DEFAULT_LOCK_TIMEOUT
from .storage.history import Journal, digest, history_path, read_history
from .storage.patch import apply_reverse
from .store import replace_file


def last_undoable(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest entry that is not an undo and has not been undone."""
    undone = {e["undoes"] for e in entries if e.get("undoes")}
    for entry in reversed(entries):
        if entry.get("undoes") or entry["id"] in undone or "undo" not in entry:
            continue  # (`init`'s entry has no patch: there is no earlier file to go back to)
        return dict(entry)
    return None


def undo_last(path: Path, journal: Journal, *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Outcome:
    """Revert the newest change recorded in the plan's history."""
    found: dict[str, Any] = {}

    def replacement(raw: bytes, text: str, as_file: Callable[[str], bytes]) -> str:
        entries = read_history(path)
        target = last_undoable(entries)
        if target is None:
            where = history_path(path)
            raise UsageError(
                f"nothing to undo: {where} records no change to take back"
                if entries
                else f"nothing to undo: {path} has no history yet ({where})"
            )
        found.update(target)
        described = f"`{target.get('command', '?')}` of {target.get('when', '?')}"
        if digest(raw) != target.get("sha_after"):
            raise UsageError(
                f"cannot undo {described}: {path} has changed since (edited by hand or by "
                "another program); undoing would lose that change, so nothing was changed. "
                "Compare the file with its previous version (e.g. `git diff`), or see "
                "`nzcli history`"
            )
        journal.undoes = target["id"]
        before = apply_reverse(text, target.get("undo", []))
        if digest(as_file(before)) != target.get("sha_before"):
            raise UsageError(
                f"cannot undo {described}: its record in {history_path(path)} does not give "
                "back the file it replaced; nothing was changed"
            )
        return before

    edit = replace_file(path, replacement, journal, timeout=timeout)
    what = f"`{found.get('command', '?')}` of {found.get('when', '?')}"
    return Outcome(edit, "undo", what, "the file is already as it was", [], into="in")

