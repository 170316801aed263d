"""Cell text shared by the human formats: a value as a person reads it, or as CSV writes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nzcli.model import format_number

from .document import LABEL, LIST, NUMBER, OBJECTIVES, RAG, STAGE, TEXT


def human(value: Any, kind: str) -> str:
    """A value as a person reads it (tables, Markdown, HTML)."""
    if kind == RAG:
        return str(value).capitalize() if value else "Not rated"
    if value is None:
        return ""
    if kind == STAGE:
        return stage_label(str(value))
    if kind == OBJECTIVES:
        return "All" if value == "all" else ", ".join(str(v) for v in value)
    if kind == NUMBER:
        return format_number(value)
    if kind == LABEL:
        return str(value).capitalize()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


#: Marks a list's key among the values `human_column` has worked out.
_LIST = object()


def human_column(values: Sequence[Any], kind: str) -> list[str]:
    """`[human(v, kind) for v in values]`, a column at a time: text as it is, and each
    distinct code, stage, RAG or number worked out once."""
    if kind == TEXT:
        return [v if type(v) is str else human(v, kind) for v in values]
    if kind == LIST:
        return [
            "; ".join([str(v) for v in value]) if type(value) is list else human(value, kind)
            for value in values
        ]
    out: list[str] = []
    known: dict[Any, str] = {}
    for value in values:
        if value is None or type(value) is str or type(value) is int:
            shown = known.get(value)
            if shown is None:
                shown = known[value] = human(value, kind)
        elif type(value) is list and all(type(v) is int or type(v) is str for v in value):
            key = (_LIST, *value)  # (objectives: a few lists, many times)
            shown = known.get(key)
            if shown is None:
                shown = known[key] = human(value, kind)
        else:
            shown = human(value, kind)
        out.append(shown)
    return out


def stage_label(value: str) -> str:
    """ "design" -> "Design"; "A: delivery; B: design" -> "A: Delivery; B: Design"."""
    parts = []
    for part in value.split("; "):
        scheme, sep, stage = part.rpartition(": ")
        parts.append(f"{scheme}{sep}{stage.capitalize()}")
    return "; ".join(parts)


def machine(value: Any) -> str:
    """A value as CSV writes it: lists joined with "; ", numbers plain, null empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return format_number(value)
    return str(value)
