"""The only module that touches YAML and the filesystem.

Reading: `read_document` parses a file safely (no tags, no anchors/aliases, bounded nesting)
and keeps the node tree so any problem can be reported as `path:line:col`. `load_plan`
validates the result into a `Plan` and refuses invalid data.

Writing: `atomic_write` (temporary file in the same folder, fsync, rename, mode kept) and
`edit_document` (locked, round-trip, validated before it is written) live here too.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import DataError, LockTimeout, WriteError
from .model import Plan, cross_references

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
    packaged = resources.files("nzcli").joinpath("data/actions.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "data" / "actions.yaml"


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
    try:
        raw = path.read_bytes()
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

    yaml = YAML(typ="safe")
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
            data = constructor.construct_document(root)
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
        tag = getattr(node, "tag", "") or ""
        if not tag.startswith("tag:yaml.org,2002:") or tag.rsplit(":", 1)[-1] not in _SAFE_TAGS:
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
    try:
        plan = Plan.model_validate(doc.data)
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
    plan._source = doc.path
    for loc, _aid, message in cross_references(plan):
        problems.append(problem(loc, message, "reference"))
    return (plan if not problems else None), problems


def _is_union_branch(part: str | int) -> bool:
    # pydantic adds the union member's name to `loc` ("list[int]", "literal['all']", ...)
    return isinstance(part, str) and (
        "[" in part or part in {"int", "float", "str", "none", "function-after", "bool"}
    )


def load_plan(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Plan:
    """Load and validate a plan: `--data`/$NZCLI_DATA/the shipped plan. Raises DataError."""
    resolved = resolve_data_path(path, os.environ if env is None else env)
    doc = read_document(resolved)
    plan, problems = validate_document(doc)
    if plan is None:
        first = problems[0]
        more = len(problems) - 1
        tail = f" (and {more} more; run `nzcli check` for all)" if more else ""
        raise DataError(
            doc.path, f"{_prefix(first)}{first.message}{tail}", first.line, first.column
        )
    return plan


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
    tmp_name: str | None = None
    try:
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
