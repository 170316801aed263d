"""The prescan reads the text's UTF-8 bytes (`storage.yaml_scan.prescan`): it must give
exactly what the text-based prescan it replaced gave, for any text. The reference below is
that implementation, kept as it was (regular expressions and `str` searches over the text)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED
from nzcli.storage import yaml_scan

# ---- the reference: the text-based prescan, as it was --------------------------------------


def _reference_ends_in_empty_block(text: str) -> bool:
    tail = text[-yaml_scan._TAIL :].rstrip()
    if not tail:
        return len(text) >= yaml_scan._TAIL
    return yaml_scan._LAST_BLOCK_HEADER.search(tail) is not None

#: Most nesting the prescan lets through without asking `scan_events`: block nesting is at
#: most the leading run of spaces and indicators plus a few, flow nesting at most the number
#: of brackets that open a non-empty collection.
_SAFE_INDENT = yaml_scan.MAX_DEPTH // 2 - 4
_SAFE_OPENERS = yaml_scan.MAX_DEPTH // 2
_DEEP_INDENT = re.compile(rf"^[ \t?:-]{{{_SAFE_INDENT + 1}}}", re.M)
#: What may stand before a node property (a tag, an anchor, an alias) or a complex key's `?`:
#: the start of a line, whitespace or a flow indicator. Text such as "R&D" or "Act now!" has
#: none; "Food & Drink" neither (an anchor's name cannot start with a space).
_BEFORE_PROPERTY = frozenset(" \t\r\n[{,:")
_BEFORE_QUESTION = frozenset(" \t\r\n[{,")
_NOT_A_NAME = frozenset(" \t\r\n]},")


#: Characters libyaml's reader refuses (yaml-rs takes them): the positioned route refuses them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


#: What could be a YAML timestamp (2024-06-30): ruamel.yaml types it, and nzcli refuses that
#: tag, so such a file is read by the positioned route.
_TIMESTAMP = re.compile("[0-9]{4}-[0-9][0-9]?-[0-9]")


def _occurs(text: str, char: str, before: frozenset[str], after: Callable[[str], bool]) -> bool:
    """True when `char` occurs after one of `before` (or first) and before a character for
    which `after` holds (or last): one `str.find` per occurrence of `char`."""
    at = text.find(char)
    while at != -1:
        if (at == 0 or text[at - 1] in before) and after(text[at + 1 : at + 2]):
            return True
        at = text.find(char, at + 1)
    return False


def _has_properties(text: str) -> bool:
    """Could the text hold a tag, anchor, alias, directive, document marker or complex key?"""
    if _occurs(text, "!", _BEFORE_PROPERTY, lambda _next: True):
        return True
    for char in "&*":
        if _occurs(text, char, _BEFORE_PROPERTY, lambda nxt: nxt not in _NOT_A_NAME):
            return True
    if _occurs(text, "?", _BEFORE_QUESTION, lambda nxt: nxt in ("", " ", "\t", "\r", "\n")):
        return True
    if text.startswith(("%", "---", "...")) or any(
        marker in text for marker in ("\n%", "\n---", "\n...")
    ):
        return True
    # a flow collection as a mapping key: `[a, b]: c`
    for close in "]}":
        at = text.find(close)
        while at != -1:
            rest = text[at + 1 : at + 40].lstrip(" \t")
            if rest.startswith(":") and rest[1:2] in ("", " ", "\t", "\r", "\n"):
                return True
            at = text.find(close, at + 1)
    return False


def reference_prescan(text: str) -> yaml_scan.Prescan:
    """Bounds from the text alone: a few passes of `str.count` and `str.find` over it."""
    count = text.count
    openers = count("[") + count("{") - count("[]") - count("{}")
    # Every node but the root is a mapping key or value (an entry needs ':', '?', ',' or '{')
    # or a sequence item (after '-', '[' or ',').
    nodes = 1 + 2 * (count(":") + count("?") + count(",") + count("{")) + count("-") + count("[")
    deep = openers > _SAFE_OPENERS or "\n" + " " * (_SAFE_INDENT + 1) in text
    if not deep and any(run in text for run in ("- -", "-\t", "? ", "?\t", "\t", ": -")):
        deep = _DEEP_INDENT.search(text) is not None  # indicators mixed into an indentation
    exotic = (
        any(char in text for char in "\t\x85\u2028\u2029\ufeff")
        or _UNPRINTABLE.search(text) is not None
        or _TIMESTAMP.search(text) is not None
        or _reference_ends_in_empty_block(text)
    )
    return yaml_scan.Prescan(nodes, deep, _has_properties(text), exotic)




# ---- the property ---------------------------------------------------------------------------

#: Characters that matter to the prescan (YAML indicators, line breaks, digits and dashes of
#: timestamps, the exotic and unprintable characters, non-ASCII letters), so that random text
#: hits every branch.
_ALPHABET = st.sampled_from(
    [
        *" \t\r\n-:?,[]{}!&*%.|>#'\"0123456789aZ",
        *("\x00", "\x07", "\x0b", "\x1f", "\x7f", "\x84", "\x85", "\x86", "\x9f", "\xa0"),
        *("\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ud800", "\udfff", "—", "£"),
        *("é", "\U0001f600", "\u0100"),
    ]
)
_PIECES = st.sampled_from(
    ["2024-06-30", "2023-1-5", "2023-12", "- - x", ": -", "? ", "&a", "*b", "!!str", "[a]: b",
     "{x: 1}: 2", "\n---\n", "\n...", "%YAML", "\n" + " " * 29, " " * 40, "|", ">-\n",
     " |2+ # note", "\n|-", ": >", "-|", "x|"]
)
texts = st.lists(st.one_of(_ALPHABET, _PIECES), max_size=80).map("".join)


@settings(max_examples=2000)
@given(texts)
@example("2024-06-30")
@example("x: 1999-1-1")
@example("a\u2028b")
@example("caf\xe9 \x85")
@example("lone \ud800 surrogate")
@example("[" * 40 + "]" * 40)
@example("-" * 40 + " x")
@example("]" + " " * 38 + ":")
@example("&")
@example("?")
def test_bytes_prescan_gives_what_the_text_prescan_gave(text: str) -> None:
    assert yaml_scan.prescan(text) == reference_prescan(text)


def test_the_shipped_plan_and_its_variants() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    for variant in (text, text.replace("2023-12", "2023-12-01", 1), text + "\n\t", text + "|"):
        assert yaml_scan.prescan(variant) == reference_prescan(variant)


@pytest.mark.parametrize(
    ("text", "exotic"),
    [("a: 2024-06-30\n", True), ("a: '2023-12'\n", False), ("a: b\x07\n", True),
     ("a: caf\xe9\n", False), ("a: \x85\n", True), ("a: \ud800\n", True)],
)
def test_exotic_text_is_found(text: str, exotic: bool) -> None:
    assert yaml_scan.prescan(text).exotic is exotic
