"""The plan store: where the plan is, loading it (from the cache or by parsing), and editing
it as one locked, validated, atomic transaction.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DataError, UsageError, WriteError
from .model import Plan
from .storage.files import (
    DATA_ENV,
    DEFAULT_LOCK_TIMEOUT,
    atomic_write,
    decode_text,
    locked,
    read_bytes,
    remove_stale_temporaries,
)
from .storage.history import Journal, Write
from .storage.validate import id_prefix, validate_document
from .storage.yaml_rt import EditSlot, edit_text
from .storage.yaml_safe import Document, parse_yaml

# ---------------------------------------------------------------------------------------------
# Where the data is


def shipped_data_path() -> Path:
    """The plan shipped with nzcli: inside the installed package, else the source checkout's."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "actions.yaml"  # (setup.py copies it in; no zip installs)
    if packaged.is_file():
        return packaged
    return here.parents[1] / "data" / "actions.yaml"


#: The file name `nzcli init` gives a working copy, and that nzcli looks for in the current
#: folder and each folder above it (as git looks for `.git`).
PLAN_FILE = "nzcli.yaml"


def find_plan(start: Path) -> Path | None:
    """The nearest `nzcli.yaml` in `start` or a folder above it; None when there is none."""
    folder = start.absolute()
    for candidate in (folder, *folder.parents):
        path = candidate / PLAN_FILE
        if path.is_file():
            return path
    return None


def resolve_data_path(
    explicit: str | os.PathLike[str] | None,
    env: Mapping[str, str],
    cwd: Path | None = None,
) -> Path:
    """`--data`, else $NZCLI_DATA, else `nzcli.yaml` in the current folder or the nearest
    folder above it, else the shipped plan (read-only: see `refuse_shipped`)."""
    if explicit:
        return Path(explicit)
    if env.get(DATA_ENV):
        return Path(env[DATA_ENV])
    found = find_plan(cwd if cwd is not None else Path.cwd())
    return found if found is not None else shipped_data_path()


def is_shipped(path: Path) -> bool:
    """True for the plan shipped with nzcli (inside the installed package, or the source
    checkout's data/actions.yaml that the package is built from)."""
    shipped = shipped_data_path()
    package = Path(__file__).resolve().parent
    try:
        target = path.resolve()
    except OSError:
        return False
    return target == shipped.resolve() or package in target.parents


def refuse_shipped(path: Path) -> Path:
    """`path`, unless it is the shipped plan: editing that would write into the installed
    package (and the next install would wipe the change), so it is refused with what to do."""
    if is_shipped(path):
        raise UsageError(
            f"{path} is the plan shipped with nzcli and is read-only; run `nzcli init` to "
            "make a working copy (nzcli.yaml) in this folder, or give --data FILE"
        )
    return path


def load_plan(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Plan:
    """Load and validate a plan: `--data`/$NZCLI_DATA/the shipped plan. Raises DataError.

    A plan validated before is taken from the cache (`nzcli.cache`), keyed on the file's
    bytes, so it is never stale; NZCLI_NO_CACHE=1 turns the cache off.
    """
    from .storage import cache

    environ = os.environ if env is None else env
    resolved = resolve_data_path(path, environ)
    raw = read_bytes(resolved)
    entry = cache.entry_for(resolved, raw, environ)
    with _gc_paused():
        cached = entry.load() if entry is not None else None
        if cached is not None:
            return cached.with_source(str(resolved))
        doc = parse_yaml(decode_text(raw, resolved), str(resolved))
        del raw
        plan, problems = validate_document(doc)
        if plan is None:
            first = problems[0]
            more = len(problems) - 1
            tail = f" (and {more} more; run `nzcli check` for all)" if more else ""
            raise DataError(
                doc.path, f"{id_prefix(first)}{first.message}{tail}", first.line, first.column
            )
        del doc
        if entry is not None:
            entry.save(plan)
    return plan


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a plan is built: the millions of objects a large
    plan makes would otherwise be scanned again and again (a third of the parse time)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Edit:
    """The outcome of `edit_file`: the file's text before and after (equal when no change)."""

    path: Path
    before: str
    after: str
    written: bool

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """A unified diff of the change (empty when there is none)."""
        import difflib

        name = str(self.path)
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=name,
                tofile=name,
            )
        )


def edit_file(
    path: Path,
    plan_edits: Callable[[Document, Plan], Mapping[EditSlot, Callable[[Any], None]]],
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    journal: Journal | None = None,
) -> Edit:
    """Read, change, validate and write the data file as one locked transaction.

    `plan_edits(doc, plan)` gets the current file (already valid) and returns the edits for
    `edit_text`; it raises to refuse. The new text must parse and validate as `nzcli check`
    wants, and must differ from the old only in the edited slots, or nothing is written.
    The write is atomic; a dry run reads without taking the lock and writes nothing. Line
    ends (LF or CRLF) and a UTF-8 BOM stay as the file had them. With a `journal`, the
    write is recorded in the plan's history under the same lock, first (`storage.history`):
    a write whose history cannot be recorded does not happen.
    """
    if dry_run:
        return _edit(path, plan_edits, dry_run=True, journal=None)
    with locked(path, timeout):
        remove_stale_temporaries(path)
        return _edit(path, plan_edits, dry_run=False, journal=journal)


def _edit(
    path: Path,
    plan_edits: Callable[[Document, Plan], Mapping[EditSlot, Callable[[Any], None]]],
    *,
    dry_run: bool,
    journal: Journal | None,
) -> Edit:
    raw = read_bytes(path)
    bom = raw.startswith(b"\xef\xbb\xbf")
    original = decode_text(raw, path)
    crlf = "\r\n" in original and original.count("\r\n") == original.count("\n")
    text = original.replace("\r\n", "\n") if crlf else original
    doc = parse_yaml(text, str(path))
    plan, problems = validate_document(doc)
    if plan is None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DataError(
            doc.path,
            f"{id_prefix(first)}{first.message}{more}; the file must be valid before nzcli "
            "edits it: fix it by hand and run `nzcli check`",
            first.line,
            first.column,
        )
    edits = plan_edits(doc, plan)
    after = edit_text(doc, edits)
    if after == text:
        return Edit(path, text, text, written=False)
    new_doc = _refuse_invalid(after, doc.path)
    if _blank(doc.data, edits) != _blank(new_doc.data, edits):
        raise WriteError(
            f"{path}: internal error: the edit would change more than it should; "
            "nothing was written"
        )
    if not dry_run:
        out = after.replace("\n", "\r\n") if crlf else after
        data = (b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8")
        write = Write(path, raw, data, text, after, doc.data, new_doc.data, tuple(edits))
        with _recorded(journal, write):
            atomic_write(path, data)
    return Edit(path, text, after, written=not dry_run)


def _recorded(journal: Journal | None, write: Write) -> contextlib.AbstractContextManager[Any]:
    return journal.recording(write) if journal is not None else contextlib.nullcontext()


def replace_file(
    path: Path,
    replacement: Callable[[bytes, str], str],
    journal: Journal,
    *,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Edit:
    """Replace the data file's text as one locked, validated, recorded transaction (what
    `nzcli undo` does). `replacement(raw, text)` gets the file's bytes and its text (LF line
    ends, no BOM) and returns the new text, or raises to refuse; the new text must validate.
    Line ends and a BOM stay as the file had them."""
    with locked(path, timeout):
        remove_stale_temporaries(path)
        raw = read_bytes(path)
        bom = raw.startswith(b"\xef\xbb\xbf")
        original = decode_text(raw, path)
        crlf = "\r\n" in original and original.count("\r\n") == original.count("\n")
        text = original.replace("\r\n", "\n") if crlf else original
        after = replacement(raw, text)
        if after == text:
            return Edit(path, text, text, written=False)
        new_doc = _refuse_invalid(after, str(path))
        old_data = parse_yaml(text, str(path)).data
        out = after.replace("\n", "\r\n") if crlf else after
        data = (b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8")
        with journal.recording(Write(path, raw, data, text, after, old_data, new_doc.data)):
            atomic_write(path, data)
    return Edit(path, text, after, written=True)


def _refuse_invalid(text: str, path: str) -> Document:
    """Parse and validate edited text; a change that would break the file is refused."""
    tail = f"; {path} is unchanged"
    try:
        new_doc = parse_yaml(text, path)
    except DataError as exc:
        raise UsageError(f"refused: the change would break the file: {exc.detail}{tail}") from None
    new_plan, problems = validate_document(new_doc)
    if new_plan is None:
        reasons = "; ".join(f"{id_prefix(p)}{p.message}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise UsageError(f"refused: the change would make the file invalid: {reasons}{more}{tail}")
    return new_doc


def _blank(data: Any, slots: Iterable[EditSlot]) -> Any:
    """A shallow copy of plain data with each edited slot set to None (for comparison)."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for slot in slots:
        if len(slot) == 1:
            out[slot[0]] = None
        elif isinstance(out.get(slot[0]), list) and 0 <= slot[1] < len(out[slot[0]]):
            items = list(out[slot[0]])
            items[slot[1]] = None
            out[slot[0]] = items
    return out
