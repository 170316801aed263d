"""YAML renderer: a document's YAML text (the plan, for `export`), else its JSON value as
block-style YAML."""

from __future__ import annotations

from nzcli.storage.yaml_safe import dump_yaml

from . import Style
from .document import Document


def render(doc: Document, style: Style) -> str:
    return doc.yaml if doc.yaml is not None else dump_yaml(doc.json)
