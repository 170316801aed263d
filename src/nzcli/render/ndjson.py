"""NDJSON renderer: one record a line (an action, for `list` and `export`), each a compact
JSON object that starts with the document's `format_version`, for streaming into other
tools. The same rules as JSON: no inf or nan, no raw control characters."""

from __future__ import annotations

from . import Style
from .document import Document
from .json import render_ndjson


def render(doc: Document, style: Style) -> str:
    if doc.records is None:
        raise AssertionError("this document has no records for NDJSON")
    return render_ndjson(doc.records, doc.json["format_version"])
