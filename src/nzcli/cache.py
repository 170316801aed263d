"""A cache of validated plans, so that repeated commands skip YAML parsing and validation.

Where: $NZCLI_CACHE_DIR, else ``%LOCALAPPDATA%\\nzcli\\Cache`` on Windows, else
``$XDG_CACHE_HOME/nzcli``, else ``~/.cache/nzcli``; never next to the data file.
``NZCLI_NO_CACHE=1`` turns it off. Any failure to read or write the cache (a read-only
folder, a full disk, a corrupt entry) is ignored: nzcli then simply parses the file.

Never stale: an entry is used only when its key matches, and the key is a hash
(SHA-256) of the data file's bytes together with the nzcli, Python and pydantic versions and a
fingerprint of the code that validates a plan. Editing the file, even twice in one second and
keeping its size, changes the key. An entry is named after the data file's absolute path, so
editing a file replaces its entry rather than adding one; at most `MAX_ENTRIES` are kept.

An entry is one header line (JSON: key, payload length and digest) and the validated plan as
JSON (``model_dump_json(exclude_unset=True)``). It is written atomically (temporary file and
rename) and only after the plan passed every check, so loading it rebuilds the models directly,
without validating again: `fast_builder` turns the JSON values back into models, enums and
all, which is several times faster than ``Plan.model_validate_json`` on a large plan. Before
an entry is written, the rebuilt plan is compared with the validated one, type for type; if
they differ (a model feature the builder does not know), the entry says so and is loaded
with ``model_validate_json`` instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
import types
import typing
from collections.abc import Callable, Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import __version__
from .model import Plan

#: Environment variable naming the cache folder.
CACHE_DIR_ENV = "NZCLI_CACHE_DIR"
#: Environment variable that turns the cache off when set to 1 (or true/yes).
NO_CACHE_ENV = "NZCLI_NO_CACHE"
#: Bump when the entry layout changes.
FORMAT = 1
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
    """Size and mtime of the modules that decide what a valid plan is (for development)."""
    here = Path(__file__).parent
    parts = []
    for name in ("model.py", "store.py", "cache.py"):
        try:
            st = (here / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:?")
    return ",".join(parts)


def plan_key(raw: bytes) -> str:
    """The key of a data file's validated plan: its bytes and everything that reads them."""
    from pydantic.version import VERSION as PYDANTIC_VERSION

    # SHA-256: 1.3 GB/s here (CPUs have SHA instructions), BLAKE2b 0.7 GB/s; see performance.md.
    digest = hashlib.sha256(raw)
    context = (
        f"\0nzcli-cache {FORMAT}; nzcli {__version__}; python {sys.version}; "
        f"{sys.implementation.cache_tag}; pydantic {PYDANTIC_VERSION}; {_code_fingerprint()}"
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
            return _rebuild(payload, fast=header.get("mode") == "fast")
        except Exception:  # a missing, foreign or corrupt entry is a miss
            return None

    def save(self, plan: Plan) -> None:
        """Write the entry atomically; any failure leaves the cache as it was."""
        try:
            payload = plan.model_dump_json(exclude_unset=True).encode("utf-8")
            try:
                rebuilt = _rebuild(payload, fast=True)
                rebuilt._source = plan._source
                faithful = same(rebuilt, plan)
            except Exception:
                faithful = False
            header = {
                "format": FORMAT,
                "key": self.key,
                "mode": "fast" if faithful else "validate",
                "length": len(payload),
                "digest": _digest(payload),
                "data": os.path.abspath(plan.source_path or ""),
                "nzcli": __version__,
            }
            line = json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n"
            self.folder.mkdir(parents=True, exist_ok=True)
            _atomic_write(self.path, line + payload)
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


def _rebuild(payload: bytes, *, fast: bool) -> Plan:
    if not fast:
        return Plan.model_validate_json(payload)
    from pydantic_core import from_json

    # Interning only the keys: 25% quicker than interning every short string, ~1% more memory.
    return typing.cast(Plan, fast_builder(Plan)(from_json(payload, cache_strings="keys")))


def _digest(payload: bytes) -> str:
    """A check against damage (not tampering: the cache folder is the user's own)."""
    import zlib

    return f"crc32:{zlib.crc32(payload):08x}"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX + ".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest `MAX_ENTRIES` entries (and no stale temporary files)."""
    entries: list[tuple[float, Path]] = []
    for child in folder.iterdir():
        name = child.name
        with contextlib.suppress(OSError):
            if name.startswith(".tmp-") and name.endswith(".part"):
                if child.stat().st_mtime < time.time() - 3600:
                    child.unlink()
            elif name.endswith(_SUFFIX) and child != keep:
                entries.append((child.stat().st_mtime, child))
    entries.sort(reverse=True)
    for _, old in entries[MAX_ENTRIES - 1 :]:
        with contextlib.suppress(OSError):
            old.unlink()


# ---------------------------------------------------------------------------------------------
# Rebuilding models from validated JSON values, without validating again

Convert = Callable[[Any], Any]


class Unsupported(TypeError):
    """A field type the fast builder cannot rebuild; such entries use model_validate_json."""


_BUILDERS: dict[type[BaseModel], Convert] = {}
_object_setattr = object.__setattr__


def fast_builder(cls: type[BaseModel]) -> Convert:
    """A function turning `cls`'s ``model_dump(mode="json", exclude_unset=True)`` back into
    an equal instance of `cls` (fields set, enums, nested models and defaults included)."""
    built = _BUILDERS.get(cls)
    if built is None:
        try:
            built = _BUILDERS[cls] = _model_builder(cls)
        except BaseException:
            _BUILDERS.pop(cls, None)
            raise
    return built


def _model_builder(cls: type[BaseModel]) -> Convert:
    if cls.model_config.get("extra") == "allow" or getattr(cls, "__pydantic_root_model__", False):
        raise Unsupported(f"{cls.__name__}: extra='allow' and root models are not supported")
    _BUILDERS[cls] = lambda data: build(data)  # the name, for recursive models
    converts: list[tuple[str, Convert]] = []  # fields whose JSON value needs converting
    template: dict[str, Any] = {}  # every field, in order, with its default where it is simple
    required: set[str] = set()
    factories: list[tuple[str, Callable[[dict[str, Any]], Any]]] = []
    for name, info in cls.model_fields.items():
        if info.alias not in (None, name) or info.validation_alias not in (None, name):
            raise Unsupported(f"{cls.__name__}.{name}: aliases are not supported")
        convert = _converter(_without_none(info.annotation))
        if convert is not None:
            converts.append((name, convert))
        template[name] = None
        if info.is_required():
            required.add(name)
        elif info.default_factory is None and isinstance(info.default, _IMMUTABLE):
            template[name] = info.default
        else:
            factories.append((name, _default_maker(info)))
    names = frozenset(template)
    count = len(template)

    post_init = bool(getattr(cls, "__pydantic_post_init__", None))
    new = cls.__new__
    set_fields_set, set_extra, set_private = (
        vars(BaseModel)[slot].__set__
        for slot in ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    )

    def build(data: Any) -> Any:
        if type(data) is not dict:
            raise TypeError(f"{cls.__name__}: expected an object")
        if len(data) == count and data.keys() == names:
            values = data  # every field, in field order (as written): converted in place
        else:  # every field, in field order, defaults filled in
            values = template.copy()
            values.update(data)
            if len(values) != count or not required.issubset(data):
                unknown, missing = sorted(set(data) - names), sorted(required - set(data))
                raise TypeError(f"{cls.__name__}: unknown keys {unknown}, missing {missing}")
            for name, factory in factories:
                if name not in data:
                    values[name] = factory(values)
        for name, convert in converts:
            value = values[name]
            if value is not None:
                values[name] = convert(value)
        model = new(cls)  # then what model_construct() sets, the quickest way
        _object_setattr(model, "__dict__", values)
        set_fields_set(model, set(data))
        set_extra(model, None)
        set_private(model, None)
        if post_init:
            model.model_post_init(None)
        return model

    return build


_IMMUTABLE = (str, int, float, bool, type(None), Enum, tuple, frozenset)


def _default_maker(info: Any) -> Callable[[dict[str, Any]], Any]:
    def make(values: dict[str, Any]) -> Any:
        return info.get_default(call_default_factory=True, validated_data=values)

    return make


def _without_none(tp: Any) -> Any:
    """`X | None` -> X (the builder never converts None); anything else as it is."""
    if typing.get_origin(tp) is typing.Annotated:
        return _without_none(typing.get_args(tp)[0])
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(tp) if m is not type(None)]
        if len(members) == 1:
            return members[0]
    return tp


_IDENTITY = (str, int, float, bool, type(None), typing.Any)


def _kind(tp: Any) -> str:
    """The JSON kind a (non-None) union member is written as."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _kind(typing.get_args(tp)[0])
    if origin is typing.Literal:
        kinds = {_kind(type(v)) for v in typing.get_args(tp)}
        if len(kinds) != 1:
            raise Unsupported(f"mixed literal {tp!r}")
        return kinds.pop()
    if origin in (list, tuple, set, frozenset) or tp in (list, tuple):
        return "array"
    if origin is dict or tp is dict:
        return "object"
    if isinstance(tp, type):
        if issubclass(tp, BaseModel):
            return "object"
        if issubclass(tp, bool):
            return "bool"
        if issubclass(tp, str):  # str and str-valued enums
            return "string"
        if issubclass(tp, (int, float)):
            return "number"
    raise Unsupported(f"cannot tell how {tp!r} is written")


def _json_kind(value: Any) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"unexpected JSON value {value!r}")


def _converter(tp: Any) -> Convert | None:
    """How to turn a JSON value of type `tp` back into its Python value; None: as it is."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _converter(typing.get_args(tp)[0])
    if tp in _IDENTITY or origin is typing.Literal:
        if origin is typing.Literal and not all(
            type(v) in (str, int, bool) for v in typing.get_args(tp)
        ):
            raise Unsupported(f"literal {tp!r}")
        return None
    if origin in (typing.Union, types.UnionType):
        return _union_converter(tp)
    if origin is list:
        (item,) = typing.get_args(tp) or (typing.Any,)
        convert = _converter(item)
        if convert is None:
            return None
        return lambda value: [convert(v) for v in value]
    if origin is dict:
        key_type, value_type = typing.get_args(tp) or (typing.Any, typing.Any)
        convert_key, convert_value = _converter(key_type), _converter(value_type)
        if convert_key is None and convert_value is None:
            return None
        if convert_key is None and convert_value is not None:
            values_only = convert_value
            return lambda value: {k: values_only(v) for k, v in value.items()}
        ck = convert_key or _same_value
        cv = convert_value or _same_value
        return lambda value: {ck(k): cv(v) for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, Enum):
        members = dict(tp._value2member_map_)
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in members):
            raise Unsupported(f"enum {tp.__name__} with non-JSON values")
        return members.__getitem__
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return fast_builder(tp)
    raise Unsupported(f"field type {tp!r}")


def _same_value(value: Any) -> Any:
    return value


def _union_converter(tp: Any) -> Convert | None:
    members = [m for m in typing.get_args(tp) if m is not type(None)]
    converts = [_converter(m) for m in members]
    if all(c is None for c in converts):
        return None
    if len(members) == 1:
        only = converts[0]
        assert only is not None
        return lambda value: None if value is None else only(value)
    by_kind: dict[str, Convert | None] = {}
    for member, convert in zip(members, converts, strict=True):
        kind = _kind(member)
        if kind in by_kind:
            raise Unsupported(f"union {tp!r}: two members written as JSON {kind}")
        by_kind[kind] = convert

    def convert_union(value: Any) -> Any:
        if value is None:
            return None
        convert = by_kind[_json_kind(value)]
        return value if convert is None else convert(value)

    return convert_union


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (a str is not a str enum here), with
    model fields in the same order and the same fields set."""
    stack: list[tuple[Any, Any]] = [(a, b)]
    push = stack.append
    while stack:
        x, y = stack.pop()
        kind = type(x)
        if kind is not type(y):
            return False
        if isinstance(x, BaseModel):
            fields = kind.model_fields
            mine, theirs = x.__dict__, y.__dict__
            # the order model_dump writes the fields in (cached properties live in __dict__ too)
            if [n for n in mine if n in fields] != [n for n in theirs if n in fields]:
                return False
            if x.__pydantic_fields_set__ != y.__pydantic_fields_set__:
                return False
            push((x.__pydantic_private__, y.__pydantic_private__))
            push((x.__pydantic_extra__, y.__pydantic_extra__))
            pairs: Any = ((mine[n], theirs[n]) for n in fields)
        elif isinstance(x, dict):
            if len(x) != len(y):
                return False
            pairs = zip(x.items(), y.items(), strict=True)  # keys too, in order
        elif isinstance(x, (list, tuple)):
            if len(x) != len(y):
                return False
            pairs = zip(x, y, strict=True)
        else:
            if x != y:
                return False
            continue
        for u, v in pairs:  # leaves here, containers and models on the stack
            if type(u) is not type(v):
                return False
            if type(u) in _LEAVES:
                if u != v:
                    return False
            else:
                push((u, v))
    return True


_LEAVES = frozenset({str, int, float, bool, type(None)})
