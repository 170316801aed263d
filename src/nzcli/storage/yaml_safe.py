"""The safe YAML reader: plain data from a plan file, refusing what a plan never needs.

`parse_yaml` parses with ruamel.yaml's safe (C) parser, keeps the node tree so any problem
can be reported as `path:line:col`, refuses tags, anchors and aliases, deep nesting and
runaway size, and builds plain Python data from the nodes. `dump_yaml` writes plain data
back as block-style YAML.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nzcli.errors import DataError

from .files import read_text

#: Deepest nesting a plan file may have (a real plan needs about 6).
MAX_DEPTH = 64
#: Most YAML nodes a file may hold before it is refused (a 100,000-action plan has ~4M).
MAX_NODES = 20_000_000

#: Where a value sits in a plan's data: ("actions", 3, "rag").
Loc = tuple[str | int, ...]


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
