"""nzcli: query and report on a local authority's climate action plan.

The Python API (docs/api.md)::

    import nzcli
    plan = nzcli.load_plan()                       # a file, $NZCLI_DATA, or the shipped plan
    red = plan.filter(theme="transport", rag="red")  # what `nzcli list` would list
    t17 = plan.action("T17")
    t17.update_for(plan.latest_period).stages      # [Stage.DELIVERY, Stage.DESIGN, ...]
    rows = plan.to_records()                       # `nzcli list --format json`'s rows
    frame = plan.to_dataframe()                    # the same as a pandas DataFrame

Everything here is imported on first use, so `nzcli --help` pays for none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = [
    "Action",
    "DataError",
    "MissingFile",
    "NotFound",
    "NzcliError",
    "Partner",
    "Period",
    "Plan",
    "PlanInfo",
    "Rag",
    "Role",
    "SchemeStage",
    "Stage",
    "Theme",
    "Update",
    "UsageError",
    "__version__",
    "load_plan",
]

if TYPE_CHECKING:
    from .api import load_plan
    from .errors import DataError, MissingFile, NotFound, NzcliError, UsageError
    from .model import (
        Action,
        Partner,
        Period,
        Plan,
        PlanInfo,
        Rag,
        Role,
        SchemeStage,
        Stage,
        Theme,
        Update,
    )

_MODEL = (
    "Action",
    "Partner",
    "Period",
    "Plan",
    "PlanInfo",
    "Rag",
    "Role",
    "SchemeStage",
    "Stage",
    "Theme",
    "Update",
)
_ERRORS = ("DataError", "MissingFile", "NotFound", "NzcliError", "UsageError")


def __getattr__(name: str) -> Any:
    # Imported on first use, so `nzcli --help` pays for none of it.
    if name == "load_plan":
        from .api import load_plan

        return load_plan
    if name in _MODEL:
        from . import model

        return getattr(model, name)
    if name in _ERRORS:
        from . import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'nzcli' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
