"""JSON renderer: stable keys, UTF-8, null for unknown, newline at the end."""

from __future__ import annotations

import json
from typing import Any


def render_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
