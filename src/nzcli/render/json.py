"""JSON renderer: stable keys, UTF-8, null for unknown, newline at the end."""

from __future__ import annotations

import json
from typing import Any

from . import Style
from .document import Document


def render_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def render(doc: Document, style: Style) -> str:
    return render_json(doc.json)
