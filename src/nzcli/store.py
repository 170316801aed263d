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
    FileChanged,
    FileState,
    atomic_write,
    decode_text,
    locked,
    read_file,
    real_path,
    remove_stale_temporaries,
)
from .storage.history import Journal, Slot, Write
from .storage.validate import id_prefix, validate_document
from .storage.yaml_rt import EditSlot, edit_text
from .storage.yaml_safe import Document, parse_yaml

#: How often an edit is tried again when the file changed under it (another program wrote
#: it between nzcli's reading it and writing it back).
EDIT_TRIES = 3

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
    raw, _state = read_file(resolved)
    entry = cache.entry_for(real_path(resolved), raw, environ)
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
        spans = _spans_of(doc) if entry is not None else None
        release(doc)
        if entry is not None:
            entry.save(plan, spans)
    return plan


def release(doc: Document) -> None:
    """Let a parsed document's text, data and node tree go once the plan is made (a large
    plan's are hundreds of megabytes), before the cache entry is written."""
    doc.locator = None
    doc.data = None
    doc.text = ""
    doc.root = None


def _spans_of(doc: Document) -> Any:
    """The spans of a valid document's text (for the cache entry), or None."""
    from .storage.spans import scan_spans

    locator = doc.locator
    spans = getattr(locator, "_spans", False)
    return spans if spans is not False else scan_spans(doc.text, doc.data)


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
    env: Mapping[str, str] | None = None,
) -> Edit:
    """Read, change, validate and write the data file as one locked transaction.

    `plan_edits(doc, plan)` gets the current file (already valid) and returns the edits for
    `edit_text`; it raises to refuse. The new text must parse and validate as `nzcli check`
    wants, and must differ from the old only in the edited slots, or nothing is written.
    The write is atomic; a dry run reads without taking the lock and writes nothing. Line
    ends (LF, CRLF or CR) and a UTF-8 BOM stay as the file had them. A symbolic link is
    followed: the real file is locked and written, the link stays. With a `journal`, the
    write is recorded in the plan's history under the same lock, first (`storage.history`):
    a write whose history cannot be recorded does not happen.

    When the cache trusts the file's current bytes (`storage.quick_edit`), only the edited
    slots are read, checked and written again, and the new cache entry is written too, so
    the next command is quick; else the whole file is parsed and validated, before and after
    (`doc` then has its node tree). Either way `plan_edits` must not read `doc.data` or
    `doc.root` (the quick path has neither): the plan, and `doc.locate()`, are what it has.
    Both paths record the same history entry. A file that changes while it is read, or
    between reading and writing, is read again (up to EDIT_TRIES times); nothing read torn
    is written back.
    """
    environ = os.environ if env is None else env
    real = real_path(Path(path))
    if dry_run:
        return _edit(Path(path), real, plan_edits, dry_run=True, env=environ, journal=None)
    with locked(real, timeout):
        remove_stale_temporaries(real)
        return _retried(
            lambda: _edit(Path(path), real, plan_edits, dry_run=False, env=environ, journal=journal)
        )


def _retried(attempt: Callable[[], Edit]) -> Edit:
    """`attempt()`, again while the file changes under it (up to EDIT_TRIES times)."""
    for tries in range(EDIT_TRIES):
        try:
            return attempt()
        except FileChanged:
            if tries == EDIT_TRIES - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class _Source:
    """The data file as an edit reads it: its text with LF line ends, how to write text back
    with the file's own line ends and BOM, its state (for `atomic_write`'s `expect`), and
    its cache entry (None when the cache is off)."""

    path: Path
    real: Path
    text: str
    state: FileState
    ends: str
    bom: bool
    entry: Any

    @property
    def crlf(self) -> bool:  # (any line end but LF: the text was normalised)
        return self.ends != "\n"

    def encode(self, after: str) -> bytes:
        out = after.replace("\n", self.ends) if self.crlf else after
        return (b"\xef\xbb\xbf" if self.bom else b"") + out.encode("utf-8")

    def write(self, after: str, journal: Journal | None, changes: _Changes) -> Write:
        """Write `after`, recorded first in the history when there is a `journal`; the
        write (its bytes, `after`, and their digest, `sha_after`)."""
        data = self.encode(after)
        record = Write(self.path, self.state.sha256, data, self.text, after, *changes)
        with _recorded(journal, record):
            atomic_write(self.real, data, expect=self.state)
        return record

    def new_entry(self, written: Write) -> Any:
        """The cache entry for what was written (None when the cache is off)."""
        from .storage import cache

        if self.entry is None:
            return None
        return self.entry.replaced(cache.plan_key(written.after, written.sha_after))


#: What a write changed, for its history entry: the data before and after, and the slots
#: they are of (`storage.history.Write`).
_Changes = tuple[Any, Any, "tuple[Slot, ...] | None"]


def _read_source(path: Path, real: Path, env: Mapping[str, str]) -> _Source:
    from .storage import cache

    raw, state = read_file(real, digest=True)
    bom = raw.startswith(b"\xef\xbb\xbf")
    original = decode_text(raw, path)
    # Line ends as the file has them, LF while it is edited: CRLF (Windows), CR alone (old Macs)
    ends = "\n"
    if "\r\n" in original and original.count("\r\n") == original.count("\n"):
        ends = "\r\n"
    elif "\r" in original and "\n" not in original:
        ends = "\r"
    text = original.replace(ends, "\n") if ends != "\n" else original
    del original
    entry = cache.entry_for(real, raw, env, state.sha256)
    return _Source(path, real, text, state, ends, bom, entry)


def _edit(
    path: Path,
    real: Path,
    plan_edits: Callable[[Document, Plan], Mapping[EditSlot, Callable[[Any], None]]],
    *,
    dry_run: bool,
    env: Mapping[str, str],
    journal: Journal | None,
) -> Edit:
    source = _read_source(path, real, env)
    text = source.text
    entry = source.entry
    trusted = entry.load_trusted() if entry is not None and not source.crlf else None
    if trusted is not None:
        done = _quick(source, trusted, plan_edits, dry_run, journal)
        if done is not None:
            return done
    doc = parse_yaml(text, str(path), route="positioned")
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
    from .storage.quick_edit import layout_of
    from .storage.spans import scan_spans

    spans = scan_spans(text, doc.data)
    after = edit_text(doc, edits, layout_of(text, spans, doc) if edits else None)
    if after == text:
        return Edit(path, text, text, written=False)
    new_doc = _refuse_invalid(after, doc.path)
    if _blank(doc.data, edits) != _blank(new_doc.data, edits):
        raise WriteError(
            f"{path}: internal error: the edit would change more than it should; "
            "nothing was written"
        )
    if not dry_run:
        slots = _in_file_order(edits, list(doc.data) if isinstance(doc.data, dict) else [])
        changes = (_parts(doc.data, slots), _parts(new_doc.data, slots), slots)
        written = source.write(after, journal, changes)
        new_plan, _ = validate_document(new_doc)
        new_entry = source.new_entry(written)
        if new_entry is not None and new_plan is not None:
            new_entry.save(new_plan, scan_spans(after, new_doc.data))
    return Edit(path, text, after, written=not dry_run)


def _in_file_order(slots: Iterable[EditSlot], keys: list[str]) -> tuple[Slot, ...]:
    """The edited slots in the order of the file (top-level keys as `keys` has them, then
    actions by index): what a history entry lists, the same on both paths."""
    rank = {key: n for n, key in enumerate(keys)}
    return tuple(sorted(slots, key=lambda s: (rank.get(s[0], len(rank)), s[0], s[1:])))


def _parts(data: Any, slots: tuple[Slot, ...]) -> dict[Slot, Any]:
    """Each slot's value in a plan's plain data (None where it has none)."""
    out: dict[Slot, Any] = {}
    whole = data if isinstance(data, dict) else {}
    for slot in slots:
        value = whole.get(slot[0])
        if len(slot) == 2:
            value = value[slot[1]] if isinstance(value, list) and slot[1] < len(value) else None
        out[slot] = value
    return out


def _quick(
    source: _Source,
    trusted: Any,
    plan_edits: Callable[[Document, Plan], Mapping[EditSlot, Callable[[Any], None]]],
    dry_run: bool,
    journal: Journal | None,
) -> Edit | None:
    """The quick path (`storage.quick_edit`), or None to take the slow one."""
    from .storage.payload import CorruptPayload, release_payload
    from .storage.quick_edit import quick_edit

    path, text = source.path, source.text
    plan = trusted.plan.with_source(str(path))
    doc = Document(path=str(path), text=text, data=None)
    try:
        edits = plan_edits(doc, plan)
        if not edits:
            return Edit(path, text, text, written=False)
        done = quick_edit(text, str(path), trusted, edits)
    except CorruptPayload:  # pragma: no cover - the entry's digest matched: never seen
        return None
    if done is None:
        return None
    trusted.payload = b""  # (memory: the new payload is made, and no more actions are read)
    release_payload(plan, done.plan)
    if done.text == text:
        return Edit(path, text, text, written=False)
    if not dry_run:
        slots = _in_file_order(edits, list(trusted.spans.keys))
        changes = (done.before, done.after, slots)
        new_entry = source.new_entry(source.write(done.text, journal, changes))
        new_entry.save(done.plan, done.spans, done.payload)
    return Edit(path, text, done.text, written=not dry_run)


def _recorded(journal: Journal | None, write: Write) -> contextlib.AbstractContextManager[Any]:
    return journal.recording(write) if journal is not None else contextlib.nullcontext()


def replace_file(
    path: Path,
    replacement: Callable[[bytes, str, Callable[[str], bytes]], str],
    journal: Journal,
    *,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    env: Mapping[str, str] | None = None,
) -> Edit:
    """Replace the data file's text as one locked, validated, recorded transaction (what
    `nzcli undo` does). `replacement(raw, text, as_file)` gets the file's bytes, its text (LF
    line ends, no BOM) and how text becomes the file's bytes (its line ends and BOM), and
    returns the new text, or raises to refuse; the new text must validate.
    Line ends and a BOM stay as the file had them; a symbolic link is followed, as
    `edit_file` does, and the new cache entry is written too."""
    environ = os.environ if env is None else env
    real = real_path(Path(path))
    with locked(real, timeout):
        remove_stale_temporaries(real)
        return _retried(lambda: _replace(Path(path), real, replacement, journal, environ))


def _replace(
    path: Path,
    real: Path,
    replacement: Callable[[bytes, str, Callable[[str], bytes]], str],
    journal: Journal,
    env: Mapping[str, str],
) -> Edit:
    from .storage.spans import scan_spans

    source = _read_source(path, real, env)
    text = source.text
    after = replacement(source.encode(text), text, source.encode)
    if after == text:
        return Edit(path, text, text, written=False)
    new_doc = _refuse_invalid(after, str(path))
    old_data = parse_yaml(text, str(path)).data
    new_entry = source.new_entry(source.write(after, journal, (old_data, new_doc.data, None)))
    new_plan, _ = validate_document(new_doc)
    if new_entry is not None and new_plan is not None:
        new_entry.save(new_plan, scan_spans(after, new_doc.data))
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
    copied: set[str] = set()
    for slot in slots:
        if len(slot) == 1:
            out[slot[0]] = None
        elif isinstance(out.get(slot[0]), list) and 0 <= slot[1] < len(out[slot[0]]):
            if slot[0] not in copied:  # one copy per list, however many items are edited
                out[slot[0]] = list(out[slot[0]])
                copied.add(slot[0])
            out[slot[0]][slot[1]] = None
    return out
