"""nzcli: query and report on a local authority's climate action plan.

The public Python API::

    import nzcli
    plan = nzcli.load_plan()            # --data / $NZCLI_DATA / the shipped plan
    plan.action("T17").updates["2023-12"].stages
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = [
    "Action",
    "DataError",
    "NzcliError",
    "Period",
    "Plan",
    "Rag",
    "Role",
    "Stage",
    "Update",
    "__version__",
    "load_plan",
]

if TYPE_CHECKING:
    from .errors import DataError, NzcliError
    from .model import Action, Period, Plan, Rag, Role, Stage, Update
    from .store import load_plan

_MODEL = ("Action", "Period", "Plan", "Rag", "Role", "Stage", "Update")


def __getattr__(name: str) -> Any:
    # Imported on first use, so `nzcli --help` pays for none of it.
    if name == "load_plan":
        from .store import load_plan

        return load_plan
    if name in _MODEL:
        from . import model

        return getattr(model, name)
    if name in ("DataError", "NzcliError"):
        from . import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'nzcli' has no attribute {name!r}")
