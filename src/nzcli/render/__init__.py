"""Output formats: one renderer module per format, registered in `FORMATS`.

A renderer is a module with `render(doc: Document, style: Style) -> str | bytes`; it never
prints. `render()` is the one place a format's renderer is chosen, and `format_for()` the one
place a format is chosen from `--format` and `--output`. To add a format, write its module
and add one `_register` line below (docs/contributing.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nzcli.errors import OptionError
from nzcli.safety import escape_controls

from .cells import human, machine, stage_label
from .document import (
    LABEL,
    LIST,
    NUMBER,
    OBJECTIVES,
    RAG,
    REF,
    STAGE,
    TEXT,
    Bars,
    Block,
    Column,
    Contents,
    Document,
    Grid,
    Heading,
    Lines,
    Notice,
    PageBreak,
    Paragraph,
    Sheet,
    Trend,
)


@dataclass(frozen=True)
class Style:
    """How to render for where the output goes: colour, width, spreadsheet-safe CSV, and
    the Word template a .docx is made on (`--template`; None for nzcli's own)."""

    color: bool = False
    width: int = 100
    excel: bool = False
    template: Path | None = None


@dataclass(frozen=True)
class Format:
    """A registered output format: its name, the module that renders it, the file name
    endings that choose it, and whether it is bytes (a zip container) rather than text."""

    name: str
    module: str
    extensions: tuple[str, ...] = ()
    binary: bool = False
    #: Renders to a folder of files (name -> bytes), written into --output, which it needs.
    folder: bool = False


FORMATS: dict[str, Format] = {}


def _register(
    name: str, module: str, *extensions: str, binary: bool = False, folder: bool = False
) -> None:
    FORMATS[name] = Format(name, f"{__name__}.{module}", extensions, binary, folder)


_register("table", "table", ".txt")
_register("text", "text")
_register("md", "markdown", ".md", ".markdown")
_register("csv", "csv", ".csv")
_register("json", "json", ".json")
_register("ndjson", "ndjson", ".ndjson", ".jsonl")
_register("yaml", "yaml", ".yaml", ".yml")
_register("html", "html", ".html", ".htm")
_register("datapackage", "datapackage", folder=True)
_register("sqlite", "sqlite", ".sqlite", ".sqlite3", ".db", binary=True)
_register("docx", "docx", ".docx", binary=True)
_register("xlsx", "xlsx", ".xlsx", binary=True)

#: Other names people give formats.
ALIASES = {
    "markdown": "md",
    "text": "table",
    "yml": "yaml",
    "htm": "html",
    "jsonl": "ndjson",
    "jsonlines": "ndjson",
}


def format_for(fmt: str | None, output: str | None, allowed: Sequence[str]) -> str:
    """The format to write: --format, else the --output file name's ending, else the first
    of `allowed` (the command's default). UsageError when it is not one of `allowed`."""
    if fmt is None and output is not None:
        dot = output.rfind(".")
        suffix = output[dot:].casefold() if dot > output.replace("\\", "/").rfind("/") else ""
        fmt = next((f.name for f in FORMATS.values() if suffix and suffix in f.extensions), None)
        if fmt is None:
            raise OptionError(
                f"cannot tell the format from {output!r}; add --format ({', '.join(allowed)})",
                "--output",
            )
    name = (fmt or allowed[0]).casefold()
    if name not in allowed:
        name = ALIASES.get(name, name)
    if name not in allowed:
        raise OptionError(
            f"{name!r} is not available here; use one of {', '.join(allowed)}", "--format"
        )
    return name


#: What a renderer returns: text, bytes, or (a folder format) files by name.
Rendered = str | bytes | dict[str, bytes]


def render(doc: Document, fmt: str, style: Style | None = None) -> Rendered:
    """The one place a renderer is chosen."""
    module = importlib.import_module(FORMATS[fmt].module)
    out: Rendered = module.render(doc, style or Style())
    return out


__all__ = [
    "FORMATS",
    "LABEL",
    "LIST",
    "NUMBER",
    "OBJECTIVES",
    "RAG",
    "REF",
    "STAGE",
    "TEXT",
    "Bars",
    "Block",
    "Column",
    "Contents",
    "Document",
    "Format",
    "Grid",
    "Heading",
    "Lines",
    "Notice",
    "PageBreak",
    "Paragraph",
    "Rendered",
    "Sheet",
    "Style",
    "Trend",
    "escape_controls",
    "format_for",
    "human",
    "machine",
    "render",
    "stage_label",
]
