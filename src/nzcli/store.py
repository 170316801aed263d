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


def resolve_data_path(explicit: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path:
    """`--data`, else $NZCLI_DATA, else the shipped plan."""
    if explicit:
        return Path(explicit)
    if env.get(DATA_ENV):
        return Path(env[DATA_ENV])
    return shipped_data_path()


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
        text = decode_text(raw, resolved)
        del raw
        doc = parse_yaml(text, str(resolved))
        plan, problems = validate_document(doc)
        if plan is None:
            first = problems[0]
            more = len(problems) - 1
            tail = f" (and {more} more; run `nzcli check` for all)" if more else ""
            raise DataError(
                doc.path, f"{id_prefix(first)}{first.message}{tail}", first.line, first.column
            )
        if entry is not None:
            entry.save(plan, _spans_of(doc))
        del doc
    return plan


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
    env: Mapping[str, str] | None = None,
) -> Edit:
    """Read, change, validate and write the data file as one locked transaction.

    `plan_edits(doc, plan)` gets the current file (already valid) and returns the edits for
    `edit_text`; it raises to refuse. The new text must parse and validate as `nzcli check`
    wants, and must differ from the old only in the edited slots, or nothing is written.
    The write is atomic; a dry run reads without taking the lock and writes nothing. Line
    ends (LF or CRLF) and a UTF-8 BOM stay as the file had them. A symbolic link is followed:
    the real file is locked and written, the link stays.

    When the cache trusts the file's current bytes (`storage.quick_edit`), only the edited
    slots are read, checked and written again, and the new cache entry is written too, so
    the next command is quick; else the whole file is parsed and validated, before and after
    (`doc` then has its node tree). A file that changes while it is read, or between reading
    and writing, is read again (up to EDIT_TRIES times); nothing read torn is written back.
    """
    environ = os.environ if env is None else env
    real = real_path(Path(path))
    if dry_run:
        return _edit(Path(path), real, plan_edits, dry_run=True, env=environ)
    with locked(real, timeout):
        remove_stale_temporaries(real)
        for attempt in range(EDIT_TRIES):
            try:
                return _edit(Path(path), real, plan_edits, dry_run=False, env=environ)
            except FileChanged:
                if attempt == EDIT_TRIES - 1:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover


def _edit(
    path: Path,
    real: Path,
    plan_edits: Callable[[Document, Plan], Mapping[EditSlot, Callable[[Any], None]]],
    *,
    dry_run: bool,
    env: Mapping[str, str],
) -> Edit:
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
    crlf = ends != "\n"
    text = original.replace(ends, "\n") if crlf else original
    del original
    entry = cache.entry_for(real, raw, env)
    del raw

    def encode(after: str) -> bytes:
        out = after.replace("\n", ends) if crlf else after
        return (b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8")

    trusted = entry.load_trusted() if entry is not None and not crlf else None
    if trusted is not None:
        done = _quick(path, real, text, trusted, plan_edits, dry_run, state, entry, encode)
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
        data = encode(after)
        atomic_write(real, data, expect=state)
        new_plan, _ = validate_document(new_doc)
        if entry is not None and new_plan is not None:
            entry.replaced(cache.plan_key(data)).save(new_plan, scan_spans(after, new_doc.data))
    return Edit(path, text, after, written=not dry_run)


def _quick(
    path: Path,
    real: Path,
    text: str,
    trusted: Any,
    plan_edits: Callable[[Document, Plan], Mapping[EditSlot, Callable[[Any], None]]],
    dry_run: bool,
    state: FileState,
    entry: Any,
    encode: Callable[[str], bytes],
) -> Edit | None:
    """The quick path (`storage.quick_edit`), or None to take the slow one."""
    from .storage import cache
    from .storage.quick_edit import quick_edit

    plan = trusted.plan.with_source(str(path))
    doc = Document(path=str(path), text=text, data=None)
    edits = plan_edits(doc, plan)
    if not edits:
        return Edit(path, text, text, written=False)
    done = quick_edit(text, str(path), trusted, edits)
    if done is None:
        return None
    trusted.payload = b""  # (memory: the new payload is made)
    if done.text == text:
        return Edit(path, text, text, written=False)
    if not dry_run:
        data = encode(done.text)
        atomic_write(real, data, expect=state)
        key = cache.plan_key(data)
        del data
        entry.replaced(key).save(done.plan, done.spans, done.payload)
    return Edit(path, text, done.text, written=not dry_run)


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
