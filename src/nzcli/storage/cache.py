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

An entry is one header line (JSON: key, payload length and digest) and the validated plan as
JSON (`nzcli.model.plan_json`). It is written atomically (temporary file and rename) and only
after the plan passed every check, so loading it makes the records directly, with
`nzcli.model.plan_from_data` (the step every validated plan goes through), without
validating again and without importing pydantic or ruamel.yaml.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from nzcli.model import Plan, plan_from_data, plan_json
from nzcli.version import __version__

from .files import TEMP_SUFFIX, atomic_write

#: Environment variable naming the cache folder.
CACHE_DIR_ENV = "NZCLI_CACHE_DIR"
#: Environment variable that turns the cache off when set to 1 (or true/yes).
NO_CACHE_ENV = "NZCLI_NO_CACHE"
#: Bump when the entry layout changes.
FORMAT = 2
#: Most entries kept in the cache folder (the oldest written are removed first).
MAX_ENTRIES = 16
#: Longest header line read from an entry.
_MAX_HEADER = 4096
_SUFFIX = ".plan.json"


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
    files = [here.parent / name for name in ("model.py", "schema.py", "vocab.py")]
    files += [here / name for name in ("yaml_safe.py", "validate.py", "cache.py")]
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


def plan_key(raw: bytes) -> str:
    """The key of a data file's validated plan: its bytes and everything that reads them."""
    # SHA-256: 1.3 GB/s here (CPUs have SHA instructions), BLAKE2b 0.7 GB/s; see performance.md.
    digest = hashlib.sha256(raw)
    context = (
        f"\0nzcli-cache {FORMAT}; nzcli {__version__}; python {sys.version}; "
        f"{sys.implementation.cache_tag}; {_code_fingerprint()}"
    )
    digest.update(context.encode("utf-8", "replace"))
    return digest.hexdigest()


class Entry:
    """The cache entry for one data file and one key."""

    def __init__(self, folder: Path, data_path: Path, key: str) -> None:
        self.folder = folder
        name = hashlib.blake2b(os.fsencode(os.path.abspath(data_path)), digest_size=16)
        self.path = folder / (name.hexdigest() + _SUFFIX)
        self.key = key

    def load(self) -> Plan | None:
        """The cached plan, or None (no entry, another key, unreadable or corrupt)."""
        try:
            with open(self.path, "rb") as handle:
                header = json.loads(handle.readline(_MAX_HEADER))
                if header.get("key") != self.key:
                    return None
                payload = handle.read()
            if len(payload) != header["length"] or _digest(payload) != header["digest"]:
                return None
            return plan_from_data(parse_json(payload))
        except Exception:  # a missing, foreign or corrupt entry is a miss
            return None

    def save(self, plan: Plan) -> None:
        """Write the entry atomically; any failure leaves the cache as it was."""
        try:
            payload = plan_json(plan)
            header = {
                "format": FORMAT,
                "key": self.key,
                "length": len(payload),
                "digest": _digest(payload),
                "data": os.path.abspath(plan.source_path or ""),
                "nzcli": __version__,
            }
            line = json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n"
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, line + payload, durable=False)
            _prune(self.folder, keep=self.path)
        except Exception:  # read-only folder, full disk, ...: run uncached
            return


def entry_for(data_path: Path, raw: bytes, env: Mapping[str, str]) -> Entry | None:
    """The cache entry for `data_path` holding `raw`, or None when caching is off."""
    try:
        folder = cache_dir(env)
        if folder is None:
            return None
        return Entry(folder, data_path, plan_key(raw))
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


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest `MAX_ENTRIES` entries (and no stale temporary files)."""
    entries: list[tuple[float, Path]] = []
    for child in folder.iterdir():
        name = child.name
        with contextlib.suppress(OSError):
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                if child.stat().st_mtime < time.time() - 3600:
                    child.unlink()
            elif name.endswith(_SUFFIX) and child != keep:
                entries.append((child.stat().st_mtime, child))
    entries.sort(reverse=True)
    for _, old in entries[MAX_ENTRIES - 1 :]:
        with contextlib.suppress(OSError):
            old.unlink()
