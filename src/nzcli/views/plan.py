"""The whole-plan document of `nzcli export` (JSON, NDJSON, YAML). `nzcli schema` is
`nzcli.views.schemas.schema_view`."""

from __future__ import annotations

from nzcli.model import Plan
from nzcli.records import plan_data
from nzcli.render import Document

#: Version of the `nzcli export --format json` document. Bump on any incompatible change.
EXPORT_FORMAT_VERSION = 1


def export_view(plan: Plan, *, text: str | None = None) -> Document:
    """`nzcli export`: the plan, keys exactly as in the YAML file (every key present), as
    JSON with a `format_version` and as NDJSON records (its actions); for YAML, `text`, the
    data file's own text (comments and layout kept, no keys added), else the plain data as
    block YAML."""
    data = plan_data(plan)
    if text is None:
        from nzcli.storage.yaml_safe import dump_yaml

        text = dump_yaml(data)
    return Document(
        blocks=[],
        json={"format_version": EXPORT_FORMAT_VERSION, **data},
        records=data["actions"],
        yaml=text,
        title=plan.plan.title,
    )
