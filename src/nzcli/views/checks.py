"""`nzcli check` as a Document: one line per problem and a summary line, or its JSON."""

from __future__ import annotations

from nzcli.check import CheckResult
from nzcli.render import Document, Lines

#: Version of the `nzcli check --format json` document. Bump on any incompatible change.
CHECK_FORMAT_VERSION = 1


def check_view(result: CheckResult, strict: bool) -> Document:
    lines = [p.render() for p in result.problems]
    lines.append(result.summary())
    return Document(
        blocks=[Lines(lines)],
        json={
            "format_version": CHECK_FORMAT_VERSION,
            "path": result.path,
            "actions": result.actions,
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "ok": not result.failed(strict),
            "problems": [p.as_dict() for p in result.problems],
        },
        title="nzcli check",
    )
