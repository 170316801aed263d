"""JSON and NDJSON renderers: stable keys, UTF-8, null for unknown, newline at the end.

Both refuse numbers JSON cannot hold (inf, nan: `allow_nan=False`), and neither carries a
raw control character: JSON escapes C0 controls itself, and `nzcli.safety.escape_controls`
writes DEL, C1, bidi controls and U+2028/2029 as `\\uXXXX` escapes, so a reader gets the
data's own text back and no terminal or page that shows the bytes acts on it.
"""

from __future__ import annotations

import json
from typing import Any

from nzcli.errors import DataError
from nzcli.safety import escape_controls

from . import Style
from .document import Document


def _dumps(value: Any, indent: int | None) -> str:
    try:
        text = json.dumps(
            value,
            indent=indent,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ": ") if indent is not None else (",", ":"),
        )
    except ValueError as exc:
        if "JSON compliant" not in str(exc):
            raise
        raise DataError(
            None,
            "a number in the data is infinite or not a number, which JSON cannot hold; "
            "run `nzcli check` and correct the data file",
        ) from None
    return escape_controls(text, form="json")


def render_json(value: Any) -> str:
    """`value` as indented JSON text, ending in a newline."""
    return _dumps(value, 2) + "\n"


def render_ndjson(records: list[dict[str, Any]], version: int) -> str:
    """One compact JSON object a line, each starting with `"format_version": version`."""
    return "".join(_dumps({"format_version": version, **r}, None) + "\n" for r in records)


def render(doc: Document, style: Style) -> str:
    return render_json(doc.json)
