"""SQLite renderer: the plan's tables in one database file, with their primary and foreign
keys, typed columns and NOT NULL where a value is required, ready for datasette or any BI
tool. The same data, in the same order, gives the same bytes."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from . import Style
from .document import Document, Table

_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_statement(table: Table) -> str:
    """The CREATE TABLE statement of a table."""
    lines = []
    for f in table.fields:
        line = f"  {_quote(f.name)} {_TYPES.get(f.type, 'TEXT')}"
        if f.required:
            line += " NOT NULL"
        if f.enum is not None:
            allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in f.enum)
            line += f" CHECK ({_quote(f.name)} IN ({allowed}))"
        lines.append(line)
    lines.append(f"  PRIMARY KEY ({', '.join(map(_quote, table.primary_key))})")
    for own, other, theirs in table.foreign_keys:
        lines.append(
            f"  FOREIGN KEY ({', '.join(map(_quote, own))}) "
            f"REFERENCES {_quote(other)} ({', '.join(map(_quote, theirs))})"
        )
    return f"CREATE TABLE {_quote(table.name)} (\n" + ",\n".join(lines) + "\n)"


def _fill(connection: sqlite3.Connection, tables: list[Table]) -> None:
    connection.execute("PRAGMA foreign_keys = ON")
    with connection:
        for table in tables:
            connection.execute(create_statement(table))
            names = [f.name for f in table.fields]
            connection.executemany(
                f"INSERT INTO {_quote(table.name)} VALUES ({', '.join('?' * len(names))})",
                ([row.get(n) for n in names] for row in table.rows),
            )
    connection.execute("VACUUM")


def render(doc: Document, style: Style) -> bytes:
    if doc.tables is None:
        raise AssertionError("this document has no tables for SQLite")
    if hasattr(sqlite3.Connection, "serialize"):  # Python 3.11+: all in memory
        connection = sqlite3.connect(":memory:")
        try:
            _fill(connection, doc.tables)
            return bytes(connection.serialize())  # type: ignore[attr-defined,unused-ignore]
        finally:
            connection.close()
    fd, name = tempfile.mkstemp(prefix="nzcli-", suffix=".sqlite")  # pragma: no cover
    os.close(fd)
    path = Path(name)
    try:
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            _fill(connection, doc.tables)
        finally:
            connection.close()
        return path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
