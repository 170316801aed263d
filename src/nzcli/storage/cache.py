"""A cache of validated plans, so that repeated commands skip YAML parsing and validation.

Where: $NZCLI_CACHE_DIR, else ``%LOCALAPPDATA%\\nzcli\\Cache`` on Windows, else
``$XDG_CACHE_HOME/nzcli``, else ``~/.cache/nzcli``; never next to the data file.
``NZCLI_NO_CACHE=1`` turns it off. Any failure to read or write the cache (a read-only
folder, a full disk, a corrupt entry) is ignored: nzcli then simply parses the file.

Never stale: an entry is used only when its key matches, and the key is a hash
(SHA-256) of the data file's bytes together with the nzcli and Python versions and a
fingerprint of the code that validates a plan. Editing the file, even twice in one second and
keeping its size, changes the key. An entry is named after the data file's absolute path, so
editing a file replaces its entry rather than adding one; at most `MAX_ENTRIES` are kept.

An entry is one header line (JSON: key, payload length and digest, and the spans of the file's
top-level keys and actions, `nzcli.storage.spans`) and the validated plan as JSON
(`nzcli.records.plan_json`), one action a line, so that an edit can replace one action's line
(`encode_payload`, `Trusted`). It is written atomically (temporary file and rename) and only
after the plan passed every check, so loading it makes the records directly, with
`nzcli.records.plan_from_data` (the step every validated plan goes through), without
validating again and without importing pydantic or ruamel.yaml.

Like ssh with ``~/.ssh``, nzcli trusts the folder and an entry only when the running user
owns them and no one else may write them (`_private`); nzcli makes the folder 0700 and its
entries 0600. An entry of anyone else's, or in a folder others may write, is never read (the
file is parsed instead); and only files nzcli wrote (its names, its header) are ever removed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from nzcli.model import Plan
from nzcli.records import plan_from_data, plan_json, records_json
from nzcli.version import __version__

from .files import atomic_write
from .spans import Spans

#: Environment variable naming the cache folder.
CACHE_DIR_ENV = "NZCLI_CACHE_DIR"
#: Environment variable that turns the cache off when set to 1 (or true/yes).
NO_CACHE_ENV = "NZCLI_NO_CACHE"
#: Bump when the entry layout changes.
FORMAT = 3
#: Most entries kept in the cache folder (the oldest written are removed first).
MAX_ENTRIES = 16
#: Longest header line read from an entry (it holds two offsets per action).
_MAX_HEADER = 64 * 2**20
#: Largest entry read (a 100,000-action plan's is about 60 MB).
MAX_ENTRY_BYTES = 512 * 2**20
_SUFFIX = ".plan.json"
#: The names nzcli gives entries (a hash of the data file's path), and its header's start.
_ENTRY_NAME = re.compile(r"[0-9a-f]{32}" + re.escape(_SUFFIX) + r"\Z")
_HEADER_START = b'{"format":'


def _private(st: os.stat_result, folder: bool) -> bool:
    """Owned by the running user and writable by no one else (and a folder or a regular file
    as expected): what ssh asks of ~/.ssh and its keys."""
    kind = stat.S_ISDIR(st.st_mode) if folder else stat.S_ISREG(st.st_mode)
    if not kind or st.st_mode & 0o022:
        return False
    return not hasattr(os, "geteuid") or st.st_uid == os.geteuid()


def usable_folder(folder: Path) -> bool:
    """True when the cache folder exists (made 0700 if it did not) and is the user's own."""
    try:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return _private(os.stat(folder), folder=True)
    except OSError:
        return False


def _open_entry(path: Path) -> Any:
    """An entry opened for reading when it is a private regular file of bounded size, else
    None (a FIFO at its name would otherwise hang the command)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if _private(st, folder=False) and st.st_size <= MAX_ENTRY_BYTES:
            return os.fdopen(fd, "rb")
    except OSError:
        pass
    os.close(fd)
    return None


def cache_dir(env: Mapping[str, str]) -> Path | None:
    """The cache folder, or None when caching is off or no folder can be named."""
    if env.get(NO_CACHE_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
        return None
    if env.get(CACHE_DIR_ENV):
        return Path(env[CACHE_DIR_ENV])
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        base = env.get("LOCALAPPDATA")
        return Path(base) / "nzcli" / "Cache" if base else None
    if env.get("XDG_CACHE_HOME") and os.path.isabs(env["XDG_CACHE_HOME"]):
        return Path(env["XDG_CACHE_HOME"]) / "nzcli"
    try:
        return Path.home() / ".cache" / "nzcli"
    except (RuntimeError, KeyError, OSError):  # no home folder
        return None


def _code_fingerprint() -> str:
    """Size and mtime of the code that decides what a valid plan is: nzcli's modules (for
    development) and the installed pydantic and pydantic-core (found, not imported)."""
    here = Path(__file__).parent
    names = ("model.py", "records.py", "rules.py", "schema.py", "vocab.py")
    files = [here.parent / name for name in names]
    files += [here / name for name in ("yaml_safe.py", "yaml_scan.py", "validate.py", "cache.py")]
    for package in ("pydantic", "pydantic_core"):
        try:
            spec = find_spec(package)
            origin = spec.origin if spec is not None else None
        except (ImportError, ValueError):
            origin = None
        if origin:
            files.append(Path(origin).with_name("version.py"))
    parts = []
    for path in files:
        try:
            st = path.stat()
            parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path.name}:?")
    return ",".join(parts)


def plan_key(raw: bytes, sha256: str | None = None) -> str:
    """The key of a data file's validated plan: its bytes and everything that reads them.
    `sha256`: the bytes' SHA-256 (hex) when the caller has it already (an edit reads the
    file with its digest, and the history entry of a write has the new bytes'), so a large
    plan is not hashed twice."""
    # SHA-256: 1.3 GB/s here (CPUs have SHA instructions), BLAKE2b 0.7 GB/s; see performance.md.
    content = sha256 if sha256 is not None else hashlib.sha256(raw).hexdigest()
    context = (
        f"{content}\0nzcli-cache {FORMAT}; nzcli {__version__}; python {sys.version}; "
        f"{sys.implementation.cache_tag}; {_code_fingerprint()}"
    )
    return hashlib.sha256(context.encode("utf-8", "replace")).hexdigest()


@dataclass
class Trusted:
    """What an edit needs from a valid entry: the plan, its payload and the file's spans."""

    plan: Plan
    payload: bytes
    spans: Spans


class Entry:
    """The cache entry for one data file and one key."""

    def __init__(self, folder: Path, data_path: Path, key: str) -> None:
        self.folder = folder
        self.data_path = data_path
        name = hashlib.blake2b(os.fsencode(os.path.abspath(data_path)), digest_size=16)
        self.path = folder / (name.hexdigest() + _SUFFIX)
        self.key = key

    def _read(self) -> tuple[dict[str, Any], bytes] | None:
        if not usable_folder(self.folder):
            return None
        handle = _open_entry(self.path)
        if handle is None:
            return None
        with handle:
            header = json.loads(handle.readline(_MAX_HEADER))
            if header.get("key") != self.key:
                return None
            payload = handle.read(MAX_ENTRY_BYTES)
        if len(payload) != header["length"] or _digest(payload) != header["digest"]:
            return None
        return header, payload

    def load(self) -> Plan | None:
        """The cached plan, or None (no entry, another key, not the user's, unreadable or
        corrupt)."""
        try:
            got = self._read()
            return plan_from_data(parse_json(got[1])) if got is not None else None
        except Exception:  # a missing, foreign or corrupt entry is a miss
            return None

    def load_trusted(self) -> Trusted | None:
        """The cached plan with its payload and the file's spans, or None. The plan's actions
        are made from the payload as they are read (`storage.payload`)."""
        try:
            got = self._read()
            if got is None or got[0].get("spans") is None:
                return None
            header, payload = got
            from .payload import trusted_plan

            spans = Spans.from_json(header["spans"])
            return Trusted(trusted_plan(payload, len(spans.actions)), payload, spans)
        except Exception:
            return None

    def save(self, plan: Plan, spans: Spans | None = None, payload: bytes | None = None) -> None:
        """Write the entry atomically; any failure leaves the cache as it was."""
        try:
            if payload is None:
                payload = encode_payload(plan)
            header = {
                "format": FORMAT,
                "key": self.key,
                "length": len(payload),
                "digest": _digest(payload),
                "data": os.path.abspath(self.data_path),
                "nzcli": __version__,
                "spans": spans.to_json() if spans is not None else None,
            }
            line = json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii")
            if not usable_folder(self.folder):
                return
            with contextlib.suppress(OSError):
                if not _private(os.lstat(self.path), folder=False):
                    self.path.unlink()  # not the user's own: replaced by one that is
            atomic_write(self.path, (line, b"\n", payload), durable=False, new_mode=0o600)
            _prune(self.folder, keep=self.path)
        except Exception:  # read-only folder, full disk, ...: run uncached
            return

    def replaced(self, key: str) -> Entry:
        """The entry for the same data file holding other bytes."""
        other = Entry(self.folder, self.data_path, key)
        return other


def encode_payload(plan: Plan) -> bytes:
    """The plan as JSON (equal to `plan_json`'s but for whitespace), one action a line: line
    0 is everything before the actions, line 1 + i is action i (with its comma), the last
    line closes the list."""
    head = plan_json(dataclasses.replace(plan, actions=[]))
    if not head.endswith(b"[]}"):  # pragma: no cover - the records' field order
        raise ValueError("the plan's JSON does not end with its actions")
    parts = [head[:-2] + b"\n"]
    for action in records_json(plan.actions):
        parts += (action, b",\n")
    if len(parts) > 1:
        parts.pop()
    parts.append(b"\n]}")
    return b"".join(parts)  # (copied once: a large plan's payload is 60 MB)


def record_json(record: Any) -> bytes:
    """One record's JSON as `plan_json` writes it inside a plan (it takes any plan record)."""
    return plan_json(record)


def replace_actions(payload: bytes, actions: Mapping[int, bytes], count: int) -> bytes:
    """`payload` (from `encode_payload`) with the JSON of some actions replaced: the lines are
    found with `bytes.find`, and the payload is copied once (a large plan's is 60 MB)."""
    if payload.count(b"\n") != count + 1 + (count == 0):
        raise ValueError("the payload does not hold one action a line")
    out: list[bytes] = []
    done = 0  # payload copied up to here
    at = 0  # start of line `line`
    line = 0
    for index in sorted(actions):
        while line < 1 + index:
            at = payload.index(b"\n", at) + 1
            line += 1
        end = payload.index(b"\n", at)
        out += (payload[done:at], actions[index] + (b"," if index < count - 1 else b""))
        done = end
    out.append(payload[done:])
    return b"".join(out)


def entry_for(
    data_path: Path, raw: bytes, env: Mapping[str, str], sha256: str | None = None
) -> Entry | None:
    """The cache entry for `data_path` holding `raw` (whose SHA-256 is `sha256`, when the
    caller has it), or None when caching is off."""
    try:
        folder = cache_dir(env)
        if folder is None:
            return None
        return Entry(folder, data_path, plan_key(raw, sha256))
    except Exception:
        return None


#: Payloads from this size up are parsed with pydantic-core's JSON parser: twice as quick as
#: the standard library's on a large plan (0.4 s against 0.85 s for 100,000 actions), which
#: pays for importing it (about 20 ms) many times over; smaller ones are not worth it.
LARGE_PAYLOAD = 4 * 2**20


def parse_json(payload: bytes) -> Any:
    """A cache payload's JSON values (the same whichever parser reads them)."""
    if len(payload) >= LARGE_PAYLOAD:
        from pydantic_core import from_json

        # Interning keys only: 25% quicker than interning every short string, ~1% more memory.
        return from_json(payload, cache_strings="keys")
    return json.loads(payload)


def _digest(payload: bytes) -> str:
    """A check against damage (not tampering: the cache folder is the user's own)."""
    import zlib

    return f"crc32:{zlib.crc32(payload):08x}"


def _is_ours(path: Path) -> bool:
    """An entry nzcli wrote: its name, the user's own regular file, nzcli's header."""
    if not _ENTRY_NAME.fullmatch(path.name):
        return False
    handle = _open_entry(path)
    if handle is None:
        return False
    with handle:
        return bool(handle.read(len(_HEADER_START)) == _HEADER_START)


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest `MAX_ENTRIES` of nzcli's entries (and no stale temporary files of its
    own); nothing else in the folder is touched."""
    from .files import remove_stale_temporaries

    entries: list[tuple[float, Path]] = []
    for child in folder.iterdir():
        with contextlib.suppress(OSError):
            if child.name.endswith(_SUFFIX) and child != keep and _is_ours(child):
                entries.append((child.stat().st_mtime, child))
                remove_stale_temporaries(child, older_than=3600)
    remove_stale_temporaries(keep, older_than=3600)
    entries.sort(reverse=True)
    for _, old in entries[MAX_ENTRIES - 1 :]:
        with contextlib.suppress(OSError):
            old.unlink()
