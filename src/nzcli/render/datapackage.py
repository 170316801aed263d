"""Frictionless Data Package renderer: a folder of CSV files and the `datapackage.json` that
describes them (a Tabular Data Package: each table's fields, types, primary and foreign
keys, and each file's size and SHA-256, so a torn or edited copy is detectable).

It renders to files (name -> bytes); `nzcli.cli.run` writes them into the --output folder,
the descriptor last. The CSV files are written as `nzcli list --format csv` writes CSV
(UTF-8, RFC 4180 quoting, control characters escaped; no spreadsheet defusing, which would
change the data); an empty cell is a missing value.
"""

from __future__ import annotations

import hashlib
from typing import Any

from . import Style
from .csv import render_csv
from .document import NUMBER, Column, Document, Grid, Table
from .json import render_json

DESCRIPTOR = "datapackage.json"


def table_csv(table: Table) -> bytes:
    columns = [
        Column(f.name, f.name, NUMBER if f.type in ("integer", "number") else "text")
        for f in table.fields
    ]
    return render_csv(Grid(columns, table.rows)).encode("utf-8")


def _schema(table: Table) -> dict[str, Any]:
    fields = []
    for f in table.fields:
        entry: dict[str, Any] = {"name": f.name, "type": f.type}
        if f.description:
            entry["description"] = f.description
        constraints: dict[str, Any] = {}
        if f.required:
            constraints["required"] = True
        if f.enum is not None:
            constraints["enum"] = list(f.enum)
        if f.pattern is not None:
            constraints["pattern"] = f.pattern.removeprefix("^").removesuffix("$")
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
    schema: dict[str, Any] = {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": table.primary_key,
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": own, "reference": {"resource": other, "fields": theirs}}
            for own, other, theirs in table.foreign_keys
        ]
    return schema


def render(doc: Document, style: Style) -> dict[str, bytes]:
    if doc.tables is None:
        raise AssertionError("this document has no tables for a data package")
    package = doc.meta["package"]
    files: dict[str, bytes] = {}
    resources = []
    for table in doc.tables:
        path = f"{table.name}.csv"
        data = table_csv(table)
        files[path] = data
        resources.append(
            {
                "name": table.name,
                "path": path,
                "profile": "tabular-data-resource",
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": _schema(table),
            }
        )
    descriptor: dict[str, Any] = {
        "format_version": package["format_version"],
        "profile": "tabular-data-package",
        "name": package["name"],
        "title": package["title"],
        "description": f"{package['title']}, {package['organisation']}: exported by nzcli.",
    }
    if package["source"]:
        descriptor["sources"] = [{"title": package["source"]}]
    if package["contact"]:
        descriptor["contributors"] = [{"title": package["contact"], "role": "contact"}]
    descriptor["resources"] = resources
    files[DESCRIPTOR] = render_json(descriptor).encode("utf-8")  # last: written last
    return files
