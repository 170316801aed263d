"""Whole-plan documents: `nzcli export` (JSON, YAML) and `nzcli schema` (the JSON Schema)."""

from __future__ import annotations

from typing import Any

from nzcli.model import Plan, plan_data
from nzcli.render import Document

#: Version of the `nzcli export --format json` document. Bump on any incompatible change.
EXPORT_FORMAT_VERSION = 1


def export_view(plan: Plan, *, yaml: bool = False) -> Document:
    """The plan, keys exactly as in the YAML file (every key present): as JSON with a
    `format_version`, and with `yaml`, as YAML text of the plain data too."""
    data = plan_data(plan)
    text = None
    if yaml:
        from nzcli.storage.yaml_safe import dump_yaml

        text = dump_yaml(data)
    return Document(
        blocks=[],
        json={"format_version": EXPORT_FORMAT_VERSION, **data},
        records=data["actions"],
        yaml=text,
        title=plan.plan.title,
    )


def schema_view() -> Document:
    """The JSON Schema of the data file, for editors that validate YAML."""
    from nzcli.schema import Plan as PlanRules

    document: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "nzcli plan file (data/actions.yaml)",
        **PlanRules.model_json_schema(),
    }
    return Document(blocks=[], json=document, title="nzcli schema")
