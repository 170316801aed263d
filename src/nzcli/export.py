"""Whole-plan export: JSON (the scripting contract) and YAML."""

from __future__ import annotations

import json
from typing import Any

from .model import Plan
from .model import plan_data as _plan_data

#: Version of the `nzcli export --format json` document. Bump on any incompatible change.
EXPORT_FORMAT_VERSION = 1


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as plain data, keys exactly as in the YAML file (every key always present)."""
    return _plan_data(plan)


def export_json(plan: Plan) -> str:
    document = {"format_version": EXPORT_FORMAT_VERSION, **plan_data(plan)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def export_yaml(plan: Plan) -> str:
    from .store import dump_yaml

    return dump_yaml(plan_data(plan))
