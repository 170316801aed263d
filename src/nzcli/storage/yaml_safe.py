"""The safe YAML reader: plain data from a plan file, refusing what a plan never needs.

`parse_yaml` reads a plan file's text in three steps, each bounded before the next begins:

1. `prescan`: a few passes of `str.count` and targeted regular expressions that bound, from
   the text alone, how deeply the file can nest and how many YAML nodes it can hold, and flag
   the characters that could start a tag, an anchor, an alias, a directive or a complex key.
   A file that could hold more than `MAX_NODES` nodes is refused here, before it is parsed.
2. When the prescan cannot rule them out, `scan_events` (both in `yaml_scan`): libyaml's
   event stream (iterative: no recursion, memory bounded by the depth), which refuses tags,
   anchors and aliases, nesting deeper than `MAX_DEPTH` and syntax errors, each with its
   line, and notes repeated keys. Only then is anything composed: ruamel.yaml's C composer
   recurses once per level and would crash on a file of deeply nested brackets.
3. The data: by the optimistic route, yaml-rs (a parser in Rust) builds the plain values
   directly, without positions; by the positioned route (`route="positioned"`, and for the
   rare files whose text the optimistic route does not take: explicit tags, tabs, NEL or
   U+2028/2029 line breaks, complex keys, several documents), ruamel.yaml's C composer keeps
   the node tree so that every problem can be reported as `path:line:col`. Both give the
   same values (a hypothesis test holds them to it); positions for the optimistic route are
   found afterwards, only for the problems there are (`Document.locate`).

`dump_yaml` writes plain data back as block-style YAML.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nzcli.errors import DataError

from .files import read_text
from .yaml_scan import (
    _SAFE_TAG_URIS,
    MAX_DEPTH,
    MAX_NODES,
    Scan,
    _marked_error,
    _one_line,
    locate_by_events,
    prescan,
    scan_events,
    user_position,
)

__all__ = ["MAX_DEPTH", "MAX_NODES", "Document", "parse_yaml", "prescan", "scan_events"]

#: Where a value sits in a plan's data: ("actions", 3, "rag").
Loc = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed data file: plain data, and the means to find where any value of it is (the
    YAML node tree of the positioned route; the optimistic route's `locator`)."""

    path: str
    text: str
    data: Any
    root: Any = field(repr=False, default=None)
    #: (line, column, key) of each repeated mapping key, found while parsing.
    duplicate_keys: list[tuple[int, int, str]] = field(default_factory=list)
    #: For a document without a node tree: (line, column) of a location, found on demand.
    locator: Callable[[Loc], tuple[int | None, int | None]] | None = field(
        repr=False, default=None
    )

    def locate(self, loc: Loc) -> tuple[int | None, int | None]:
        """1-based (line, column) of the node at `loc`, or of its nearest existing parent."""
        if self.root is None:
            return self.locator(loc) if self.locator is not None else (None, None)
        return locate_in(self.root, loc, self.text)


def locate_in(root: Any, loc: Loc, text: str = "") -> tuple[int, int]:
    """1-based (line, column) of the node at `loc` in a node tree (see `Document.locate`)."""
    node = root
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
    return user_position(text, mark)


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


# ---------------------------------------------------------------------------------------------
# 3. The data, by either route


def parse_yaml(text: str, path: str, *, route: str = "auto") -> Document:
    """Parse YAML text safely into a Document. Raises DataError on any problem.

    `route`: "auto" (the optimistic route when it can be taken, see the module's docstring)
    or "positioned" (always the node tree). Both give the same data and the same errors."""
    if not text.strip():
        raise DataError(path, "the file is empty; expected a plan (plan, periods, themes, actions)")
    checks = prescan(text)
    if checks.nodes > MAX_NODES:
        raise DataError(
            path,
            f"the file is too large: it could hold {checks.nodes:,} YAML nodes by its "
            f"separators, and nzcli reads at most {MAX_NODES:,}",
        )
    scan = scan_events(text, path) if checks.deep or checks.properties else None
    careful = checks.exotic or (scan is not None and (scan.tags or scan.complex_keys))
    if route == "auto" and not careful:
        doc = _optimistic(text, path, scan)
        if doc is not None:
            return _top_level(doc)
    if scan is None and checks.exotic:
        scan = scan_events(text, path)  # (the positioned route's composer may not see it)
    return _top_level(_positioned(text, path))


def _top_level(doc: Document) -> Document:
    data = doc.data
    if not isinstance(data, dict):
        kinds: dict[type, str] = {list: "a list", str: "a string"}
        kind = kinds.get(type(data), type(data).__name__)
        raise DataError(
            doc.path,
            f"the top level must be a mapping (plan, periods, themes, actions), not {kind}",
            1,
            1,
        )
    return doc


def _optimistic(text: str, path: str, scan: Scan | None) -> Document | None:
    """The plain data by yaml-rs, or None when it does not take the text (the positioned
    route then reads it, and reports what is wrong with it)."""
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - yaml-rs has no build for this platform
        return None
    policy = yaml_rs.DuplicateKeyPolicy
    limits = yaml_rs.AliasLimits(
        max_alias_expansions_per_anchor=0, max_total_replayed_events=0, max_replay_stack_depth=0
    )
    try:
        data = yaml_rs.loads(
            text,
            parse_datetime=False,
            alias_limits=limits,
            duplicate_key_policy=policy.LastWins if scan and scan.duplicates else policy.Error,
        )
    except Exception:  # a syntax error, a repeated key, a number too long ...
        if scan is None:
            scan = scan_events(text, path)  # raises what the positioned route would
            if scan.duplicates and not (scan.tags or scan.complex_keys):
                return _optimistic(text, path, scan)
        return None
    if type(data) is not dict:
        return None  # not a plan (or several documents: yaml-rs gives a list); the positioned
        # route says which, in its own words
    doc = Document(path=path, text=text, data=data, duplicate_keys=scan.duplicates if scan else [])
    from .spans import Locator

    doc.locator = Locator(doc, _locate_fragment)
    return doc


#: Largest text located by composing its node tree (about 150 bytes of memory per byte);
#: larger text is located by walking its events, in memory bounded by its depth.
MAX_COMPOSED_LOCATE = 4 * 2**20


def _locate_fragment(fragment: str, loc: Loc) -> tuple[int, int] | None:
    """(line, column) of `loc` in a plan or a fragment of one, as the positioned route finds
    it (by its node tree while small, else by its events)."""
    try:
        if len(fragment) <= MAX_COMPOSED_LOCATE:
            return locate_in(_positioned(fragment, "<fragment>").root, loc, fragment)
        return locate_by_events(fragment, loc)
    except DataError:
        return None


def _positioned(text: str, path: str) -> Document:
    """The node tree (ruamel.yaml's C composer) and the data built from it. Only for text
    whose depth is known to be bounded (by `prescan` or `scan_events`)."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = _safe_yaml()
    try:
        constructor, parser = yaml.get_constructor_parser(io.StringIO(text))
        try:
            root = parser.get_single_node()
            if root is None:
                raise DataError(path, "the file holds no YAML document")
            duplicates = _guard_nodes(root, path, text)
            data = build_data(root, constructor, path, text)
        finally:
            with contextlib.suppress(Exception):
                parser.dispose()
    except DataError:
        raise
    except MarkedYAMLError as exc:
        raise _marked_error(exc, path, text) from None
    except RecursionError:
        raise DataError(
            path, f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)"
        ) from None
    except YAMLError as exc:
        raise DataError(path, f"YAML error: {_one_line(str(exc))}") from None
    return Document(path=path, text=text, data=data, root=root, duplicate_keys=duplicates)


def _guard_nodes(root: Any, path: str, text: str = "") -> list[tuple[int, int, str]]:
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
                *user_position(text, node.start_mark),
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
                *user_position(text, node.start_mark),
            )
        value = node.value
        if isinstance(value, list):
            if id(node) in seen:
                raise DataError(
                    path,
                    "YAML anchors and aliases (&, *) are not allowed; write each value out in full",
                    *user_position(text, node.start_mark),
                )
            seen.add(id(node))
            if value and isinstance(value[0], tuple):
                keys: set[str] = set()
                for key_node, _ in value:
                    key = str(key_node.value)
                    if key in keys:
                        duplicates.append((*user_position(text, key_node.start_mark), key))
                    keys.add(key)
            for item in value:
                if isinstance(item, tuple):
                    stack.append((item[0], depth + 1))
                    stack.append((item[1], depth + 1))
                else:
                    stack.append((item, depth + 1))
    duplicates.sort()
    return duplicates


_MAP, _SEQ, _STR, _NULL, _BOOL, _INT, _FLOAT = (
    f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "null", "bool", "int", "float")
)
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+\Z")


def _big_int(digits: str) -> int:
    """int(digits), however many digits (Python refuses more than 4,300 by default; yaml-rs
    reads them all): both routes give the same number, and the rules refuse it if too big."""
    try:
        return int(digits)
    except ValueError:
        import sys

        limit = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        try:
            return int(digits)
        finally:
            sys.set_int_max_str_digits(limit)


def build_data(root: Any, constructor: Any, path: str, text: str = "") -> Any:
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
                    raise DataError(
                        path,
                        "a mapping key must be a plain value, not a list or mapping",
                        *user_position(text, key_node.start_mark),
                    ) from None
            return out
        if suffix == _SEQ:
            return [build(item) for item in node.value]
        if suffix == _NULL:
            return None
        if suffix == _BOOL:
            return node.value.lower() == "true"
        if suffix == _INT and _DECIMAL.match(node.value):
            return _big_int(node.value)
        if suffix == _FLOAT and _PLAIN_FLOAT.match(node.value):
            return float(node.value)
        return constructor.construct_object(node, deep=True)  # 0x1F, 1_000, .inf, 1e3 …

    return build(root)


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
