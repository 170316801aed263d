"""The only module that touches YAML and the filesystem.

Reading: `read_document` parses a file safely (no tags, no anchors/aliases, bounded nesting)
and keeps the node tree so any problem can be reported as `path:line:col`. `load_plan`
validates the result into a `Plan` and refuses invalid data.

Writing: `atomic_write` (temporary file in the same folder, fsync, rename, mode kept) and
`edit_document` (locked, round-trip, validated before it is written) live here too.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DataError, LockTimeout, UsageError, WriteError
from .model import Plan, action_from_data, cross_references, plan_from_data

#: Environment variable naming the data file.
DATA_ENV = "NZCLI_DATA"
#: Deepest nesting a plan file may have (a real plan needs about 6).
MAX_DEPTH = 64
#: Most YAML nodes a file may hold before it is refused (a 100,000-action plan has ~4M).
MAX_NODES = 20_000_000

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One error or warning about a data file, with where it is."""

    severity: str  # "error" | "warning"
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    action_id: str = ""
    code: str = ""

    def render(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        who = f" {self.action_id}:" if self.action_id else ""
        return f"{where}:{who} {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "id": self.action_id or None,
            "message": self.message,
        }


@dataclass
class Document:
    """A parsed data file: plain data plus the YAML node tree for locating problems."""

    path: str
    text: str
    data: Any
    root: Any = field(repr=False, default=None)
    #: (line, column, key) of each repeated mapping key, found while parsing.
    duplicate_keys: list[tuple[int, int, str]] = field(default_factory=list)

    def locate(self, loc: Loc) -> tuple[int | None, int | None]:
        """1-based (line, column) of the node at `loc`, or of its nearest existing parent."""
        node = self.root
        if node is None:
            return None, None
        mark = node.start_mark
        for part in loc:
            value = getattr(node, "value", None)
            if isinstance(value, list) and value and isinstance(value[0], tuple):
                pair = next((kv for kv in value if str(kv[0].value) == str(part)), None)
                if pair is None:
                    break
                mark = pair[0].start_mark
                node = pair[1]
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                node = value[part]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1


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


# ---------------------------------------------------------------------------------------------
# Reading


def read_text(path: Path) -> str:
    """Read a UTF-8 file (a BOM is accepted), turning every failure into a DataError."""
    return decode_text(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """A file's bytes, turning every failure into a DataError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(path, f"no such file; pass --data FILE or set {DATA_ENV}") from None
    except IsADirectoryError:
        raise DataError(path, "is a directory, not a data file") from None
    except PermissionError:
        raise DataError(path, "cannot read the file: permission denied") from None
    except OSError as exc:
        if path.is_dir():
            raise DataError(path, "is a directory, not a data file") from None
        raise DataError(path, f"cannot read the file: {exc.strerror or exc}") from None


def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 text (a BOM is accepted); a DataError with the line and column if it is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            path,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            line,
            column,
        ) from None


def _safe_yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.resolver import VersionedResolver

    class Resolver(VersionedResolver):
        """The YAML version VersionedResolver settles on with the C parser (1.2: a `%YAML`
        directive is ignored there), without the three AttributeErrors it raises and catches
        for every scalar: a third of the parse time of a large plan (docs/performance.md)."""

        @property
        def processing_version(self) -> Any:
            return self._loader_version or (1, 2)

        @property
        def versioned_resolver(self) -> Any:
            # built once per parse, not once per scalar (the version cannot change mid-file)
            cached: Any = self.__dict__.get("_nzcli_resolvers")
            if cached is None:
                cached = super().versioned_resolver
                self.__dict__["_nzcli_resolvers"] = cached
            return cached

    yaml = YAML(typ="safe")
    yaml.Resolver = Resolver
    yaml.allow_duplicate_keys = True  # found and reported, with every line, by _guard_nodes
    return yaml


def parse_yaml(text: str, path: str) -> Document:
    """Parse YAML text safely into a Document. Raises DataError on any problem."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if not text.strip():
        raise DataError(path, "the file is empty; expected a plan (plan, periods, themes, actions)")
    yaml = _safe_yaml()
    try:
        constructor, parser = yaml.get_constructor_parser(io.StringIO(text))
        try:
            root = parser.get_single_node()
            if root is None:
                raise DataError(path, "the file holds no YAML document")
            duplicates = _guard_nodes(root, path)
            data = build_data(root, constructor, path)
        finally:
            with contextlib.suppress(Exception):
                parser.dispose()
    except DataError:
        raise
    except MarkedYAMLError as exc:
        raise _marked_error(exc, path) from None
    except RecursionError:
        raise DataError(
            path, f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)"
        ) from None
    except YAMLError as exc:
        raise DataError(path, f"YAML error: {_one_line(str(exc))}") from None
    if not isinstance(data, dict):
        kinds: dict[type, str] = {list: "a list", str: "a string"}
        kind = kinds.get(type(data), type(data).__name__)
        raise DataError(
            path,
            f"the top level must be a mapping (plan, periods, themes, actions), not {kind}",
            1,
            1,
        )
    return Document(path=path, text=text, data=data, root=root, duplicate_keys=duplicates)


def _guard_nodes(root: Any, path: str) -> list[tuple[int, int, str]]:
    """Refuse anchors/aliases, tags, deep nesting and runaway size before anything is built.

    Returns the repeated mapping keys (line, column, key), for the caller to report.
    """
    duplicates: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise DataError(
                path,
                f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        if count > MAX_NODES:
            raise DataError(path, f"the file is too large (more than {MAX_NODES:,} YAML nodes)")
        ctag = node.ctag  # `node.tag` builds a string each time: a third of this walk
        if ctag is None or ctag.handle is not None or ctag.suffix not in _SAFE_TAG_URIS:
            tag = node.tag or ""
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise DataError(
                path,
                f"YAML tag {shown!r} is not allowed; a plan holds only plain data",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        value = node.value
        if isinstance(value, list):
            if id(node) in seen:
                raise DataError(
                    path,
                    "YAML anchors and aliases (&, *) are not allowed; write each value out in full",
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                )
            seen.add(id(node))
            if value and isinstance(value[0], tuple):
                keys: set[str] = set()
                for key_node, _ in value:
                    key = str(key_node.value)
                    if key in keys:
                        mark = key_node.start_mark
                        duplicates.append((mark.line + 1, mark.column + 1, key))
                    keys.add(key)
            for item in value:
                if isinstance(item, tuple):
                    stack.append((item[0], depth + 1))
                    stack.append((item[1], depth + 1))
                else:
                    stack.append((item, depth + 1))
    duplicates.sort()
    return duplicates


_SAFE_TAGS = frozenset({"str", "int", "float", "bool", "null", "map", "seq"})
_SAFE_TAG_URIS = frozenset(f"tag:yaml.org,2002:{name}" for name in _SAFE_TAGS)
_MAP, _SEQ, _STR, _NULL, _BOOL, _INT, _FLOAT = (
    f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "null", "bool", "int", "float")
)
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+\Z")


def build_data(root: Any, constructor: Any, path: str) -> Any:
    """Plain Python data from a node tree that `_guard_nodes` has passed (plain tags only, no
    aliases, bounded depth). Does what ruamel's safe constructor does for these tags, in a
    fraction of the time (it was half of parsing a large plan); numbers, the rare case, are
    left to the constructor itself. A later duplicate key wins, as with
    `allow_duplicate_keys` (duplicates are reported separately)."""

    def build(node: Any) -> Any:
        suffix = node.ctag.suffix
        if suffix == _STR:
            return node.value
        if suffix == _MAP:
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = build(key_node)
                try:
                    out[key] = build(value_node)
                except TypeError:  # an unhashable key: "? [a, b]"
                    mark = key_node.start_mark
                    raise DataError(
                        path,
                        "a mapping key must be a plain value, not a list or mapping",
                        mark.line + 1,
                        mark.column + 1,
                    ) from None
            return out
        if suffix == _SEQ:
            return [build(item) for item in node.value]
        if suffix == _NULL:
            return None
        if suffix == _BOOL:
            return node.value.lower() == "true"
        if suffix == _INT and _DECIMAL.match(node.value):
            return int(node.value)
        if suffix == _FLOAT and _PLAIN_FLOAT.match(node.value):
            return float(node.value)
        return constructor.construct_object(node, deep=True)  # 0x1F, 1_000, .inf, 1e3 …

    return build(root)


def _marked_error(exc: Any, path: str) -> DataError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    name = type(exc).__name__
    if name == "DuplicateKeyError":
        key_mark = getattr(exc, "problem_mark", None)
        text = _one_line(str(getattr(exc, "problem", "")))
        return DataError(
            path,
            f"duplicate key: {text}",
            key_mark.line + 1 if key_mark else None,
            key_mark.column + 1 if key_mark else None,
        )
    message = _one_line(str(problem))
    if "constructor for the tag" in message:
        message = "a YAML tag that is not allowed; a plan holds only plain data"
    else:
        message = f"YAML syntax error: {message}"
    if mark is None:
        return DataError(path, message)
    return DataError(path, message, mark.line + 1, mark.column + 1)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def read_document(path: Path) -> Document:
    return parse_yaml(read_text(path), str(path))


# ---------------------------------------------------------------------------------------------
# Validating


def _pydantic_message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    msg = str(err.get("msg", ""))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "extra_forbidden":
        return "unknown key; remove it or check its spelling (see docs/data-format.md)"
    if kind == "missing":
        return "required key is missing"
    given = err.get("input")
    if kind not in ("value_error",) and isinstance(given, (str, int, float)) and given is not None:
        msg = f"{msg} (got {given!r})"
    return msg


def _loc_label(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate_document(doc: Document) -> tuple[Plan | None, list[Problem]]:
    """Validate a parsed document; every problem is returned, each with its line."""
    problems: list[Problem] = []
    actions_raw = doc.data.get("actions") if isinstance(doc.data, dict) else None

    def action_id(loc: Loc) -> str:
        if len(loc) >= 2 and loc[0] == "actions" and isinstance(loc[1], int):
            with contextlib.suppress(Exception):
                raw_id = actions_raw[loc[1]].get("id")  # type: ignore[index]
                return str(raw_id) if raw_id is not None else ""
        return ""

    def problem(loc: Loc, message: str, code: str) -> Problem:
        line, column = doc.locate(loc)
        return Problem(
            "error", f"{_loc_label(loc)}: {message}", doc.path, line, column, action_id(loc), code
        )

    for line, column, key in doc.duplicate_keys:
        problems.append(
            Problem(
                "error",
                f"duplicate key {key!r}: the same key appears twice in one mapping; keep one",
                doc.path,
                line,
                column,
                code="duplicate-key",
            )
        )
    from pydantic import ValidationError

    from . import schema

    try:
        validated = schema.Plan.model_validate(doc.data)
    except ValidationError as exc:
        seen: set[Loc] = set()
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not _is_union_branch(p))
            if loc in seen:
                continue
            seen.add(loc)
            problems.append(problem(loc, _pydantic_message(err), "schema"))
        return None, problems
    if problems:
        return None, problems
    plan = _records(validated).with_source(doc.path)
    for loc, _aid, message in cross_references(plan):
        problems.append(problem(loc, message, "reference"))
    return (plan if not problems else None), problems


def _records(validated: Any) -> Plan:
    """The records for a validated plan, made an action at a time and each validated action
    let go once made, so that a large plan is not held three times over (the YAML data, the
    validated models and the records): 100,000 actions would need over 2 GB."""
    pending = validated.actions
    validated.actions = []
    data = validated.model_dump(mode="json")
    del validated
    pending.reverse()
    actions = []
    while pending:
        actions.append(action_from_data(pending.pop().model_dump(mode="json")))
    return plan_from_data(data, actions)


def _is_union_branch(part: str | int) -> bool:
    # pydantic adds the union member's name to `loc` ("list[int]", "literal['all']", ...)
    return isinstance(part, str) and (
        "[" in part or part in {"int", "float", "str", "none", "function-after", "bool"}
    )


def load_plan(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Plan:
    """Load and validate a plan: `--data`/$NZCLI_DATA/the shipped plan. Raises DataError.

    A plan validated before is taken from the cache (`nzcli.cache`), keyed on the file's
    bytes, so it is never stale; NZCLI_NO_CACHE=1 turns the cache off.
    """
    from . import cache

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
                doc.path, f"{_prefix(first)}{first.message}{tail}", first.line, first.column
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


def _prefix(problem: Problem) -> str:
    return f"{problem.action_id}: " if problem.action_id else ""


# ---------------------------------------------------------------------------------------------
# Writing


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` completely or not at all, keeping an existing file's mode."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise WriteError(f"{target}: cannot write: {exc.strerror or exc}") from None
    if target.is_dir():
        raise WriteError(f"{target}: is a directory; give a file name")
    if target.exists() and not mode & 0o222:
        # Renaming over it would succeed; a file marked read-only is meant to stay as it is.
        raise WriteError(
            f"{target}: the file is read-only; make it writable to change it (it is unchanged)"
        )
    tmp_name: str | None = None
    try:
        import tempfile

        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".nzcli-tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
        tmp_name = None
        _fsync_dir(folder)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise WriteError(f"{target}: cannot write: {reason}; the file is unchanged") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temporaries(target: Path) -> None:
    """Delete temporary files an interrupted write to `target` left behind (call under lock)."""
    for stale in target.parent.glob(f".{target.name}.*.nzcli-tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


@contextlib.contextmanager
def locked(target: Path, timeout: float = 10.0) -> Iterator[None]:
    """Hold an exclusive lock on `<target>.lock` (a separate file that stays in place)."""
    lock_path = target.with_name(target.name + ".lock")
    try:
        handle = open(lock_path, "a+b")  # noqa: SIM115 - held for the duration of the block
    except OSError as exc:
        raise WriteError(
            f"{lock_path}: cannot create the lock file: "
            f"{exc.strerror or exc}; the data file is unchanged"
        ) from None
    deadline = time.monotonic() + timeout
    try:
        while True:
            if _try_lock(handle):
                break
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"{target}: another nzcli process is still writing this file "
                    f"(waited {timeout:g}s for {lock_path.name}); try again"
                )
            time.sleep(0.01)
        try:
            yield
        finally:
            _unlock(handle)
    finally:
        handle.close()


def _try_lock(handle: Any) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(handle: Any) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def dump_yaml(data: Any) -> str:
    """Plain data as block-style YAML, one line per string, no anchors."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 1_000_000
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.representer.ignore_aliases = lambda *_: True
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Round-trip editing (used by `nzcli update`, `import` and `period add`; see nzcli.edit)

#: Environment variable: seconds a write waits for another writer's lock.
LOCK_TIMEOUT_ENV = "NZCLI_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0

#: Characters the YAML reader counts as line breaks besides "\n" (they would shift line numbers).
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")

#: What `edit_text` is given: a top-level key ("periods",) or an item of one ("actions", 3).
EditSlot = tuple[str] | tuple[str, int]


def lock_timeout(env: Mapping[str, str]) -> float:
    """Seconds to wait for the data file's lock: $NZCLI_LOCK_TIMEOUT, else 10."""
    import math

    raw = env.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise UsageError(
            f"{LOCK_TIMEOUT_ENV}={raw!r} is not a number of seconds; use a number such as 30"
        )
    return value


@functools.cache
def _rt_representer() -> Any:
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        """Writes None as `null` (ruamel's round-trip default is an empty value)."""

    def null(representer: Any, _data: None) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:null", "null")

    Representer.add_representer(type(None), null)
    return Representer


#: Indentation as ruamel.yaml counts it: (mapping, sequence, dash offset).
Layout = tuple[int, int, int]
#: The data file's layout: keys indented 2, a sequence's dashes 2 under their key.
CANONICAL_LAYOUT: Layout = (2, 4, 2)


def rt_yaml(layout: Layout = CANONICAL_LAYOUT) -> Any:
    """ruamel.yaml round-trip settings matching the data file (a no-op load and dump of
    data/actions.yaml is byte-identical): quotes kept, long strings on one line, the file's
    indentation, None written as `null`."""
    from ruamel.yaml import YAML

    mapping, sequence, offset = layout
    yaml = YAML(typ="rt")
    yaml.Representer = _rt_representer()
    yaml.preserve_quotes = True
    yaml.width = 1_000_000
    yaml.allow_unicode = True
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def rt_load(text: str, layout: Layout = CANONICAL_LAYOUT) -> Any:
    """Round-trip load (CommentedMap/CommentedSeq keep comments, order and quoting).

    Only for text `parse_yaml` has already accepted (no tags, aliases or duplicate keys)."""
    return rt_yaml(layout).load(text)


def rt_dump(data: Any, layout: Layout = CANONICAL_LAYOUT) -> str:
    out = io.StringIO()
    rt_yaml(layout).dump(data, out)
    return out.getvalue()


def guess_layout(doc: Document) -> Layout:
    """The indentation a hand-edited file uses, from its first nested mapping and sequence
    (the canonical layout for anything not found or not usable)."""
    lines = doc.text.split("\n")
    mapping = sequence = offset = None
    queue = [doc.root] if doc.root is not None else []
    while queue and (mapping is None or sequence is None):
        node = queue.pop(0)
        if getattr(node, "flow_style", False) or not isinstance(node.value, list):
            continue
        if type(node).__name__ != "MappingNode":
            queue.extend(node.value)
            continue
        for key, value in node.value:
            column = key.start_mark.column
            kind = type(value).__name__
            if getattr(value, "flow_style", False) or not isinstance(value.value, list):
                continue
            if not value.value:
                continue
            if kind == "MappingNode" and mapping is None:
                mapping = value.value[0][0].start_mark.column - column
            elif kind == "SequenceNode" and sequence is None:
                item = value.value[0]
                before = lines[item.start_mark.line][: item.start_mark.column].rstrip()
                if before.endswith("-") and not before[:-1].strip():
                    sequence = item.start_mark.column - column
                    offset = len(before) - 1 - column
            queue.append(value)
    m, s, o = CANONICAL_LAYOUT
    mapping = mapping if mapping is not None and mapping >= 1 else m
    if sequence is None or offset is None or offset < 0 or sequence < offset + 2:
        sequence, offset = s, o
    return mapping, sequence, offset


def edit_text(doc: Document, edits: Mapping[EditSlot, Callable[[Any], None]]) -> str:
    """Apply round-trip edits to a parsed document and return the new text.

    Each edit gets the round-trip node at its slot (the `periods` sequence, an action's
    mapping, ...) and changes it in place. Only the lines holding an edited slot are loaded,
    changed and dumped again; every other line is copied as it was, so comments, blank lines
    and layout elsewhere cannot change. When a slot's lines do not survive a no-op round trip
    unchanged (unusual layout), the whole file is round-tripped instead.
    """
    text = doc.text
    if not edits:
        return text
    layout = guess_layout(doc)
    spliced = None if any(b in text for b in _OTHER_BREAKS) else _splice(doc, edits, layout)
    if spliced is not None:
        return spliced
    root = rt_load(text, layout)
    for slot, change in edits.items():
        change(_rt_slot(root, slot))
    return rt_dump(root, layout)


def _rt_slot(root: Any, slot: EditSlot) -> Any:
    node = root[slot[0]]
    return node[slot[1]] if len(slot) == 2 else node


def _splice(
    doc: Document, edits: Mapping[EditSlot, Callable[[Any], None]], layout: Layout
) -> str | None:
    lines = doc.text.splitlines(keepends=True)
    if not lines or not lines[-1].endswith("\n"):
        return None
    spans: list[tuple[int, int, str]] = []
    for slot, change in edits.items():
        span = _slot_lines(doc.root, slot, lines)
        if span is None:
            return None
        start, stop, frame = span
        fragment = frame + "".join(lines[start:stop])
        data = rt_load(fragment, layout)
        if not _same_but_nulls(fragment, rt_dump(data, layout)):
            return None
        change(_rt_slot(data, (slot[0], 0) if len(slot) == 2 else slot))
        dumped = rt_dump(data, layout)
        if not dumped.startswith(frame):
            return None
        spans.append((start, stop, dumped[len(frame) :]))
    spans.sort(reverse=True)
    for earlier, later in zip(spans[1:], spans[:-1], strict=True):
        if earlier[1] > later[0]:
            return None  # overlapping slots
    for start, stop, new in spans:
        lines[start:stop] = [new]
    return "".join(lines)


def _same_but_nulls(original: str, dumped: str) -> bool:
    """True when a no-op round trip gave the same text, but for nulls now spelled `null`
    (`rag:` or `rag: ~` in a hand-edited file): those lines are in the edited slot anyway."""
    if original == dumped:
        return True
    old, new = original.split("\n"), dumped.split("\n")
    if len(old) != len(new):
        return False
    for before, after in zip(old, new, strict=True):
        if before == after:
            continue
        spelt = re.fullmatch(r"(.*?:)[ \t]*(~|null|Null|NULL)?", before)
        if spelt is None or after != spelt.group(1) + " null":
            return False
    return True


def _slot_lines(root: Any, slot: EditSlot, lines: list[str]) -> tuple[int, int, str] | None:
    """(first line, line after the last, frame) of a slot's text, 0-based; None if unsure.

    A top-level key runs from its key to the last line holding its content (comments and
    blank lines after it stay outside); an item of a top-level sequence likewise from its
    dash, framed by `key:` so it loads as a one-item sequence."""
    pair = next((kv for kv in root.value if str(kv[0].value) == slot[0]), None)
    if pair is None:
        return None
    key_node, value = pair
    if key_node.start_mark.column != 0:
        return None
    if len(slot) == 1:
        return key_node.start_mark.line, _last_line(value) + 1, ""
    items = value.value if type(value).__name__ == "SequenceNode" else None
    index = slot[1]
    if getattr(value, "flow_style", False) or not items or not 0 <= index < len(items):
        return None
    item = items[index]
    start = item.start_mark.line
    if lines[start][: item.start_mark.column].strip() != "-":
        return None
    return start, _last_line(item) + 1, f"{slot[0]}:\n"


def _last_line(node: Any) -> int:
    """0-based index of the last line holding any of a node's content."""
    value = node.value
    if isinstance(value, list) and not getattr(node, "flow_style", False) and value:
        parts = [p for entry in value for p in (entry if isinstance(entry, tuple) else (entry,))]
        return max(_last_line(part) for part in parts)
    end = node.end_mark
    if end.column == 0 and end.line > node.start_mark.line:
        return int(end.line) - 1
    return int(end.line)


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
) -> Edit:
    """Read, change, validate and write the data file as one locked transaction.

    `plan_edits(doc, plan)` gets the current file (already valid) and returns the edits for
    `edit_text`; it raises to refuse. The new text must parse and validate as `nzcli check`
    wants, and must differ from the old only in the edited slots, or nothing is written.
    The write is atomic; a dry run reads without taking the lock and writes nothing. Line
    ends (LF or CRLF) and a UTF-8 BOM stay as the file had them.
    """
    if dry_run:
        return _edit(path, plan_edits, dry_run=True)
    with locked(path, timeout):
        remove_stale_temporaries(path)
        return _edit(path, plan_edits, dry_run=False)


def _edit(
    path: Path,
    plan_edits: Callable[[Document, Plan], Mapping[EditSlot, Callable[[Any], None]]],
    *,
    dry_run: bool,
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
            f"{_prefix(first)}{first.message}{more}; the file must be valid before nzcli "
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
        atomic_write(path, (b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8"))
    return Edit(path, text, after, written=not dry_run)


def _refuse_invalid(text: str, path: str) -> Document:
    """Parse and validate edited text; a change that would break the file is refused."""
    tail = f"; {path} is unchanged"
    try:
        new_doc = parse_yaml(text, path)
    except DataError as exc:
        raise UsageError(f"refused: the change would break the file: {exc.detail}{tail}") from None
    new_plan, problems = validate_document(new_doc)
    if new_plan is None:
        reasons = "; ".join(f"{_prefix(p)}{p.message}" for p in problems[:5])
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
